// SPDX-License-Identifier: Apache-2.0
import { create } from '@bufbuild/protobuf';
import { describeValue, invalidArgument } from '@taptr/tensor';
import { AttributeProto_AttributeType, NodeProtoSchema, TensorProto_DataType, TensorProtoSchema, type NodeProto } from './gen/onnx_pb.js';
import { decodeOnnxModel, encodeOnnxModel } from './onnx-model-codec.js';
import { floatTensorData, freshName, protoDims, setModelMetadata, takenNames } from './quantize-tensor-data.js';

/** Largest finite float16 value. */
export const FLOAT16_MAX = 65504;

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE 754 binary16 bits of `value` (round to nearest even; overflow to ±Inf, NaN kept). */
export function float32ToFloat16Bits(value: number): number {
  f32[0] = value;
  const x = u32[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  const mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign; // below half the smallest subnormal: ±0
    const m = mant | 0x800000; // implicit bit
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    const rest = m & ((1 << shift) - 1);
    let h = m >>> shift;
    if (rest > half || (rest === half && (h & 1) === 1)) h++;
    return sign | h;
  }
  let h = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && (h & 1) === 1)) h++; // may carry into the exponent (correct)
  return sign | h;
}

/** The float32 value of binary16 `bits`. */
export function float16BitsToFloat32(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >>> 10) & 0x1f;
  const mant = bits & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

/** A float32 initializer {@link storeFloat16Weights} may convert. */
export interface Float16Candidate {
  readonly name: string;
  readonly dims: readonly number[];
}

/** Options of {@link storeFloat16Weights}. */
export interface Float16WeightsOptions {
  /**
   * Initializers with fewer elements stay float32 (scalars and tiny constants such as epsilons, whose
   * bytes do not matter). Default 16.
   */
  readonly minElements?: number;
  /** Returns false to keep an initializer in float32. Default: every candidate. */
  readonly include?: (candidate: Float16Candidate) => boolean;
}

/** Result of {@link storeFloat16Weights}. */
export interface Float16WeightsModel {
  readonly model: Uint8Array;
  /** Initializers now stored as float16. */
  readonly converted: readonly Float16Candidate[];
  /** Float32 initializers kept (too small, excluded, or with values beyond ±{@link FLOAT16_MAX}). */
  readonly kept: readonly Float16Candidate[];
}

/**
 * Stores the float32 initializers of an ONNX model as float16 (half the bytes) with a `Cast` to float32
 * right after each, at the start of the graph, producing the original name: the rest of the graph is
 * unchanged and still computes in float32. onnxruntime constant-folds these Casts when the session is
 * created, so only the download/storage shrinks; the weights are rounded to float16 (relative error
 * ≤ 2^-11). Initializers whose values do not fit float16 stay float32. The model gets the metadata
 * entry `taptr.float16_weights` (counts). Pure: `model` is not modified.
 *
 * @throws TypeError for non-bytes input; TaptrError `TAPTR_CONFIG_INVALID` when the bytes are not an ONNX model.
 */
export function storeFloat16Weights(model: Uint8Array, options: Float16WeightsOptions = {}): Float16WeightsModel {
  if (!(model instanceof Uint8Array)) throw invalidArgument('type', 'storeFloat16Weights', 'model', 'ONNX model bytes (Uint8Array)', describeValue(model));
  const minElements = options.minElements ?? 16;
  if (!Number.isInteger(minElements) || minElements < 1)
    throw invalidArgument('range', 'storeFloat16Weights', 'options.minElements', 'a positive integer', describeValue(minElements));
  const include = options.include ?? (() => true);
  const { model: decoded, graph } = decodeOnnxModel(model, 'storeFloat16Weights');
  const taken = takenNames(graph);
  const graphInputs = new Set(graph.input.map((v) => v.name));
  const casts: NodeProto[] = [];
  const converted: Float16Candidate[] = [];
  const kept: Float16Candidate[] = [];
  graph.initializer = graph.initializer.map((init) => {
    const name = init.name;
    const data = floatTensorData(init);
    if (data === undefined || graphInputs.has(name)) return init;
    const candidate: Float16Candidate = { name, dims: protoDims(init) };
    if (data.length < minElements || !include(candidate) || data.some((v) => !(Math.abs(v) <= FLOAT16_MAX))) {
      kept.push(candidate);
      return init;
    }
    const half = new Uint16Array(data.length);
    for (let i = 0; i < data.length; i++) half[i] = float32ToFloat16Bits(data[i]!);
    const stored = freshName(taken, `${name}_fp16`);
    const to = BigInt(TensorProto_DataType.FLOAT);
    casts.push(
      create(NodeProtoSchema, {
        opType: 'Cast',
        name: freshName(taken, `${name}_fp16/Cast`),
        input: [stored],
        output: [name],
        attribute: [{ name: 'to', type: AttributeProto_AttributeType.INT, i: to }],
      }),
    );
    converted.push(candidate);
    return create(TensorProtoSchema, {
      name: stored,
      dataType: TensorProto_DataType.FLOAT16,
      dims: candidate.dims.map(BigInt),
      rawData: new Uint8Array(half.buffer),
    });
  });
  graph.node = [...casts, ...graph.node];
  setModelMetadata(decoded, 'taptr.float16_weights', JSON.stringify({ converted: converted.length, kept: kept.length, minElements }));
  return { model: encodeOnnxModel(decoded), converted, kept };
}
