// SPDX-License-Identifier: Apache-2.0
import {
  buildProbeModel,
  createTensorFactory,
  type ModelSession,
  type ModelSessionOptions,
  type RuntimeAdapter,
  type TensorFactory,
  wrapInferenceSession,
} from '@taptr/runtime';
import { describeValue, invalidArgument, TaptrError } from '@taptr/tensor';
import { basename } from 'node:path';
import * as ort from 'onnxruntime-node';

/** Options of {@link createNodeRuntime}. */
export interface NodeRuntimeOptions {
  /** Intra-op threads per session; 0 lets onnxruntime choose (one per core). Defaults to 0. */
  readonly threads?: number;
  /**
   * Execution provider: `'cpu'`, or `'webgpu'` (onnxruntime-node's built-in Dawn; needs a WebGPU
   * adapter, e.g. SwiftShader via `VK_ICD_FILENAMES`). Defaults to `'cpu'`.
   */
  readonly executionProvider?: 'cpu' | 'webgpu';
  /** onnxruntime graph optimisation level. Defaults to `'all'`. */
  readonly graphOptimizationLevel?: 'disabled' | 'basic' | 'extended' | 'all';
  /**
   * How CPU sessions hold their intermediate tensors (issues 9 and 15):
   * - `'balanced'` (default): onnxruntime's CPU arena without the memory pattern, and the weights
   *   outside the arena (`enableCpuMemArena: true`, `enableMemPattern: false`, session config
   *   `session.use_device_allocator_for_initializers`). After its first run a session reuses its
   *   arena, so no run writes to memory fresh from the kernel (which costs ~3 ms per MB on some
   *   machines, see the package README); the arena holds the session's largest live set, which the
   *   TAPTR graphs keep small (the encoder is tiled over its tokens, the decoder projects one frame at a
   *   time). As fast as `'fast'` everywhere, with far less memory.
   * - `'fast'`: onnxruntime's defaults (arena and memory pattern on; weights in the arena). The memory
   *   pattern reserves one block per input shape that, for the decoder's graph, is far larger than
   *   the tensors alive at any time.
   * - `'low'`: no CPU memory arena and no memory pattern: every intermediate is allocated when
   *   produced and freed after its last use, so memory returns to the system after every run. Cheap on
   *   machines where fresh memory is cheap; several times slower where it is not (4.7x measured).
   * Per-session options (`enableCpuMemArena`, `enableMemPattern`, `extra`) still win. Defaults to
   * `'balanced'`.
   */
  readonly memory?: NodeMemoryMode;
}

/** {@link NodeRuntimeOptions.memory}. */
export type NodeMemoryMode = 'balanced' | 'fast' | 'low';

/** Defaults of {@link NodeRuntimeOptions}. */
export const DEFAULT_NODE_RUNTIME_OPTIONS: Readonly<Required<NodeRuntimeOptions>> = Object.freeze({
  threads: 0,
  executionProvider: 'cpu',
  graphOptimizationLevel: 'all',
  memory: 'balanced',
});

const EXECUTION_PROVIDERS = ['cpu', 'webgpu'] as const;
const OPTIMIZATION_LEVELS = ['disabled', 'basic', 'extended', 'all'] as const;
const MEMORY_MODES = ['balanced', 'fast', 'low'] as const;

function resolveOptions(options: NodeRuntimeOptions): Required<NodeRuntimeOptions> {
  const o = { ...DEFAULT_NODE_RUNTIME_OPTIONS, ...options };
  if (!Number.isInteger(o.threads) || o.threads < 0) {
    throw invalidArgument('range', 'createNodeRuntime', 'options.threads', 'a non-negative integer (0 = onnxruntime default)', describeValue(o.threads));
  }
  if (!(EXECUTION_PROVIDERS as readonly string[]).includes(o.executionProvider)) {
    throw invalidArgument(
      'range',
      'createNodeRuntime',
      'options.executionProvider',
      `one of ${EXECUTION_PROVIDERS.join(', ')}`,
      describeValue(o.executionProvider),
    );
  }
  if (!(OPTIMIZATION_LEVELS as readonly string[]).includes(o.graphOptimizationLevel)) {
    throw invalidArgument(
      'range',
      'createNodeRuntime',
      'options.graphOptimizationLevel',
      `one of ${OPTIMIZATION_LEVELS.join(', ')}`,
      describeValue(o.graphOptimizationLevel),
    );
  }
  if (!(MEMORY_MODES as readonly string[]).includes(o.memory)) {
    throw invalidArgument('range', 'createNodeRuntime', 'options.memory', `one of ${MEMORY_MODES.join(', ')}`, describeValue(o.memory));
  }
  return o;
}

