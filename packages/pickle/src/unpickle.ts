// SPDX-License-Identifier: Apache-2.0
import { describeValue, invalidArgument, isTaptrError, TaptrError } from '@taptr/tensor';
import { memorySource, type ByteSource } from './byte-source.js';
import { bytesRange } from './bytes-range.js';
import { createCursor, type Cursor } from './cursor.js';
import { isGlobalRef, lookupGlobal, toSpec, type GlobalSpec, type GlobalsMap, type PickleGlobalRef } from './globals.js';
import { opcodeLabel } from './opcodes.js';

/** Options of {@link unpickle}. */
export interface UnpickleOptions {
  /** Whitelisted globals (`'module name'` -> handler). Any other global is refused. */
  readonly globals: GlobalsMap;
  /**
   * BINPERSID hook (torch.save's storages): receives the persistent id and returns the object it
   * stands for. Without it, a persistent id is refused.
   */
  readonly persistentLoad?: (pid: unknown) => unknown;
  /**
   * `bytes`/`bytearray` payloads of at least this many bytes are returned as lazy
   * {@link PickleBytesRange}s instead of copies. Defaults to 65536; `Infinity` disables it.
   */
  readonly lazyThreshold?: number;
  /** Bytes read from the source at a time. Defaults to 1 MiB. */
  readonly chunkSize?: number;
}

/** Frozen empty kwargs for NEWOBJ. */
const NO_KWARGS: ReadonlyMap<unknown, unknown> = new Map();
const UTF8 = new TextDecoder('utf-8', { fatal: true });
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * Decodes a Python pickle (protocols 2 to 5) without executing anything: only the globals of
 * `options.globals` are resolved, and only through their handlers.
 *
 * Python values map to: dict -> `Map` (insertion order kept), list -> `Array`, tuple -> frozen
 * `Array` ({@link isTuple}), set/frozenset -> `Set`, str -> `string`, bytes/bytearray ->
 * `Uint8Array` (or a lazy {@link PickleBytesRange} at or above `lazyThreshold` bytes), int ->
 * `number` (`bigint` beyond +-2^53), float -> `number`, bool -> `boolean`, None -> `null`.
 *
 * @param source - the pickle bytes, or a random-access {@link ByteSource} (e.g. a file).
 * @throws TaptrError `TAPTR_PICKLE_FORBIDDEN` for a global outside the whitelist (or a call the
 *   whitelist does not allow), `TAPTR_PICKLE_FORMAT` for an unknown opcode or malformed or
 *   truncated data; both name the opcode and byte offset.
 */
export function unpickle(source: Uint8Array | ByteSource, options: UnpickleOptions): unknown {
  const src = resolveSource(source);
  if (options === null || typeof options !== 'object' || options.globals === null || typeof options.globals !== 'object') {
    throw invalidArgument('type', 'unpickle', 'options.globals', "a map 'module name' -> handler", describeValue(options?.globals));
  }
  const lazyThreshold = options.lazyThreshold ?? 65536;
  const chunkSize = options.chunkSize ?? 1 << 20;
  if (!(lazyThreshold >= 0)) throw invalidArgument('range', 'unpickle', 'options.lazyThreshold', 'a number >= 0', String(lazyThreshold));
  if (!Number.isInteger(chunkSize) || chunkSize < 1) throw invalidArgument('range', 'unpickle', 'options.chunkSize', 'a positive integer', String(chunkSize));
  return runMachine(createCursor(src, chunkSize), src, options, lazyThreshold);
}

function resolveSource(source: Uint8Array | ByteSource): ByteSource {
  if (source instanceof Uint8Array) return memorySource(source);
  if (source !== null && typeof source === 'object' && typeof source.size === 'number' && typeof source.read === 'function') return source;
  throw invalidArgument('type', 'unpickle', 'source', 'a Uint8Array or a ByteSource {size, read(offset, length)}', describeValue(source));
}

