// SPDX-License-Identifier: Apache-2.0

import type { NodeMemoryMode } from '@taptr/runtime-node';
import { BASELINE_VARIANT, type BenchVariant, isBaselineVariant, parseVariant, variantLabel } from './bench-variant.js';

/** Backends the bench knows: onnxruntime-node CPU, onnxruntime-web wasm, WebGPU (onnxruntime-node's Dawn). */
export const BENCH_BACKENDS = ['cpu', 'wasm', 'webgpu'] as const;
/** A bench backend name. */
export type BenchBackend = (typeof BENCH_BACKENDS)[number];

/** Model configurations the speed part knows: the reduced reference model, the released one with synthetic weights. */
export const BENCH_CONFIGS = ['reference', 'released'] as const;
/** A bench configuration name. */
export type BenchConfig = (typeof BENCH_CONFIGS)[number];

/** onnxruntime-node CPU memory modes the bench can compare (`createNodeRuntime({ memory })`), the default first. */
export const BENCH_MEMORY_MODES: readonly NodeMemoryMode[] = ['balanced', 'fast', 'low'];

/** Accuracy query modes (TAP-Vid). */
export const BENCH_MODES = ['first', 'strided'] as const;
/** An accuracy query mode. */
export type BenchMode = (typeof BENCH_MODES)[number];

/** Everything a bench run does, resolved from the command line and the environment. */
export interface BenchOptions {
  /** Run the accuracy part (taptr eval). */
  readonly accuracy: boolean;
  /** Run the speed part. */
  readonly speed: boolean;
  /** TAP-Vid dataset for the accuracy part; `undefined` = the bundled sample. */
  readonly dataset: string | undefined;
  /** Accuracy query modes of the stationary baseline (cheap). */
  readonly modes: readonly BenchMode[];
  /** Accuracy query modes of the model (strided pads every query group to 800 points: slow). */
  readonly modelModes: readonly BenchMode[];
  /** Evaluation query padding (the official protocol pads to 800). */
  readonly padQueries: number;
  /** Evaluate only the first n videos of the dataset. */
  readonly maxVideos: number | undefined;
  /** Model for the accuracy part (`taptr eval --model`); `undefined` = the bundled reference model. */
  readonly model: string | undefined;
  /** `--config` for a `.pth` given as `model`. */
  readonly modelConfig: string | undefined;
  /** Speed backends. */
  readonly backends: readonly BenchBackend[];
  /** Speed configurations. */
  readonly configs: readonly BenchConfig[];
  /**
   * The speed flags given explicitly (`--configs`, `--points`, `--e2e-points`, `--frames`, `--quick`).
   * Without them, non-CPU backends (wasm, a software WebGPU adapter: many times slower) run the
   * reference model at N = 16 on 8 frames only.
   */
  readonly explicit: readonly string[];
  /** Decoder point counts N (one window, medians), each on the decoder path the tracker takes at that N. */
  readonly points: readonly number[];
  /** Point counts at which the decoder window is also timed on the path the tracker does not take (both paths side by side). */
  readonly comparePoints: readonly number[];
  /** Point counts of the end-to-end runs. */
  readonly endToEndPoints: readonly number[];
  /** Frames of the end-to-end synthetic video (at least 8). */
  readonly frames: number;
  /**
   * Model variants of every speed case, each in its own process, the baseline (fp32 at the
   * configuration's resolution) always first; the others are compared with it (speed-up ratios).
   */
  readonly variants: readonly BenchVariant[];
  /**
   * CPU memory modes run side by side (issue 15): each mode listed runs the speed case's end-to-end
   * work at each N in a process of its own (cpu backend, fp32 only; the peak RSS of a process that
   * tracks N points), and the markdown compares each with the fastest.
   */
  readonly memoryModes: readonly NodeMemoryMode[];
  /**
   * Long-video lengths (issue 15: a 600-frame video within 10% of a 300-frame one): each length is a
   * streamed synthetic video tracked in a process of its own (cpu, released, fp32, the default memory
   * mode, N = 16), which also records the shorter lengths as checkpoints of the same run. Empty: none.
   */
  readonly longVideo: readonly number[];
  /** Timed repetitions after one warm-up call (medians over these). */
  readonly repetitions: number;
  /** CPU threads (intra-op) of every session, including the MatMul floor. */
  readonly threads: number;
  /** Output folder of the JSON and markdown results. */
  readonly outDir: string | undefined;
  /** Print the usage and exit. */
  readonly help: boolean;
}

