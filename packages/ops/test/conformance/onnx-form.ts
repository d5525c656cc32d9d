// SPDX-License-Identifier: Apache-2.0
// The ONNX form: each call emits its op into a fresh one-op graph (the inputs are the graph inputs, in
// the contract's shapes) and runs it on onnxruntime-node.
import { createGraphBuilder, type GraphBuilder, type OnnxValue } from '@taptr/onnx';
import { tensor } from '@taptr/tensor';
import * as ort from 'onnxruntime-node';
import type { CpuTensor } from '../../src/index.js';
import { bilinearGatherOnnx, costVolumeOnnx, gridSampleOnnx } from '../../src/onnx/index.js';
import type { OpsForm } from './ops-form.js';

/** Builds `emit` over graph inputs named after `feeds`, runs it once, returns the output. */
async function runOneOp(feeds: Record<string, CpuTensor>, emit: (g: GraphBuilder, inputs: Record<string, OnnxValue>) => OnnxValue): Promise<CpuTensor> {
  const g = createGraphBuilder({ name: 'one_op' });
  const inputs = Object.fromEntries(Object.entries(feeds).map(([name, view]) => [name, g.input(name, 'float32', view.dims)]));
  g.output(emit(g, inputs), 'output', 'float32');
  const session = await ort.InferenceSession.create(g.toModelBytes(), { intraOpNumThreads: 1, interOpNumThreads: 1 });
  try {
    const ortFeeds = Object.fromEntries(Object.entries(feeds).map(([name, view]) => [name, new ort.Tensor('float32', view.data, [...view.dims])]));
    const out = (await session.run(ortFeeds))['output']!;
    return tensor('float32', [...out.dims], Float32Array.from(out.data as Float32Array));
  } finally {
    await session.release();
  }
}

/** The ONNX form of every op (emitters of `@taptr/ops/onnx` on onnxruntime-node's CPU provider). */
export function onnxForm(): OpsForm {
  return {
    name: 'onnx',
    gridSample: async (input, grid, attrs) => runOneOp({ input, grid }, (g, i) => gridSampleOnnx(g, i['input']!, i['grid']!, attrs)),
    bilinearGather: async (table, positions, attrs) =>
      runOneOp({ table, positions }, (g, i) => bilinearGatherOnnx(g, i['table']!, i['positions']!, { ...attrs, channels: table.dims[1]! })),
    costVolume: async (features, queries, centers, attrs) =>
      runOneOp({ features, queries, centers }, (g, i) =>
        costVolumeOnnx(g, i['features']!, i['queries']!, i['centers']!, { ...attrs, batch: features.dims[0]!, channels: features.dims[2]! }),
      ),
    knownDifferences: new Map([
      [
        'nearest-reflection-noalign/half-pixel-ties',
        "onnxruntime's GridSample rounds a nearest sample to a pixel before reflecting it, PyTorch after: at grid x = 1.5 on a map 4 wide " +
          '(pixel 4.5, reflected 2.5) onnxruntime reads pixel 3, PyTorch pixel 2',
      ],
    ]),
    dispose: () => {},
  };
}
