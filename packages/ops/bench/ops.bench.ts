// SPDX-License-Identifier: Apache-2.0
// Micro-benchmark of the three forms of @taptr/ops at the released TAPTR sizes (512x512 input: levels
// 128, 64, 32, 16; C = 256; window K = 8 frames; N = 16 / 256 / 800 points). Prints one JSON object per
// line: {machine, form, threads, op, shape, medianMs, runs}.
//   npm run bench                        # every form available (cpu, webgpu, onnx)
//   npm run bench -- --form cpu          # one form; --points 16,800 to choose N; --runs 5
//   npm run bench -- --volume            # also time costVolume 'volume' (O(N·S·C); N = 16 only)
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { createGraphBuilder, type GraphBuilder, type OnnxValue } from '@taptr/onnx';
import { tensor, type TensorView } from '@taptr/tensor';
import * as ort from 'onnxruntime-node';
import { createCpuOps, type CostVolumeMethod, type LevelShape, type OpsBackend, type OpsTensor } from '../src/index.js';
import { bilinearGatherOnnx, costVolumeOnnx, gridSampleOnnx } from '../src/onnx/index.js';
import { createWebGpuOps } from '../src/webgpu/index.js';
import { acquireNodeGpuDevice } from '../test/node-gpu-device.js';

const { values } = parseArgs({
  options: {
    form: { type: 'string', default: 'all' },
    points: { type: 'string', default: '16,256,800' },
    runs: { type: 'string', default: '5' },
    volume: { type: 'boolean', default: false },
  },
});
const POINTS = values.points.split(',').map(Number);
const RUNS = Math.max(1, Number(values.runs));
const C = 256;
const FRAMES = 8;
const LEVELS: LevelShape[] = [128, 64, 32, 16].map((s) => ({ h: s, w: s }));
const S = LEVELS.reduce((s, l) => s + l.h * l.w, 0);
const machine = `${cpus()[0]?.model.trim() ?? 'unknown cpu'} x${cpus().length}`;

let seed = 20240313;
function random(dims: number[], lo = -1, hi = 1): TensorView<'float32'> {
  const t = tensor('float32', dims);
  for (let i = 0; i < t.data.length; i++) {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    t.data[i] = lo + ((hi - lo) * seed) / 2 ** 32;
  }
  return t;
}

