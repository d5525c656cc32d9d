// SPDX-License-Identifier: Apache-2.0
import { isTaptrPrecision, TAPTR_PRECISIONS, type TaptrPrecision } from '@taptr/model';

/**
 * One model variant a speed case times: a numeric precision (`applyTaptrPrecision`) and optionally an
 * input resolution replacing the configuration's (`taptr convert --precision P --resolution R`).
 */
export interface BenchVariant {
  readonly precision: TaptrPrecision;
  /** Model input size (a positive multiple of 32); `undefined` = the configuration's own. */
  readonly resolution?: number;
}

/** The variant every run times and the others are compared with: fp32 at the configuration's resolution. */
export const BASELINE_VARIANT: BenchVariant = Object.freeze({ precision: 'fp32' });

/** `int8@320`, `fp32` (the form `--variants` takes). */
export function variantLabel(v: BenchVariant): string {
  return v.resolution === undefined ? v.precision : `${v.precision}@${v.resolution}`;
}

/** Whether `v` is the baseline (fp32 at the configuration's resolution). */
export function isBaselineVariant(v: BenchVariant | undefined): boolean {
  return v === undefined || (v.precision === 'fp32' && v.resolution === undefined);
}

/**
 * Parses one `--variants` item, `PRECISION` or `PRECISION@R` (e.g. `int8`, `fp32@320`).
 * @returns the variant, or the reason it is not one (a phrase naming the expected form and the item).
 */
export function parseVariant(item: string): BenchVariant | string {
  const at = item.indexOf('@');
  const precision = at < 0 ? item : item.slice(0, at);
  const form = `PRECISION or PRECISION@R with PRECISION one of ${TAPTR_PRECISIONS.join(', ')} and R a positive multiple of 32`;
  if (!isTaptrPrecision(precision)) return `'${item}' is not ${form}`;
  if (at < 0) return { precision };
  const text = item.slice(at + 1);
  const resolution = Number(text);
  if (!/^[0-9]+$/.test(text) || !Number.isSafeInteger(resolution) || resolution < 32 || resolution % 32 !== 0) return `'${item}' is not ${form}`;
  return { precision, resolution };
}
