// SPDX-License-Identifier: Apache-2.0
import { readFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { taptrReferenceDir } from '@taptr/fixtures';
import {
  applyTaptrPrecision,
  buildTaptrGraphs,
  memoryTokens,
  parseTaptrConfig,
  RELEASED_CONFIG,
  readTaptrCheckpoint,
  syntheticStateDict,
  taptrConfigToJson,
  type TaptrConfig,
  type TaptrGraphs,
  type TaptrPrecision,
} from '@taptr/model';
import type { ModelSession, RuntimeAdapter } from '@taptr/runtime';
import { DEFAULT_NODE_RUNTIME_OPTIONS, int8WeightsForCpu, type NodeMemoryMode } from '@taptr/runtime-node';
import {
  createGraphRunner,
  createTracker,
  DEFAULT_SAMPLE_FIRST_MAX_POINTS,
  inverseSigmoid,
  WINDOW_STRIDE,
  type DecoderPath,
  type DecoderWindowInput,
  type DecoderWindowOutput,
  type RuntimeGraphRunner,
  type TaptrGraphRunner,
  type Tracker,
} from '@taptr/tracker';
import type { BenchBackend, BenchConfig } from './bench-options.js';
import { openBackend } from './bench-runtimes.js';
import { BASELINE_VARIANT, type BenchVariant, variantLabel } from './bench-variant.js';
import { frameEncoderMacs } from './encoder-flops.js';
import { type FreshMemoryProbe, machineClass, probeFreshMemory } from './fresh-memory.js';
import { machineInfo } from './machine-info.js';
import { loadMatMulFloor, MATMUL_FLOOR_SHAPE, type MatMulFloor } from './matmul-floor.js';
import { collectGarbage, withPeakRss } from './memory-sampler.js';
import { type SampleStats, timeInterleaved, timeRepeated } from './sample-stats.js';
import { syntheticQueries, syntheticVideo } from './synthetic-video.js';
import { type TimedObject, timeMethods } from './timed-runner.js';

/** What one speed case measures: one backend, one configuration, in one process. */
export interface SpeedCaseSpec {
  readonly backend: BenchBackend;
  readonly config: BenchConfig;
  readonly threads: number;
  /** Decoder point counts (one window each, medians), on the decoder path the tracker takes at each. */
  readonly points: readonly number[];
  /** Point counts at which the decoder is also timed on the other path (when the model has both). */
  readonly comparePoints?: readonly number[];
  /** End-to-end point counts. */
  readonly endToEndPoints: readonly number[];
  /** Frames of the end-to-end synthetic video. */
  readonly frames: number;
  readonly repetitions: number;
  /** Precision and resolution of the graphs (default: fp32 at the configuration's resolution). */
  readonly variant?: BenchVariant;
  /** onnxruntime-node CPU memory mode (`createNodeRuntime({ memory })`); default: the adapter's default. */
  readonly memory?: NodeMemoryMode;
}

/** One end-to-end `tracker.track` of a synthetic video. */
export interface EndToEndResult {
  readonly points: number;
  /** The decoder path the tracker took (every window of the run has N points). */
  readonly decoderPath: DecoderPath;
  readonly frames: number;
  /** Decoder windows run. */
  readonly windows: number;
  readonly totalMs: number;
  readonly msPerFrame: number;
  readonly fps: number;
  /** Time inside G1 per frame during this run. */
  readonly encoderMsPerFrame: number;
  /** Time inside G3 per frame during this run (windows run / frames). */
  readonly decoderMsPerFrame: number;
  /** Time inside G3 per window during this run; / 4 = the steady-state decoder cost per frame. */
  readonly decoderMsPerWindow: number;
  /** Time inside G2 (query initialisation) in the whole run. */
  readonly queryInitMs: number;
  /** Everything else per frame: preprocessing, state bookkeeping, copies. */
  readonly otherMsPerFrame: number;
  /** Peak resident set size sampled during the run (MB = 1e6 bytes). */
  readonly peakRssMB: number;
  /** 1-minute load average at the end of the run. */
  readonly load1: number;
}

/** One decoder window at N points on one decoder path. */
export interface DecoderResult {
  readonly points: number;
  /** The G3 build timed (`decoderWindowSampleFirst` or `decoderWindow`). */
  readonly path: DecoderPath;
  /** Whether `tracker.track` takes this path at N points (false: a comparison row, `--compare-points`). */
  readonly trackerPath: boolean;
  readonly msPerWindow: SampleStats;
  /** Median ms per window / stride 4: every frame is in two windows of 8 frames. */
  readonly msPerFrame: number;
}

/** Everything one speed case measured. */
export interface SpeedCaseResult {
  readonly backend: BenchBackend;
  /** Runtime adapter name, e.g. `ort-node-cpu`. */
  readonly adapter: string;
  readonly note?: string;
  readonly config: BenchConfig;
  readonly configLabel: string;
  /** The variant timed, as `--variants` names it (`fp32`, `int8`, `fp32@320`). */
  readonly variant: string;
  readonly precision: TaptrPrecision;
  readonly resolution: number;
  /** Size of the graphs (ONNX bytes: encoder, query init, both decoders). */
  readonly graphBytes: number;
  readonly threads: number;
  /** Memory tokens S per frame. */
  readonly tokens: number;
  /** Graph build (or checkpoint read + build) time. */
  readonly buildMs: number;
  /**
   * Session creation of every graph the case ran, summed (`sessions` per graph). The encoder and
   * query-init sessions are created with the graph runner; each decoder session at the first window
   * on its path (the tracker creates them lazily when the model has the sample-first decoder), which
   * here is always an untimed warm-up window, so no timed figure includes a session creation.
   */
  readonly sessionMs: number;
  /** Session creation per graph file name (`frame_encoder`, `query_init`, `decoder_window`, `decoder_window_sample_first`), ms. */
  readonly sessions: Readonly<Record<string, number>>;
  readonly encoder: {
    /** Measured alternately with the floor MatMul (same load for both). */
    readonly msPerFrame: SampleStats;
    /** Analytic FLOPs of G1 per frame (2 x multiply-adds). */
    readonly flops: number;
    /** flops / the MatMul floor rate, ms. */
    readonly floorMs: number;
    /** Median encoder time / floorMs. */
    readonly floorMultiple: number;
  };
  readonly decoder: readonly DecoderResult[];
  /** The tracker's threshold: windows of at most this many points run the sample-first decoder. */
  readonly sampleFirstMaxPoints: number;
  readonly endToEnd: readonly EndToEndResult[];
  readonly floor: MatMulFloor;
  /** Process peak RSS (maxRSS) after the end-to-end runs, before the other measurements (MB). */
  readonly maxRssMB: number;
  /** 1-minute load averages when each phase ended: how busy the shared machine was. */
  readonly load: Readonly<Record<string, number>>;
  /** The CPU memory mode of the sessions (`'default'` on non-CPU backends). */
  readonly memory: string;
  /** Fresh-memory cost measured in this case's process (issue 15). */
  readonly freshMemory: FreshMemoryProbe;
  /** The machine class that produced the figures: CPU kernel class and fresh-memory cost. */
  readonly machineClass: string;
}

/** One memory mode's end-to-end runs (`--memory-modes`): the same work as the speed case, in a process of its own. */
export interface MemoryModeResult {
  readonly backend: BenchBackend;
  readonly config: BenchConfig;
  readonly resolution: number;
  readonly threads: number;
  /** `balanced`, `fast` or `low`. */
  readonly memory: string;
  readonly sessionMs: number;
  readonly endToEnd: readonly EndToEndResult[];
  readonly maxRssMB: number;
  readonly load: Readonly<Record<string, number>>;
  readonly freshMemory: FreshMemoryProbe;
  readonly machineClass: string;
}

/** The TAPTR reference fixture set of @taptr/fixtures (reduced random-weight model). */
export const REFERENCE_DIR = taptrReferenceDir();

const round1 = (v: number): number => Math.round(v * 10) / 10;
const maxRssMB = (): number => Math.round((process.resourceUsage().maxRSS * 1024) / 1e6);

/** `config` with its input resolution replaced (as `taptr convert --resolution R` does). */
function withResolution(config: TaptrConfig, resolution: number | undefined): TaptrConfig {
  return resolution === undefined ? config : parseTaptrConfig({ ...taptrConfigToJson(config), data_aug_scales: [resolution], data_aug_max_size: resolution });
}

async function loadGraphs(config: BenchConfig, variant: BenchVariant): Promise<{ graphs: TaptrGraphs; label: string }> {
  let graphs: TaptrGraphs;
  let label: string;
  if (config === 'reference') {
    const base: TaptrConfig = parseTaptrConfig(JSON.parse(await readFile(join(REFERENCE_DIR, 'config.json'), 'utf8')));
    const state = readTaptrCheckpoint(new Uint8Array(await readFile(join(REFERENCE_DIR, 'checkpoint.pth'))), { config: base });
    graphs = buildTaptrGraphs(state, withResolution(base, variant.resolution));
    label = `reference (${base.backbone}, C ${base.hiddenDim}, ${base.decLayers} dec layers, random weights)`;
  } else {
    graphs = buildTaptrGraphs(syntheticStateDict(RELEASED_CONFIG), withResolution(RELEASED_CONFIG, variant.resolution));
    label = 'released (ResNet-50, C 256, 6 dec layers, synthetic weights)';
  }
  // int8: u8s8 where the CPU has VNNI, u8u8 elsewhere (issue 15), as the model would be converted for this machine.
  const int8Weights = int8WeightsForCpu();
  const weights = variant.precision === 'int8' ? ` (${int8Weights === 'int8' ? 'u8s8' : 'u8u8'} weights for this CPU)` : '';
  return {
    graphs: applyTaptrPrecision(graphs, variant.precision, { int8Weights }),
    label: variant === BASELINE_VARIANT ? label : `${label}, ${variantLabel(variant)}${weights}`,
  };
}

/**
 * The graph file names (as in a model folder, without `.onnx`) by bytes identity. Weak: the case drops
 * its graphs once the runner exists (the runner keeps each decoder's bytes only until its session is
 * created), so the peak RSS is the tracker's, not the bench's.
 */
function graphNames(graphs: TaptrGraphs): WeakMap<Uint8Array, string> {
  const names = new WeakMap<Uint8Array, string>([
    [graphs.frameEncoder, 'frame_encoder'],
    [graphs.queryInit, 'query_init'],
    [graphs.decoderWindow, 'decoder_window'],
  ]);
  if (graphs.decoderWindowSampleFirst !== undefined) names.set(graphs.decoderWindowSampleFirst, 'decoder_window_sample_first');
  return names;
}

/** Total ONNX bytes of the graphs. */
function graphByteCount(graphs: TaptrGraphs): number {
  return [graphs.frameEncoder, graphs.queryInit, graphs.decoderWindow, graphs.decoderWindowSampleFirst].reduce((sum, g) => sum + (g?.length ?? 0), 0);
}

/**
 * `runtime` with every `createSession` of a model graph timed into `sessions` (by graph name): the graph runner
 * creates the decoder sessions lazily, so their cost is not inside `createGraphRunner`.
 */
function timeSessionCreation(runtime: RuntimeAdapter, names: WeakMap<Uint8Array, string>, sessions: Record<string, number>): RuntimeAdapter {
  const timed = Object.create(runtime) as RuntimeAdapter & { createSession: RuntimeAdapter['createSession'] };
  timed.createSession = async (...args: Parameters<RuntimeAdapter['createSession']>): Promise<ModelSession> => {
    const start = performance.now();
    const session = await runtime.createSession(...args);
    const name = names.get(args[0] as Uint8Array); // undefined: not a model graph (the MatMul floor)
    if (name !== undefined) sessions[name] = Math.round((sessions[name] ?? 0) + performance.now() - start);
    return session;
  };
  return timed;
}

/** A normalized image batch `[1, 3, R, R]` with smooth content (values have no meaning). */
export function syntheticImage(R: number): Float32Array {
  const img = new Float32Array(3 * R * R);
  for (let c = 0; c < 3; c++) for (let i = 0; i < R * R; i++) img[c * R * R + i] = Math.sin((i % R) * 0.05 + c) + Math.cos(Math.floor(i / R) * 0.07);
  return img;
}

/** The first window of a video whose N points are all queried on frame 0 (every point tracked and updated), and its output arrays. */
async function decoderCall(
  runner: TaptrGraphRunner,
  memory: Float32Array,
  n: number,
  R: number,
  C: number,
): Promise<{ input: DecoderWindowInput; output: DecoderWindowOutput }> {
  const K = 8;
  const queries = syntheticQueries(n, R);
  const xyNorm = new Float32Array(n * 2);
  queries.forEach((q, i) => {
    xyNorm[i * 2] = (q.x + 0.5) / R;
    xyNorm[i * 2 + 1] = (q.y + 0.5) / R;
  });
  const init = await runner.initQueries(memory, xyNorm, n);
  const content = new Float32Array(K * n * C);
  const refUnsig = new Float32Array(K * n * 4);
  for (let k = 0; k < K; k++) {
    content.set(init, k * n * C);
    for (let i = 0; i < n; i++) {
      refUnsig[(k * n + i) * 4] = inverseSigmoid(xyNorm[i * 2]!);
      refUnsig[(k * n + i) * 4 + 1] = inverseSigmoid(xyNorm[i * 2 + 1]!);
    }
  }
  const ones = new Uint8Array(n * K).fill(1);
  // The window's memory [K, S, C] contiguous, as the tracker's memory ring gives it.
  const window = new Float32Array(K * memory.length);
  for (let k = 0; k < K; k++) window.set(memory, k * memory.length);
  const input: DecoderWindowInput = { points: n, memory: window, content, refUnsig, trackMask: ones, updateMask: ones, initContent: content.slice() };
  const output: DecoderWindowOutput = {
    refUnsigOut: new Float32Array(K * n * 4),
    visLogits: new Float32Array(K * n * 3),
    contentOut: new Float32Array(K * n * C),
  };
  return { input, output };
}

/** A case's process after graph building, session creation and warm-up (graphs dropped). */
export interface OpenedCase {
  readonly opened: Exclude<Awaited<ReturnType<typeof openBackend>>, { unavailable: string }>;
  readonly variant: BenchVariant;
  readonly label: string;
  readonly buildMs: number;
  readonly graphBytes: number;
  readonly hasSampleFirst: boolean;
  readonly sessions: Record<string, number>;
  readonly runtime: RuntimeAdapter;
  readonly config: TaptrConfig;
  readonly name: string;
  readonly timed: TimedObject<RuntimeGraphRunner>;
  /** A warm encoder output `[S, C]` (a copy) for the decoder inputs. */
  readonly memory: Float32Array;
  /** (N, path) pairs already run once: onnxruntime plans and allocates per input shape and session. */
  readonly warmed: Set<string>;
}

/**
 * This process's fresh-memory probe and machine class, measured after the case's measurements: the
 * probe allocates 4 x 178 MB that stay in the heap until a garbage collection, which would inflate
 * the peak RSS of the runs measured after it.
 */
export function caseMachineClass(): { freshMemory: FreshMemoryProbe; machineClass: string } {
  const freshMemory = probeFreshMemory();
  return { freshMemory, machineClass: machineClass(machineInfo(), freshMemory) };
}

const load1 = (): number => Math.round((loadavg()[0] ?? 0) * 100) / 100;

/**
 * Opens a case: builds the graphs of
 * `spec.variant` (`applyTaptrPrecision` on the configuration with its resolution replaced), creates the
 * runner (encoder and query-init sessions; each decoder session at its first window), drops the graphs
 * and warms up one frame and one window at the smallest N.
 */
export async function openCase(spec: SpeedCaseSpec, log: (message: string) => void): Promise<OpenedCase> {
  const opened = await openBackend(spec.backend, spec.threads, process.env, spec.memory);
  if ('unavailable' in opened) throw new Error(`${spec.backend}: ${opened.unavailable}`);
  const variant = spec.variant ?? BASELINE_VARIANT;
  const t = performance.now();
  const loaded = await loadGraphs(spec.config, variant);
  let graphs: TaptrGraphs | undefined = loaded.graphs;
  const label = loaded.label;
  const buildMs = performance.now() - t;
  const graphBytes = graphByteCount(graphs);
  const hasSampleFirst = graphs.decoderWindowSampleFirst !== undefined;
  const config = graphs.config;
  const sessions: Record<string, number> = {};
  const runtime = timeSessionCreation(opened.runtime, graphNames(graphs), sessions);
  const name = `${spec.config} ${variantLabel(variant)}${spec.memory !== undefined ? ` (memory '${spec.memory}')` : ''}`;
  // The tracker's default decoder choice. Only the encoder and query-init sessions are created here:
  // each decoder session is created at the first window on its path (the warm-ups below).
  const timed = timeMethods(await createGraphRunner(runtime, graphs));
  // eslint-disable-next-line no-useless-assignment -- dropping the last reference is the point (collected below)
  graphs = undefined;
  // The state dict and the graphs are garbage now (the runner keeps each decoder's bytes until its
  // session exists): collect them, so that the peak RSS is the tracker's.
  collectGarbage();
  const runner = timed.proxy;
  log(
    `${name} on ${runtime.name}: graphs ${Math.round(buildMs)} ms, encoder + query init sessions ${Math.round(Object.values(sessions).reduce((a, b) => a + b, 0))} ms`,
  );
  const R = config.resolution;
  // Warm-up (first runs allocate and pick kernels): one frame, one window at the smallest N.
  const memory = new Float32Array(runner.tokens * runner.channels);
  await runner.encodeFrames(syntheticImage(R), 1, memory);
  const warmN = Math.min(...spec.points, ...spec.endToEndPoints);
  const warm = await decoderCall(runner, memory, warmN, R, config.hiddenDim);
  await runner.decodeWindow(warm.input, warm.output);
  return {
    opened,
    variant,
    label,
    buildMs,
    graphBytes,
    hasSampleFirst,
    sessions,
    runtime,
    config,
    name,
    timed,
    memory,
    warmed: new Set([`${warmN}/${runner.decoderPath(warmN)}`]),
  };
}

/**
 * `tracker.track` of a synthetic video at each N of `spec.endToEndPoints` (smallest first; one
 * untimed window at N first), every graph call timed, peak RSS sampled.
 */
async function endToEndRuns(
  c: OpenedCase,
  spec: SpeedCaseSpec,
  tracker: Tracker,
  load: Record<string, number>,
  log: (message: string) => void,
): Promise<EndToEndResult[]> {
  const { timed, config, memory, warmed, name } = c;
  const runner = timed.proxy;
  const R = config.resolution;
  const endToEnd: EndToEndResult[] = [];
  const video = syntheticVideo(spec.frames, R);
  for (const n of [...spec.endToEndPoints].sort((a, b) => a - b)) {
    // Warm G2/G3 up at this N first (onnxruntime plans and allocates per input shape).
    if (!warmed.has(`${n}/${runner.decoderPath(n)}`)) {
      const warm = await decoderCall(runner, memory, n, R, config.hiddenDim);
      await runner.decodeWindow(warm.input, warm.output);
    }
    warmed.add(`${n}/${runner.decoderPath(n)}`);
    log(`${name} on ${c.runtime.name}: end to end, ${spec.frames} frames ${R}x${R}, N = ${n}`);
    // The warm-up window's inputs are garbage: the peak RSS is the tracker's.
    collectGarbage();
    timed.reset();
    const start = performance.now();
    const { peakRssMB } = await withPeakRss(() => tracker.track(video, syntheticQueries(n, R)));
    const totalMs = performance.now() - start;
    const F = spec.frames;
    const enc = timed.ms('encodeFrames');
    const dec = timed.ms('decodeWindow');
    const init = timed.ms('initQueries');
    const windows = timed.calls('decodeWindow');
    endToEnd.push({
      points: n,
      decoderPath: runner.decoderPath(n),
      frames: F,
      windows,
      totalMs: Math.round(totalMs),
      msPerFrame: round1(totalMs / F),
      fps: Math.round((F / (totalMs / 1000)) * 1000) / 1000,
      encoderMsPerFrame: round1(enc / F),
      decoderMsPerFrame: round1(dec / F),
      decoderMsPerWindow: round1(dec / Math.max(1, windows)),
      queryInitMs: round1(init),
      otherMsPerFrame: round1((totalMs - enc - dec - init) / F),
      peakRssMB,
      load1: load1(),
    });
    load[`end to end N=${n}`] = load1();
  }
  return endToEnd;
}

/** The memory mode a case ran with, as reported. */
export function memoryLabel(spec: SpeedCaseSpec): string {
  return spec.backend === 'cpu' ? (spec.memory ?? DEFAULT_NODE_RUNTIME_OPTIONS.memory) : 'default';
}

/**
 * Runs only the end-to-end part of a speed case (`--memory-modes`: the same work under another CPU
 * memory mode, in a process of its own so that its peak RSS is its own).
 */
export async function runMemoryModeCase(spec: SpeedCaseSpec, log: (message: string) => void = () => undefined): Promise<MemoryModeResult> {
  const c = await openCase(spec, log);
  const load: Record<string, number> = {};
  const tracker = await createTracker({ runner: c.timed.proxy });
  try {
    const endToEnd = await endToEndRuns(c, spec, tracker, load, log);
    return {
      backend: spec.backend,
      config: spec.config,
      resolution: c.config.resolution,
      threads: c.opened.threads,
      memory: memoryLabel(spec),
      sessionMs: Object.values(c.sessions).reduce((a, b) => a + b, 0),
      endToEnd,
      maxRssMB: maxRssMB(),
      load,
      ...caseMachineClass(),
    };
  } finally {
    await tracker.release();
  }
}

/**
 * Runs one speed case in this process: opens it (see `openCase`: graphs of
 * `spec.variant`, sessions, warm-up), tracks a synthetic video end to end at each N (peak RSS sampled
 * during each run, smallest N first), then medians of G1 on one frame alternating with the MatMul
 * kernel floor (same runtime and threads), then of G3 on one window at each N on the decoder path the
 * tracker takes there, and at the N of `comparePoints` on the other path too. Measures only; never
 * asserts a time.
 * @throws Error when the backend is unavailable (the caller checks first).
 */
export async function runSpeedCase(spec: SpeedCaseSpec, log: (message: string) => void = () => undefined): Promise<SpeedCaseResult> {
  const c = await openCase(spec, log);
  const { opened, variant, label, buildMs, sessions, runtime, config, name, timed, memory, warmed } = c;
  const runner = timed.proxy;
  const R = config.resolution;
  const C = config.hiddenDim;
  const image = syntheticImage(R);
  const decoder: DecoderResult[] = [];
  const load: Record<string, number> = {};
  let encoderStats: SampleStats;
  let floor: MatMulFloor;
  let rss: number;
  let endToEnd: EndToEndResult[];
  // The tracker owns the runner: releasing it releases the sessions, so it lives to the end.
  const tracker = await createTracker({ runner });
  try {
    endToEnd = await endToEndRuns(c, spec, tracker, load, log);
    rss = maxRssMB();

    // Encoder and floor alternately: the same machine load for both, so their ratio is meaningful.
    // A software WebGPU adapter (SwiftShader) is ~500x slower than the CPU: 1/16 of the rows there.
    const floorShape = spec.backend === 'webgpu' ? { ...MATMUL_FLOOR_SHAPE, m: MATMUL_FLOOR_SHAPE.m / 16 } : MATMUL_FLOOR_SHAPE;
    log(
      `${name} on ${runtime.name}: encoder and MatMul floor [${floorShape.m},${floorShape.k}]x[${floorShape.k},${floorShape.n}] alternately, ${spec.repetitions} runs each`,
    );
    const floorSession = await loadMatMulFloor(runtime, floorShape);
    try {
      await floorSession.run(); // warm-up; G1 is warm from the end-to-end runs
      const target = new Float32Array(runner.tokens * runner.channels);
      if (spec.endToEndPoints.length === 0) await runner.encodeFrames(image, 1, target);
      const [enc, mm] = await timeInterleaved(
        () => runner.encodeFrames(image, 1, target),
        () => floorSession.run(),
        spec.repetitions,
      );
      encoderStats = enc;
      floor = floorSession.result(mm);
    } finally {
      await floorSession.release();
    }
    load['encoder + floor'] = load1();

    // One window per (N, path): the tracker's path at every N of `points` and `comparePoints`, and
    // the other path at the N of `comparePoints` (when the model has both decoders). The end-to-end
    // runs warmed the tracker's path up at their N: a warm-up call only for the others.
    const compare = spec.comparePoints ?? [];
    const hasBoth = c.hasSampleFirst;
    const other = (p: DecoderPath): DecoderPath => (p === 'sample-first' ? 'project-first' : 'sample-first');
    for (const n of [...new Set([...spec.points, ...compare])]) {
      const mine = runner.decoderPath(n);
      const paths = compare.includes(n) && hasBoth ? [mine, other(mine)] : [mine];
      const { input, output } = await decoderCall(runner, memory, n, R, C);
      for (const path of paths) {
        const warm = warmed.has(`${n}/${path}`);
        log(`${name} on ${runtime.name}: decoder window, N = ${n}, ${path}, ${spec.repetitions} runs${warm ? '' : ' after a warm-up'}`);
        const msPerWindow = await timeRepeated(() => runner.decodeWindowOn(path, input, output), spec.repetitions, !warm);
        warmed.add(`${n}/${path}`);
        decoder.push({ points: n, path, trackerPath: path === mine, msPerWindow, msPerFrame: round1(msPerWindow.median / WINDOW_STRIDE) });
        load[`decoder N=${n} ${path}`] = load1();
      }
    }
  } finally {
    await tracker.release();
  }

  const flops = 2 * frameEncoderMacs(config).total;
  const floorMs = (flops / (floor.gflops * 1e9)) * 1000;
  return {
    backend: spec.backend,
    adapter: runtime.name,
    ...(opened.note !== undefined ? { note: opened.note } : {}),
    config: spec.config,
    configLabel: label,
    variant: variantLabel(variant),
    precision: variant.precision,
    resolution: R,
    graphBytes: c.graphBytes,
    threads: opened.threads,
    tokens: memoryTokens(config),
    buildMs: Math.round(buildMs),
    sessionMs: Object.values(sessions).reduce((a, b) => a + b, 0),
    sessions,
    encoder: { msPerFrame: encoderStats, flops, floorMs, floorMultiple: encoderStats.median / floorMs },
    decoder,
    sampleFirstMaxPoints: DEFAULT_SAMPLE_FIRST_MAX_POINTS,
    endToEnd,
    floor,
    maxRssMB: rss,
    load,
    memory: memoryLabel(spec),
    ...caseMachineClass(),
  };
}