async function median(fn: () => Promise<void>, runs: number): Promise<number> {
  await fn(); // warm-up (JIT, pipeline caches, session arenas)
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

/** One timed op of a form: prepares (upload / build a session), then runs. */
interface FormBench {
  readonly name: string;
  readonly threads: number | null;
  prepare(feeds: Record<string, TensorView<'float32'>>, op: Op): Promise<{ run(): Promise<void>; release(): Promise<void> }>;
  dispose(): void;
}

type Op = { kind: 'gridSample' } | { kind: 'bilinearGather' } | { kind: 'costVolume'; method: CostVolumeMethod };

const GRID_ATTRS = { mode: 'bilinear', paddingMode: 'border', alignCorners: true } as const;
const GATHER_ATTRS = { height: 128, width: 128, paddingMode: 'border', pixelScale: [127, 127] } as const;

function backendBench<T extends OpsTensor>(ops: OpsBackend<T>, threads: number | null): FormBench {
  return {
    name: ops.name,
    threads,
    async prepare(feeds, op) {
      const t = Object.fromEntries(Object.entries(feeds).map(([k, v]) => [k, ops.upload(v)])) as Record<string, T>;
      let out: T | undefined;
      const run = async () => {
        if (op.kind === 'gridSample') out = await ops.gridSample(t['input']!, t['grid']!, GRID_ATTRS, out);
        else if (op.kind === 'bilinearGather') out = await ops.bilinearGather(t['table']!, t['positions']!, GATHER_ATTRS, out);
        else out = await ops.costVolume(t['features']!, t['queries']!, t['centers']!, { levels: LEVELS, method: op.method }, out);
        await ops.download(out);
      };
      return { run, release: async () => [...Object.values(t), ...(out ? [out] : [])].forEach((x) => ops.release(x)) };
    },
    dispose: () => ops.dispose(),
  };
}

function onnxBench(threads: number): FormBench {
  return {
    name: 'onnx',
    threads,
    async prepare(feeds, op) {
      const g = createGraphBuilder({ name: 'one_op' });
      const i = Object.fromEntries(Object.entries(feeds).map(([k, v]) => [k, g.input(k, 'float32', v.dims)])) as Record<string, OnnxValue>;
      const emit = (b: GraphBuilder): OnnxValue =>
        op.kind === 'gridSample'
          ? gridSampleOnnx(b, i['input']!, i['grid']!, GRID_ATTRS)
          : op.kind === 'bilinearGather'
            ? bilinearGatherOnnx(b, i['table']!, i['positions']!, { ...GATHER_ATTRS, channels: C })
            : costVolumeOnnx(b, i['features']!, i['queries']!, i['centers']!, { levels: LEVELS, method: op.method, batch: FRAMES, channels: C });
      g.output(emit(g), 'output', 'float32');
      const session = await ort.InferenceSession.create(g.toModelBytes(), { intraOpNumThreads: threads, interOpNumThreads: 1 });
      const ortFeeds = Object.fromEntries(Object.entries(feeds).map(([k, v]) => [k, new ort.Tensor('float32', v.data, [...v.dims])]));
      return {
        run: async () => {
          await session.run(ortFeeds);
        },
        release: () => session.release(),
      };
    },
    dispose: () => {},
  };
}

async function benchForm(form: FormBench, runs: number): Promise<void> {
  const emit = (op: string, shape: Record<string, unknown>, medianMs: number) =>
    process.stdout.write(`${JSON.stringify({ machine, form: form.name, threads: form.threads, op, shape, medianMs: Number(medianMs.toFixed(3)), runs })}\n`);
  const time = async (feeds: Record<string, TensorView<'float32'>>, op: Op) => {
    const prepared = await form.prepare(feeds, op);
    const ms = await median(() => prepared.run(), runs);
    await prepared.release();
    return ms;
  };
  const map = random([1, C, 128, 128]); // gridSample: level 0 of one frame, NCHW
  const table = random([S, C]); // bilinearGather: one frame's memory, token-major
  const features = random([FRAMES, S, C]); // costVolume: one window's memory
  for (const n of POINTS) {
    emit(
      'gridSample',
      { input: [1, C, 128, 128], grid: [1, 1, n, 2], ...GRID_ATTRS },
      await time({ input: map, grid: random([1, 1, n, 2]) }, { kind: 'gridSample' }),
    );
    emit(
      'bilinearGather',
      { table: [S, C], positions: [n, 2], ...GATHER_ATTRS },
      await time({ table, positions: random([n, 2], 0, 1) }, { kind: 'bilinearGather' }),
    );
    const feeds = { features, queries: random([FRAMES, n, LEVELS.length, C + 1]), centers: random([FRAMES, n, 2], -4, 131) };
    for (const method of ['taps', 'volume'] as const) {
      if (method === 'volume' && (!values.volume || n > 16)) continue;
      emit(
        'costVolume',
        { features: [FRAMES, S, C], queries: [FRAMES, n, LEVELS.length, C + 1], levels: LEVELS.map((l) => l.h), method },
        await time(feeds, { kind: 'costVolume', method }),
      );
    }
  }
  form.dispose();
}

const wanted = (name: string) => values.form === 'all' || values.form === name;
if (wanted('cpu')) await benchForm(backendBench(createCpuOps(), 1), RUNS);
if (wanted('onnx')) await benchForm(onnxBench(1), RUNS);
if (wanted('webgpu')) {
  const gpu = await acquireNodeGpuDevice();
  if (gpu.device === undefined) {
    process.stderr.write(`webgpu: skipped, ${gpu.reason}\n`);
  } else {
    process.stderr.write(`webgpu adapter: ${gpu.adapter}\n`);
    await benchForm(backendBench(createWebGpuOps({ device: gpu.device }), null), Math.min(RUNS, 3));
    gpu.device.destroy();
  }
}
