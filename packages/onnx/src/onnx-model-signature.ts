// SPDX-License-Identifier: Apache-2.0
import { TaptrError, type DType } from '@taptr/tensor';
import type { ValueInfoProto } from './gen/onnx_pb.js';
import { decodeOnnxModel } from './onnx-model-codec.js';
import { dtypeOfOnnxDataType } from './onnx-data-type.js';

/** A tensor input or output as a model declares it: name, element type and dims (symbolic names allowed). */
export interface OnnxTensorInfo {
  readonly name: string;
  readonly type: DType;
  /** Fixed sizes and symbolic names such as `'N'` (`'?'` for an unnamed unknown size); `[]` for a scalar or an undeclared shape. */
  readonly dims: readonly (number | string)[];
}

/** The graph name and the declared inputs (initializers excluded) and outputs of an ONNX model. */
export interface OnnxModelSignature {
  readonly name: string;
  readonly inputs: readonly OnnxTensorInfo[];
  readonly outputs: readonly OnnxTensorInfo[];
}

/**
 * Reads the graph name and the declared tensor inputs and outputs of ONNX model bytes. Decoding
 * references the initializers' bytes without copying them, so this is cheap even for large models.
 * @throws TaptrError `TAPTR_CONFIG_INVALID` when the bytes are not an ONNX model, or an input or output
 *   is not a tensor of an element type with a {@link DType}.
 */
export function onnxModelSignature(model: Uint8Array): OnnxModelSignature {
  const { graph } = decodeOnnxModel(model, 'onnxModelSignature');
  const info = (v: ValueInfoProto): OnnxTensorInfo => {
    const t = v.type?.value;
    const type = t?.case === 'tensorType' ? dtypeOfOnnxDataType(t.value.elemType) : undefined;
    if (t?.case !== 'tensorType' || type === undefined) {
      const what = t?.case === 'tensorType' ? `element type ${t.value.elemType}` : (t?.case ?? 'no type');
      throw new TaptrError(
        'TAPTR_CONFIG_INVALID',
        `onnxModelSignature: ${JSON.stringify(v.name)} of graph ${JSON.stringify(graph.name)} is not a tensor of a supported element type (${what})`,
      );
    }
    const dims = (t.value.shape?.dim ?? []).map((d) =>
      d.value.case === 'dimParam' ? d.value.value : d.value.case === 'dimValue' ? Number(d.value.value) : '?',
    );
    return { name: v.name, type, dims };
  };
  const initializers = new Set(graph.initializer.map((i) => i.name));
  return { name: graph.name, inputs: graph.input.filter((v) => !initializers.has(v.name)).map(info), outputs: graph.output.map(info) };
}
