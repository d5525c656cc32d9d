// SPDX-License-Identifier: Apache-2.0
/**
 * Where a graph's time goes, per operator type, by onnxruntime's own profiler (issue 15: int8 on VNNI).
 * Builds the released configuration's `frame_encoder` (synthetic weights) in each precision named,
 * runs it with onnxruntime-node CPU (memory 'balanced', the runtime's default) and prints, per
 * precision, the kernel time per operator type (median run), the top nodes and the run's wall time.
 *
 *   npx tsx --conditions @taptr/source src/profile-ops.ts --precisions fp32,int8:u8u8,int8:u8s8 --runs 5 --threads 2 [--top 12]
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { applyTaptrPrecision, buildTaptrGraphs, isTaptrPrecision, RELEASED_CONFIG, syntheticStateDict, type TaptrPrecision } from '@taptr/model';
import { int8WeightsForCpu, memorySessionOptions } from '@taptr/runtime-node';
import * as ort from 'onnxruntime-node';
import { sampleStats, timeRoundRobin } from './sample-stats.js';

interface ProfileEvent {
  readonly cat: string;
  readonly name: string;
  readonly ts: number;
  readonly dur: number;
  readonly args?: { readonly op_name?: string };
}

const { values } = parseArgs({
  options: {
    precisions: { type: 'string', default: 'fp32,int8' },
    runs: { type: 'string', default: '3' },
    threads: { type: 'string', default: '2' },
    top: { type: 'string', default: '12' },
  },
});
// Items: fp32, fp16-weights, int8 (the weight type this CPU suits), int8:u8u8 or int8:u8s8 (forced).
const precisions = values.precisions.split(',');
const variantOf = (item: string): { precision: TaptrPrecision; int8Weights: 'uint8' | 'int8' } => {
  const [precision, weights] = item.split(':');
  if (!isTaptrPrecision(precision) || (weights !== undefined && weights !== 'u8u8' && weights !== 'u8s8')) throw new Error(`--precisions: unknown '${item}'`);
  return { precision, int8Weights: weights === undefined ? int8WeightsForCpu() : weights === 'u8s8' ? 'int8' : 'uint8' };
};
const runs = Number(values.runs);
const threads = Number(values.threads);
const top = Number(values.top);

const fp32 = buildTaptrGraphs(syntheticStateDict(RELEASED_CONFIG), RELEASED_CONFIG);
const R = RELEASED_CONFIG.resolution;
const image = new Float32Array(3 * R * R);
for (let c = 0; c < 3; c++) for (let i = 0; i < R * R; i++) image[c * R * R + i] = Math.sin((i % R) * 0.05 + c) + Math.cos(Math.floor(i / R) * 0.07);
const dir = mkdtempSync(join(tmpdir(), 'taptr-profile-'));

// Every precision's session alive at once, run round-robin (the same machine load for each), then each profile read.
const base = memorySessionOptions('balanced');
const sessions: ort.InferenceSession[] = [];
for (const [p, item] of precisions.entries()) {
  const { precision, int8Weights } = variantOf(item);
  const model = applyTaptrPrecision(fp32, precision, { int8Weights }).frameEncoder;
  sessions.push(
    await ort.InferenceSession.create(model, {
      ...base,
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
      enableProfiling: true,
      profileFilePrefix: join(dir, `p${p}`),
    }),
  );
}
const runOnce = (session: ort.InferenceSession) => () => session.run({ image: new ort.Tensor('float32', image, [1, 3, R, R]) });
for (const session of sessions) await runOnce(session)(); // warm-up (its profile events are skipped below)
const walls = await timeRoundRobin(sessions.map(runOnce), runs);
// Per-run lists may have holes (an op absent from a run): a hole counts as 0 ms.
const median = (xs: readonly (number | undefined)[]): number => sampleStats(Array.from(xs, (x) => x ?? 0)).median;
for (const [p, item] of precisions.entries()) {
  const { precision, int8Weights } = variantOf(item);
  const session = sessions[p]!;
  session.endProfiling(); // onnxruntime-node writes `<prefix>_<date>.json` and returns nothing
  await session.release();
  const file = join(
    dir,
    readdirSync(dir).find((f) => f.startsWith(`p${p}_`) && f.endsWith('.json'))!,
  );
  const events = JSON.parse(readFileSync(file, 'utf8')) as ProfileEvent[];
  const runsEv = events.filter((e) => e.cat === 'Session' && e.name === 'model_run').sort((a, b) => a.ts - b.ts);
  const perRun = runsEv
    .slice(1)
    .map((run) => events.filter((e) => e.cat === 'Node' && e.name.endsWith('_kernel_time') && e.ts >= run.ts && e.ts <= run.ts + run.dur));
  const byOp = new Map<string, number[]>();
  const byNode = new Map<string, { op: string; us: number[] }>();
  perRun.forEach((nodes, i) => {
    const sums = new Map<string, number>();
    for (const e of nodes) {
      const op = e.args?.op_name ?? '?';
      sums.set(op, (sums.get(op) ?? 0) + e.dur);
      const key = e.name.replace(/_kernel_time$/, '');
      const entry = byNode.get(key) ?? { op, us: [] };
      entry.us[i] = (entry.us[i] ?? 0) + e.dur;
      byNode.set(key, entry);
    }
    for (const [op, us] of sums) {
      const list = byOp.get(op) ?? [];
      list[i] = us;
      byOp.set(op, list);
    }
  });
  const wall = walls[p]!.median;
  const rows = [...byOp].map(([op, us]) => ({ op, ms: median(us) / 1000 })).sort((a, b) => b.ms - a.ms);
  const kernel = rows.reduce((s, r) => s + r.ms, 0);
  console.log(
    `\n== ${precision}${precision === 'int8' ? ` (${int8Weights === 'int8' ? 'u8s8' : 'u8u8'})` : ''}: run ${wall.toFixed(0)} ms (median of ${runs}; ${walls[p]!.min.toFixed(0)}-${walls[p]!.max.toFixed(0)}), kernels ${kernel.toFixed(0)} ms (per-op medians)`,
  );
  for (const r of rows)
    if (r.ms >= 1) console.log(`  ${r.op.padEnd(28)} ${r.ms.toFixed(1).padStart(8)} ms  ${((100 * r.ms) / kernel).toFixed(1).padStart(5)}%`);
  console.log('  top nodes (median ms):');
  for (const [name, n] of [...byNode]
    .map(([k, v]) => [k, { op: v.op, ms: median(v.us) / 1000 }] as const)
    .sort((a, b) => b[1].ms - a[1].ms)
    .slice(0, top))
    console.log(`  ${n.ms.toFixed(1).padStart(8)} ms  ${n.op.padEnd(24)} ${name}`);
}
rmSync(dir, { recursive: true, force: true });
