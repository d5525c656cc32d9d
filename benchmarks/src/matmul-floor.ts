// SPDX-License-Identifier: Apache-2.0
import { createGraphBuilder } from '@taptr/onnx';
import type { RuntimeAdapter } from '@taptr/runtime';
import { tensor } from '@taptr/tensor';
import { type SampleStats, timeRepeated } from './sample-stats.js';

/** Shape of the floor MatMul: the encoder FFN's first Linear at 512 x 512 ([S, C] x [C, F]). */
export const MATMUL_FLOOR_SHAPE: Readonly<{ m: number; k: number; n: number }> = Object.freeze({ m: 21760, k: 256, n: 2048 });

/** Result of {@link measureMatMulFloor}. */
export interface MatMulFloor {
  readonly m: number;
  readonly k: number;
  readonly n: number;
  /** 2·m·k·n. */
  readonly flops: number;
  /** Wall time of one session run (after one warm-up). */
  readonly ms: SampleStats;
  /** flops / median time, in GFLOP/s. */
  readonly gflops: number;
}

/**
 * One ONNX MatMul `a [m, k]` (graph input) x `b [k, n]` (initializer), built with the @taptr/model graph
 * builder, whose output is only the product's first row `y [1, n]` (a Slice): the product stays an
 * intermediate of the session (in its arena after the first run), so a run times the kernel, not
 * onnxruntime-node's copy of a [m, n] output into fresh JS memory (issue 15: 70-90 ms inside
 * onnxruntime vs 550-630 ms seen from JS on a machine with expensive fresh memory).
 */
export function buildMatMulModel(m: number, k: number, n: number): Uint8Array {
  const g = createGraphBuilder({ name: 'matmul_floor' });
  const a = g.input('a', 'float32', [m, k]);
  const b = g.initializer(
    tensor(
      'float32',
      [k, n],
      Float32Array.from({ length: k * n }, (_, i) => Math.sin(i * 0.37) * 0.05),
    ),
    'b',
  );
  g.output(g.slice(g.matMul(a, b), [0], [1], [0]), 'y', 'float32', [1, n]);
  return g.toModelBytes();
}

/** A loaded floor MatMul session: run it, turn times into GFLOP/s, release it. */
export interface MatMulFloorSession {
  readonly m: number;
  readonly k: number;
  readonly n: number;
  /** 2·m·k·n. */
  readonly flops: number;
  /** One session run. */
  run(): Promise<unknown>;
  /** The result for measured run times. */
  result(ms: SampleStats): MatMulFloor;
  release(): Promise<void>;
}

/**
 * Loads the floor MatMul `[m, k] x [k, n]` on `runtime` (same backend and threads as the model
 * sessions). Its rate is the "floor" the encoder's time is compared with (issue 9); a run includes
 * the session's own per-run overhead (feeds, output allocation), as the model's runs do.
 */
export async function loadMatMulFloor(runtime: RuntimeAdapter, shape = MATMUL_FLOOR_SHAPE): Promise<MatMulFloorSession> {
  const { m, k, n } = shape;
  const session = await runtime.createSession(buildMatMulModel(m, k, n));
  const a = runtime.tensors.tensor(
    'float32',
    Float32Array.from({ length: m * k }, (_, i) => Math.cos(i * 0.013)),
    [m, k],
  );
  const flops = 2 * m * k * n;
  return {
    m,
    k,
    n,
    flops,
    run: () => session.run({ a }),
    result: (ms) => ({ m, k, n, flops, ms, gflops: flops / (ms.median / 1000) / 1e9 }),
    release: () => session.release(),
  };
}

/** The floor MatMul's rate alone: median of `repetitions` runs after one warm-up. */
export async function measureMatMulFloor(runtime: RuntimeAdapter, repetitions: number, shape = MATMUL_FLOOR_SHAPE): Promise<MatMulFloor> {
  const floor = await loadMatMulFloor(runtime, shape);
  try {
    return floor.result(await timeRepeated(() => floor.run(), repetitions));
  } finally {
    await floor.release();
  }
}
