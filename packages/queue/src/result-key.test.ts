// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';
import { jobIdOf, resultKey } from './result-key.js';
import { evalJob, trackJob } from './testing/sample-jobs.js';

describe('resultKey', () => {
  it('depends on what determines the result, not on paths or the run name', () => {
    const base = evalJob('run-a', 3);
    const moved = evalJob('run-b', 3, {
      dataset: { ...base.dataset, path: '/mnt/other/davis.pkl', file: { path: '/mnt/other/davis.pkl', sha256: base.dataset.file.sha256 } },
      model: { kind: 'folder', path: '/elsewhere/model', sha256: 'c'.repeat(64) },
    });
    expect(resultKey(moved)).toBe(resultKey(base));
    expect(resultKey(base)).toMatch(/^[0-9a-f]{64}$/);
    expect(jobIdOf(base)).toBe(`eval-${resultKey(base)}`);
  });

  it('changes with the dataset, the video, the model, every protocol option and the backend', () => {
    const base = evalJob('r', 3);
    const variants = [
      evalJob('r', 3, { dataset: { ...base.dataset, sha256: '0'.repeat(64) } }),
      evalJob('r', 4),
      evalJob('r', 3, { model: { kind: 'folder', path: '/models/taptr-v1', sha256: '1'.repeat(64) } }),
      evalJob('r', 3, { model: { kind: 'checkpoint', path: '/models/taptr-v1', sha256: 'c'.repeat(64) } }),
      evalJob('r', 3, { model: { kind: 'baseline', name: 'stationary' } }),
      evalJob('r', 3, { protocol: { ...base.protocol, mode: 'strided' } }),
      evalJob('r', 3, { protocol: { ...base.protocol, resize: 'none' } }),
      evalJob('r', 3, { protocol: { ...base.protocol, scale: 'tapnet' } }),
      evalJob('r', 3, { protocol: { ...base.protocol, padQueries: 0 } }),
      evalJob('r', 3, { backend: 'wasm' }),
    ];
    const keys = new Set([base, ...variants].map(resultKey));
    expect(keys.size).toBe(variants.length + 1);
  });

  it('track: changes with the video, queries, mask, model config, options and output path', () => {
    const base = trackJob('r', 'a');
    const model = base.model as Extract<typeof base.model, { kind: 'checkpoint' }>;
    const variants = [
      trackJob('r', 'a', { video: { path: base.video.path, sha256: '0'.repeat(64) } }),
      trackJob('r', 'a', { queries: { kind: 'grid', n: 5, frame: 0 } }),
      trackJob('r', 'a', { queries: { kind: 'grid', n: 4, frame: 1 } }),
      trackJob('r', 'a', { queries: { kind: 'grid', n: 4, frame: 0, mask: { path: '/m.png', sha256: '2'.repeat(64) } } }),
      trackJob('r', 'a', { queries: { kind: 'file', file: { path: '/q.json', sha256: '3'.repeat(64) } } }),
      trackJob('r', 'a', { model: { ...model, config: { path: '/models/config.json', sha256: '4'.repeat(64) } } }),
      trackJob('r', 'a', { options: { bidirectional: true, padQueries: 0 } }),
      trackJob('r', 'a', { options: { bidirectional: false, padQueries: 800 } }),
      trackJob('r', 'a', { out: '/out/other.json' }),
    ];
    expect(new Set([base, ...variants].map(resultKey)).size).toBe(variants.length + 1);
    expect(resultKey(trackJob('other-run', 'a'))).toBe(resultKey(base));
  });
});
