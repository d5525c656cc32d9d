// SPDX-License-Identifier: Apache-2.0
import { TaptrError } from '@taptr/tensor';
import type { RuntimeAdapter } from './runtime-adapter.js';

/**
 * Returns the first candidate whose {@link RuntimeAdapter.isSupported} resolves true, trying them in
 * order (most preferred first). No global state: the caller owns the list.
 * @throws TaptrError `TAPTR_NO_RUNTIME` listing every candidate and why it was rejected.
 */
export async function selectRuntime(candidates: readonly RuntimeAdapter[]): Promise<RuntimeAdapter> {
  const reasons: string[] = [];
  const causes: unknown[] = [];
  for (const adapter of candidates) {
    try {
      if (await adapter.isSupported()) return adapter;
      const reason = adapter.unsupportedReason ? await adapter.unsupportedReason() : undefined;
      reasons.push(`${adapter.name}: ${reason ?? 'not supported'}`);
    } catch (error) {
      causes.push(error);
      reasons.push(`${adapter.name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  const detail = candidates.length === 0 ? 'no candidate adapters were given' : reasons.join('; ');
  throw new TaptrError(
    'TAPTR_NO_RUNTIME',
    `selectRuntime: no usable runtime (${detail})`,
    causes.length > 0 ? { cause: new AggregateError(causes) } : undefined,
  );
}
