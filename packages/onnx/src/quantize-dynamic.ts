// SPDX-License-Identifier: Apache-2.0
import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { describeValue, invalidArgument } from '@taptr/tensor';
import {
  AttributeProto_AttributeType as ATTR,
  TensorProto_DataType as DT,
  NodeProtoSchema,
  TensorProtoSchema,
  type AttributeProto,
  type AttributeProtoSchema,
  type NodeProto,
  type TensorProto,
} from './gen/onnx_pb.js';
import { decodeOnnxModel, encodeOnnxModel } from './onnx-model-codec.js';
import { floatTensorData, freshName, protoDims, setModelMetadata, takenNames, valueUses } from './quantize-tensor-data.js';

/** Operators {@link quantizeDynamic} can replace. */
export type QuantizableOp = 'MatMul' | 'Gemm' | 'Conv';

/** A node with a constant float weight that {@link quantizeDynamic} may quantize. */
export interface QuantizeCandidate {
  /** Node name (may be empty in foreign models). */
  readonly node: string;
  readonly opType: QuantizableOp;
  /** Name of the weight initializer (MatMul/Gemm input B, Conv input W). */
  readonly weight: string;
  readonly weightDims: readonly number[];
}

/** Options of {@link quantizeDynamic}. */
export interface QuantizeDynamicOptions {
  /** Operators to quantize. Defaults to `['MatMul', 'Gemm']` (Conv only when asked: see the module notes). */
  readonly opTypes?: readonly QuantizableOp[];
  /** Returns false to keep a candidate in float32. Defaults to every candidate. */
  readonly include?: (candidate: QuantizeCandidate) => boolean;
  /**
   * Element type of MatMul/Gemm weights: `'int8'` (default; activations uint8, onnxruntime's fast
   * u8s8 path) or `'uint8'` (u8u8, zero point 128). Conv weights are always uint8 with a per-tensor
   * weight zero point: older onnxruntime releases registered the CPU `ConvInteger` for uint8 x uint8
   * only (onnxruntime-node 1.30 also runs int8 weights; `setInt8WeightType` keeps Conv weights uint8).
   */
  readonly weightType?: 'int8' | 'uint8';
  /** One scale per output channel (default) or one per tensor. */
  readonly perChannel?: boolean;
  /**
   * 7-bit weights (|q| <= 63), onnxruntime's `reduce_range`: avoids the int16 saturation of AVX2's
   * `vpmaddubsw` in the u8s8 kernels at the cost of one bit of weight precision. Default false.
   */
  readonly reduceRange?: boolean;
}

/** Result of {@link quantizeDynamic}. */
export interface QuantizedModel {
  /** The transformed model bytes. */
  readonly model: Uint8Array;
  /** Candidates replaced by integer ops. */
  readonly quantized: readonly QuantizeCandidate[];
  /** Candidates left in float32 (excluded by `include`, or an unsupported attribute combination). */
  readonly kept: readonly QuantizeCandidate[];
}

interface QuantizedWeight {
  readonly q: string;
  readonly scale: string;
  readonly zeroPoint: string;
}

function attr(node: NodeProto, name: string): AttributeProto | undefined {
  return node.attribute.find((a) => a.name === name);
}

function intAttr(node: NodeProto, name: string, fallback: number): number {
  const a = attr(node, name);
  return a === undefined ? fallback : Number(a.i);
}

function floatAttr(node: NodeProto, name: string, fallback: number): number {
  const a = attr(node, name);
  return a === undefined ? fallback : a.f;
}

/** Whether `proto` is a float32 initializer stored inline. */
function isFloatInitializer(proto: TensorProto | undefined): boolean {
  return proto !== undefined && floatTensorData(proto) !== undefined;
}

/**
 * Symmetric quantization of `w` viewed as `[groups, ...]` groups of values with stride pattern given by
 * `groupOf(i)`: one scale per group (`groups` = 1 for per-tensor). Returns the quantized values
 * (int8, or uint8 with zero point 128) and the scales.
 */
