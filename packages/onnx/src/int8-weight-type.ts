// SPDX-License-Identifier: Apache-2.0
import { create } from '@bufbuild/protobuf';
import { describeValue, invalidArgument, TaptrError } from '@taptr/tensor';
import { TensorProto_DataLocation, TensorProto_DataType as DT, TensorProtoSchema, type NodeProto, type TensorProto } from './gen/onnx_pb.js';
import { decodeOnnxModel, encodeOnnxModel } from './onnx-model-codec.js';
import { freshName, protoDims, setModelMetadata, takenNames } from './quantize-tensor-data.js';

/** Element type of dynamically quantized MatMul weights: `'uint8'` (u8u8 kernels) or `'int8'` (u8s8). */
export type Int8WeightType = 'uint8' | 'int8';

/** Options of {@link setInt8WeightType}. */
export interface SetInt8WeightTypeOptions {
  /**
   * What to do with a model that has no quantized MatMul weight: `'throw'` (default: a TaptrError, the
   * model was expected to be quantized) or `'keep'` (return it unchanged, e.g. a graph of a quantized
   * model whose layers all stayed float32).
   */
  readonly ifNone?: 'throw' | 'keep';
}

/** Result of {@link setInt8WeightType}. */
export interface Int8WeightTypeModel {
  /** The model: `model` itself (the same bytes object) when nothing had to change. */
  readonly model: Uint8Array;
  /** The weight type the model's quantized MatMul weights had before: both when it mixed them, none when it had none. */
  readonly before: readonly Int8WeightType[];
  /** Names of the weight and zero-point initializers rewritten (empty when already of that type). */
  readonly rewritten: readonly string[];
  /** Number of quantized MatMul weights found (nodes' `B` inputs, shared ones counted once). */
  readonly weights: number;
}

/**
 * Weight slots per operator: `[B index, B zero point index]`. ONNX `MatMulInteger(A, B, a_zp, b_zp)`;
 * onnxruntime's fused `com.microsoft.DynamicQuantizeMatMul(A, B, b_scale, b_zp, bias)` and
 * `com.microsoft.MatMulIntegerToFloat(A, B, a_scale, b_scale, a_zp, b_zp, bias)`. Both element types
 * of `B` are implemented by onnxruntime's CPU kernels for all three.
 */
const WEIGHT_SLOTS: Readonly<Record<string, readonly [number, number]>> = {
  ':MatMulInteger': [1, 3],
  'com.microsoft:DynamicQuantizeMatMul': [1, 3],
  'com.microsoft:MatMulIntegerToFloat': [1, 5],
};

const slotsOf = (node: NodeProto): readonly [number, number] | undefined => WEIGHT_SLOTS[`${node.domain === 'ai.onnx' ? '' : node.domain}:${node.opType}`];

const typeName = (dataType: number): Int8WeightType | undefined =>
  dataType === (DT.UINT8 as number) ? 'uint8' : dataType === (DT.INT8 as number) ? 'int8' : undefined;

/**
 * Switches the element type of the constant weights of a dynamically quantized model's integer MatMuls
 * (the `B` inputs of `MatMulInteger`, `DynamicQuantizeMatMul` and `MatMulIntegerToFloat`, and their
 * zero points) between uint8 and int8: uint8 → int8 is `q − 128` and `zp − 128`, int8 → uint8 the
 * reverse. `(q − zp)·scale`, the weight the kernels compute with, is unchanged for every element, so
 * the transform is exact (lossless, byte-identical after a round trip) and only picks onnxruntime's
 * kernel: u8u8 for uint8 weights, u8s8 for int8 (faster on CPUs with VNNI, saturating in int16 on AVX2
 * without it; see `int8WeightsForCpu` of `@taptr/runtime-node`). A weight without a zero point gets
 * one (128 for uint8, −128 for int8: the implicit 0 shifted). Shared weights are rewritten once; an
 * initializer also read by other nodes is copied under a new name for the MatMuls. The metadata entry
 * `taptr.quantize` (from `quantizeDynamic`), when present, gets the new `weightType`.
 *
 * `ConvInteger` weights are left as they are (only MatMul kernels are switched): `quantizeDynamic`
 * writes them uint8 because onnxruntime's CPU `ConvInteger` was registered for uint8 × uint8 only
 * (`T2` = `uint8_t` in `core/providers/cpu/quantization/conv_integer.cc`; its AVX2 s8→u8 weight
 * transformer skips the op, "ConvInteger does not support int8_t weight at all"). onnxruntime-node
 * 1.30 does run an int8 `W` (checked: exact results with and without graph optimizations), but it is an
 * im2col + the same u8s8 GEMM, with no VNNI gain measured for the TAPTR graphs (whose int8 variant
 * quantizes no convolution), so the u8u8 convolution is kept on every CPU and release.
 *
 * Weights that are not constants (graph inputs, outputs of other nodes) are not weights: they are skipped.
 * Pure: `model` is not modified.
 * @param weightType - `'int8'` (u8s8) or `'uint8'` (u8u8).
 * @throws TypeError for non-bytes input; RangeError for a bad `weightType` or option.
 * @throws TaptrError `TAPTR_CONFIG_INVALID` when the bytes are not an ONNX model, when it has no
 *   quantized MatMul weight (unless `ifNone` is `'keep'`), or when a weight is malformed (an element
 *   type other than uint8/int8, a zero point of another type or not constant, data that does not fill
 *   its dims, data stored outside the model), naming the node and the initializer.
 */
