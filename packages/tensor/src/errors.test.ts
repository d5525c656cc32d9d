// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';
import { describeValue } from './errors.js';

describe('describeValue', () => {
  it('is short and never recurses without bound', () => {
    expect(describeValue([1, 'a', null])).toBe('[1, "a", null]');
    expect(describeValue(new Array(9).fill(0))).toBe('Array(9)');
    expect(describeValue([[[[1]]]])).toBe('[[[Array(1)]]]');
    const deep = JSON.parse(`${'['.repeat(100000)}${']'.repeat(100000)}`) as unknown;
    expect(describeValue(deep)).toBe('[[[Array(1)]]]');
  });

  it('describes parsed JSON objects whatever keys they hold', () => {
    expect(describeValue(JSON.parse('{"constructor": {"name": {"toString": 1}}}'))).toBe('object');
    expect(describeValue(JSON.parse('{"dims": [{"toString": 1}], "type": "x"}'))).toBe('object');
    expect(describeValue(new Map())).toBe('Map');
    expect(describeValue({ type: 'float32', dims: [2, 3] })).toBe('float32 tensor [2, 3]');
  });
});
