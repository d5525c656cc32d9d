// SPDX-License-Identifier: Apache-2.0
// Shared by the model transforms (quantize-dynamic, float16-weights): reading float32 initializers of a
// decoded ModelProto and naming helpers.
import { create } from '@bufbuild/protobuf';
import {
  StringStringEntryProtoSchema,
  TensorProto_DataLocation,
  TensorProto_DataType,
  type GraphProto,
  type ModelProto,
  type TensorProto,
} from './gen/onnx_pb.js';

/** Dims of a TensorProto as plain numbers. */
export function protoDims(proto: TensorProto): number[] {
  return proto.dims.map(Number);
}

/**
 * The float32 values of an initializer stored inline (`rawData` or `floatData`), copied into an aligned
 * `Float32Array`; `undefined` for other element types or externally stored data.
 */
export function floatTensorData(proto: TensorProto): Float32Array | undefined {
  if (proto.dataType !== (TensorProto_DataType.FLOAT as number) || proto.dataLocation === TensorProto_DataLocation.EXTERNAL) return undefined;
  const count = protoDims(proto).reduce((a, b) => a * b, 1);
  const raw = proto.rawData;
  if (raw.length > 0) {
    if (raw.length !== count * 4) return undefined;
    const out = new Float32Array(count);
    new Uint8Array(out.buffer).set(raw);
    return out;
  }
  if (proto.floatData.length !== count) return undefined;
  return Float32Array.from(proto.floatData);
}

/** Number of uses of every value name as a node input (top-level graph) or graph output. */
export function valueUses(graph: GraphProto): Map<string, number> {
  const uses = new Map<string, number>();
  const use = (name: string): void => {
    if (name) uses.set(name, (uses.get(name) ?? 0) + 1);
  };
  for (const node of graph.node) for (const name of node.input) use(name);
  for (const out of graph.output) use(out.name);
  return uses;
}

/** Returns a name derived from `base` that is not in `taken`, and records it there. */
export function freshName(taken: Set<string>, base: string): string {
  let name = base;
  for (let k = 1; taken.has(name); k++) name = `${base}_${k}`;
  taken.add(name);
  return name;
}

/** Every value and node name of the graph (inputs, outputs, initializers, node outputs and node names). */
export function takenNames(graph: GraphProto): Set<string> {
  const taken = new Set<string>();
  for (const v of [...graph.input, ...graph.output, ...graph.valueInfo]) if (v.name) taken.add(v.name);
  for (const t of graph.initializer) if (t.name) taken.add(t.name);
  for (const node of graph.node) {
    if (node.name) taken.add(node.name);
    for (const o of node.output) if (o) taken.add(o);
  }
  return taken;
}

/** Sets (or replaces) `key` in the model's `metadata_props`. */
export function setModelMetadata(model: ModelProto, key: string, value: string): void {
  model.metadataProps = [...model.metadataProps.filter((p) => p.key !== key), create(StringStringEntryProtoSchema, { key, value })];
}
