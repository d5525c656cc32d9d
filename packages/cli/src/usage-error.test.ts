// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';
import { invalidArgument, TaptrError } from '@taptr/tensor';
import { classifyError, UsageError } from './usage-error.js';

describe('classifyError', () => {
  it('maps usage errors to exit 2 and runtime errors to exit 1, and only bugs are unexpected', () => {
    expect(classifyError(new UsageError('--out is required'))).toEqual({ code: 2, message: '--out is required', expected: true });
    expect(classifyError(new TaptrError('TAPTR_INVALID_ARGUMENT', 'q.json: item 0: bad'))).toMatchObject({ code: 2, expected: true });
    expect(classifyError(new TaptrError('TAPTR_VIDEO_FORMAT', 'x.mp4: bad'))).toMatchObject({ code: 1, expected: true });
    expect(classifyError(invalidArgument('range', 'tracker.track', 'queries[0].t', 'an integer', '0.5'))).toMatchObject({ code: 2, expected: true });
    const bug = classifyError(new TypeError("Cannot read properties of undefined (reading 'x')"));
    expect(bug.code).toBe(1);
    expect(bug.expected).toBe(false);
  });
});
