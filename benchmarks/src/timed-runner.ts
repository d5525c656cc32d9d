// SPDX-License-Identifier: Apache-2.0

/** Time spent in one method since the last reset. */
export interface MethodTime {
  /** Completed calls. */
  calls: number;
  /** Summed wall time of the calls (ms), until their promise settled. */
  ms: number;
}

/** A timed view of an object and its per-method totals. */
export interface TimedObject<T extends object> {
  /** Use this in place of the original object. */
  readonly proxy: T;
  /** Per method name; a method appears after its first call. */
  readonly times: Map<string, MethodTime>;
  /** Total ms of `name` (0 when never called). */
  ms(name: string): number;
  /** Calls of `name`. */
  calls(name: string): number;
  /** Forgets every time. */
  reset(): void;
}

/**
 * Wraps `target` (e.g. the tracker's `TaptrGraphRunner`) so that every method call is timed by
 * method name, whatever methods the object has: the bench keeps working when the runner grows new
 * stages. Non-function properties pass through. Wall clock: on a shared machine this includes
 * time the process waited for a core.
 */
export function timeMethods<T extends object>(target: T): TimedObject<T> {
  const times = new Map<string, MethodTime>();
  const add = (name: string, ms: number): void => {
    const t = times.get(name) ?? { calls: 0, ms: 0 };
    t.calls++;
    t.ms += ms;
    times.set(name, t);
  };
  const proxy = new Proxy(target, {
    get(obj, key, receiver) {
      const value: unknown = Reflect.get(obj, key, receiver);
      if (typeof value !== 'function' || typeof key !== 'string') return value;
      return (...args: unknown[]): unknown => {
        const start = performance.now();
        const result: unknown = (value as (...a: unknown[]) => unknown).apply(obj, args);
        if (result instanceof Promise) return result.finally(() => add(key, performance.now() - start));
        add(key, performance.now() - start);
        return result;
      };
    },
  });
  return {
    proxy,
    times,
    ms: (name) => times.get(name)?.ms ?? 0,
    calls: (name) => times.get(name)?.calls ?? 0,
    reset: () => times.clear(),
  };
}