/** The CPU session options of a memory mode (see {@link NodeRuntimeOptions.memory}). */
export function memorySessionOptions(memory: NodeMemoryMode): ModelSessionOptions {
  switch (memory) {
    case 'balanced':
      return { enableCpuMemArena: true, enableMemPattern: false, extra: { session: { use_device_allocator_for_initializers: '1' } } };
    case 'low':
      return { enableCpuMemArena: false, enableMemPattern: false };
    default:
      return {};
  }
}

/** `options` over `base`, with their `extra` config entries merged (per-session entries win). @internal */
export function mergeSessionOptions(base: ModelSessionOptions, options: ModelSessionOptions): ModelSessionOptions {
  const merged: ModelSessionOptions = { ...base, ...options };
  if (base.extra !== undefined && options.extra !== undefined) {
    const a = base.extra;
    const b = options.extra;
    const extra: Record<string, unknown> = { ...a, ...b };
    for (const key of Object.keys(a)) {
      const x = a[key];
      const y = b[key];
      if (x !== null && typeof x === 'object' && y !== null && typeof y === 'object') extra[key] = { ...x, ...y };
    }
    return { ...merged, extra };
  }
  return merged;
}

const nodeTensors: TensorFactory = createTensorFactory(ort.Tensor);

/**
 * Creates the onnxruntime-node adapter (`name` `'ort-node-cpu'` or `'ort-node-webgpu'`).
 * Sessions use the adapter's thread count, execution provider, optimisation level and memory mode
 * unless the per-session options override them; feeds are validated before they reach onnxruntime.
 * @throws RangeError for an invalid option.
 * @example
 * const runtime = createNodeRuntime({ threads: 2 });
 * const session = await runtime.createSession('decoder_window.onnx');
 */
export function createNodeRuntime(options: NodeRuntimeOptions = {}): RuntimeAdapter {
  const o = resolveOptions(options);
  const base: ModelSessionOptions = {
    executionProviders: [o.executionProvider],
    graphOptimizationLevel: o.graphOptimizationLevel,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    logSeverityLevel: 3,
    ...(o.threads > 0 ? { intraOpNumThreads: o.threads } : {}),
    ...(o.executionProvider === 'cpu' ? memorySessionOptions(o.memory) : {}),
  };
  let probe: Promise<string | undefined> | undefined;

  const runProbe = async (): Promise<string | undefined> => {
    const backends = ort.listSupportedBackends();
    if (!backends.some((b) => b.name === o.executionProvider && b.bundled)) {
      return `onnxruntime-node ${ort.env.versions.common} has no bundled '${o.executionProvider}' execution provider`;
    }
    if (o.executionProvider === 'cpu') return undefined;
    // A WebGPU EP can be bundled and still find no adapter: really run a tiny model on it.
    try {
      const session = await ort.InferenceSession.create(buildProbeModel(), { executionProviders: ['webgpu'], logSeverityLevel: 3 });
      try {
        const a = new ort.Tensor('float32', new Float32Array([1, 2]), [2]);
        const out = await session.run({ a, b: a });
        const sum = out['sum']?.data as Float32Array | undefined;
        if (sum?.[0] !== 2 || sum[1] !== 4) return 'the WebGPU probe model returned wrong values';
      } finally {
        await session.release();
      }
      return undefined;
    } catch (error) {
      return `no WebGPU adapter (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`;
    }
  };
  const unsupportedReason = (): Promise<string | undefined> => (probe ??= runProbe().catch((e: unknown) => String(e)));

  return {
    name: `ort-node-${o.executionProvider}`,
    tensors: nodeTensors,
    async isSupported() {
      return (await unsupportedReason()) === undefined;
    },
    unsupportedReason,
    async createSession(model: Uint8Array | string, sessionOptions: ModelSessionOptions = {}): Promise<ModelSession> {
      if (typeof model !== 'string' && !(model instanceof Uint8Array)) {
        throw invalidArgument('type', 'createSession', 'model', 'ONNX bytes (Uint8Array) or a file path', describeValue(model));
      }
      const label = sessionOptions.logId ?? (typeof model === 'string' ? basename(model) : `model (${model.byteLength} bytes)`);
      let session: ort.InferenceSession;
      try {
        const merged = mergeSessionOptions(base, sessionOptions);
        session = typeof model === 'string' ? await ort.InferenceSession.create(model, merged) : await ort.InferenceSession.create(model, merged);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new TaptrError('TAPTR_IO', `createSession: cannot load ${label} on ${o.executionProvider}: ${reason}`, { cause: error });
      }
      // onnxruntime-node writes pre-allocated outputs (fetches) into the given buffers (checked by the conformance suite).
      return wrapInferenceSession(session, label, { writesOutputsInPlace: o.executionProvider === 'cpu' });
    },
  };
}
