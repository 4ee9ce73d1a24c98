/**
 * The explorer rendered for a UI test: the App on an in-memory port (memory-port.ts) with the demo plans, and the
 * cleanup after each test. `mountApp` registers the cleanup (call it once per file, at the top level).
 */
import { cleanup, render } from 'ink-testing-library';
import { afterEach, vi } from 'vitest';
import { App } from '../../src/ui/app.js';
import type { EngineFixture, MemoryPort } from './memory-port.js';
import { demoPlans, memoryServices } from './plans.js';

export interface AppOptions {
  readonly columns?: number;
  readonly rows?: number;
  readonly readOnly?: boolean;
  readonly noColor?: boolean;
}

export function mountApp(): (fixture: EngineFixture, port: MemoryPort, opts?: AppOptions) => ReturnType<typeof render> {
  let instance: ReturnType<typeof render> | null = null;
  afterEach(() => {
    instance?.unmount();
    instance = null;
    cleanup();
  });
  return (fixture, port, opts = {}) => {
    instance = render(
      <App
        services={memoryServices(port, demoPlans(fixture))}
        engine={fixture.engine}
        columns={opts.columns ?? 100}
        rows={opts.rows ?? 30}
        readOnly={opts.readOnly ?? false}
        noColor={opts.noColor ?? true}
        onExit={vi.fn()}
      />,
    );
    return instance;
  };
}