export function setInt8WeightType(model: Uint8Array, weightType: Int8WeightType, options: SetInt8WeightTypeOptions = {}): Int8WeightTypeModel {
  const fn = 'setInt8WeightType';
  if (!(model instanceof Uint8Array)) throw invalidArgument('type', fn, 'model', 'ONNX model bytes (Uint8Array)', describeValue(model));
  if (weightType !== 'int8' && weightType !== 'uint8') throw invalidArgument('range', fn, 'weightType', "'int8' or 'uint8'", describeValue(weightType));
  const ifNone = options.ifNone ?? 'throw';
  if (ifNone !== 'throw' && ifNone !== 'keep') throw invalidArgument('range', fn, 'options.ifNone', "'throw' or 'keep'", describeValue(ifNone));

  const { model: decoded, graph } = decodeOnnxModel(model, fn);
  const bad = (node: NodeProto, message: string): TaptrError =>
    new TaptrError('TAPTR_CONFIG_INVALID', `${fn}: ${node.opType} ${JSON.stringify(node.name !== '' ? node.name : (node.output[0] ?? '?'))}: ${message}`);
  const graphInputs = new Set(graph.input.map((v) => v.name));
  const initializers = new Map<string, TensorProto>();
  for (const t of graph.initializer) if (t.name && !graphInputs.has(t.name)) initializers.set(t.name, t);

  // Every constant weight slot (node, B, zero point) and the other uses of each initializer.
  interface Slot {
    readonly node: NodeProto;
    readonly b: TensorProto;
    readonly zpIndex: number;
    readonly zp: TensorProto | undefined;
  }
  const slots: Slot[] = [];
  const slotUses = new Map<string, number>();
  for (const node of graph.node) {
    const at = slotsOf(node);
    const bName = at ? node.input[at[0]] : undefined;
    const b = bName ? initializers.get(bName) : undefined;
    if (!at || !b) continue;
    const zpName = node.input[at[1]];
    const zp = zpName ? initializers.get(zpName) : undefined;
    if (zpName && !zp) throw bad(node, `the weight ${JSON.stringify(b.name)} is constant but its zero point ${JSON.stringify(zpName)} is not`);
    for (const t of [b, zp]) if (t) slotUses.set(t.name, (slotUses.get(t.name) ?? 0) + 1);
    slots.push({ node, b, zpIndex: at[1], zp });
  }
  if (slots.length === 0) {
    if (ifNone === 'keep') return { model, before: [], rewritten: [], weights: 0 };
    throw new TaptrError(
      'TAPTR_CONFIG_INVALID',
      `${fn}: the model has no quantized MatMul weight (no MatMulInteger / DynamicQuantizeMatMul with a constant B)`,
    );
  }
  const allUses = new Map<string, number>();
  for (const node of graph.node) for (const name of node.input) if (name) allUses.set(name, (allUses.get(name) ?? 0) + 1);
  for (const out of graph.output) allUses.set(out.name, (allUses.get(out.name) ?? 0) + 1);

  const target = weightType === 'int8' ? DT.INT8 : DT.UINT8;
  const before = new Set<Int8WeightType>();
  const weightNames = new Set<string>();
  const taken = takenNames(graph);
  const added: TensorProto[] = [];
  const replaced = new Map<string, TensorProto>();
  /** Name of the switched copy of `t` (in place when only weight slots read it). */
  const switched = new Map<string, string>();
  const rewritten: string[] = [];
  const switchTensor = (node: NodeProto, t: TensorProto): string => {
    const done = switched.get(t.name);
    if (done !== undefined) return done;
    const copy = flipped(node, t, target, bad);
    const inPlace = (allUses.get(t.name) ?? 0) === slotUses.get(t.name);
    const name = inPlace ? t.name : freshName(taken, `${t.name}_${weightType}`);
    copy.name = name;
    if (inPlace) replaced.set(t.name, copy);
    else added.push(copy);
    switched.set(t.name, name);
    rewritten.push(name);
    return name;
  };

  for (const { node, b, zpIndex, zp } of slots) {
    const type = typeName(b.dataType);
    if (type === undefined) throw bad(node, `the weight ${JSON.stringify(b.name)} has element type ${DT[b.dataType] ?? b.dataType}, not uint8 or int8`);
    if (zp && zp.dataType !== b.dataType)
      throw bad(node, `the zero point ${JSON.stringify(zp.name)} has element type ${DT[zp.dataType] ?? zp.dataType}, the weight ${DT[b.dataType]}`);
    before.add(type);
    weightNames.add(b.name);
    if (b.dataType === (target as number)) continue;
    const bNew = switchTensor(node, b);
    let zpNew: string;
    if (zp) zpNew = switchTensor(node, zp);
    else {
      // No zero point: 0 of the old type, which is ∓128 of the new one.
      zpNew = freshName(taken, `${b.name}_zero_point`);
      added.push(create(TensorProtoSchema, { name: zpNew, dataType: target, dims: [], rawData: Uint8Array.of(0x80) }));
      rewritten.push(zpNew);
    }
    const input = [...node.input];
    while (input.length <= zpIndex) input.push('');
    input[slotsOf(node)![0]] = bNew;
    input[zpIndex] = zpNew;
    node.input = input;
  }
  if (rewritten.length === 0) return { model, before: [...before], rewritten: [], weights: weightNames.size };
  graph.initializer = [...graph.initializer.map((t) => replaced.get(t.name) ?? t), ...added];
  const meta = decoded.metadataProps.find((p) => p.key === 'taptr.quantize');
  if (meta) {
    try {
      const settings = JSON.parse(meta.value) as unknown;
      if (typeof settings === 'object' && settings !== null && !Array.isArray(settings))
        setModelMetadata(decoded, 'taptr.quantize', JSON.stringify({ ...settings, weightType }));
    } catch {
      // Not ours to repair: a foreign value stays as it was.
    }
  }
  return { model: encodeOnnxModel(decoded), before: [...before], rewritten, weights: weightNames.size };
}

