// SPDX-License-Identifier: Apache-2.0
import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { invalidArgument, tensor, type DType, type TensorView } from '@taptr/tensor';
import {
  AttributeProto_AttributeType as AttributeType,
  AttributeProtoSchema,
  ModelProtoSchema,
  NodeProtoSchema,
  ValueInfoProtoSchema,
  type AttributeProto,
  type NodeProto,
  type TensorProto,
  type ValueInfoProto,
} from './gen/onnx_pb.js';
import { encodeOnnxModel } from './onnx-model-codec.js';
import { onnxDataType } from './onnx-data-type.js';
import { tensorProtoOf } from './tensor-proto.js';

/** ONNX opset (default domain) of every graph built here. */
export const OPSET_VERSION = 17;
/** ONNX IR version of every model built here. */
export const IR_VERSION = 8;

/** A named value (graph input, initializer or node output) of a graph under construction. */
export interface OnnxValue {
  readonly name: string;
}

/** A tensor dimension: a fixed size or a symbolic name such as `'N'`. */
export type Dim = number | string;

/** An explicitly float attribute (see {@link AttrValue}). */
export interface FloatAttr {
  readonly float: number;
}

/** An explicitly float-list attribute (see {@link AttrValue}). */
export interface FloatsAttr {
  readonly floats: readonly number[];
}

/**
 * A node attribute value: an integer `number` is an INT attribute, a non-integer `number` a FLOAT one
 * (wrap in `{ float }` to force FLOAT for integral values such as `1`); `number[]` is INTS; a
 * string is STRING; a {@link TensorView} is TENSOR.
 */
export type AttrValue = number | string | readonly number[] | FloatAttr | FloatsAttr | TensorView;

/** Attributes of a node, by attribute name; `undefined` entries are skipped. */
export type Attrs = Readonly<Record<string, AttrValue | undefined>>;

/** Options of {@link createGraphBuilder}. */
export interface GraphBuilderOptions {
  /** Graph name stored in the model. Defaults to `'graph'`. */
  readonly name?: string;
  /** Producer name stored in the model. Defaults to `'taptr-js'`. */
  readonly producerName?: string;
}

/** Options of {@link GraphBuilder.gridSample}, with ONNX GridSample (opset 16) semantics. */
export interface GridSampleOptions {
  /** Defaults to `'bilinear'`. */
  readonly mode?: 'bilinear' | 'nearest' | 'bicubic';
  /** Defaults to `'zeros'`. */
  readonly paddingMode?: 'zeros' | 'border' | 'reflection';
  /** Defaults to `false` (PyTorch's `align_corners=False`). */
  readonly alignCorners?: boolean;
}

/** Options of {@link GraphBuilder.conv} (ONNX Conv attributes). */
export interface ConvOptions {
  /** Defaults to 1 in every spatial axis. */
  readonly strides?: readonly number[];
  /** `[top, left, bottom, right]` for 2-D. Defaults to 0. */
  readonly pads?: readonly number[];
  readonly dilations?: readonly number[];
  readonly group?: number;
}

/** Counts reported by {@link GraphBuilder.stats}. */
export interface GraphStats {
  readonly nodes: number;
  readonly initializers: number;
  /** Number of float32 initializer elements (the graph's parameters and constants). */
  readonly floatElements: number;
  /** Total initializer bytes. */
  readonly initializerBytes: number;
}

/**
 * A small typed builder of ONNX graphs (opset {@link OPSET_VERSION}, IR {@link IR_VERSION}) over the
 * ONNX protobuf messages. Values are referenced by {@link OnnxValue}; every generated name is
 * unique (prefixed by the current {@link GraphBuilder.scope}). Helpers follow ONNX operator semantics;
 * shape arguments given as `number[]` become int64 initializers.
 */
