// SPDX-License-Identifier: Apache-2.0
// Child-process entry of one speed case (see run-speed-case-process.ts): its own process so that
// its peak RSS is its own. Arguments: the SpeedCaseSpec as JSON, the kind (`speed`, `memory-mode`,
// `long-video` or `interleaved`), then the long video's checkpoint lengths as JSON. Sends { result } or
// { error } to the parent over IPC; progress goes to stderr.
import { runInterleavedCase } from './interleaved-variants.js';
import { runLongVideoCase } from './long-video-case.js';
import { runMemoryModeCase, runSpeedCase, type SpeedCaseSpec } from './speed-case.js';

const spec = JSON.parse(process.argv[2] ?? '{}') as SpeedCaseSpec;
const kind = process.argv[3] ?? 'speed';
const extra = JSON.parse(process.argv[4] ?? '[]') as number[];
const send = (message: unknown): Promise<void> => new Promise((resolve) => (process.send ? process.send(message, () => resolve()) : resolve()));
const log = (m: string): void => void process.stderr.write(`[bench]   ${m}\n`);
try {
  const result =
    kind === 'memory-mode'
      ? await runMemoryModeCase(spec, log)
      : kind === 'long-video'
        ? await runLongVideoCase(spec, extra, log)
        : kind === 'interleaved'
          ? await runInterleavedCase(spec, log)
          : await runSpeedCase(spec, log);
  await send({ result });
} catch (error) {
  await send({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
}
process.disconnect?.();