function quantizeSymmetric(
  w: Float32Array,
  groups: number,
  groupOf: (i: number) => number,
  type: 'int8' | 'uint8',
  qmax: number,
): { q: Int8Array | Uint8Array; scales: Float32Array } {
  const maxAbs = new Float32Array(groups);
  for (let i = 0; i < w.length; i++) {
    const g = groupOf(i);
    const a = Math.abs(w[i]!);
    if (a > maxAbs[g]!) maxAbs[g] = a;
  }
  const scales = maxAbs.map((m) => (m > 0 ? m / qmax : 1));
  const q = type === 'int8' ? new Int8Array(w.length) : new Uint8Array(w.length);
  const offset = type === 'int8' ? 0 : 128;
  for (let i = 0; i < w.length; i++) {
    const v = Math.round(w[i]! / scales[groupOf(i)]!);
    q[i] = Math.max(-qmax, Math.min(qmax, v)) + offset;
  }
  return { q, scales };
}

/**
 * Dynamic int8 quantization of the constant-weight MatMul / Gemm (and, if asked, Conv) nodes of an ONNX
 * model, the graph onnxruntime's Python `quantize_dynamic` writes:
 *
 * ```
 * x ─ DynamicQuantizeLinear ─ x_q, x_scale, x_zp
 * MatMulInteger(x_q, W_q, x_zp, W_zp) ─ Cast(float) ─ Mul(·, Mul(x_scale, W_scale)) ─ (the original Add bias)
 * ConvInteger(x_q, W_q, x_zp, 128)   ─ Cast(float) ─ Mul(·, x_scale·W_scale[1,M,1,1]) ─ Add(bias[1,M,1,1])
 * ```
 *
 * Weights are quantized symmetrically (zero point 0 for int8, 128 for uint8), per output channel by
 * default; activations per tensor at run time (uint8, asymmetric). Every MatMul gets its own
 * DynamicQuantizeLinear, so onnxruntime's CPU optimizer fuses the MatMul chain into one
 * `com.microsoft.DynamicQuantizeMatMul` (or `MatMulIntegerToFloat` + bias); ConvInteger is not fused.
 * Shared weights are quantized once. Float weights left without users are dropped. The model gets the
 * metadata entry `taptr.quantize` (JSON of the settings and counts). Pure: `model` is not modified.
 *
 * @throws TypeError for non-bytes input; TaptrError `TAPTR_CONFIG_INVALID` when the bytes are not an ONNX model.
 */
