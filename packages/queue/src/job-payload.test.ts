// SPDX-License-Identifier: Apache-2.0
import { isTaptrError, TaptrError } from '@taptr/tensor';
import { fuzzBytes } from '@taptr/tensor/testing';
import { describe, expect, it } from 'vitest';
import { validateJobPayload } from './job-payload.js';
import { resultKey } from './result-key.js';
import { evalJob, trackJob } from './testing/sample-jobs.js';

function invalid(data: unknown): string {
  try {
    validateJobPayload(data, 'job x');
  } catch (error) {
    expect(isTaptrError(error, 'TAPTR_JOB_INVALID'), String(error)).toBe(true);
    return (error as Error).message;
  }
  throw new Error('accepted');
}

describe('validateJobPayload', () => {
  it('returns valid eval and track payloads unchanged', () => {
    for (const job of [
      evalJob('r', 0),
      trackJob('r', 'a'),
      trackJob('r', 'b', { queries: { kind: 'file', file: { path: '/q.csv', sha256: '0'.repeat(64) } } }),
      evalJob('r', 1, { model: { kind: 'baseline', name: 'stationary' } }),
    ]) {
      expect(validateJobPayload(JSON.parse(JSON.stringify(job)))).toEqual(job);
    }
  });

  it('names the first bad field, what it must be and what it is', () => {
    const job = evalJob('r', 2);
    expect(invalid(null)).toBe('job x: payload must be an object, got null');
    expect(invalid({ ...job, kind: 'shell' })).toBe('job x: kind must be one of eval, track, got "shell"');
    expect(invalid({ ...job, run: 'a b' })).toMatch(/^job x: run must be a run name/);
    expect(invalid({ ...job, extra: 1 })).toBe(
      'job x: payload must be an object with keys kind, run, dataset, model, protocol, backend, got "unknown key \'extra\'"',
    );
    expect(invalid({ ...job, dataset: { ...job.dataset, index: 30 } })).toBe(
      'job x: dataset.index must be an integer in [0, 29] (dataset.videos = 30), got 30',
    );
    expect(invalid({ ...job, dataset: { ...job.dataset, path: 'relative/davis.pkl' } })).toBe(
      'job x: dataset.path must be an absolute path, got "relative/davis.pkl"',
    );
    expect(invalid({ ...job, dataset: { ...job.dataset, file: { path: '/d.pkl', sha256: 'ABC' } } })).toBe(
      'job x: dataset.file.sha256 must be a lowercase hex sha256, got "ABC"',
    );
    expect(invalid({ ...job, protocol: { ...job.protocol, padQueries: -1 } })).toBe('job x: protocol.padQueries must be an integer >= 0, got -1');
    expect(invalid({ ...job, protocol: { ...job.protocol, resize: 512 } })).toBe("job x: protocol.resize must be 256 or 'none', got 512");
    expect(invalid({ ...job, model: { kind: 'folder', path: '/m' } })).toBe('job x: model.sha256 must be present, got undefined');
    expect(invalid({ ...trackJob('r', 'a'), out: '/out/a.txt' })).toBe('job x: out must be a .json or .csv path, got "/out/a.txt"');
    expect(invalid({ ...trackJob('r', 'a'), queries: { kind: 'grid', n: 0, frame: 0 } })).toBe('job x: queries.n must be an integer >= 1, got 0');
  });

  it('fuzz: mutated payloads are rejected with TAPTR_JOB_INVALID or accepted as a valid payload, never a crash', async () => {
    const input = new TextEncoder().encode(
      JSON.stringify([evalJob('r', 0), trackJob('r', 'a', { queries: { kind: 'grid', n: 3, frame: 1, mask: { path: '/m.png', sha256: '9'.repeat(64) } } })]),
    );
    const report = await fuzzBytes({
      input,
      seed: 17,
      minCases: 3000,
      budgetMs: 3000,
      tokens: ['null', '[]', '{}', '"', '-1', '1e309', '"kind"', '"eval"', '"track"', '"baseline"', '"/"', '0.5', 'true', '"__proto__"'],
      read(bytes) {
        let parsed: unknown;
        try {
          parsed = JSON.parse(new TextDecoder().decode(bytes));
        } catch {
          throw new TaptrError('TAPTR_JOB_INVALID', 'not JSON (the queue would not deliver it)');
        }
        const list = Array.isArray(parsed) ? parsed : [parsed];
        return list.map((item) => validateJobPayload(item));
      },
      onAccept(jobs) {
        for (const job of jobs) {
          expect(validateJobPayload(JSON.parse(JSON.stringify(job)))).toEqual(job);
          expect(resultKey(job)).toMatch(/^[0-9a-f]{64}$/);
        }
      },
    });
    expect(report.failures, report.summary).toEqual([]);
  });
});
