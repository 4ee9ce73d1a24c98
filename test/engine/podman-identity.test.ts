/**
 * Podman's identity in the explorer (issue 13), against the harness's private Podman 4.3.1 service: the engine
 * identity lastlook reads from it (`GET /version` only: this file changes nothing, so it may run beside the Podman
 * oracle, which owns the engine) is Podman's, and the explorer's header built from it names "Podman 4.3.1" with
 * its compat API, as the plan does (test/engine/podman-oracle.test.ts checks the plan's text), not "Engine 4.3.1".
 */
import { render } from 'ink-testing-library';
import { createElement } from 'react';
import { afterAll, describe, expect, inject, test } from 'vitest';
import type { DockerPort } from '../../src/docker/port.js';
import { Header } from '../../src/ui/components/header.js';
import { makeTheme } from '../../src/ui/theme.js';
import { portFor } from '../backup/helpers.js';

const podman = inject('podman');
let port: DockerPort | null = null;

afterAll(() => port?.close?.());

describe('Podman 4.3.1, as the explorer names it', () => {
  test('the header says "Podman <version> (compat API <api>)" for the engine the service reports', async () => {
    port = portFor(podman);
    const engine = await port.engineInfo();
    expect(engine.kind).toBe('podman');
    expect(engine.version).toMatch(/^4\.3\./);
    const app = render(
      createElement(Header, { engine, readOnly: false, columns: 200, theme: makeTheme(true), view: 'containers' }),
    );
    const line = app.lastFrame() ?? '';
    app.unmount();
    expect(line).toContain(`${podman.host} · Podman ${engine.version} (compat API ${engine.apiVersion}) linux/`);
    expect(engine.apiVersion).toBe('1.41');
    expect(line).not.toContain('Engine ');
  });
});