export interface GraphBuilder {
  /** Declares a graph input of element type `type` and dims (numbers or symbolic names). */
  input(name: string, type: DType, dims: readonly Dim[]): OnnxValue;
  /**
   * Declares `value` as graph output `name` (an Identity node is inserted when the value has another
   * name). `dims` is documentation for consumers (symbolic names allowed); omit when unknown.
   */
  output(value: OnnxValue, name: string, type: DType, dims?: readonly Dim[]): void;
  /** Adds an initializer holding `view` (stored as rawData). */
  initializer(view: TensorView, hint?: string): OnnxValue;
  /** A float32 constant (scalar when `dims` is omitted and `values` is a number). Small constants are shared. */
  constFloat(values: number | readonly number[] | Float32Array, dims?: readonly number[]): OnnxValue;
  /** An int64 constant (1-D when `values` is an array, scalar for a number unless `dims` is given). */
  constInt64(values: number | readonly number[], dims?: readonly number[]): OnnxValue;
  /** A bool constant. */
  constBool(values: readonly boolean[], dims: readonly number[]): OnnxValue;
  /** Generates a unique value name from `hint` (prefixed by the scope). */
  uniqueName(hint: string): string;
  /** Runs `fn` with `prefix` appended to the naming scope (names become `prefix/...`). */
  scope<T>(prefix: string, fn: () => T): T;
  /**
   * Adds a node and returns its `outputs` (default 1) output values. A `null` input is an omitted
   * optional input (empty name).
   */
  node(opType: string, inputs: readonly (OnnxValue | null)[], attrs?: Attrs, outputs?: number): OnnxValue[];
  /** Adds a single-output node. */
  op(opType: string, inputs: readonly (OnnxValue | null)[], attrs?: Attrs): OnnxValue;

  add(a: OnnxValue, b: OnnxValue): OnnxValue;
  sub(a: OnnxValue, b: OnnxValue): OnnxValue;
  mul(a: OnnxValue, b: OnnxValue): OnnxValue;
  div(a: OnnxValue, b: OnnxValue): OnnxValue;
  matMul(a: OnnxValue, b: OnnxValue): OnnxValue;
  /** Gemm: `alpha·A'·B' + beta·C` (2-D only). */
  gemm(a: OnnxValue, b: OnnxValue, c?: OnnxValue, options?: { transA?: boolean; transB?: boolean; alpha?: number; beta?: number }): OnnxValue;
  relu(x: OnnxValue): OnnxValue;
  sigmoid(x: OnnxValue): OnnxValue;
  sqrt(x: OnnxValue): OnnxValue;
  exp(x: OnnxValue): OnnxValue;
  log(x: OnnxValue): OnnxValue;
  neg(x: OnnxValue): OnnxValue;
  sin(x: OnnxValue): OnnxValue;
  cos(x: OnnxValue): OnnxValue;
  /** Clip to `[min, max]` (either bound optional). */
  clip(x: OnnxValue, min?: number, max?: number): OnnxValue;
  max(a: OnnxValue, b: OnnxValue): OnnxValue;
  min(a: OnnxValue, b: OnnxValue): OnnxValue;
  softmax(x: OnnxValue, axis?: number): OnnxValue;
  /** LayerNormalization (opset 17) over the last axis by default; epsilon defaults to 1e-5. */
  layerNormalization(x: OnnxValue, scale: OnnxValue, bias: OnnxValue, options?: { axis?: number; epsilon?: number }): OnnxValue;
  /** InstanceNormalization: x [N, C, ...], scale and bias [C]. */
  instanceNormalization(x: OnnxValue, scale: OnnxValue, bias: OnnxValue, epsilon?: number): OnnxValue;
  conv(x: OnnxValue, weight: OnnxValue, bias?: OnnxValue, options?: ConvOptions): OnnxValue;
  maxPool(x: OnnxValue, kernel: readonly number[], options?: { strides?: readonly number[]; pads?: readonly number[] }): OnnxValue;
  /** Reshape to `shape` (ONNX rules: 0 copies the input dim, -1 is inferred) or to a runtime int64 shape value. */
  reshape(x: OnnxValue, shape: readonly number[] | OnnxValue): OnnxValue;
  transpose(x: OnnxValue, perm: readonly number[]): OnnxValue;
  gather(x: OnnxValue, indices: OnnxValue, axis?: number): OnnxValue;
  /** GridSample (opset 16): x [N, C, H, W], grid [N, Ho, Wo, 2] in [-1, 1] (x, y) -> [N, C, Ho, Wo]. */
  gridSample(x: OnnxValue, grid: OnnxValue, options?: GridSampleOptions): OnnxValue;
  concat(xs: readonly OnnxValue[], axis: number): OnnxValue;
  /** Slice with constant starts/ends/axes/steps. */
  slice(x: OnnxValue, starts: readonly number[], ends: readonly number[], axes?: readonly number[], steps?: readonly number[]): OnnxValue;
  /** Split `x` along `axis` into pieces of the given sizes. */
  split(x: OnnxValue, sizes: readonly number[], axis: number): OnnxValue[];
  reduceSum(x: OnnxValue, axes: readonly number[], keepdims?: boolean): OnnxValue;
  reduceMean(x: OnnxValue, axes: readonly number[], keepdims?: boolean): OnnxValue;
  where(condition: OnnxValue, a: OnnxValue, b: OnnxValue): OnnxValue;
  cast(x: OnnxValue, to: DType): OnnxValue;
  equal(a: OnnxValue, b: OnnxValue): OnnxValue;
  xor(a: OnnxValue, b: OnnxValue): OnnxValue;
  and(a: OnnxValue, b: OnnxValue): OnnxValue;
  or(a: OnnxValue, b: OnnxValue): OnnxValue;
  not(x: OnnxValue): OnnxValue;
  unsqueeze(x: OnnxValue, axes: readonly number[]): OnnxValue;
  squeeze(x: OnnxValue, axes: readonly number[]): OnnxValue;
  /** Shape of `x` as int64 [rank] (optionally `start`/`end` slice, opset 15). */
  shape(x: OnnxValue, start?: number, end?: number): OnnxValue;
  expand(x: OnnxValue, shape: readonly number[] | OnnxValue): OnnxValue;
  tile(x: OnnxValue, repeats: readonly number[] | OnnxValue): OnnxValue;
  identity(x: OnnxValue): OnnxValue;

