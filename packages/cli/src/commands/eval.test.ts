// SPDX-License-Identifier: Apache-2.0
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tapvidMetricsDir } from '@taptr/fixtures';
import { aggregateMetrics, computeTapvidMetrics, predictStationary, toTapnetKeys, type MetricValues } from '@taptr/tapvid';
import { loadNpy } from '@taptr/tensor/testing';
import { sampleDatasetPath } from '../assets.js';
import { runCli } from '../test-io.js';

const fixtures = tapvidMetricsDir();
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
    const doc = JSON.parse(readFileSync(out, 'utf8')) as {
      videos: { name: string; metrics: Record<string, number | null> }[];
      mean: Record<string, number | null>;
      protocol: unknown;
    };
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

/** The TAP-Vid fixture pickles. */
const tapvidDatasets = join(fixtures, 'datasets');

/** Copies fixture pickles into a folder of `dir` under neutral names; returns the folder. */
function renamed(name: string, files: Record<string, string>): string {
  const path = join(dir, name);
  mkdirSync(path, { recursive: true });
  for (const [to, from] of Object.entries(files)) copyFileSync(join(tapvidDatasets, from), join(path, to));
  return path;
}

async function evalJson(args: readonly string[]): Promise<{ datasetKind: string; videos: { name: string }[] }> {
  const run = await runCli(['eval', ...args, '--baseline', 'stationary', '--mode', 'first', '--resize', 'none', '--json']);
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as { datasetKind: string; videos: { name: string }[] };
}

describe('taptr eval recognises datasets by content, whatever the files are called', () => {
  const plain = renamed('plain', {
    'my_data.pkl': 'davis_like/tapvid_davis.pkl',
    'stuff.pkl': 'rgb_stacking_like/tapvid_rgb_stacking.pkl',
    'clip.pkl': 'kinetics_like/0000_of_0010.pkl',
  });

  it('DAVIS as my_data.pkl, RGB-Stacking as stuff.pkl, a Kinetics shard as clip.pkl', async () => {
    const davisDoc = await evalJson([join(plain, 'my_data.pkl')]);
    expect(davisDoc.datasetKind).toBe('davis');
    expect(davisDoc.videos.map((v) => v.name)).toEqual(readdirSync(join(tapvidDatasets, 'davis_like', 'expected')).sort());
    const run = await runCli(['eval', join(plain, 'my_data.pkl'), '--baseline', 'stationary', '--mode', 'first', '--max-videos', '1']);
    expect(run.stdout.split('\n')[0]).toMatch(/my_data\.pkl \(davis\): first, resize 256/);
    expect((await evalJson([join(plain, 'stuff.pkl')])).datasetKind).toBe('rgb_stacking');
    const shard = await evalJson([join(plain, 'clip.pkl')]);
    expect(shard.datasetKind).toBe('kinetics');
    expect(shard.videos[0]!.name).toBe('clip/0');
  });

  it('a folder of renamed Kinetics shards, and a folder of renamed RoboTAP splits', async () => {
    const shards = renamed('shards', { 'b.pkl': 'kinetics_like/0001_of_0010.pkl', 'a.pkl': 'kinetics_like/0000_of_0010.pkl' });
    const kinetics = await evalJson([shards]);
    expect(kinetics.datasetKind).toBe('kinetics');
    expect(kinetics.videos.map((v) => v.name.split('/')[0])).toEqual(['a', 'a', 'b']);
    const splits = renamed('splits', { 'one.pkl': 'robotap_like/robotap_split0.pkl', 'two.pkl': 'robotap_like/robotap_split1.pkl' });
    const robotap = await evalJson([splits]);
    expect(robotap.datasetKind).toBe('robotap');
    expect(robotap.videos.map((v) => v.name)).toEqual(['rt-0001', 'rt-0002', 'rt-0103']);
  });

  it('refuses a pickle that is no TAP-Vid dataset with one line naming what was found', async () => {
    // A protocol-2 pickle of {'a': {'x': 1, 'y': 2}, 'b': 3, 'c': 4}.
    const path = join(dir, 'x.pkl');
    writeFileSync(path, Buffer.from('80027d285801000000617d285801000000784b015801000000794b02755801000000624b035801000000634b04752e', 'hex'));
    const run = await runCli(['eval', path, '--baseline', 'stationary', '--mode', 'first']);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `taptr eval: cannot recognise a TAP-Vid dataset in '${path}': top-level dict of 3 entries whose first value ('a') has keys [x, y]; pass --dataset davis|rgb_stacking|robotap|kinetics to read it as one\n`,
    );
    const json = join(dir, 'tracks.json');
    writeFileSync(json, '{}');
    const notPickle = await runCli(['eval', json, '--baseline', 'stationary', '--mode', 'first']);
    expect(notPickle).toMatchObject({
      code: 1,
      stderr: `taptr eval: cannot recognise a TAP-Vid dataset in '${json}': not a pickle (a file starting with bytes 7b 7d; pickles begin with 80)\n`,
    });
  });

  it('--dataset forces the kind; a kind the content contradicts or an unknown kind is refused', async () => {
    expect((await evalJson([join(plain, 'my_data.pkl'), '--dataset', 'robotap'])).datasetKind).toBe('robotap');
    const wrong = await runCli(['eval', join(plain, 'my_data.pkl'), '--dataset', 'kinetics', '--baseline', 'stationary', '--mode', 'first']);
    expect(wrong).toMatchObject({
      code: 1,
      stderr: `taptr eval: '${join(plain, 'my_data.pkl')}' is not a kinetics dataset (videos whose frames are JPEG bytes); found dict of 2 videos with uint8 frames [12, 64, 80, 3]\n`,
    });
    const unknown = await runCli(['eval', join(plain, 'my_data.pkl'), '--dataset', 'sintel', '--baseline', 'stationary', '--mode', 'first']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^taptr eval: .*--dataset <kind>.*must be one of davis, rgb_stacking, robotap, kinetics\./);
    expect(unknown.stderr.split('\n')).toHaveLength(2);
  });

  it('a truncated dataset is one line naming the file (exit 1)', async () => {
    const bytes = readFileSync(join(tapvidDatasets, 'davis_like', 'tapvid_davis.pkl'));
    const path = join(dir, 'cut.pkl');
    writeFileSync(path, bytes.subarray(0, bytes.length >> 1));
    const run = await runCli(['eval', path, '--baseline', 'stationary', '--mode', 'first']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(new RegExp(`^taptr eval: ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: unpickle: .*truncated.*\n$`));
  });
});
