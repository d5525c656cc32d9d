// SPDX-License-Identifier: Apache-2.0
// Micro-benchmark of @taptr/ops at the released TAPTR sizes (512x512 input: levels 128, 64, 32, 16;
// C = 256; window K = 8 frames; N = 16 / 256 / 800 points). Prints one JSON object per line:
// {machine, backend, threads, op, shape, medianMs, runs}.
//   npm run bench                      # every backend available (cpu, webgpu)
//   npm run bench -- --backend cpu     # one backend; --points 16,800 to choose N; --runs 5
//   npm run bench -- --gpu-full        # also time the 'full' method on WebGPU (minutes on SwiftShader)
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { tensor, type TensorView } from '@taptr/tensor';
import { createCpuOps, type OpsBackend, type OpsTensor } from '../src/index.js';
import { acquireNodeGpuDevice } from '../src/testing/index.js';
import { createWebGpuOps } from '../src/webgpu/index.js';

const { values } = parseArgs({
  options: {
    backend: { type: 'string', default: 'all' },
    points: { type: 'string', default: '16,256,800' },
    runs: { type: 'string', default: '5' },
    'gpu-full': { type: 'boolean', default: false },
  },
});
const POINTS = values.points.split(',').map(Number);
const RUNS = Math.max(1, Number(values.runs));
const C = 256;
const FRAMES = 8;
const LEVELS: [number, number][] = [
  [128, 128],
  [64, 64],
  [32, 32],
  [16, 16],
];
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
  await fn(); // warm-up (JIT, pipeline caches)
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

async function benchBackend<T extends OpsTensor>(ops: OpsBackend<T>, threads: number | null, runs: number, full: boolean): Promise<void> {
  const emit = (op: string, shape: Record<string, unknown>, medianMs: number) =>
    process.stdout.write(`${JSON.stringify({ machine, backend: ops.name, threads, op, shape, medianMs: Number(medianMs.toFixed(3)), runs })}\n`);
  // Query-feature sampling (spec section 6): one level-0 map [1, C, 128, 128], N points.
  const map = ops.upload(random([1, C, 128, 128]));
  // Cost volume (spec section 7): one window of 8 frames, 4 levels.
  const features = LEVELS.map(([h, w]) => ops.upload(random([FRAMES, C, h, w])));
  for (const n of POINTS) {
    const grid = ops.upload(random([1, 1, n, 2], -1, 1));
    const out = ops.allocate([1, C, 1, n]);
    const gsMs = await median(async () => {
      await ops.gridSample(map, grid, { mode: 'bilinear', paddingMode: 'border', alignCorners: true }, out);
      await ops.download(out);
    }, runs);
    emit('gridSample', { input: [1, C, 128, 128], grid: [1, 1, n, 2], mode: 'bilinear', paddingMode: 'border', alignCorners: true }, gsMs);
    const queries = ops.upload(random([FRAMES, n, C]));
    const centers = ops.upload(random([FRAMES, n, 2], -4, 131));
    const cv = ops.allocate([FRAMES, n, LEVELS.length * 49]);
    for (const method of ['taps', 'window', 'full'] as const) {
      // The literal full correlation is O(N * sum(h_l w_l) * C) per frame: keep it to small N.
      if (method === 'full' && (!full || n > 16)) continue;
      const ms = await median(async () => {
        await ops.costVolume(features, queries, centers, { radius: 3, method }, cv);
        await ops.download(cv);
      }, method === 'full' ? Math.min(runs, 3) : runs);
      emit('costVolume', { features: LEVELS.map(([h, w]) => [FRAMES, C, h, w]), queries: [FRAMES, n, C], radius: 3, method }, ms);
    }
    for (const t of [grid, out, queries, centers, cv]) ops.release(t);
  }
  for (const t of [map, ...features]) ops.release(t);
  ops.dispose();
}

if (values.backend === 'all' || values.backend === 'cpu') await benchBackend(createCpuOps(), 1, RUNS, true);
if (values.backend === 'all' || values.backend === 'webgpu') {
  const gpu = await acquireNodeGpuDevice();
  if (gpu.device === undefined) {
    process.stderr.write(`webgpu: skipped, ${gpu.reason}\n`);
  } else {
    process.stderr.write(`webgpu adapter: ${gpu.adapter}\n`);
    await benchBackend(createWebGpuOps({ device: gpu.device }), null, Math.min(RUNS, 3), values['gpu-full']);
    gpu.device.destroy();
  }
}
