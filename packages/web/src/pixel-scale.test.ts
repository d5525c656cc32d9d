// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';
import { scalePoint, scaleXY } from './pixel-scale.js';

describe('pixel scaling (align corners)', () => {
  it('maps the first and last pixel centres onto each other and keeps x / (W - 1)', () => {
    const from = { width: 512, height: 285 };
    const to = { width: 1296, height: 720 };
    expect(scalePoint(0, 0, from, to)).toEqual({ x: 0, y: 0 });
    expect(scalePoint(511, 284, from, to)).toEqual({ x: 1295, y: 719 });
    const p = scalePoint(100, 50, from, to);
    expect(p.x / 1295).toBeCloseTo(100 / 511, 12);
    expect(Array.from(scaleXY(new Float32Array([511, 284, 255.5, 142]), from, to))).toEqual([1295, 719, 647.5, 359.5]);
  });
});