function runMachine(cur: Cursor, src: ByteSource, options: UnpickleOptions, lazyThreshold: number): unknown {
  let stack: unknown[] = [];
  const metastack: unknown[][] = [];
  const memo = new Map<number, unknown>();
  const producers = new WeakMap<object, GlobalSpec>();
  let opStart = 0;
  let op = -1;

  const fail = (message: string, code: 'TAPTR_PICKLE_FORMAT' | 'TAPTR_PICKLE_FORBIDDEN' = 'TAPTR_PICKLE_FORMAT', cause?: unknown): never => {
    throw new TaptrError(code, `unpickle: ${message} (${opcodeLabel(op)} at byte ${opStart})`, cause === undefined ? undefined : { cause });
  };
  const pop = (): unknown => {
    if (stack.length === 0) fail('stack underflow');
    return stack.pop();
  };
  const top = (): unknown => {
    if (stack.length === 0) fail('stack underflow');
    return stack[stack.length - 1];
  };
  const popMark = (): unknown[] => {
    const items = stack;
    const previous = metastack.pop();
    if (previous === undefined) fail('no MARK on the stack');
    stack = previous!;
    return items;
  };
  const length64 = (): number => {
    const n = cur.u64();
    if (n > BigInt(cur.remaining())) fail(`length ${n} exceeds the ${cur.remaining()} bytes left (truncated input)`);
    return Number(n);
  };
  const readBytes = (n: number, mutable: boolean): Uint8Array | ReturnType<typeof bytesRange> => {
    if (n > cur.remaining()) fail(`length ${n} exceeds the ${cur.remaining()} bytes left (truncated input)`);
    if (n >= lazyThreshold && n > 0) {
      const range = bytesRange(src, cur.position(), n, mutable);
      cur.skip(n);
      return range;
    }
    return cur.take(n).slice();
  };
  const readString = (n: number): string => {
    if (n > cur.remaining()) fail(`length ${n} exceeds the ${cur.remaining()} bytes left (truncated input)`);
    try {
      return UTF8.decode(cur.take(n));
    } catch (error) {
      return fail('invalid UTF-8 in string', 'TAPTR_PICKLE_FORMAT', error);
    }
  };
  const resolveGlobal = (module: unknown, name: unknown): PickleGlobalRef => {
    if (typeof module !== 'string' || typeof name !== 'string')
      return fail(`global module and name must be strings, got ${describeValue(module)} and ${describeValue(name)}`);
    const handler = lookupGlobal(options.globals, `${module} ${name}`);
    if (handler === undefined) fail(`global '${module}.${name}' is not in the whitelist`, 'TAPTR_PICKLE_FORBIDDEN');
    return Object.freeze({ kind: 'global' as const, module, name, spec: toSpec(handler!) });
  };
  const invoke = (fn: () => unknown, what: string): unknown => {
    try {
      return fn();
    } catch (error) {
      if (isTaptrError(error)) throw error;
      return fail(`${what} failed: ${error instanceof Error ? error.message : String(error)}`, 'TAPTR_PICKLE_FORMAT', error);
    }
  };
  const remember = (value: unknown, spec: GlobalSpec): unknown => {
    if (typeof value === 'object' && value !== null) producers.set(value, spec);
    return value;
  };
  const memoGet = (index: number): unknown => {
    if (!memo.has(index)) fail(`memo index ${index} was never stored`);
    return memo.get(index);
  };
  const setItems = (target: unknown, items: unknown[]): void => {
    if (items.length % 2 !== 0) fail('odd number of items for dict');
    if (!(target instanceof Map)) fail(`cannot set items on ${describeValue(target)}`);
    for (let i = 0; i < items.length; i += 2) (target as Map<unknown, unknown>).set(items[i], items[i + 1]);
  };
  const appendItems = (target: unknown, items: unknown[]): void => {
    if (!Array.isArray(target) || Object.isFrozen(target)) fail(`cannot append to ${describeValue(target)}`);
    for (const item of items) (target as unknown[]).push(item);
  };
  const asInt = (big: bigint): number | bigint => (big <= MAX_SAFE && big >= -MAX_SAFE ? Number(big) : big);

  try {
    for (;;) {
      opStart = cur.position();
      op = -1;
      if (cur.remaining() === 0) fail('input ended before STOP (truncated input)');
      op = cur.u8();
      switch (op) {
        case 0x80: {
          // PROTO
          const version = cur.u8();
          if (version > 5) fail(`unsupported pickle protocol ${version}`);
          break;
        }
        case 0x95: // FRAME: the framed content is ordinary opcodes
          length64();
          break;
        case 0x2e: {
          // STOP
          const result = pop();
          if (metastack.length > 0) fail('STOP with an open MARK');
          return result;
        }
        case 0x28: // MARK
          metastack.push(stack);
          stack = [];
          break;
        case 0x30: // POP
          if (stack.length > 0) stack.pop();
          else popMark();
          break;
        case 0x31: // POP_MARK
          popMark();
          break;
        case 0x32: // DUP
          stack.push(top());
          break;
        case 0x7d: // EMPTY_DICT
          stack.push(new Map());
          break;
        case 0x5d: // EMPTY_LIST
          stack.push([]);
          break;
        case 0x29: // EMPTY_TUPLE
          stack.push(Object.freeze([]));
          break;
        case 0x8f: // EMPTY_SET
          stack.push(new Set());
          break;
        case 0x74: {
          // TUPLE
          const items = popMark(); // (popMark replaces `stack`: evaluate it first)
          stack.push(Object.freeze(items));
          break;
        }
        case 0x85: // TUPLE1
          stack.push(Object.freeze([pop()]));
          break;
        case 0x86: {
          // TUPLE2
          const b = pop();
          const a = pop();
          stack.push(Object.freeze([a, b]));
          break;
        }
        case 0x87: {
          // TUPLE3
          const c = pop();
          const b = pop();
          const a = pop();
          stack.push(Object.freeze([a, b, c]));
          break;
        }
        case 0x91: {
          // FROZENSET
          const items = popMark();
          stack.push(new Set(items));
          break;
        }
        case 0x73: {
          // SETITEM
          const value = pop();
          const key = pop();
          setItems(top(), [key, value]);
          break;
        }
        case 0x75: {
          // SETITEMS
          const items = popMark();
          setItems(top(), items);
          break;
        }
        case 0x61: {
          // APPEND
          const value = pop();
          appendItems(top(), [value]);
          break;
        }
        case 0x65: {
          // APPENDS
          const items = popMark();
          appendItems(top(), items);
          break;
        }
        case 0x90: {
          // ADDITEMS
          const items = popMark();
          const target = top();
          if (!(target instanceof Set)) fail(`cannot add items to ${describeValue(target)}`);
          for (const item of items) (target as Set<unknown>).add(item);
          break;
        }
        case 0x94: // MEMOIZE
          memo.set(memo.size, top());
          break;
        case 0x71: // BINPUT
          memo.set(cur.u8(), top());
          break;
        case 0x72: // LONG_BINPUT
          memo.set(cur.u32(), top());
          break;
        case 0x68: // BINGET
          stack.push(memoGet(cur.u8()));
          break;
        case 0x6a: // LONG_BINGET
          stack.push(memoGet(cur.u32()));
          break;
        case 0x8c: // SHORT_BINUNICODE
          stack.push(readString(cur.u8()));
          break;
        case 0x58: // BINUNICODE
          stack.push(readString(cur.u32()));
          break;
        case 0x8d: // BINUNICODE8
          stack.push(readString(length64()));
          break;
        case 0x43: // SHORT_BINBYTES
          stack.push(readBytes(cur.u8(), false));
          break;
        case 0x42: // BINBYTES
          stack.push(readBytes(cur.u32(), false));
          break;
        case 0x8e: // BINBYTES8
          stack.push(readBytes(length64(), false));
          break;
        case 0x96: // BYTEARRAY8
          stack.push(readBytes(length64(), true));
          break;
        case 0x4e: // NONE
          stack.push(null);
          break;
        case 0x88: // NEWTRUE
          stack.push(true);
          break;
        case 0x89: // NEWFALSE
          stack.push(false);
          break;
        case 0x4b: // BININT1
          stack.push(cur.u8());
          break;
        case 0x4d: // BININT2
          stack.push(cur.u16());
          break;
        case 0x4a: // BININT
          stack.push(cur.i32());
          break;
        case 0x8a: // LONG1
          stack.push(asInt(cur.signedLE(cur.u8())));
          break;
        case 0x8b: {
          // LONG4
          const n = cur.i32();
          if (n < 0) fail(`negative LONG4 length ${n}`);
          if (n > cur.remaining()) fail(`length ${n} exceeds the ${cur.remaining()} bytes left (truncated input)`);
          stack.push(asInt(cur.signedLE(n)));
          break;
        }
        case 0x47: // BINFLOAT
          stack.push(cur.f64be());
          break;
        case 0x63: {
          // GLOBAL
          const module = cur.line();
          const name = cur.line();
          if (module === undefined || name === undefined) fail('GLOBAL without newline-terminated module and name (truncated input)');
          stack.push(resolveGlobal(module, name));
          break;
        }
        case 0x93: {
          // STACK_GLOBAL
          const name = pop();
          const module = pop();
          stack.push(resolveGlobal(module, name));
          break;
        }
        case 0x52: {
          // REDUCE
          const args = pop();
          const callable = pop();
          if (!isGlobalRef(callable)) fail(`REDUCE on a non-global ${describeValue(callable)}`);
          if (!Array.isArray(args)) fail(`REDUCE arguments must be a tuple, got ${describeValue(args)}`);
          const ref = callable as PickleGlobalRef;
          if (ref.spec.call === undefined) fail(`global '${ref.module}.${ref.name}' may not be called`, 'TAPTR_PICKLE_FORBIDDEN');
          stack.push(
            remember(
              invoke(() => ref.spec.call!(args as unknown[]), `${ref.module}.${ref.name}()`),
              ref.spec,
            ),
          );
          break;
        }
        case 0x81: // NEWOBJ
        case 0x92: {
          // NEWOBJ_EX
          const kwargs = op === 0x92 ? pop() : NO_KWARGS;
          const args = pop();
          const cls = pop();
          if (!isGlobalRef(cls)) fail(`NEWOBJ on a non-global ${describeValue(cls)}`);
          if (!Array.isArray(args)) fail(`NEWOBJ arguments must be a tuple, got ${describeValue(args)}`);
          if (!(kwargs instanceof Map)) fail(`NEWOBJ_EX keyword arguments must be a dict, got ${describeValue(kwargs)}`);
          const ref = cls as PickleGlobalRef;
          if (ref.spec.newObject === undefined) fail(`global '${ref.module}.${ref.name}' may not be instantiated`, 'TAPTR_PICKLE_FORBIDDEN');
          stack.push(
            remember(
              invoke(() => ref.spec.newObject!(args as unknown[], kwargs as Map<unknown, unknown>), `${ref.module}.${ref.name}.__new__()`),
              ref.spec,
            ),
          );
          break;
        }
        case 0x62: {
          // BUILD
          const state = pop();
          const target = pop();
          const spec = typeof target === 'object' && target !== null ? producers.get(target) : undefined;
          if (spec?.build === undefined) fail(`BUILD on ${describeValue(target)}, which has no whitelisted build hook`, 'TAPTR_PICKLE_FORBIDDEN');
          const result = invoke(() => spec!.build!(target, state), 'BUILD');
          if (result === undefined || result === target) {
            stack.push(target);
          } else {
            for (const [key, value] of memo) if (value === target) memo.set(key, result);
            if (typeof result === 'object' && result !== null && !producers.has(result)) producers.set(result, spec!);
            stack.push(result);
          }
          break;
        }
        case 0x51: {
          // BINPERSID
          const pid = pop();
          if (options.persistentLoad === undefined) fail('persistent id found but no persistentLoad hook was given', 'TAPTR_PICKLE_FORBIDDEN');
          stack.push(invoke(() => options.persistentLoad!(pid), 'persistentLoad'));
          break;
        }
        default:
          fail('unsupported opcode');
      }
    }
  } catch (error) {
    if (isTaptrError(error)) throw error;
    // Anything else (a truncated read inside the cursor, a RangeError from a huge value...) is a format error.
    return fail(error instanceof Error ? error.message : String(error), 'TAPTR_PICKLE_FORMAT', error);
  }
}