  /** Counts of the graph so far. */
  stats(): GraphStats;
  /** The encoded model bytes, loadable by `InferenceSession.create(bytes)`. */
  toModelBytes(): Uint8Array;
}

const SMALL_CONSTANT = 64;

function isTensorView(value: unknown): value is TensorView {
  return typeof value === 'object' && value !== null && 'dims' in value && 'data' in value && 'type' in value;
}

const textEncoder = new TextEncoder();

function attributeOf(name: string, value: AttrValue): AttributeProto {
  const attribute = (init: MessageInitShape<typeof AttributeProtoSchema>): AttributeProto => create(AttributeProtoSchema, { ...init, name });
  if (typeof value === 'number') {
    return Number.isInteger(value) ? attribute({ type: AttributeType.INT, i: BigInt(value) }) : attribute({ type: AttributeType.FLOAT, f: value });
  }
  if (typeof value === 'string') return attribute({ type: AttributeType.STRING, s: textEncoder.encode(value) });
  if (Array.isArray(value)) {
    const ints = value as readonly number[];
    if (!ints.every(Number.isInteger))
      throw invalidArgument('range', 'GraphBuilder.node', `attrs.${name}`, 'integers (use { floats } for floats)', `[${ints.join(', ')}]`);
    return attribute({ type: AttributeType.INTS, ints: ints.map(BigInt) });
  }
  if (isTensorView(value)) return attribute({ type: AttributeType.TENSOR, t: tensorProtoOf('', value) });
  if ('floats' in value) return attribute({ type: AttributeType.FLOATS, floats: [...value.floats] });
  if ('float' in value) return attribute({ type: AttributeType.FLOAT, f: value.float });
  throw invalidArgument('type', 'GraphBuilder.node', `attrs.${name}`, 'an attribute value', typeof value);
}

function valueInfo(name: string, type: DType, dims: readonly Dim[] | undefined): ValueInfoProto {
  const shape =
    dims === undefined
      ? undefined
      : {
          dim: dims.map((d) => ({ value: typeof d === 'number' ? { case: 'dimValue' as const, value: BigInt(d) } : { case: 'dimParam' as const, value: d } })),
        };
  return create(ValueInfoProtoSchema, { name, type: { value: { case: 'tensorType', value: { elemType: onnxDataType(type), shape } } } });
}

/**
 * Creates a {@link GraphBuilder}.
 * @example
 * const g = createGraphBuilder({ name: 'tiny' });
 * const x = g.input('x', 'float32', ['N', 4]);
 * g.output(g.relu(x), 'y', 'float32', ['N', 4]);
 * const bytes = g.toModelBytes();
 */
