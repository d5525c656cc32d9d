// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';
import { checkQueriesInVideo, prepareQueries, queryPointProblem } from './queries.js';

const video = { frames: 10, width: 64, height: 48 };

describe('queryPointProblem (the one bounds rule of a query)', () => {
  it('accepts the image up to its outer edges and every frame', () => {
    for (const point of [
      { t: 0, x: -0.5, y: -0.5 },
      { t: 9, x: 63.5, y: 47.5 },
      { t: 3, x: 10.25, y: 0 },
    ]) {
      expect(queryPointProblem(point, video), JSON.stringify(point)).toBeUndefined();
    }
  });

  it('names the first field outside the video, the allowed range and the value', () => {
    expect(queryPointProblem({ t: 10, x: 0, y: 0 }, video)).toEqual({ field: 't', expected: 'an integer frame index in [0, 9]', actual: '10' });
    expect(queryPointProblem({ t: -1, x: 0, y: 0 }, video)?.field).toBe('t');
    expect(queryPointProblem({ t: 1.5, x: 0, y: 0 }, video)).toMatchObject({ field: 't', actual: '1.5' });
    expect(queryPointProblem({ t: 0, x: 63.51, y: 0 }, video)).toEqual({ field: 'x', expected: 'a pixel x in [-0.5, 63.5]', actual: '63.51' });
    expect(queryPointProblem({ t: 0, x: Number.NaN, y: 0 }, video)).toMatchObject({ field: 'x', actual: 'NaN' });
    expect(queryPointProblem({ t: 0, x: 0, y: -0.6 }, video)).toEqual({ field: 'y', expected: 'a pixel y in [-0.5, 47.5]', actual: '-0.6' });
    expect(queryPointProblem({ t: 0, x: 0, y: '1' as unknown as number }, video)).toMatchObject({ field: 'y', actual: '"1"' });
  });

  it("is the tracker's check, worded as an argument error", () => {
    const queries = prepareQueries('f', [
      [0, 1, 1],
      [2, 1, 48],
    ]);
    expect(() => checkQueriesInVideo('f', queries, 10, 64, 48)).toThrow(new RangeError('f: queries[1].y must be a pixel y in [-0.5, 47.5], got 48'));
    expect(() => checkQueriesInVideo('f', queries, 2, 64, 49)).toThrow(new RangeError('f: queries[1].t must be an integer frame index in [0, 1], got 2'));
  });
});