/** The defaults of a full run (`nx bench`). */
export const DEFAULT_BENCH_OPTIONS: BenchOptions = Object.freeze<BenchOptions>({
  accuracy: true,
  speed: true,
  dataset: undefined,
  modes: ['first', 'strided'],
  modelModes: ['first'],
  padQueries: 800,
  maxVideos: undefined,
  model: undefined,
  modelConfig: undefined,
  backends: ['cpu', 'wasm', 'webgpu'],
  configs: ['reference', 'released'],
  explicit: [],
  points: [16, 256, 800],
  comparePoints: [16],
  endToEndPoints: [16, 800],
  frames: 16,
  variants: [BASELINE_VARIANT],
  memoryModes: BENCH_MEMORY_MODES,
  longVideo: [],
  repetitions: 3,
  threads: 2,
  outDir: undefined,
  help: false,
});

/** What `--quick` changes: one repetition, N = 16 only, 8 frames, mode first, no memory-mode comparison. */
const QUICK: Partial<BenchOptions> = {
  points: [16],
  endToEndPoints: [16],
  frames: 8,
  repetitions: 1,
  modes: ['first'],
  modelModes: ['first'],
  memoryModes: [],
};

/** The usage text (`--help`). */
export const BENCH_USAGE = `Usage: npx nx bench @taptr/benchmarks [-- options]
       (or: cd benchmarks && npx tsx --conditions @taptr/source src/run-bench.ts [options])

Accuracy (taptr eval on a TAP-Vid dataset) and speed (encoder / decoder / end-to-end ms per frame,
peak RSS, MatMul floor) per backend and configuration. Writes JSON + markdown to benchmarks/results/.

Options:
  --quick                 one repetition, N = 16 only, 8 frames, mode first (a smoke run)
  --dataset FILE          TAP-Vid pickle or folder (env TAPVID_DATASET; default: the bundled sample)
  --modes first,strided   accuracy query modes (default: both for the baseline, first for the model)
  --pad-queries N         evaluation padding (default 800, the official protocol)
  --max-videos N          evaluate only the first N videos
  --model DIR|PTH         model for the accuracy part (default: the bundled reference model)
  --config JSON           configuration of a .pth given as --model
  --backends LIST         cpu,wasm,webgpu (default all; unavailable ones are reported, not run)
  --configs LIST          reference,released (default both)
                          (non-cpu backends run only the reference model at N = 16 on 8 frames
                          unless --configs, --points, --e2e-points, --frames or --quick is given)
  --points LIST           decoder point counts (default 16,256,800), each on the decoder path the
                          tracker takes there (sample-first for N <= 64, else project-first)
  --compare-points LIST   also time the other decoder path at these N (default 16; 'none')
  --e2e-points LIST       end-to-end point counts (default 16,800)
  --frames N              frames of the end-to-end synthetic video (default 16, at least 8)
  --variants LIST         model variants to time, PRECISION[@R] each: fp32, int8, fp16-weights, and
                          optionally a resolution R (multiple of 32), e.g. fp32,int8,fp32@352,fp32@320;
                          fp32 (the baseline) always runs first; every other variant is a speed case
                          of its own (same N and frames) and its speed-up vs fp32 is printed; on cpu a
                          variant at fp32's resolution is also timed against fp32 alternately in one
                          process (end to end and encoder: the ratio without the load difference of two
                          processes) (default fp32)
  --memory-modes LIST     CPU memory modes side by side, end to end (default balanced,fast,low; 'none'):
                          each mode runs the end-to-end work at each N in a process of its own
                          (cpu, fp32), beside the speed case (default mode); --quick: none
  --long-video LIST       long streamed videos, frame counts, e.g. 300,600 (default none): each length in
                          a process of its own (cpu, released, fp32, default memory mode, N = 16), the
                          longer runs also recording the shorter lengths as checkpoints (issue 15:
                          600 frames within 10% of 300 in ms/frame and RSS; ~1 s per frame each)
  --repetitions N         timed repetitions after one warm-up (default 3)
  --threads N             CPU threads per session (env TAPTR_BENCH_THREADS; default 2)
  --out DIR               results folder (default benchmarks/results)
  --no-accuracy, --no-speed  skip a part
  -h, --help              this text
`;

