// SPDX-License-Identifier: Apache-2.0
import { withInt8Weights, type TaptrGraphs, type TaptrInt8Weights } from '@taptr/model';
import { cpuFlags, int8WeightsForCpu } from '@taptr/runtime-node';
import { TaptrError } from '@taptr/tensor';

/** Values of `taptr convert --int8-weights` and `TAPTR_INT8_WEIGHTS`: the CPU's choice, or a kernel forced. */
export const INT8_WEIGHTS_CHOICES = ['auto', 'u8u8', 'u8s8'] as const;
/** One of {@link INT8_WEIGHTS_CHOICES}. */
export type Int8WeightsChoice = (typeof INT8_WEIGHTS_CHOICES)[number];
/** The environment variable that forces the int8 weights `taptr track` / `eval` / workers run with. */
export const INT8_WEIGHTS_ENV = 'TAPTR_INT8_WEIGHTS';

/** onnxruntime's kernel name of a weight type: activations are uint8, weights uint8 (`u8u8`) or int8 (`u8s8`). */
function int8Kernels(weights: TaptrInt8Weights): 'u8u8' | 'u8s8' {
  return weights === 'int8' ? 'u8s8' : 'u8u8';
}

/** The int8 weights picked for this machine and why. */
export interface Int8WeightsPick {
  readonly weights: TaptrInt8Weights;
  readonly kernels: 'u8u8' | 'u8s8';
  /** Why, for the user: `this CPU has AVX-512 VNNI`, `forced by --int8-weights u8u8`, ... */
  readonly reason: string;
}

/**
 * Picks the int8 weight type: forced (`u8u8` / `u8s8`), or `auto`: for the `wasm` and `webgpu`
 * backends u8u8 (their int8 kernels are onnxruntime-web's wasm ones, not the native ones below: u8u8
 * is the type that never saturates), for `cpu` (onnxruntime-node) `int8WeightsForCpu` of
 * `@taptr/runtime-node` (u8s8 on x86 CPUs with AVX-512 VNNI or AVX-VNNI, where onnxruntime's u8s8
 * kernels are faster and add in int32; u8u8 elsewhere: AVX2 without VNNI saturates u8s8 in int16, and
 * on ARM or where `/proc/cpuinfo` is missing no VNNI is seen).
 * @param forcedBy - the flag (`--int8-weights`: `forced by --int8-weights u8u8`) or variable
 *   (`TAPTR_INT8_WEIGHTS=`: `forced by TAPTR_INT8_WEIGHTS=u8u8`) that forces a choice, for the reason.
 * @param flags - CPU flags (default this machine's).
 * @param backend - the backend the model will run on (default `'cpu'`).
 */
export function pickInt8Weights(
  choice: Int8WeightsChoice,
  forcedBy: string,
  flags: readonly string[] = cpuFlags(),
  backend: 'cpu' | 'wasm' | 'webgpu' = 'cpu',
): Int8WeightsPick {
  if (choice !== 'auto') {
    const weights: TaptrInt8Weights = choice === 'u8s8' ? 'int8' : 'uint8';
    return { weights, kernels: choice, reason: `forced by ${forcedBy}${forcedBy.endsWith('=') ? '' : ' '}${choice}` };
  }
  if (backend !== 'cpu')
    return { weights: 'uint8', kernels: 'u8u8', reason: `the ${backend} backend runs onnxruntime-web's int8 kernels, where u8u8 never saturates` };
  const weights = int8WeightsForCpu(flags);
  const reason =
    weights === 'int8'
      ? flags.includes('avx512_vnni')
        ? 'this CPU has AVX-512 VNNI'
        : 'this CPU has AVX-VNNI'
      : flags.includes('avx2')
        ? 'this CPU has AVX2 without VNNI, where u8s8 saturates'
        : flags.length === 0
          ? 'no x86 CPU flags found (not Linux on x86), u8u8 is exact everywhere'
          : 'this CPU has no VNNI';
  return { weights, kernels: int8Kernels(weights), reason };
}

/**
 * The int8 choice `taptr track` / `eval` / workers load models with: `$TAPTR_INT8_WEIGHTS` when set
 * (`auto`, `u8u8`, `u8s8`), else `auto`.
 * @throws TaptrError `TAPTR_INVALID_ARGUMENT` for another value.
 */
export function int8WeightsFromEnv(env: NodeJS.ProcessEnv): Int8WeightsChoice {
  const value = env[INT8_WEIGHTS_ENV];
  if (value === undefined || value === '') return 'auto';
  if (!(INT8_WEIGHTS_CHOICES as readonly string[]).includes(value))
    throw new TaptrError('TAPTR_INVALID_ARGUMENT', `${INT8_WEIGHTS_ENV} must be one of ${INT8_WEIGHTS_CHOICES.join(', ')}, got ${JSON.stringify(value)}`);
  return value as Int8WeightsChoice;
}

/** What {@link suitInt8Weights} did, for the model description (`info.int8Weights`). */
export interface Int8WeightsInfo extends Int8WeightsPick {
  /** The weight type the folder holds (`model.json`). */
  readonly stored: TaptrInt8Weights;
  /** Whether the weights were switched in memory at load. */
  readonly rewritten: boolean;
  /** Time the switch took (0 when none). */
  readonly ms: number;
}

/**
 * Gives int8 graphs the weight type picked for this machine (`withInt8Weights`, exact), so a u8s8
 * folder copied to an AVX2 machine never saturates and a u8u8 folder runs the faster u8s8 kernels on
 * a VNNI CPU. Graphs of another precision (no `int8Weights`) are returned as they are, with no info.
 */
export function suitInt8Weights(graphs: TaptrGraphs, pick: Int8WeightsPick): { graphs: TaptrGraphs; info?: Int8WeightsInfo } {
  const stored = graphs.int8Weights;
  if (stored === undefined) return { graphs };
  if (stored === pick.weights) return { graphs, info: { ...pick, stored, rewritten: false, ms: 0 } };
  const started = performance.now();
  const suited = withInt8Weights(graphs, pick.weights);
  return { graphs: suited, info: { ...pick, stored, rewritten: true, ms: Math.round(performance.now() - started) } };
}
