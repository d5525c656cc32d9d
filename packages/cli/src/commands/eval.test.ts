// SPDX-License-Identifier: Apache-2.0
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { aggregateMetrics, computeTapvidMetrics, predictStationary, toTapnetKeys, type MetricValues } from '@taptr/tapvid';
import { fixtureDir, loadNpy } from '@taptr/tensor/testing';
import { sampleDatasetPath } from '../assets.js';
import { runCli } from '../test-io.js';

const fixtures = fixtureDir('TAPVID_FIXTURES', fileURLToPath(new URL('../../fixtures/tapvid-metrics', import.meta.url)));
const davis = join(fixtures, 'datasets', 'davis_like');
const dataset = existsSync(join(davis, 'tapvid_davis.pkl')) ? join(davis, 'tapvid_davis.pkl') : sampleDatasetPath();
const videoNames = readdirSync(join(davis, 'expected')).sort();
const dir = mkdtempSync(join(tmpdir(), 'taptr-eval-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The stationary baseline scored directly on the fixture's eval256 arrays (tapnet's loader output). */
function expectedStationary(mode: 'first' | 'strided'): { videos: Record<string, number>[]; mean: Record<string, number> } {
  const perVideo = videoNames.map((name) => {
    const load = (k: string) => loadNpy(davis, 'expected', name, `eval256_${mode}_${k}.npy`);
    const queryPoints = load('query_points');
    const gtTracks = load('target_points');
    const T = gtTracks.dims[2]!;
    return computeTapvidMetrics({ queryPoints, gtTracks, gtOccluded: load('occluded'), ...predictStationary(queryPoints, T), queryMode: mode });
  });
  const scalar = (m: MetricValues): Record<string, number> => toTapnetKeys(m);
  return { videos: perVideo.map((m) => scalar(aggregateMetrics([m]))), mean: scalar(aggregateMetrics(perVideo)) };
}

function nullToNaN(metrics: Record<string, number | null>): Record<string, number> {
  return Object.fromEntries(Object.entries(metrics).map(([k, v]) => [k, v ?? Number.NaN]));
}

describe('taptr eval', () => {
  it.each(['first', 'strided'] as const)('scores the stationary baseline exactly as the metric on tapnet-loader arrays (%s)', async (mode) => {
    const out = join(dir, `${mode}.json`);
    const run = await runCli(['eval', dataset, '--baseline', 'stationary', '--mode', mode, '--scale', 'tapnet', '--out', out]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`mean (${videoNames.length} videos)`);
    expect(run.stdout).toMatch(/\|\s+AJ \| <δ\^x_avg \|\s+OA \|/);
    const doc = JSON.parse(readFileSync(out, 'utf8')) as { videos: { name: string; metrics: Record<string, number | null> }[]; mean: Record<string, number | null>; protocol: unknown };
    const expected = expectedStationary(mode);
    expect(doc.videos.map((v) => v.name).sort()).toEqual(videoNames);
    doc.videos.forEach((v) => expect(nullToNaN(v.metrics)).toEqual(expected.videos[videoNames.indexOf(v.name)]));
    expect(nullToNaN(doc.mean)).toEqual(expected.mean);
    expect(doc.protocol).toEqual({ mode, resize: 256, scale: 'tapnet', padQueries: 800 });
  });

  it('prints JSON with --json, honours --resize none and --max-videos', async () => {
    const run = await runCli(['eval', dataset, '--baseline', 'stationary', '--mode', 'first', '--resize', 'none', '--max-videos', '1', '--json']);
    expect(run.code).toBe(0);
    const doc = JSON.parse(run.stdout) as { videos: { width: number; height: number }[]; protocol: { scale: string } };
    expect(doc.videos).toHaveLength(1);
    expect(doc.videos[0]!.width).not.toBe(256); // the stored size, not the standard 256x256
    expect(doc.protocol.scale).toBe('taptr');
  });

  it('exits 2 on usage errors and 1 on an unreadable dataset', async () => {
    const noMode = await runCli(['eval', dataset, '--baseline', 'stationary']);
    expect(noMode).toMatchObject({ code: 2, stderr: "taptr eval: --mode is required: 'first' or 'strided'\n" });
    const badMode = await runCli(['eval', dataset, '--baseline', 'stationary', '--mode', 'last']);
    expect(badMode.code).toBe(2);
    expect(badMode.stderr).toContain('must be one of first, strided');
    const noModel = await runCli(['eval', dataset, '--mode', 'first']);
    expect(noModel).toMatchObject({ code: 2, stderr: 'taptr eval: --model is required (or --baseline stationary)\n' });
    const missing = await runCli(['eval', join(dir, 'none.pkl'), '--baseline', 'stationary', '--mode', 'first']);
    expect(missing.code).toBe(1);
    expect(missing.stderr.split('\n')).toHaveLength(2);
  });
});
