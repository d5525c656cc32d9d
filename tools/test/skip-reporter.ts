// SPDX-License-Identifier: Apache-2.0
// A vitest reporter that prints one line per skipped test with its reason, so a green run says what
// it did not run. `tools/test/run-tests.ts` collects these lines into the closing summary of `npm test`.
import { relative } from 'node:path';
import type { Reporter, TestCase, TestModule } from 'vitest/node';

/** Prefix of the lines this reporter prints; run-tests.ts greps for it. */
export const SKIP_LINE_PREFIX = 'vitest-skipped:';

/** The reason of a skipped test: its `ctx.skip(note)`, or the `(skipped: ...)` its title carries. */
export function skipReason(testCase: TestCase): string {
  const result = testCase.result();
  const note = result.state === 'skipped' ? result.note : undefined;
  if (note !== undefined && note !== '') return note;
  const inTitle = /\(skipped: (.*)\)\s*$/.exec(testCase.name);
  if (inTitle) return inTitle[1]!;
  const mode = testCase.options.mode;
  return mode === 'todo' ? 'todo' : 'no reason given (use ctx.skip(reason) or put "(skipped: reason)" in the title)';
}

/** Lists every skipped test with its file and reason after the run. */
export default function skipReporter(): Reporter {
  let root = process.cwd();
  return {
    onInit(vitest) {
      root = vitest.config.root;
    },
    onTestRunEnd(testModules: readonly TestModule[]) {
      const lines: string[] = [];
      for (const module of testModules) {
        for (const testCase of module.children.allTests('skipped')) {
          const name = testCase.fullName.replace(/\s*\(skipped: .*\)\s*$/, '');
          lines.push(`${SKIP_LINE_PREFIX} ${relative(root, module.moduleId)} > ${name}: ${skipReason(testCase)}`);
        }
      }
      if (lines.length > 0) process.stdout.write(`${lines.join('\n')}\n`);
    },
  };
}
