import type { Reporter, TestCase, TestModule, TestSuite } from 'vitest/node';

/** True when the test's suite, one of its parents or its module failed on its own (a hook threw, a load error). */
function underFailedParent(t: TestCase): boolean {
  let p: TestSuite | TestModule = t.parent;
  for (;;) {
    if (p.errors().length > 0) return true;
    if (p.type === 'module') return false;
    p = p.parent;
  }
}

/**
 * Prints one plain closing line, `N passed, N failed, N skipped`, that any CI can read. A test that did not run
 * because its suite's `beforeAll` threw is failed, not skipped; a module that failed to load (no test collected)
 * counts as one failure.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const m of modules) {
      let tests = 0;
      for (const t of m.children.allTests()) {
        tests++;
        const state = t.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed' || underFailedParent(t)) failed++;
        else skipped++;
      }
      if (tests === 0 && (m.state() === 'failed' || m.errors().length > 0)) failed++;
    }
    process.stdout.write(`\n${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
