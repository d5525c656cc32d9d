// SPDX-License-Identifier: Apache-2.0
// Seeded mutation fuzzing of byte readers: the one harness every reader's fuzz test uses.
import { TaptrError } from '../errors.js';
import { seededRandom } from '../seeded-random.js';

/** One mutated input handed to the reader under test. */
export interface FuzzCase {
  /** 0-based case number; with the seed it reproduces the case (`reproduce: { seed, index }`). */
  readonly index: number;
  /** Short description of the mutation, e.g. `flip-bit@1234.5` or `truncate@77`. */
  readonly mutation: string;
  /** The mutated bytes. */
  readonly bytes: Uint8Array;
}

/** Options of {@link fuzzBytes}. */
export interface FuzzOptions<R> {
  /** A valid input; every case is one to three mutations of it. */
  readonly input: Uint8Array;
  /** Reads the bytes; must throw a typed error (see {@link classifyFuzzError}) or return a result. */
  readonly read: (bytes: Uint8Array, fuzzCase: FuzzCase) => R | Promise<R>;
  /**
   * Called when a mutated input was read without an error: throw to report a silently accepted
   * corruption (e.g. when the format has a checksum, or when the result must equal the original's).
   */
  readonly onAccept?: (result: R, fuzzCase: FuzzCase) => void | Promise<void>;
  /** PRNG seed. */
  readonly seed: number;
  /** Cases run at least, whatever the time. Defaults to 1000. */
  readonly minCases?: number;
  /** Cases run at most. Defaults to 20000. */
  readonly maxCases?: number;
  /** After `minCases`, stop once this much time has passed (ms). Defaults to 3000. */
  readonly budgetMs?: number;
  /** A case slower than this (ms) is reported as a hang. Defaults to 2000. */
  readonly caseTimeoutMs?: number;
  /**
   * Byte ranges `[start, end)` where half of the mutations land (headers, length fields):
   * random positions in a large payload rarely reach the parser's decisions.
   */
  readonly hotRanges?: readonly (readonly [number, number])[];
  /** Text tokens inserted or substituted by the `token` mutation (for JSON / CSV readers). */
  readonly tokens?: readonly string[];
  /** Shows a case only to this filter (e.g. to reproduce one index). */
  readonly only?: (index: number) => boolean;
}

/** One problem found by {@link fuzzBytes}. */
export interface FuzzFailure {
  readonly index: number;
  readonly mutation: string;
  /** `crash` (an untyped error), `hang` (slower than caseTimeoutMs) or `accepted` (onAccept threw). */
  readonly kind: 'crash' | 'hang' | 'accepted';
  readonly message: string;
}

/** What {@link fuzzBytes} saw. */
export interface FuzzReport {
  readonly seed: number;
  readonly cases: number;
  /** Cases read without error (and accepted by `onAccept`). */
  readonly accepted: number;
  /** Typed rejections per error code / class (`TAPTR_NPY_FORMAT`, `RangeError`, ...). */
  readonly rejected: Readonly<Record<string, number>>;
  readonly failures: readonly FuzzFailure[];
  readonly elapsedMs: number;
  readonly slowestMs: number;
  /** One-line summary for assertion messages and logs. */
  readonly summary: string;
}

// Argument errors of this project read `fn: arg must be ...`; engine errors ("Cannot read
// properties of undefined", "Invalid typed array length: -1", "Offset is outside the bounds of
// the DataView", "Maximum call stack size exceeded") do not start with an identifier and a colon.
const OWN_ARGUMENT_ERROR = /^[A-Za-z_$][\w$.]*(?:\(\))?: \S/;

/** Messages of JavaScript engine errors: a typed error may only carry one when a catch-all hid a crash. */
const ENGINE_MESSAGE =
  /Cannot (read|set) propert|is not a function|is not iterable|is not a constructor|Invalid (typed )?array length|outside the bounds|out of bounds|Maximum call stack|allocation failed|Cannot convert|Cannot mix BigInt|Invalid string length|start offset of|should be a multiple of/i;

