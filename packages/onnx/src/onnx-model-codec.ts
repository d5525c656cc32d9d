// SPDX-License-Identifier: Apache-2.0
// ONNX model bytes <-> ModelProto messages (the generated schema of src/gen/onnx_pb.ts).
import { clearField, create, fromBinary, toBinary, type DescMessage, type MessageInitShape, type MessageShape } from '@bufbuild/protobuf';
import { TaptrError } from '@taptr/tensor';
import { GraphProtoSchema, ModelProtoSchema, TensorProtoSchema, type GraphProto, type ModelProto, type TensorProto } from './gen/onnx_pb.js';

/**
 * The error to raise for bytes the protobuf decoder refused. Its reader reads fixed-width fields
 * (float, double, fixed32/64) through a DataView without a bounds check of its own, so a field cut off
 * by the end of the data surfaces as the DataView's RangeError: that is reported as the truncation it is.
 */
function notAnOnnxModel(caller: string, error: unknown): TaptrError {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof RangeError && message.includes('outside the bounds of the DataView')) {
    return new TaptrError('TAPTR_CONFIG_INVALID', `${caller}: not an ONNX model (premature EOF in a fixed-width field)`);
  }
  return new TaptrError('TAPTR_CONFIG_INVALID', `${caller}: not an ONNX model (${message})`, { cause: error });
}

/**
 * Decodes ONNX model bytes, with the graph required. `bytes` fields of the result (initializers'
 * `rawData`) are views into `model`, not copies: keep `model` unchanged while the result is in use.
 * @param caller - the public function's name, for the error message.
 * @throws TaptrError `TAPTR_CONFIG_INVALID` when the bytes are not an ONNX model or it has no graph.
 */
export function decodeOnnxModel(model: Uint8Array, caller: string): { readonly model: ModelProto; readonly graph: GraphProto } {
  let decoded: ModelProto;
  try {
    decoded = fromBinary(ModelProtoSchema, model);
  } catch (error) {
    throw notAnOnnxModel(caller, error);
  }
  const graph = decoded.graph;
  if (!graph) throw new TaptrError('TAPTR_CONFIG_INVALID', `${caller}: the model has no graph`);
  return { model: decoded, graph };
}

/**
 * A `ModelProto` as a plain object: every field optional, nested messages as plain objects too, int64
 * fields as `bigint`, oneofs as `{ case, value }` (e.g. a dimension `{ value: { case: 'dimParam', value: 'N' } }`).
 */
export type ModelProtoInit = MessageInitShape<typeof ModelProtoSchema>;

// Tags (field number << 3 | wire type 2) of the fields on the path to the weights: ModelProto.graph = 7,
// GraphProto.initializer = 5, TensorProto.raw_data = 9.
const GRAPH = { number: 7, tag: 58 } as const;
const INITIALIZER = { number: 5, tag: 42 } as const;
const RAW_DATA = { number: 9, tag: 74 } as const;

/** A length-delimited field header: tag and varint length. */
function header(tag: number, length: number): Uint8Array {
  const bytes = [tag];
  let n = length;
  while (n > 0x7f) {
    bytes.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  bytes.push(n);
  return Uint8Array.from(bytes);
}

const byteLength = (pieces: readonly Uint8Array[]): number => pieces.reduce((n, p) => n + p.length, 0);

/**
 * The encoding of `message` split around field `number`, which the caller writes itself: the fields
 * numbered below it, and those above it (with the unknown fields, which the encoder writes last).
 */
function around<Desc extends DescMessage>(schema: Desc, message: MessageShape<Desc>, number: number): [Uint8Array, Uint8Array] {
  const below = { ...message, $unknown: undefined };
  const above = { ...message };
  for (const field of schema.fields) {
    if (field.number >= number) clearField(below, field);
    if (field.number <= number) clearField(above, field);
  }
  return [toBinary(schema, below), toBinary(schema, above)];
}

function tensorPieces(tensor: TensorProto): Uint8Array[] {
  if (tensor.rawData.length === 0) return [toBinary(TensorProtoSchema, tensor)];
  const [below, above] = around(TensorProtoSchema, tensor, RAW_DATA.number);
  return [below, header(RAW_DATA.tag, tensor.rawData.length), tensor.rawData, above];
}

function graphPieces(graph: GraphProto): Uint8Array[] {
  const [below, above] = around(GraphProtoSchema, graph, INITIALIZER.number);
  const pieces = [below];
  for (const tensor of graph.initializer) {
    const inner = tensorPieces(tensor);
    pieces.push(header(INITIALIZER.tag, byteLength(inner)), ...inner);
  }
  pieces.push(above);
  return pieces;
}

/**
 * Encodes a `ModelProto` (proto3 wire format: fields at their default value are not written), with
 * the bytes `toBinary` of `@bufbuild/protobuf` writes. Its writer copies a nested message's bytes
 * into its parent at each level; here the graph and its initializers (the weights: 100+ MB) are laid
 * out around the other fields' encodings and copied once, into the result.
 */
export function encodeOnnxModel(model: ModelProto | ModelProtoInit): Uint8Array {
  const message = create(ModelProtoSchema, model);
  if (message.graph === undefined) return toBinary(ModelProtoSchema, message);
  const [below, above] = around(ModelProtoSchema, message, GRAPH.number);
  const graph = graphPieces(message.graph);
  const pieces = [below, header(GRAPH.tag, byteLength(graph)), ...graph, above];
  const out = new Uint8Array(byteLength(pieces));
  let offset = 0;
  for (const piece of pieces) {
    out.set(piece, offset);
    offset += piece.length;
  }
  return out;
}
