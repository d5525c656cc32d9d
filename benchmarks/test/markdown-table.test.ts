// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';
import { fixed, markdownTable, ms, percent } from '../src/markdown-table.js';

describe('markdownTable', () => {
  it('pads columns, aligns the first left and the rest right, prints missing cells as -', () => {
    expect(
      markdownTable(
        ['name', 'ms'],
        [
          ['a', 1.5],
          ['longer', undefined],
        ],
      ),
    ).toBe(['| name   |  ms |', '|:-------|----:|', '| a      | 1.5 |', '| longer |   - |'].join('\n'));
  });
  it('escapes pipes and counts code points (δ) for the width', () => {
    const t = markdownTable(['<δ^x_avg', 'x'], [['a|b', 'y']], ['l', 'l']);
    expect(t.split('\n')[0]).toBe('| <δ^x_avg | x   |');
    expect(t.split('\n')[2]).toBe('| a\\|b     | y   |');
  });
});

describe('number formats', () => {
  it('formats percentages, fixed decimals and milliseconds', () => {
    expect(percent(0.4567)).toBe('45.7');
    expect(percent(null)).toBe('-');
    expect(percent(Number.NaN)).toBe('-');
    expect(fixed(2.345, 2)).toBe('2.35');
    expect(ms(0.4231)).toBe('0.42');
    expect(ms(12.34)).toBe('12.3');
    expect(ms(1234.5)).toBe('1235');
  });
});