/**
 * Classifies an error thrown by a reader: the error code or class when it is one of the typed
 * errors taptr-js raises on bad input, undefined when it is a crash: anything else, including an
 * engine `TypeError` / `RangeError` from deep inside, and a typed error that only wraps an engine
 * error (its message or any error in its `cause` chain reads like one), as a catch-all would.
 */
export function classifyFuzzError(error: unknown): string | undefined {
  let e: unknown = error;
  for (let depth = 0; e instanceof Error && depth < 8; depth++) {
    if (ENGINE_MESSAGE.test(e.message)) return undefined;
    e = (e as { cause?: unknown }).cause;
  }
  if (error instanceof TaptrError) return error.code;
  if ((error instanceof TypeError || error instanceof RangeError) && OWN_ARGUMENT_ERROR.test(error.message)) return error.name;
  return undefined;
}

/**
 * Runs seeded mutations of `input` through `read` and reports every case that crashed, hung or was
 * silently accepted. Deterministic for a seed: case `index` always gets the same bytes.
 */
export async function fuzzBytes<R>(options: FuzzOptions<R>): Promise<FuzzReport> {
  const { input, read, onAccept, seed, minCases = 1000, maxCases = 20000, budgetMs = 3000, caseTimeoutMs = 2000 } = options;
  const rejected: Record<string, number> = {};
  const failures: FuzzFailure[] = [];
  let accepted = 0;
  let slowestMs = 0;
  let cases = 0;
  const start = performance.now();
  for (let index = 0; index < maxCases; index++) {
    if (index >= minCases && performance.now() - start >= budgetMs) break;
    const fuzzCase = mutateCase(input, seed, index, options);
    if (options.only !== undefined && !options.only(index)) continue;
    cases++;
    const t0 = performance.now();
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      const pending = Promise.resolve().then(() => read(fuzzCase.bytes, fuzzCase));
      const hang = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new FuzzHang()), caseTimeoutMs);
      });
      const result = await Promise.race([pending, hang]);
      if (onAccept !== undefined) {
        try {
          await onAccept(result, fuzzCase);
        } catch (error) {
          failures.push({ index, mutation: fuzzCase.mutation, kind: 'accepted', message: error instanceof Error ? error.message : String(error) });
          continue;
        }
      }
      accepted++;
    } catch (error) {
      if (error instanceof FuzzHang) {
        failures.push({ index, mutation: fuzzCase.mutation, kind: 'hang', message: `no answer after ${caseTimeoutMs} ms` });
        continue;
      }
      const kind = classifyFuzzError(error);
      if (kind === undefined)
        failures.push({
          index,
          mutation: fuzzCase.mutation,
          kind: 'crash',
          message: `${(error as Error)?.name ?? typeof error}: ${(error as Error)?.message ?? String(error)}`,
        });
      else rejected[kind] = (rejected[kind] ?? 0) + 1;
    } finally {
      clearTimeout(timer);
    }
    const took = performance.now() - t0;
    slowestMs = Math.max(slowestMs, took);
    if (took > caseTimeoutMs && !failures.some((f) => f.index === index)) {
      failures.push({ index, mutation: fuzzCase.mutation, kind: 'hang', message: `took ${took.toFixed(0)} ms (limit ${caseTimeoutMs} ms)` });
    }
  }
  const elapsedMs = performance.now() - start;
  const codes = Object.entries(rejected)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  const shown = failures
    .slice(0, 5)
    .map((f) => `#${f.index} ${f.mutation}: ${f.kind}: ${f.message}`)
    .join('; ');
  const summary =
    `seed ${seed}: ${cases} cases in ${elapsedMs.toFixed(0)} ms (slowest ${slowestMs.toFixed(1)} ms), ${accepted} accepted, rejected: ${codes || 'none'}` +
    (failures.length > 0 ? `; ${failures.length} FAILURES: ${shown}` : '');
  return { seed, cases, accepted, rejected, failures, elapsedMs, slowestMs, summary };
}

class FuzzHang extends Error {}