/** A copy of uint8/int8 initializer `t` as `target` with every element shifted by ∓128 (its bytes XOR 0x80). */
function flipped(node: NodeProto, t: TensorProto, target: DT, bad: (node: NodeProto, message: string) => TaptrError): TensorProto {
  if (t.dataLocation === TensorProto_DataLocation.EXTERNAL) throw bad(node, `${JSON.stringify(t.name)} is stored outside the model (external data)`);
  const count = protoDims(t).reduce((a, b) => a * b, 1);
  const toInt8 = target === DT.INT8;
  if (t.rawData.length > 0) {
    if (t.rawData.length !== count) throw bad(node, `${JSON.stringify(t.name)} has ${t.rawData.length} bytes for dims [${protoDims(t).join(', ')}]`);
    const raw = new Uint8Array(count);
    for (let i = 0; i < count; i++) raw[i] = t.rawData[i]! ^ 0x80;
    return create(TensorProtoSchema, { name: t.name, dims: t.dims, dataType: target, rawData: raw, docString: t.docString });
  }
  if (t.int32Data.length !== count) throw bad(node, `${JSON.stringify(t.name)} has ${t.int32Data.length} values for dims [${protoDims(t).join(', ')}]`);
  const [lo, hi] = toInt8 ? [0, 255] : [-128, 127];
  const values = t.int32Data.map((v) => {
    if (!Number.isInteger(v) || v < lo || v > hi) throw bad(node, `${JSON.stringify(t.name)} holds ${v}, outside the range of ${toInt8 ? 'uint8' : 'int8'}`);
    return toInt8 ? v - 128 : v + 128;
  });
  return create(TensorProtoSchema, { name: t.name, dims: t.dims, dataType: target, int32Data: values, docString: t.docString });
}