/** A bad command-line argument: the message names it. */
export class BenchUsageError extends Error {
  override readonly name = 'BenchUsageError';
}

function positiveInt(flag: string, value: string, min = 1): number {
  const n = Number(value);
  if (!/^[0-9]+$/.test(value) || !Number.isSafeInteger(n) || n < min) throw new BenchUsageError(`${flag} must be an integer >= ${min}, got '${value}'`);
  return n;
}

function intList(flag: string, value: string): number[] {
  const items = value.split(',').map((s) => s.trim());
  if (items.some((s) => s === '')) throw new BenchUsageError(`${flag} must be a comma-separated list of integers, got '${value}'`);
  return [...new Set(items.map((s) => positiveInt(flag, s)))];
}

function variantList(flag: string, value: string): BenchVariant[] {
  const items = value.split(',').map((s) => s.trim());
  const variants: BenchVariant[] = [BASELINE_VARIANT];
  for (const item of items) {
    const v = parseVariant(item);
    if (typeof v === 'string') throw new BenchUsageError(`${flag}: ${v}`);
    if (!isBaselineVariant(v) && !variants.some((x) => variantLabel(x) === variantLabel(v))) variants.push(v);
  }
  return variants;
}

function nameList<T extends string>(flag: string, value: string, allowed: readonly T[]): T[] {
  const items = value.split(',').map((s) => s.trim());
  for (const s of items) {
    if (!(allowed as readonly string[]).includes(s)) throw new BenchUsageError(`${flag}: '${s}' is not one of ${allowed.join(', ')}`);
  }
  return [...new Set(items as T[])];
}

/**
 * Parses the bench's command line (the arguments after the script) and environment.
 * Environment (flags win): `TAPVID_DATASET` or `TAPTR_BENCH_DATASET`, `TAPTR_BENCH_MODEL`,
 * `TAPTR_BENCH_CONFIG`, `TAPTR_BENCH_MODES`, `TAPTR_BENCH_PAD`, `TAPTR_BENCH_BACKENDS`,
 * `TAPTR_BENCH_THREADS`, `TAPTR_BENCH_FRAMES`.
 * @throws BenchUsageError naming the bad argument.
 * @example parseBenchArgs(['--quick', '--backends', 'cpu'], process.env)
 */
