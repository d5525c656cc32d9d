// SPDX-License-Identifier: Apache-2.0
import { buildProbeModel, createTensorFactory, type ModelSession, type ModelSessionOptions, type RuntimeAdapter, type TensorFactory, wrapInferenceSession } from '@taptr/runtime';
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
   * How CPU sessions hold their intermediate tensors (issue 9):
   * - `'low'` (default): no CPU memory arena and no memory pattern (`enableCpuMemArena: false`,
   *   `enableMemPattern: false`): every intermediate is allocated when produced and freed after its
   *   last use, so a session's memory returns to the system after each run and the peak is the live
   *   set of the running graph. onnxruntime's arena instead keeps its high-water mark per session for
   *   good (it grows in powers of two and never shrinks, and the encoder and decoder each have one),
   *   and the memory pattern reserves one block per input shape that is far larger than the live set
   *   for the decoder's graph.
   * - `'fast'`: onnxruntime's defaults (arena and memory pattern on). Measured on the released model:
   *   the same encoder and few-point decoder times, a ~25% faster decoder at N = 800, and 1.7-2.3x the
   *   peak RSS (see the package README).
   * Per-session options (`enableCpuMemArena`, `enableMemPattern`) still win. Defaults to `'low'`.
   */
  readonly memory?: 'low' | 'fast';
}

/** Defaults of {@link NodeRuntimeOptions}. */
export const DEFAULT_NODE_RUNTIME_OPTIONS: Readonly<Required<NodeRuntimeOptions>> = Object.freeze({
  threads: 0,
  executionProvider: 'cpu',
  graphOptimizationLevel: 'all',
  memory: 'low',
});

const EXECUTION_PROVIDERS = ['cpu', 'webgpu'] as const;
const OPTIMIZATION_LEVELS = ['disabled', 'basic', 'extended', 'all'] as const;
const MEMORY_MODES = ['low', 'fast'] as const;

function resolveOptions(options: NodeRuntimeOptions): Required<NodeRuntimeOptions> {
  const o = { ...DEFAULT_NODE_RUNTIME_OPTIONS, ...options };
  if (!Number.isInteger(o.threads) || o.threads < 0) {
    throw invalidArgument('range', 'createNodeRuntime', 'options.threads', 'a non-negative integer (0 = onnxruntime default)', describeValue(o.threads));
  }
  if (!(EXECUTION_PROVIDERS as readonly string[]).includes(o.executionProvider)) {
    throw invalidArgument('range', 'createNodeRuntime', 'options.executionProvider', `one of ${EXECUTION_PROVIDERS.join(', ')}`, describeValue(o.executionProvider));
  }
  if (!(OPTIMIZATION_LEVELS as readonly string[]).includes(o.graphOptimizationLevel)) {
    throw invalidArgument('range', 'createNodeRuntime', 'options.graphOptimizationLevel', `one of ${OPTIMIZATION_LEVELS.join(', ')}`, describeValue(o.graphOptimizationLevel));
  }
  if (!(MEMORY_MODES as readonly string[]).includes(o.memory)) {
    throw invalidArgument('range', 'createNodeRuntime', 'options.memory', `one of ${MEMORY_MODES.join(', ')}`, describeValue(o.memory));
  }
  return o;
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
    ...(o.memory === 'low' && o.executionProvider === 'cpu' ? { enableCpuMemArena: false, enableMemPattern: false } : {}),
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
        const merged = { ...base, ...sessionOptions };
        session = typeof model === 'string' ? await ort.InferenceSession.create(model, merged) : await ort.InferenceSession.create(model, merged);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new TaptrError('TAPTR_IO', `createSession: cannot load ${label} on ${o.executionProvider}: ${reason}`, { cause: error });
      }
      return wrapInferenceSession(session, label);
    },
  };
}
