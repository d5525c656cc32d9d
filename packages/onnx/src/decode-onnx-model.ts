// SPDX-License-Identifier: Apache-2.0
import { TaptrError } from '@taptr/tensor';
import { onnx, type OnnxTypes } from './onnx-proto.js';

/**
 * Decodes ONNX model bytes for a model transform, with the graph required.
 * @param caller - the public function's name, for the error message.
 * @throws TaptrError `TAPTR_CONFIG_INVALID` when the bytes are not an ONNX model or it has no graph.
 */
export function decodeOnnxModel(model: Uint8Array, caller: string): { readonly model: OnnxTypes.ModelProto; readonly graph: OnnxTypes.IGraphProto } {
  let decoded: OnnxTypes.ModelProto;
  try {
    decoded = onnx.ModelProto.decode(model);
  } catch (error) {
    throw new TaptrError('TAPTR_CONFIG_INVALID', `${caller}: not an ONNX model (${(error as Error).message})`, { cause: error });
  }
  const graph = decoded.graph;
  if (!graph) throw new TaptrError('TAPTR_CONFIG_INVALID', `${caller}: the model has no graph`);
  return { model: decoded, graph };
}
