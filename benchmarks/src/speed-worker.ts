// SPDX-License-Identifier: Apache-2.0
// Child-process entry of one speed case (see run-speed-case-process.ts): its own process so that
// its peak RSS is its own. Argument: the SpeedCaseSpec as JSON. Sends { result } or { error } to the
// parent over IPC; progress goes to stderr.
import { runSpeedCase, type SpeedCaseSpec } from './speed-case.js';

const spec = JSON.parse(process.argv[2] ?? '{}') as SpeedCaseSpec;
const send = (message: unknown): Promise<void> => new Promise((resolve) => (process.send ? process.send(message, () => resolve()) : resolve()));
try {
  const result = await runSpeedCase(spec, (m) => process.stderr.write(`[bench]   ${m}\n`));
  await send({ result });
} catch (error) {
  await send({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
}
process.disconnect?.();