export function parseBenchArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>> = {}): BenchOptions {
  const o: { -readonly [K in keyof BenchOptions]: BenchOptions[K] } = { ...DEFAULT_BENCH_OPTIONS };
  const given = new Set<string>();
  const fromEnv = (name: string, apply: (value: string) => void): void => {
    const v = env[name];
    if (v !== undefined && v !== '') apply(v);
  };
  fromEnv('TAPVID_DATASET', (v) => (o.dataset = v));
  fromEnv('TAPTR_BENCH_DATASET', (v) => (o.dataset = v));
  fromEnv('TAPTR_BENCH_MODEL', (v) => (o.model = v));
  fromEnv('TAPTR_BENCH_CONFIG', (v) => (o.modelConfig = v));
  fromEnv('TAPTR_BENCH_MODES', (v) => (o.modes = o.modelModes = nameList('TAPTR_BENCH_MODES', v, BENCH_MODES)));
  fromEnv('TAPTR_BENCH_PAD', (v) => (o.padQueries = positiveInt('TAPTR_BENCH_PAD', v, 0)));
  fromEnv('TAPTR_BENCH_BACKENDS', (v) => (o.backends = nameList('TAPTR_BENCH_BACKENDS', v, BENCH_BACKENDS)));
  fromEnv('TAPTR_BENCH_THREADS', (v) => (o.threads = positiveInt('TAPTR_BENCH_THREADS', v)));
  fromEnv('TAPTR_BENCH_FRAMES', (v) => (o.frames = positiveInt('TAPTR_BENCH_FRAMES', v, 8)));

  const args = [...argv];
  // `npm run bench -- --x` / nx may pass a lone `--` through.
  while (args.length > 0) {
    const raw = args.shift()!;
    if (raw === '--') continue;
    const eq = raw.startsWith('--') ? raw.indexOf('=') : -1;
    const flag = eq > 0 ? raw.slice(0, eq) : raw;
    const inline = eq > 0 ? raw.slice(eq + 1) : undefined;
    const value = (): string => {
      const v = inline ?? args.shift();
      if (v === undefined || (inline === undefined && v.startsWith('--'))) throw new BenchUsageError(`${flag} needs a value`);
      return v;
    };
    given.add(flag);
    switch (flag) {
      case '-h':
      case '--help':
        o.help = true;
        break;
      case '--quick':
        break;
      case '--dataset':
        o.dataset = value();
        break;
      case '--modes':
        o.modes = nameList(flag, value(), BENCH_MODES);
        o.modelModes = o.modes;
        break;
      case '--pad-queries':
        o.padQueries = positiveInt(flag, value(), 0);
        break;
      case '--max-videos':
        o.maxVideos = positiveInt(flag, value());
        break;
      case '--model':
        o.model = value();
        break;
      case '--config':
        o.modelConfig = value();
        break;
      case '--backends':
        o.backends = nameList(flag, value(), BENCH_BACKENDS);
        break;
      case '--configs':
        o.configs = nameList(flag, value(), BENCH_CONFIGS);
        break;
      case '--points':
        o.points = intList(flag, value());
        break;
      case '--compare-points': {
        const v = value();
        o.comparePoints = v === 'none' ? [] : intList(flag, v);
        break;
      }
      case '--e2e-points':
        o.endToEndPoints = intList(flag, value());
        break;
      case '--frames':
        o.frames = positiveInt(flag, value(), 8);
        break;
      case '--variants':
        o.variants = variantList(flag, value());
        break;
      case '--memory-modes': {
        const v = value();
        o.memoryModes = v === 'none' ? [] : nameList(flag, v, BENCH_MEMORY_MODES);
        break;
      }
      case '--long-video': {
        const v = value();
        o.longVideo = v === 'none' ? [] : intList(flag, v).sort((a, b) => a - b);
        if (o.longVideo.some((f) => f < 8)) throw new BenchUsageError(`${flag} lengths must be at least 8 frames, got '${v}'`);
        break;
      }
      case '--repetitions':
        o.repetitions = positiveInt(flag, value());
        break;
      case '--threads':
        o.threads = positiveInt(flag, value());
        break;
      case '--out':
        o.outDir = value();
        break;
      case '--no-accuracy':
        o.accuracy = false;
        break;
      case '--no-speed':
        o.speed = false;
        break;
      default:
        throw new BenchUsageError(`unknown option '${raw}' (see --help)`);
    }
  }
  if (given.has('--quick')) {
    for (const [key, v] of Object.entries(QUICK) as [keyof BenchOptions, never][]) {
      const flag = {
        points: '--points',
        endToEndPoints: '--e2e-points',
        frames: '--frames',
        repetitions: '--repetitions',
        modes: '--modes',
        modelModes: '--modes',
        memoryModes: '--memory-modes',
      }[key as string];
      if (flag === undefined || !given.has(flag)) o[key] = v;
    }
  }
  if (o.modelConfig !== undefined && o.model === undefined) throw new BenchUsageError('--config needs --model');
  o.explicit = ['--configs', '--points', '--e2e-points', '--frames', '--quick'].filter((f) => given.has(f));
  return o;
}
