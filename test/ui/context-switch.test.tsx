/**
 * The explorer's docker context picker (`C`) and switching engines, over two in-memory ports: `site-a` fed with the
 * JSON recorded from Docker 26.1.5 (test/fixtures/engine-json), `site-b` with the engine identity of the snapshot
 * recorded from Docker 20.10.24 (test/fixtures/snapshots) and only two of the recorded containers.
 */
import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, test, vi } from 'vitest';
import type { ContextChoice } from '../../src/core/context-picker.js';
import type { EngineInfo } from '../../src/core/model.js';
import { ContextRoot, type EngineSession } from '../../src/ui/context-root.js';
import { snapshot } from '../core/plan/recorded.js';
import { DOWN, ENTER, ESC, lineWith, press, waitForFrame, waitForText } from '../helpers/ink.js';
import { loadFixture, MemoryPort } from '../helpers/memory-port.js';
import { demoPlans, memoryServices } from '../helpers/plans.js';

const fixture = loadFixture();
const CONTEXTS: ContextChoice[] = [
  { name: 'default', host: 'unix:///var/run/docker.sock', description: 'Current DOCKER_HOST based configuration' },
  { name: 'site-a', host: fixture.engine.host, description: '' },
  { name: 'site-b', host: 'ssh://ops@b.example', description: 'the old box' },
];

afterEach(() => cleanup());

function sessionOn(port: MemoryPort, engine: EngineInfo) {
  const close = vi.fn<() => void>();
  return { services: memoryServices(port, demoPlans(fixture)), engine, close } satisfies EngineSession;
}

function setup(open: (name: string, signal: AbortSignal) => Promise<EngineSession>) {
  const portA = new MemoryPort(fixture);
  const a = sessionOn(portA, { ...fixture.engine, context: 'site-a' });
  const openSpy = vi.fn(open);
  const app = render(
    <ContextRoot
      initial={a}
      listContexts={() => CONTEXTS}
      open={openSpy}
      readOnly={false}
      noColor={true}
      onExit={() => {}}
      size={{ columns: 120, rows: 30 }}
    />,
  );
  return { app, a, portA, open: openSpy };
}

function siteB() {
  const portB = new MemoryPort(fixture);
  portB.containers = portB.containers.filter((c) => c.name === 'worker' || c.name === 'scratchpad');
  const engine = { ...snapshot('20.10.24').engine, context: 'site-b', host: 'ssh://ops@b.example' };
  return { portB, b: sessionOn(portB, engine), engine };
}

/** The list's part of the cursor's row (the panes beside it change with the selection). */
const cursorRow = (f: string) =>
  f
    .split('\n')
    .find((l) => l.includes('▸'))
    ?.split('┃')[1] ?? '';

describe('docker contexts in the explorer', () => {
  test('C lists the contexts, the current one marked; esc goes back to the same selection', async () => {
    const { app } = setup(() => Promise.reject(new Error('not used')));
    const { lastFrame, stdin } = app;
    await waitForText(lastFrame, 'site-a · ', 'Engine 26.1.5+dfsg1 (API 1.45) linux/amd64', 'web-1');
    press(stdin, 'j');
    const before = await waitForFrame(lastFrame, (f) => cursorRow(f).includes('web-1'));
    const selected = cursorRow(before);
    press(stdin, 'C');
    const picker = await waitForText(lastFrame, 'Docker contexts', 'the old box');
    expect(picker).toMatch(/▸\* site-a +unix:/);
    expect(lineWith(picker, '  site-b')).toContain('ssh://ops@b.example');
    expect(lineWith(picker, '  default')).toContain('unix:///var/run/docker.sock');
    press(stdin, ESC);
    const back = await waitForFrame(lastFrame, (f) => !f.includes('Docker contexts') && f.includes('web-1'));
    expect(cursorRow(back)).toBe(selected);
  });

  test('enter on another context: its engine in the header, its containers, selection reset, old connection closed', async () => {
    const { portB, b } = siteB();
    const { app, a, portA, open } = setup(async () => b);
    const { lastFrame, stdin } = app;
    await waitForText(lastFrame, 'web-1');
    expect(portA.eventSubscribers).toBe(1);
    press(stdin, 'j');
    await waitForFrame(lastFrame, (f) => cursorRow(f).includes('web-1'));
    press(stdin, 'j');
    await waitForFrame(lastFrame, (f) => cursorRow(f).includes('standalone'));
    press(stdin, 'C');
    await waitForText(lastFrame, 'Docker contexts');
    press(stdin, DOWN, ENTER);
    const frame = await waitForText(lastFrame, 'site-b · ssh://ops@b.example', 'Engine 20.10.24', 'worker');
    expect(open).toHaveBeenCalledTimes(1);
    expect(open.mock.calls[0]?.[0]).toBe('site-b');
    expect(frame).toContain('worker');
    expect(frame).not.toContain('web-1');
    // A fresh explorer: the cursor is on the first container again (it was on the third row).
    expect(cursorRow(frame)).toContain('scratchpad');
    await vi.waitFor(() => expect(a.close).toHaveBeenCalledTimes(1));
    // The old engine's event stream was aborted; the new one listens.
    expect(portA.eventSubscribers).toBe(0);
    await vi.waitFor(() => expect(portB.eventSubscribers).toBe(1));
    expect(b.close).not.toHaveBeenCalled();
  });

  test('a context that cannot be reached: the picker says why, the explorer stays on its engine', async () => {
    const { app, a, portA } = setup(async () => {
      throw new Error('cannot connect to the Docker engine at ssh://ops@b.example');
    });
    const { lastFrame, stdin } = app;
    await waitForText(lastFrame, 'web-1');
    press(stdin, 'C');
    await waitForText(lastFrame, 'Docker contexts');
    press(stdin, DOWN, ENTER);
    await waitForText(lastFrame, 'cannot switch to site-b: cannot connect to the Docker engine');
    press(stdin, ESC);
    const frame = await waitForText(lastFrame, 'site-a · ', 'web-1');
    expect(frame).not.toContain('Docker contexts');
    expect(a.close).not.toHaveBeenCalled();
    expect(portA.eventSubscribers).toBe(1);
  });

  test('enter on the current context just closes the picker (no reconnect)', async () => {
    const { app, open } = setup(() => Promise.reject(new Error('not used')));
    const { lastFrame, stdin } = app;
    await waitForText(lastFrame, 'web-1');
    press(stdin, 'C');
    await waitForText(lastFrame, 'Docker contexts');
    press(stdin, ENTER);
    await waitForFrame(lastFrame, (f) => !f.includes('Docker contexts') && f.includes('web-1'));
    expect(open).not.toHaveBeenCalled();
  });
});
