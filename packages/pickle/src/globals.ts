// SPDX-License-Identifier: Apache-2.0

/**
 * What a whitelisted global may do. Every hook is optional: a global without `call` can only be
 * passed around as a value (e.g. `numpy.ndarray` as an argument of `_reconstruct`, or a torch
 * storage class inside a persistent id); calling it is refused.
 */
export interface GlobalSpec {
  /** REDUCE: `global(*args)`. Receives the argument tuple and returns the Python object's stand-in. */
  call?(args: readonly unknown[]): unknown;
  /** NEWOBJ / NEWOBJ_EX: `global.__new__(global, *args, **kwargs)`. `kwargs` is empty for NEWOBJ. */
  newObject?(args: readonly unknown[], kwargs: ReadonlyMap<unknown, unknown>): unknown;
  /**
   * BUILD on an object returned by `call`/`newObject` of this global (Python `__setstate__`). May
   * mutate `target` in place and return `undefined`, or return a replacement value; a replacement
   * also replaces every memo reference to `target`.
   */
  build?(target: unknown, state: unknown): unknown;
}

/**
 * A whitelist entry: a {@link GlobalSpec}, or just a function, shorthand for `{ call }`.
 */
export type GlobalHandler = GlobalSpec | ((args: readonly unknown[]) => unknown);

/**
 * Whitelisted globals, keyed `'module name'` as in Python's GLOBAL opcode
 * (e.g. `'numpy.core.multiarray _reconstruct'`, `'collections OrderedDict'`).
 */
export type GlobalsMap = Readonly<Record<string, GlobalHandler>> | ReadonlyMap<string, GlobalHandler>;

/**
 * A reference to a whitelisted global, as pushed by GLOBAL / STACK_GLOBAL. Handlers receive these
 * when a global is passed as an argument (compare `module` and `name`).
 */
export interface PickleGlobalRef {
  readonly kind: 'global';
  readonly module: string;
  readonly name: string;
  /** @internal */
  readonly spec: GlobalSpec;
}

/** Returns true when `value` is a {@link PickleGlobalRef}, optionally of `module`/`name`. */
export function isGlobalRef(value: unknown, module?: string, name?: string): value is PickleGlobalRef {
  if (typeof value !== 'object' || value === null || (value as { kind?: unknown }).kind !== 'global') return false;
  const ref = value as PickleGlobalRef;
  return (module === undefined || ref.module === module) && (name === undefined || ref.name === name);
}

const isMap = (map: GlobalsMap): map is ReadonlyMap<string, GlobalHandler> => map instanceof Map;

/** Merges several whitelists into one (later entries win). */
export function mergeGlobals(...maps: GlobalsMap[]): Map<string, GlobalHandler> {
  const out = new Map<string, GlobalHandler>();
  for (const map of maps) {
    const entries = isMap(map) ? map.entries() : Object.entries(map);
    for (const [key, handler] of entries) out.set(key, handler);
  }
  return out;
}

/** @internal Looks up `module name` in a whitelist. */
export function lookupGlobal(map: GlobalsMap, key: string): GlobalHandler | undefined {
  if (isMap(map)) return map.get(key);
  return Object.hasOwn(map, key) ? map[key] : undefined;
}

/** @internal Normalizes a handler to a {@link GlobalSpec}. */
export function toSpec(handler: GlobalHandler): GlobalSpec {
  return typeof handler === 'function' ? { call: handler } : handler;
}

/**
 * A Python tuple: a frozen array. Use {@link isTuple} to tell it from a list.
 */
export type PickleTuple = readonly unknown[];

/** Returns true when `value` is a decoded Python tuple (a frozen array). */
export function isTuple(value: unknown): value is PickleTuple {
  return Array.isArray(value) && Object.isFrozen(value);
}
