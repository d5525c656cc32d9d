// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';
import { defaultOverlayStyle } from './overlay.js';

describe('defaultOverlayStyle', () => {
  it('is the CLI default: upscale to a short side >= 360 px (at most 8x), radius 1/90 of it (>= 3), 12-frame trails', () => {
    expect(defaultOverlayStyle(96, 96)).toEqual({ scale: 4, radius: 4, trail: 12 });
    expect(defaultOverlayStyle(1296, 720)).toEqual({ scale: 1, radius: 8, trail: 12 });
    expect(defaultOverlayStyle(32, 24)).toEqual({ scale: 8, radius: 3, trail: 12 });
  });
});
