// SPDX-License-Identifier: Apache-2.0
// Collects the worst error of every conformance case and, when OPS_CONFORMANCE_REPORT names a file,
// appends them there after the suite (used for the closing note; off by default).
import { appendFileSync } from 'node:fs';
import { afterAll } from 'vitest';

export function conformanceReporter(): (line: string) => void {
  const lines: string[] = [];
  const file = process.env.OPS_CONFORMANCE_REPORT;
  if (file) afterAll(() => appendFileSync(file, lines.map((l) => `${l}\n`).join('')));
  return (line) => lines.push(line);
}