const INTERESTING_BYTES = [0x00, 0xff, 0x7f, 0x80, 0x01, 0x20, 0x0a, 0x22, 0x2c];
const INTERESTING_U32 = [0xffffffff, 0x7fffffff, 0x80000000, 0x00000000, 0x0000ffff, 0x00010000, 0x40000000];

/** Builds case `index` of a run: one to three mutations, all drawn from (seed, index). */
function mutateCase<R>(input: Uint8Array, seed: number, index: number, options: FuzzOptions<R>): FuzzCase {
  const rand = seededRandom((Math.imul(seed, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b)) >>> 0);
  const int = (n: number): number => Math.floor(rand() * n);
  const hot = options.hotRanges?.filter(([s, e]) => e > s && s < input.length) ?? [];
  const position = (length: number): number => {
    if (length === 0) return 0;
    if (hot.length > 0 && rand() < 0.5) {
      const [s, e] = hot[int(hot.length)]!;
      return Math.min(length - 1, s + int(Math.min(e, length) - s));
    }
    return int(length);
  };
  let bytes: Uint8Array = input.slice();
  const steps: string[] = [];
  const count = 1 + (rand() < 0.25 ? int(3) : 0);
  for (let k = 0; k < count; k++) {
    const choice = int(options.tokens !== undefined && options.tokens.length > 0 ? 10 : 9);
    const at = position(bytes.length);
    switch (choice) {
      case 0:
      case 1: {
        const bit = int(8);
        if (bytes.length > 0) bytes[at] = bytes[at]! ^ (1 << bit);
        steps.push(`flip-bit@${at}.${bit}`);
        break;
      }
      case 2: {
        const value = rand() < 0.7 ? INTERESTING_BYTES[int(INTERESTING_BYTES.length)]! : int(256);
        if (bytes.length > 0) bytes[at] = value;
        steps.push(`set-byte@${at}=${value}`);
        break;
      }
      case 3: {
        const n = 2 + int(63);
        for (let j = 0; j < n && bytes.length > 0; j++) {
          const p = position(bytes.length);
          bytes[p] = bytes[p]! ^ (1 + int(255));
        }
        steps.push(`scramble-${n}-bytes`);
        break;
      }
      case 4: {
        const cut = int(bytes.length);
        bytes = bytes.slice(0, cut);
        steps.push(`truncate@${cut}`);
        break;
      }
      case 5: {
        const n = 1 + int(Math.min(64, Math.max(1, bytes.length - at)));
        bytes = concat(bytes.subarray(0, at), bytes.subarray(Math.min(bytes.length, at + n)));
        steps.push(`delete-${n}@${at}`);
        break;
      }
      case 6: {
        const n = 1 + int(32);
        const extra = new Uint8Array(n);
        for (let j = 0; j < n; j++) extra[j] = rand() < 0.5 ? INTERESTING_BYTES[int(INTERESTING_BYTES.length)]! : int(256);
        bytes = concat(bytes.subarray(0, at), extra, bytes.subarray(at));
        steps.push(`insert-${n}@${at}`);
        break;
      }
      case 7: {
        const n = 1 + int(Math.min(256, Math.max(1, bytes.length - at)));
        bytes = concat(bytes.subarray(0, at + n), bytes.subarray(at, at + n), bytes.subarray(at + n));
        steps.push(`duplicate-${n}@${at}`);
        break;
      }
      case 8: {
        const value = INTERESTING_U32[int(INTERESTING_U32.length)]!;
        const p = Math.max(0, Math.min(bytes.length - 4, at - (at % 2)));
        if (bytes.length >= 4) new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).setUint32(p, value, rand() < 0.5);
        steps.push(`set-u32@${p}=0x${value.toString(16)}`);
        break;
      }
      default: {
        const token = new TextEncoder().encode(options.tokens![int(options.tokens!.length)]);
        const n = int(Math.min(8, Math.max(0, bytes.length - at)) + 1);
        bytes = concat(bytes.subarray(0, at), token, bytes.subarray(at + n));
        steps.push(`token-${n}@${at}`);
      }
    }
  }
  return { index, mutation: steps.join('+'), bytes };
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
