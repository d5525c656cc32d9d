// SPDX-License-Identifier: Apache-2.0
import { describeValue, invalidArgument } from '@taptr/tensor';

/** Checks a static size an emitter needs (the other forms read it from the tensors). @internal */
export function checkStaticSize(fn: string, arg: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw invalidArgument('range', fn, arg, 'a positive integer', describeValue(value));
  return value;
}
