// SPDX-License-Identifier: Apache-2.0
import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { positiveMultipleOf } from './command-kit.js';

describe('positiveMultipleOf', () => {
  const parse = positiveMultipleOf(32);

  it('accepts positive multiples of the step', () => {
    expect(parse('32')).toBe(32);
    expect(parse(' 320 ')).toBe(320);
    expect(parse('512')).toBe(512);
  });

  it('rejects zero, non-multiples, negatives and non-integers with the expected form', () => {
    for (const bad of ['0', '100', '-64', '320px', '3.2e2', '', 'abc']) {
      expect(() => parse(bad), bad).toThrow(InvalidArgumentError);
      expect(() => parse(bad), bad).toThrow('must be a positive multiple of 32 (e.g. 320).');
    }
  });
});
