// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';
import { toTracksJson } from './tracks-json.js';

const base = { video: { name: 'v', frames: 3, width: 8, height: 6 }, model: 'm', backend: 'wasm', runtime: 'ort-web-wasm', decoderWindows: { 'sample-first': 2, 'project-first': 0 }, loadMs: 10, trackMs: 30 };

describe('toTracksJson', () => {
  it('writes point-major tracks [N][T][2] and visibility [N][T]', () => {
    const json = toTracksJson({
      ...base,
      queries: [{ id: 4, t: 0, x: 1, y: 2 }, { id: 7, t: 1, x: 3, y: 4 }],
      tracks: new Float32Array([1, 2, 1.5, 2.5, 2, 3, 3, 4, 3, 4, 3.5, 4.5]),
      visible: new Uint8Array([1, 1, 0, 1, 0, 1]),
    });
    expect(json.format).toBe('taptr-tracks');
    expect(json.queries).toEqual([{ id: 4, t: 0, x: 1, y: 2 }, { id: 7, t: 1, x: 3, y: 4 }]);
    expect(json.tracks).toEqual([[[1, 2], [1.5, 2.5], [2, 3]], [[3, 4], [3, 4], [3.5, 4.5]]]);
    expect(json.visible).toEqual([[true, true, false], [true, false, true]]);
    expect(json.timing).toEqual({ loadMs: 10, trackMs: 30, msPerFrame: 10 });
    expect(json.decoderWindows).toEqual({ 'sample-first': 2, 'project-first': 0 });
  });

  it('rejects arrays of the wrong size, naming the expected shapes', () => {
    expect(() => toTracksJson({ ...base, queries: [{ id: 0, t: 0, x: 1, y: 1 }], tracks: new Float32Array(5), visible: new Uint8Array(3) })).toThrow('toTracksJson: tracks must be [1, 3, 2] and visible [1, 3], got 5 and 3 values');
  });
});
