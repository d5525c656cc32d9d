// SPDX-License-Identifier: Apache-2.0
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

/** ONNX element type numbers of the types the tiny models use. */
const ELEM = { float32: 1, uint8: 2, int8: 3, int32: 6, int64: 7, bool: 9 } as const;

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

function valueInfo(v: TinyValue): onnxProto.onnx.IValueInfoProto {
  return {
    name: v.name,
    type: {
      tensorType:
        v.shape === undefined
          ? { elemType: ELEM[v.type] }
          : { elemType: ELEM[v.type], shape: { dim: v.shape.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) } },
    },
  };
}

/**
 * Encodes a tiny ONNX model (no initializers) with `onnx-proto`. Used by the conformance suite and
 * tests, so no binary model files are needed (the adapters' probe model is its bytes, `buildProbeModel`).
 * @returns the serialized `ModelProto` bytes.
 */
export function buildTinyModel(spec: TinyModelSpec): Uint8Array {
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'taptr-js',
    opsetImport: [{ domain: '', version: spec.opset ?? 17 }],
    graph: {
      name: spec.name,
      node: spec.nodes.map((n, i) => ({
        name: `${n.op.toLowerCase()}_${i}`,
        opType: n.op,
        input: [...n.inputs],
        output: [...n.outputs],
        attribute: Object.entries(n.attrs ?? {}).map(([name, value]) =>
          Number.isInteger(value)
            ? { name, type: onnx.AttributeProto.AttributeType.INT, i: value }
            : { name, type: onnx.AttributeProto.AttributeType.FLOAT, f: value },
        ),
      })),
      input: spec.inputs.map(valueInfo),
      output: spec.outputs.map(valueInfo),
    },
  });
  return onnx.ModelProto.encode(model).finish();
}