export function quantizeDynamic(model: Uint8Array, options: QuantizeDynamicOptions = {}): QuantizedModel {
  if (!(model instanceof Uint8Array)) throw invalidArgument('type', 'quantizeDynamic', 'model', 'ONNX model bytes (Uint8Array)', describeValue(model));
  const opTypes = new Set<QuantizableOp>(options.opTypes ?? ['MatMul', 'Gemm']);
  const weightType = options.weightType ?? 'int8';
  if (weightType !== 'int8' && weightType !== 'uint8')
    throw invalidArgument('range', 'quantizeDynamic', 'options.weightType', "'int8' or 'uint8'", describeValue(weightType));
  const perChannel = options.perChannel ?? true;
  const qmax = options.reduceRange ? 63 : 127;
  const include = options.include ?? (() => true);

  const { model: decoded, graph } = decodeOnnxModel(model, 'quantizeDynamic');

  // Initializers that are also graph inputs can be overridden at run time: not constants.
  const graphInputs = new Set(graph.input.map((v) => v.name));
  const initializers = new Map<string, TensorProto>();
  for (const t of graph.initializer) if (t.name && !graphInputs.has(t.name)) initializers.set(t.name, t);
  const taken = takenNames(graph);
  const added: TensorProto[] = [];
  const cache = new Map<string, QuantizedWeight>();
  const quantized: QuantizeCandidate[] = [];
  const kept: QuantizeCandidate[] = [];
  const nodes: NodeProto[] = [];

  const addInit = (base: string, dataType: number, dims: number[], bytes: Uint8Array): string => {
    const name = freshName(taken, base);
    added.push(create(TensorProtoSchema, { name, dataType, dims: dims.map(BigInt), rawData: bytes }));
    return name;
  };
  const floatBytes = (a: Float32Array): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

  /** W [K, N] (MatMul layout; Gemm's transB weights are transposed first), one scale per column. */
  function matmulWeight(name: string, w: Float32Array, K: number, N: number): QuantizedWeight {
    const key = `mm:${name}`;
    const hit = cache.get(key);
    if (hit) return hit;
    const { q, scales } = quantizeSymmetric(w, perChannel ? N : 1, perChannel ? (i) => i % N : () => 0, weightType, qmax);
    const type = weightType === 'int8' ? DT.INT8 : DT.UINT8;
    const zp = weightType === 'int8' ? new Int8Array(scales.length) : new Uint8Array(scales.length).fill(128);
    const result = {
      q: addInit(`${name}_quantized`, type, [K, N], new Uint8Array(q.buffer)),
      scale: addInit(`${name}_scale`, DT.FLOAT, perChannel ? [N] : [], floatBytes(scales)),
      zeroPoint: addInit(`${name}_zero_point`, type, perChannel ? [N] : [], new Uint8Array(zp.buffer)),
    };
    cache.set(key, result);
    return result;
  }

  /** W [M, C/group, kh, kw]: uint8 with zero point 128 (per tensor), scales per output channel [1, M, 1, 1]. */
  function convWeight(name: string, w: Float32Array, dims: number[]): QuantizedWeight {
    const key = `conv:${name}`;
    const hit = cache.get(key);
    if (hit) return hit;
    const M = dims[0]!;
    const per = w.length / M;
    const { q, scales } = quantizeSymmetric(w, perChannel ? M : 1, perChannel ? (i) => Math.floor(i / per) : () => 0, 'uint8', qmax);
    const result = {
      q: addInit(`${name}_quantized`, DT.UINT8, dims, new Uint8Array(q.buffer)),
      scale: addInit(`${name}_scale`, DT.FLOAT, perChannel ? [1, M, ...dims.slice(2).map(() => 1)] : [], floatBytes(scales)),
      zeroPoint: addInit(`${name}_zero_point`, DT.UINT8, [], Uint8Array.of(128)),
    };
    cache.set(key, result);
    return result;
  }

  const mk = (opType: string, base: string, input: string[], outputs: string[], attribute: MessageInitShape<typeof AttributeProtoSchema>[] = []): void => {
    nodes.push(create(NodeProtoSchema, { opType, name: freshName(taken, `${base}/${opType}`), input, output: outputs, attribute }));
  };

  /** DynamicQuantizeLinear of `x` under `base`: returns [x_q, x_scale, x_zp]. */
  const dynamicQuantize = (base: string, x: string): [string, string, string] => {
    const outs: [string, string, string] = [
      freshName(taken, `${base}/x_quantized`),
      freshName(taken, `${base}/x_scale`),
      freshName(taken, `${base}/x_zero_point`),
    ];
    mk('DynamicQuantizeLinear', base, [x], outs);
    return outs;
  };

  /** Integer op → Cast → Mul by (x_scale · W_scale) writing `output`. */
  const rescale = (base: string, integer: string, xScale: string, wScale: string, output: string): void => {
    const asFloat = freshName(taken, `${base}/float`);
    const scale = freshName(taken, `${base}/scale`);
    mk('Mul', base, [xScale, wScale], [scale]);
    mk('Cast', base, [integer], [asFloat], [{ name: 'to', type: ATTR.INT, i: BigInt(DT.FLOAT) }]);
    mk('Mul', base, [asFloat, scale], [output]);
  };

  for (const node of graph.node) {
    const opType = node.opType as QuantizableOp;
    const weightName = opType === 'MatMul' || opType === 'Gemm' || opType === 'Conv' ? node.input[1] : undefined;
    const weight = weightName ? initializers.get(weightName) : undefined;
    const data = weight ? floatTensorData(weight) : undefined;
    if (!weight || !data || !weightName || !opTypes.has(opType)) {
      nodes.push(node);
      continue;
    }
    const dims = protoDims(weight);
    const candidate: QuantizeCandidate = { node: node.name, opType, weight: weightName, weightDims: dims };
    const x = node.input[0]!;
    const y = node.output[0]!;
    const base = (node.name || y).replace(/#node$/, '') + '_quant';
    const supported =
      (opType === 'MatMul' && dims.length === 2) ||
      (opType === 'Gemm' && dims.length === 2 && intAttr(node, 'transA', 0) === 0 && floatAttr(node, 'alpha', 1) === 1 && floatAttr(node, 'beta', 1) === 1) ||
      (opType === 'Conv' && dims.length >= 3 && (!node.input[2] || isFloatInitializer(initializers.get(node.input[2]))));
    if (!supported || !include(candidate)) {
      kept.push(candidate);
      nodes.push(node);
      continue;
    }
    quantized.push(candidate);
    const [xq, xScale, xZp] = dynamicQuantize(base, x);
    if (opType === 'Conv') {
      const w = convWeight(weightName, data, dims);
      const integer = freshName(taken, `${base}/int32`);
      const convAttrs = node.attribute.filter((a) => ['auto_pad', 'dilations', 'group', 'kernel_shape', 'pads', 'strides'].includes(a.name));
      mk('ConvInteger', base, [xq, w.q, xZp, w.zeroPoint], [integer], convAttrs);
      const bias = node.input[2];
      if (bias) {
        const scaled = freshName(taken, `${base}/scaled`);
        rescale(base, integer, xScale, w.scale, scaled);
        const b = floatTensorData(initializers.get(bias)!)!;
        const biasName = addInit(`${bias}_broadcast`, DT.FLOAT, [1, b.length, ...dims.slice(2).map(() => 1)], floatBytes(b));
        mk('Add', base, [scaled, biasName], [y]);
      } else {
        rescale(base, integer, xScale, w.scale, y);
      }
      continue;
    }
    let K = dims[0]!;
    let N = dims[1]!;
    let wData = data;
    if (opType === 'Gemm' && intAttr(node, 'transB', 0) === 1) {
      [K, N] = [dims[1]!, dims[0]!];
      wData = new Float32Array(K * N);
      for (let n = 0; n < N; n++) for (let k = 0; k < K; k++) wData[k * N + n] = data[n * K + k]!;
    }
    const w = matmulWeight(opType === 'Gemm' && intAttr(node, 'transB', 0) === 1 ? `${weightName}_t` : weightName, wData, K, N);
    const integer = freshName(taken, `${base}/int32`);
    mk('MatMulInteger', base, [xq, w.q, xZp, w.zeroPoint], [integer]);
    const c = opType === 'Gemm' ? node.input[2] : undefined;
    if (c) {
      const scaled = freshName(taken, `${base}/scaled`);
      rescale(base, integer, xScale, w.scale, scaled);
      mk('Add', base, [scaled, c], [y]);
    } else {
      rescale(base, integer, xScale, w.scale, y);
    }
  }

  graph.node = nodes;
  const uses = valueUses(graph);
  graph.initializer = [...graph.initializer.filter((t) => (uses.get(t.name) ?? 0) > 0 || graphInputs.has(t.name)), ...added];
  setModelMetadata(
    decoded,
    'taptr.quantize',
    JSON.stringify({
      scheme: 'dynamic',
      weightType,
      perChannel,
      reduceRange: qmax === 63,
      opTypes: [...opTypes],
      quantized: quantized.length,
      kept: kept.length,
    }),
  );
  return { model: encodeOnnxModel(decoded), quantized, kept };
}
