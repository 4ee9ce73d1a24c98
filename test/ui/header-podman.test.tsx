/**
 * The explorer names Podman as Podman (issue 13): the header of an engine whose identity says Podman reads
 * "Podman 4.3.1 (compat API 1.41)", as the plan does, not "Engine 4.3.1" (which reads as a very old Docker). The
 * port is the in-memory one fed with the JSON recorded from Docker 26.1.5 (test/fixtures/engine-json); the engine
 * identity is the one Debian's Podman 4.3.1 reports (version 4.3.1, compat API 1.41, `Podman Engine` component:
 * test/engine/podman-identity.test.ts reads it from the real service).
 */
import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, test, vi } from 'vitest';
import type { ContextChoice } from '../../src/core/context-picker.js';
import type { EngineInfo } from '../../src/core/model.js';
import { ContextRoot, type EngineSession } from '../../src/ui/context-root.js';
import { DOWN, ENTER, lineWith, press, waitForText } from '../helpers/ink.js';
import { loadFixture, MemoryPort } from '../helpers/memory-port.js';
import { demoPlans, memoryServices } from '../helpers/plans.js';

const fixture = loadFixture();
const podmanEngine: EngineInfo = {
  ...fixture.engine,
  host: 'ssh://ops@pod.example',
  version: '4.3.1',
  apiVersion: '1.41',
  kind: 'podman',
  context: 'pod',
};

afterEach(() => cleanup());

function session(engine: EngineInfo): EngineSession {
  const port = new MemoryPort(fixture);
  return { services: memoryServices(port, demoPlans(fixture)), engine, close: vi.fn<() => void>() };
}

function explorer(initial: EngineSession, contexts: ContextChoice[], open: (name: string) => Promise<EngineSession>) {
  return render(
    <ContextRoot
      initial={initial}
      listContexts={() => contexts}
      open={open}
      readOnly={false}
      noColor={true}
      onExit={() => {}}
      size={{ columns: 120, rows: 30 }}
    />,
  );
}

describe('the explorer header on Podman', () => {
  test('names Podman and its compat API, not an "Engine 4.3.1"', async () => {
    const { lastFrame } = explorer(session(podmanEngine), [], () => Promise.reject(new Error('not used')));
    const frame = await waitForText(lastFrame, 'web-1');
    const header = lineWith(frame, 'lastlook ·');
    expect(header).toContain('pod · ssh://ops@pod.example · Podman 4.3.1 (compat API 1.41) linux/amd64');
    expect(header).not.toContain('Engine 4.3.1');
  });

  test('switching from a Docker context to a Podman one: the header follows the engine kind', async () => {
    const docker = session({ ...fixture.engine, context: 'site-a' });
    const contexts: ContextChoice[] = [
      { name: 'site-a', host: fixture.engine.host, description: '' },
      { name: 'pod', host: podmanEngine.host, description: 'the Podman box' },
    ];
    const { lastFrame, stdin } = explorer(docker, contexts, async () => session(podmanEngine));
    const before = await waitForText(lastFrame, 'web-1');
    expect(lineWith(before, 'lastlook ·')).toContain('Engine 26.1.5+dfsg1 (API 1.45)');
    press(stdin, 'C');
    await waitForText(lastFrame, 'the Podman box');
    press(stdin, DOWN, ENTER);
    const after = await waitForText(lastFrame, 'Podman 4.3.1 (compat API 1.41)', 'web-1');
    expect(lineWith(after, 'lastlook ·')).not.toContain('Engine');
  });
});