export function createGraphBuilder(options: GraphBuilderOptions = {}): GraphBuilder {
  const graphName = options.name ?? 'graph';
  const producerName = options.producerName ?? 'taptr-js';
  const nodes: NodeProto[] = [];
  const initializers: TensorProto[] = [];
  const inputs: ValueInfoProto[] = [];
  const outputs: ValueInfoProto[] = [];
  const used = new Set<string>();
  const constCache = new Map<string, OnnxValue>();
  const counters = new Map<string, number>();
  const scopes: string[] = [];
  let floatElements = 0;
  let initializerBytes = 0;

  function uniqueName(hint: string): string {
    const base = [...scopes, hint].join('/');
    if (!used.has(base)) {
      used.add(base);
      return base;
    }
    let k = counters.get(base) ?? 1;
    while (used.has(`${base}_${k}`)) k++;
    counters.set(base, k + 1);
    const name = `${base}_${k}`;
    used.add(name);
    return name;
  }

  function claim(name: string, fn: string): void {
    if (used.has(name)) throw invalidArgument('range', fn, 'name', 'a name not used yet in this graph', JSON.stringify(name));
    used.add(name);
  }

  function initializer(view: TensorView, hint = 'const'): OnnxValue {
    const name = uniqueName(hint);
    initializers.push(tensorProtoOf(name, view));
    if (view.type === 'float32') floatElements += view.data.length;
    initializerBytes += view.data.byteLength;
    return { name };
  }

  function cachedConst(key: string, make: () => TensorView, hint: string): OnnxValue {
    const hit = constCache.get(key);
    if (hit !== undefined) return hit;
    const view = make();
    // Shared small constants live outside any scope so that every user sees the same name.
    const saved = scopes.splice(0, scopes.length);
    const value = initializer(view, hint);
    scopes.push(...saved);
    if (view.data.length <= SMALL_CONSTANT) constCache.set(key, value);
    return value;
  }

  function constFloat(values: number | readonly number[] | Float32Array, dims?: readonly number[]): OnnxValue {
    const data = typeof values === 'number' ? Float32Array.of(values) : Float32Array.from(values);
    const shape = dims ?? (typeof values === 'number' ? [] : [data.length]);
    if (data.length > SMALL_CONSTANT) return initializer(tensor('float32', shape, data), 'const_f');
    const key = `f:${shape.join(',')}:${Array.from(data, (v) => (Object.is(v, -0) ? '-0' : String(v))).join(',')}`;
    return cachedConst(key, () => tensor('float32', shape, data), 'const_f');
  }

  function constInt64(values: number | readonly number[], dims?: readonly number[]): OnnxValue {
    const list = typeof values === 'number' ? [values] : [...values];
    const shape = dims ?? (typeof values === 'number' ? [] : [list.length]);
    const key = `i:${shape.join(',')}:${list.join(',')}`;
    return cachedConst(
      key,
      () =>
        tensor(
          'int64',
          shape,
          BigInt64Array.from(list, (v) => BigInt(v)),
        ),
      'const_i',
    );
  }

  function constBool(values: readonly boolean[], dims: readonly number[]): OnnxValue {
    const key = `b:${dims.join(',')}:${values.map(Number).join('')}`;
    return cachedConst(key, () => tensor('bool', dims, Uint8Array.from(values, Number)), 'const_b');
  }

  function node(opType: string, nodeInputs: readonly (OnnxValue | null)[], attrs: Attrs = {}, count = 1): OnnxValue[] {
    const outs: OnnxValue[] = [];
    for (let i = 0; i < count; i++) outs.push({ name: uniqueName(opType) });
    const attribute: AttributeProto[] = [];
    for (const [key, value] of Object.entries(attrs)) if (value !== undefined) attribute.push(attributeOf(key, value));
    nodes.push(
      create(NodeProtoSchema, {
        opType,
        name: `${outs[0]?.name ?? uniqueName(opType)}#node`,
        input: nodeInputs.map((v) => (v === null ? '' : v.name)),
        output: outs.map((o) => o.name),
        attribute,
      }),
    );
    return outs;
  }

  function op(opType: string, nodeInputs: readonly (OnnxValue | null)[], attrs?: Attrs): OnnxValue {
    return node(opType, nodeInputs, attrs, 1)[0]!;
  }

  const shapeValue = (shape: readonly number[] | OnnxValue): OnnxValue =>
    Array.isArray(shape) ? constInt64(shape as readonly number[]) : (shape as OnnxValue);

  function buildModel(): Uint8Array {
    const model = create(ModelProtoSchema, {
      irVersion: BigInt(IR_VERSION),
      producerName,
      opsetImport: [{ domain: '', version: BigInt(OPSET_VERSION) }],
      graph: { name: graphName, node: nodes, initializer: initializers, input: inputs, output: outputs },
    });
    return encodeOnnxModel(model);
  }

  const builder: GraphBuilder = {
    input(name, type, dims) {
      claim(name, 'GraphBuilder.input');
      inputs.push(valueInfo(name, type, dims));
      return { name };
    },
    output(value, name, type, dims) {
      let out = value;
      if (value.name !== name) {
        claim(name, 'GraphBuilder.output');
        nodes.push(create(NodeProtoSchema, { opType: 'Identity', name: `${name}#node`, input: [value.name], output: [name] }));
        out = { name };
      }
      outputs.push(valueInfo(out.name, type, dims));
    },
    initializer,
    constFloat,
    constInt64,
    constBool,
    uniqueName,
    scope(prefix, fn) {
      scopes.push(prefix);
      try {
        return fn();
      } finally {
        scopes.pop();
      }
    },
    node,
    op,
    add: (a, b) => op('Add', [a, b]),
    sub: (a, b) => op('Sub', [a, b]),
    mul: (a, b) => op('Mul', [a, b]),
    div: (a, b) => op('Div', [a, b]),
    matMul: (a, b) => op('MatMul', [a, b]),
    gemm: (a, b, c, o = {}) =>
      op('Gemm', c === undefined ? [a, b] : [a, b, c], {
        transA: o.transA ? 1 : undefined,
        transB: o.transB ? 1 : undefined,
        alpha: o.alpha === undefined ? undefined : { float: o.alpha },
        beta: o.beta === undefined ? undefined : { float: o.beta },
      }),
    relu: (x) => op('Relu', [x]),
    sigmoid: (x) => op('Sigmoid', [x]),
    sqrt: (x) => op('Sqrt', [x]),
    exp: (x) => op('Exp', [x]),
    log: (x) => op('Log', [x]),
    neg: (x) => op('Neg', [x]),
    sin: (x) => op('Sin', [x]),
    cos: (x) => op('Cos', [x]),
    clip: (x, min, max) => op('Clip', [x, min === undefined ? null : constFloat(min), max === undefined ? null : constFloat(max)]),
    max: (a, b) => op('Max', [a, b]),
    min: (a, b) => op('Min', [a, b]),
    softmax: (x, axis = -1) => op('Softmax', [x], { axis }),
    layerNormalization: (x, scale, bias, o = {}) => op('LayerNormalization', [x, scale, bias], { axis: o.axis ?? -1, epsilon: { float: o.epsilon ?? 1e-5 } }),
    instanceNormalization: (x, scale, bias, epsilon = 1e-5) => op('InstanceNormalization', [x, scale, bias], { epsilon: { float: epsilon } }),
    conv: (x, weight, bias, o = {}) =>
      op('Conv', bias === undefined ? [x, weight] : [x, weight, bias], { strides: o.strides, pads: o.pads, dilations: o.dilations, group: o.group }),
    maxPool: (x, kernel, o = {}) => op('MaxPool', [x], { kernel_shape: kernel, strides: o.strides, pads: o.pads }),
    reshape: (x, shape) => op('Reshape', [x, shapeValue(shape)]),
    transpose: (x, perm) => op('Transpose', [x], { perm }),
    gather: (x, indices, axis = 0) => op('Gather', [x, indices], { axis }),
    gridSample: (x, grid, o = {}) =>
      op('GridSample', [x, grid], { mode: o.mode ?? 'bilinear', padding_mode: o.paddingMode ?? 'zeros', align_corners: o.alignCorners ? 1 : 0 }),
    concat: (xs, axis) => op('Concat', xs, { axis }),
    slice: (x, starts, ends, axes, steps) =>
      op('Slice', [x, constInt64(starts), constInt64(ends), axes === undefined ? null : constInt64(axes), steps === undefined ? null : constInt64(steps)]),
    split: (x, sizes, axis) => node('Split', [x, constInt64(sizes)], { axis }, sizes.length),
    reduceSum: (x, axes, keepdims = true) => op('ReduceSum', [x, constInt64(axes)], { keepdims: keepdims ? 1 : 0 }),
    reduceMean: (x, axes, keepdims = true) => op('ReduceMean', [x], { axes, keepdims: keepdims ? 1 : 0 }),
    where: (c, a, b) => op('Where', [c, a, b]),
    cast: (x, to) => op('Cast', [x], { to: onnxDataType(to) }),
    equal: (a, b) => op('Equal', [a, b]),
    xor: (a, b) => op('Xor', [a, b]),
    and: (a, b) => op('And', [a, b]),
    or: (a, b) => op('Or', [a, b]),
    not: (x) => op('Not', [x]),
    unsqueeze: (x, axes) => op('Unsqueeze', [x, constInt64(axes)]),
    squeeze: (x, axes) => op('Squeeze', [x, constInt64(axes)]),
    shape: (x, start, end) => op('Shape', [x], { start, end }),
    expand: (x, shape) => op('Expand', [x, shapeValue(shape)]),
    tile: (x, repeats) => op('Tile', [x, shapeValue(repeats)]),
    identity: (x) => op('Identity', [x]),
    stats: () => ({ nodes: nodes.length, initializers: initializers.length, floatElements, initializerBytes }),
    toModelBytes: buildModel,
  };
  return builder;
}
