// SPDX-License-Identifier: Apache-2.0
import { AttributeProto_AttributeType as AttributeType, encodeOnnxModel, TensorProto_DataType as DT, type ModelProtoInit } from '@taptr/onnx';

/** ONNX element types of the types the tiny models use. */
const ELEM = { float32: DT.FLOAT, uint8: DT.UINT8, int8: DT.INT8, int32: DT.INT32, int64: DT.INT64, bool: DT.BOOL } as const;

type GraphInit = NonNullable<ModelProtoInit['graph']>;
type ValueInfoInit = NonNullable<GraphInit['input']>[number];

/** A value (input or output) of a {@link TinyModelSpec}: element type and shape (`string` = symbolic size). */
export interface TinyValue {
  readonly name: string;
  readonly type: keyof typeof ELEM;
  /** Omitted = unknown shape (no shape in the value info). */
  readonly shape?: readonly (number | string)[];
}

/** A node of a {@link TinyModelSpec}. Integer/float attributes only. */
export interface TinyNode {
  readonly op: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attrs?: Readonly<Record<string, number>>;
}

/** A small ONNX graph description for probes and conformance tests. */
export interface TinyModelSpec {
  readonly name: string;
  readonly inputs: readonly TinyValue[];
  readonly outputs: readonly TinyValue[];
  readonly nodes: readonly TinyNode[];
  /** Default opset (domain ''). Defaults to 17. */
  readonly opset?: number;
}

function valueInfo(v: TinyValue): ValueInfoInit {
  const dims = v.shape?.map((d) => ({
    value: typeof d === 'string' ? { case: 'dimParam' as const, value: d } : { case: 'dimValue' as const, value: BigInt(d) },
  }));
  return { name: v.name, type: { value: { case: 'tensorType', value: { elemType: ELEM[v.type], shape: dims === undefined ? undefined : { dim: dims } } } } };
}

/**
 * Encodes a tiny ONNX model (no initializers) with `@taptr/onnx`. Used by the conformance suite and
 * tests, so no binary model files are needed (the adapters' probe model is its bytes, `buildProbeModel`).
 * @returns the serialized `ModelProto` bytes.
 */
export function buildTinyModel(spec: TinyModelSpec): Uint8Array {
  return encodeOnnxModel({
    irVersion: 8n,
    producerName: 'taptr-js',
    opsetImport: [{ domain: '', version: BigInt(spec.opset ?? 17) }],
    graph: {
      name: spec.name,
      node: spec.nodes.map((n, i) => ({
        name: `${n.op.toLowerCase()}_${i}`,
        opType: n.op,
        input: [...n.inputs],
        output: [...n.outputs],
        attribute: Object.entries(n.attrs ?? {}).map(([name, value]) =>
          Number.isInteger(value) ? { name, type: AttributeType.INT, i: BigInt(value) } : { name, type: AttributeType.FLOAT, f: value },
        ),
      })),
      input: spec.inputs.map(valueInfo),
      output: spec.outputs.map(valueInfo),
    },
  });
}
