// SPDX-License-Identifier: Apache-2.0
// Benchmark (not a test): which integer kernels pay on this CPU. One layer at a time, shapes of the
// released model at 512x512: the encoder FFN MatMul [21760, 256] x [256, 2048] in fp32 and dynamically
// quantized (u8s8 = int8 weights, u8u8 = uint8 weights, per-channel and per-tensor), and ResNet-50
// convolutions in fp32 vs ConvInteger (uint8, + Cast/Mul/Add). Each op's variants are timed round-robin
// in one process (same load). Prints JSON. Usage:
//   npx tsx --conditions @taptr/source bench/quantize-ops.bench.ts [--runs 5] [--threads 2]
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import * as ort from 'onnxruntime-node';
import { createGraphBuilder, quantizeDynamic, type QuantizeDynamicOptions } from '@taptr/onnx';
import { tensor } from '@taptr/tensor';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}
const runs = arg('runs', 5);
const threads = arg('threads', 2);
const wave = (n: number, s: number): Float32Array => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898) * s);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function compare(
  name: string,
  fp32: Uint8Array,
  variants: Record<string, QuantizeDynamicOptions>,
  feeds: Record<string, ort.Tensor>,
  macs: number,
): Promise<unknown> {
  const models: Record<string, Uint8Array> = { fp32, ...Object.fromEntries(Object.entries(variants).map(([k, o]) => [k, quantizeDynamic(fp32, o).model])) };
  const sessions = await Promise.all(Object.values(models).map((m) => ort.InferenceSession.create(m, { intraOpNumThreads: threads, interOpNumThreads: 1 })));
  const times: number[][] = sessions.map(() => []);
  for (const s of sessions) await s.run(feeds);
  for (let r = 0; r < runs; r++)
    for (const [i, s] of sessions.entries()) {
      const t = performance.now();
      await s.run(feeds);
      times[i]!.push(performance.now() - t);
    }
  await Promise.all(sessions.map((s) => s.release()));
  const base = median(times[0]!);
  return {
    op: name,
    giga_ops: Number(((2 * macs) / 1e9).toFixed(2)),
    results: Object.keys(models).map((k, i) => ({
      variant: k,
      medianMs: Math.round(median(times[i]!) * 10) / 10,
      speedup: Math.round((base / median(times[i]!)) * 100) / 100,
    })),
  };
}

const out: unknown[] = [];
{
  const [S, C, F] = [21760, 256, 2048];
  const g = createGraphBuilder();
  const x = g.input('x', 'float32', [S, C]);
  g.output(
    g.add(g.matMul(x, g.initializer(tensor('float32', [C, F], wave(C * F, 0.05)))), g.initializer(tensor('float32', [F], wave(F, 0.1)))),
    'y',
    'float32',
  );
  const variants = {
    u8s8: { weightType: 'int8' },
    u8u8: { weightType: 'uint8' },
    'u8s8 per-tensor': { weightType: 'int8', perChannel: false },
    'u8u8 per-tensor': { weightType: 'uint8', perChannel: false },
  } as const;
  out.push(
    await compare(`MatMul [${S},${C}]x[${C},${F}] + bias`, g.toModelBytes(), variants, { x: new ort.Tensor('float32', wave(S * C, 1), [S, C]) }, S * C * F),
  );
}
for (const [Ci, Co, k, H, stride] of [
  [64, 64, 3, 128, 1],
  [64, 256, 1, 128, 1],
  [256, 64, 1, 128, 1],
  [128, 128, 3, 64, 1],
  [256, 256, 3, 32, 1],
  [1024, 256, 1, 32, 1],
  [512, 512, 3, 16, 1],
] as const) {
  const g = createGraphBuilder();
  const x = g.input('x', 'float32', [1, Ci, H, H]);
  const p = (k - 1) / 2;
  const conv = g.conv(x, g.initializer(tensor('float32', [Co, Ci, k, k], wave(Co * Ci * k * k, 0.05))), g.initializer(tensor('float32', [Co], wave(Co, 0.1))), {
    pads: [p, p, p, p],
    strides: [stride, stride],
  });
  g.output(g.relu(conv), 'y', 'float32');
  const feeds = { x: new ort.Tensor('float32', wave(Ci * H * H, 1).map(Math.abs), [1, Ci, H, H]) };
  out.push(
    await compare(
      `Conv ${k}x${k} ${Ci}->${Co} at ${H}x${H} + Relu`,
      g.toModelBytes(),
      { 'ConvInteger u8u8': { opTypes: ['Conv'] } },
      feeds,
      (H / stride) ** 2 * Ci * Co * k * k,
    ),
  );
}

const flags = (() => {
  try {
    return /^flags\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.split(/\s+/) ?? [];
  } catch {
    return [];
  }
})();
process.stdout.write(
  `${JSON.stringify(
    {
      bench: 'quantize-ops',
      machine: {
        cpu: cpus()[0]?.model.trim(),
        cores: cpus().length,
        cpuFlags: ['avx2', 'fma', 'avx512f', 'avx512_vnni', 'avx_vnni'].filter((f) => flags.includes(f)),
      },
      runtime: { node: process.version, 'onnxruntime-node': ort.env.versions.common, backend: 'cpu' },
      threads,
      runs,
      loadAverageEnd: loadavg().map((v) => Math.round(v * 100) / 100),
      results: out,
    },
    null,
    1,
  )}\n`,
);
