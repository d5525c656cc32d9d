// SPDX-License-Identifier: Apache-2.0
import { isAbsolute, join, relative } from 'node:path';
import { main } from '@taptr/cli';
import { BENCH_MODES, type BenchMode, type BenchOptions } from './bench-options.js';
import { REFERENCE_DIR } from './speed-case.js';

/** Metrics of one video or the mean, tapnet key names (`average_jaccard`, ...), `null` = undefined (NaN). */
export type MetricsRecord = Readonly<Record<string, number | null>>;

/** One `taptr eval` run: one method (model or baseline) in one query mode. */
export interface AccuracyRun {
  /** e.g. `reference model (random weights)` or `stationary baseline`. */
  readonly method: string;
  readonly mode: BenchMode;
  /** Query padding of the protocol (0 for the baseline, which has no model to pad). */
  readonly padQueries: number;
  /** Mean over the videos. */
  readonly mean: MetricsRecord;
  readonly videos: readonly { readonly name: string; readonly frames: number; readonly queries: number; readonly metrics: MetricsRecord }[];
  /** Wall time of the whole evaluation. */
  readonly ms: number;
  /** The `taptr eval` arguments, to reproduce it. */
  readonly command: string;
}

interface EvalDoc {
  mean: MetricsRecord;
  videos: { name: string; frames: number; queries: number; metrics: MetricsRecord }[];
  protocol: { padQueries: number };
}

/** Runs `taptr eval ARGS --json` in this process and returns its JSON document. */
async function taptrEval(args: readonly string[], env: NodeJS.ProcessEnv): Promise<EvalDoc> {
  let stdout = '';
  let stderr = '';
  const code = await main(['eval', ...args, '--json'], {
    stdout: { write: (s: string) => (stdout += s), isTTY: false },
    stderr: { write: (s: string) => (stderr += s), isTTY: false },
    env,
  });
  if (code !== 0) throw new Error(`taptr eval ${args.join(' ')} failed (exit ${code}): ${stderr.trim().split('\n').pop() ?? ''}`);
  return JSON.parse(stdout) as EvalDoc;
}

/**
 * The accuracy part: `taptr eval` (the official TAPTR protocol: 256 x 256, padding, bidirectional
 * strided) on `dataset` with the stationary baseline and the model (default: the bundled reference
 * model, random weights), for every mode of `options`.
 */
export async function runAccuracy(
  dataset: string,
  options: BenchOptions,
  log: (message: string) => void,
  env: NodeJS.ProcessEnv = process.env,
): Promise<AccuracyRun[]> {
  const model =
    options.model !== undefined
      ? ['--model', options.model, ...(options.modelConfig !== undefined ? ['--config', options.modelConfig] : [])]
      : ['--model', join(REFERENCE_DIR, 'checkpoint.pth'), '--config', join(REFERENCE_DIR, 'config.json')];
  const common = options.maxVideos !== undefined ? ['--max-videos', String(options.maxVideos)] : [];
  const methods: { name: string; args: string[]; modes: readonly BenchMode[] }[] = [
    { name: 'stationary baseline', args: ['--baseline', 'stationary'], modes: options.modes },
    {
      name: options.model !== undefined ? `model ${options.model}` : 'reference model (random weights)',
      args: [...model, '--threads', String(options.threads), '--pad-queries', String(options.padQueries)],
      modes: options.modelModes,
    },
  ];
  const runs: AccuracyRun[] = [];
  for (const mode of BENCH_MODES) {
    for (const method of methods.filter((m) => m.modes.includes(mode))) {
      const args = [dataset, '--mode', mode, ...method.args, ...common];
      log(`accuracy: ${method.name}, ${mode}`);
      const start = performance.now();
      const doc = await taptrEval(args, env);
      runs.push({
        method: method.name,
        mode,
        padQueries: method.args.includes('--baseline') ? 0 : doc.protocol.padQueries,
        mean: doc.mean,
        videos: doc.videos.map((v) => ({ name: v.name, frames: v.frames, queries: v.queries, metrics: v.metrics })),
        ms: Math.round(performance.now() - start),
        command: `taptr eval ${args.map((a) => (isAbsolute(a) ? relative(process.cwd(), a) || '.' : a)).join(' ')}`,
      });
    }
  }
  return runs;
}
