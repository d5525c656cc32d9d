// SPDX-License-Identifier: Apache-2.0
import cliProgress from 'cli-progress';
import type { TextOut } from './cli-io.js';

/** A progress bar on stderr (drawn only when stderr is a terminal). */
export interface Progress {
  /** `detail`: a short text shown after the counts (e.g. `2 failed | 3.1 frames/s`). */
  update(value: number, total?: number, detail?: string): void;
  stop(): void;
}

/**
 * Starts a progress bar labelled `label` on `stream`. Nothing is drawn when the stream is not a
 * terminal (pipes, CI logs, tests) or when `enabled` is false.
 * @param unit - `'bytes'` shows MB; otherwise the counts are shown as they are.
 */
export function startProgress(
  stream: TextOut,
  label: string,
  total: number,
  unit: 'bytes' | 'frames' | 'videos' | 'windows' | 'steps' = 'frames',
  enabled = true,
): Progress {
  if (!enabled || stream.isTTY !== true) return { update: () => {}, stop: () => {} };
  const format =
    unit === 'bytes'
      ? `${label} [{bar}] {percentage}% | {valueMB}/{totalMB} MB | {speed} MB/s | ETA {eta_formatted}`
      : `${label} [{bar}] {percentage}% | {value}/{total} ${unit}{detail} | ETA {eta_formatted}`;
  const bar = new cliProgress.SingleBar(
    { format, stream: stream as unknown as NodeJS.WritableStream, hideCursor: true, clearOnComplete: false, etaBuffer: 50, fps: 10 },
    cliProgress.Presets.shades_classic,
  );
  const start = Date.now();
  const mb = (v: number): string => (v / 1e6).toFixed(1);
  let detail = '';
  const payload = (value: number, t: number): Record<string, string> =>
    unit === 'bytes' ? { valueMB: mb(value), totalMB: t > 0 ? mb(t) : '?', speed: mb(value / Math.max(1e-3, (Date.now() - start) / 1000)) } : { detail };
  let currentTotal = Math.max(1, total);
  bar.start(currentTotal, 0, payload(0, total));
  return {
    update(value, newTotal, newDetail) {
      if (newDetail !== undefined) detail = newDetail === '' ? '' : ` | ${newDetail}`;
      if (newTotal !== undefined && newTotal > 0 && newTotal !== currentTotal) {
        currentTotal = newTotal;
        bar.setTotal(newTotal);
      }
      bar.update(value, payload(value, currentTotal));
    },
    stop: () => bar.stop(),
  };
}
