// SPDX-License-Identifier: Apache-2.0
// Test helper: runs ONNX bytes in onnxruntime-node (until @taptr/runtime-node's adapter is used).
import * as ort from 'onnxruntime-node';
import type { TensorView } from '@taptr/tensor';

/** Runs `model` once with `feeds` and returns every output as a plain TensorView (data copied). */
export async function runOnnx(model: Uint8Array, feeds: Record<string, TensorView>, options: { threads?: number } = {}): Promise<Record<string, TensorView>> {
  const session = await ort.InferenceSession.create(model, { intraOpNumThreads: options.threads ?? 1, interOpNumThreads: 1 });
  try {
    const ortFeeds: Record<string, ort.Tensor> = {};
    for (const [name, view] of Object.entries(feeds)) ortFeeds[name] = new ort.Tensor(view.type as 'float32', view.data as Float32Array, [...view.dims]);
    const out = await session.run(ortFeeds);
    const result: Record<string, TensorView> = {};
    for (const [name, t] of Object.entries(out)) result[name] = { type: t.type as TensorView['type'], dims: [...t.dims], data: t.data as TensorView['data'] };
    return result;
  } finally {
    await session.release();
  }
}
