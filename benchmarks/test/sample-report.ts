// SPDX-License-Identifier: Apache-2.0
import type { BenchReport } from '../src/bench-report.js';
import type { FreshMemoryProbe } from '../src/fresh-memory.js';
import type { InterleavedResult } from '../src/interleaved-variants.js';
import type { LongVideoResult } from '../src/long-video-case.js';
import type { MemoryModeResult, SpeedCaseResult } from '../src/speed-case.js';
import { variantRatios } from '../src/variant-ratios.js';

const stats = (median: number, min = median, max = median, n = 3) => ({ median, min, max, n });

/** An expensive-fresh-memory machine (round numbers). */
const freshMemory: FreshMemoryProbe = { megabytes: 178, firstTouchMs: 550, rewriteMs: 12, freshMsPerMB: 3.02, expensive: true };
const machineClass = 'AVX-512 VNNI, expensive fresh memory (3.02 ms/MB)';

/** A released-configuration cpu case with round numbers (not a measurement). */
export const releasedCase: SpeedCaseResult = {
  backend: 'cpu',
  adapter: 'ort-node-cpu',
  config: 'released',
  configLabel: 'released (synthetic weights)',
  variant: 'fp32',
  precision: 'fp32',
  resolution: 512,
  graphBytes: 220_000_000,
  threads: 2,
  tokens: 21760,
  buildMs: 6000,
  sessionMs: 9000,
  sessions: { frame_encoder: 6000, query_init: 100, decoder_window_sample_first: 1400, decoder_window: 1500 },
  encoder: { msPerFrame: stats(1200, 1100, 1300), flops: 160e9, floorMs: 1000, floorMultiple: 1.2 },
  decoder: [
    { points: 16, path: 'sample-first', trackerPath: true, msPerWindow: stats(400), msPerFrame: 100 },
    { points: 16, path: 'project-first', trackerPath: false, msPerWindow: stats(1600), msPerFrame: 400 },
    { points: 800, path: 'project-first', trackerPath: true, msPerWindow: stats(6000), msPerFrame: 1500 },
  ],
  sampleFirstMaxPoints: 64,
  endToEnd: [
    {
      points: 16,
      decoderPath: 'sample-first',
      frames: 16,
      windows: 3,
      totalMs: 24000,
      msPerFrame: 1500,
      fps: 0.667,
      encoderMsPerFrame: 1250,
      decoderMsPerFrame: 75,
      queryInitMs: 12,
      otherMsPerFrame: 174,
      peakRssMB: 900,
      decoderMsPerWindow: 400,
      load1: 1.5,
    },
    {
      points: 800,
      decoderPath: 'project-first',
      frames: 16,
      windows: 3,
      totalMs: 48000,
      msPerFrame: 3000,
      fps: 0.333,
      encoderMsPerFrame: 1250,
      decoderMsPerFrame: 1600,
      queryInitMs: 40,
      otherMsPerFrame: 147,
      peakRssMB: 1400,
      decoderMsPerWindow: 8000,
      load1: 2,
    },
  ],
  floor: { m: 21760, k: 256, n: 2048, flops: 22817013760, ms: stats(142.6, 140, 150, 5), gflops: 160 },
  maxRssMB: 1450,
  load: { 'end to end N=16': 1.5, 'encoder + floor': 1.25 },
  memory: 'balanced',
  freshMemory,
  machineClass,
};

/** One `--memory-modes` process: one mode at one N (round numbers). */
const modeRun = (memory: string, points: number, msPerFrame: number, peakRssMB: number): MemoryModeResult => ({
  backend: 'cpu',
  config: 'released',
  resolution: 512,
  threads: 2,
  memory,
  sessionMs: 9000,
  endToEnd: [{ ...releasedCase.endToEnd.find((e) => e.points === points)!, msPerFrame, peakRssMB }],
  maxRssMB: peakRssMB,
  load: {},
  freshMemory,
  machineClass,
});

/** The end-to-end work under every memory mode, one process per mode and N (`--memory-modes`). */
export const memoryModes: MemoryModeResult[] = [
  modeRun('balanced', 16, 1500, 950),
  modeRun('balanced', 800, 3000, 1400),
  modeRun('fast', 16, 1400, 2000),
  modeRun('fast', 800, 2800, 3100),
  modeRun('low', 16, 4900, 1700),
  modeRun('low', 800, 8500, 2050),
];

/** The same case as `--variants int8@320` would time it (round numbers: encoder 2x, N = 16 end to end 1.5x faster). */
export const int8At320Case: SpeedCaseResult = {
  ...releasedCase,
  configLabel: 'released (synthetic weights), int8@320',
  variant: 'int8@320',
  precision: 'int8',
  resolution: 320,
  graphBytes: 211_200_000,
  encoder: { ...releasedCase.encoder, msPerFrame: stats(600, 550, 650) },
  decoder: [
    { points: 16, path: 'sample-first', trackerPath: true, msPerWindow: stats(320), msPerFrame: 80 },
    { points: 16, path: 'project-first', trackerPath: false, msPerWindow: stats(800), msPerFrame: 200 },
  ],
  endToEnd: [releasedCase.endToEnd[0]!].map((e) => ({ ...e, msPerFrame: 1000 })),
};

/** `--variants fp32,int8` on cpu: fp32 and int8 alternately in one process (round numbers: 1.25x end to end). */
export const int8Interleaved: InterleavedResult = {
  backend: 'cpu',
  config: 'released',
  variant: 'int8',
  label: 'int8 (u8s8 weights for this CPU)',
  threads: 2,
  frames: 16,
  endToEnd: [{ points: 16, baselineMs: stats(1000), variantMs: stats(800), speedup: 1.25, cpuSpeedup: 1.3 }],
  encoder: { baselineMs: stats(960), variantMs: stats(750), speedup: 1.28, cpuSpeedup: 1.35 },
  load: { start: 1.2, end: 1.4 },
  machineClass,
};

/** One `--long-video` process (round numbers): `frames` long, `msPerFrame` and `peakRssMB` at the end, checkpoints every 50 frames. */
export const longVideoRun = (frames: number, msPerFrame: number, peakRssMB: number, checkpoints: LongVideoResult['checkpoints'] = []): LongVideoResult => ({
  backend: 'cpu',
  config: 'released',
  resolution: 512,
  threads: 2,
  memory: 'balanced',
  points: 16,
  frames,
  windows: frames / 4 - 1,
  totalMs: frames * msPerFrame,
  msPerFrame,
  encoderMsPerFrame: msPerFrame - 30,
  decoderMsPerWindow: 100,
  otherMsPerFrame: 5,
  cpuMsPerFrame: 2 * msPerFrame,
  peakRssMB,
  checkpoints,
  load: { start: 1.1, end: 1.3 },
  freshMemory,
  machineClass,
});

/** `--long-video 300,600`: no growth (the 600-frame run checkpointed at frame 300). */
export const longVideo: LongVideoResult[] = [
  longVideoRun(300, 1000, 1000, [{ frames: 300, elapsedMs: 300_000, msPerFrame: 1000, rssMB: 990, peakRssMB: 1000, graphMs: 298_500, cpuMs: 600_000 }]),
  longVideoRun(600, 1040, 1020, [
    { frames: 300, elapsedMs: 306_000, msPerFrame: 1020, rssMB: 1000, peakRssMB: 1010, graphMs: 304_500, cpuMs: 600_000 },
    { frames: 600, elapsedMs: 624_000, msPerFrame: 1040, rssMB: 1005, peakRssMB: 1020, graphMs: 621_000, cpuMs: 1_230_000 },
  ]),
];

/** A whole report around {@link releasedCase}. */
export const sampleReport: BenchReport = {
  date: '2026-11-25T05:00:00.000Z',
  durationMs: 400_000,
  argv: ['--backends', 'cpu'],
  commit: 'abcdef012345',
  machine: { cpu: 'Test CPU', cores: 2, cpuFlags: ['avx2', 'avx512f'], memoryGB: 8, platform: 'linux 6 x64' },
  freshMemory,
  machineClass,
  load: [
    { at: '2026-11-25T05:00:00.000Z', loadAverage: [1.5, 1, 0.5] },
    { at: '2026-11-25T05:06:40.000Z', loadAverage: [2.5, 2, 1] },
  ],
  versions: { node: 'v20.20.2', 'onnxruntime-node': '1.30.0' },
  threads: 2,
  repetitions: 3,
  accuracy: {
    dataset: '/x/tapvid_davis.pkl',
    runs: [
      {
        method: 'stationary baseline',
        mode: 'first',
        padQueries: 0,
        mean: { average_jaccard: 0.25, average_pts_within_thresh: 0.5, occlusion_accuracy: 0.75 },
        videos: [
          { name: 'alpha-walk', frames: 12, queries: 5, metrics: { average_jaccard: 0.2, average_pts_within_thresh: 0.4, occlusion_accuracy: 0.7 } },
          { name: 'bravo-car', frames: 12, queries: 4, metrics: { average_jaccard: 0.3, average_pts_within_thresh: 0.6, occlusion_accuracy: null } },
        ],
        ms: 1234,
        command: 'taptr eval /x/tapvid_davis.pkl --mode first --baseline stationary',
      },
    ],
  },
  speed: [releasedCase, int8At320Case],
  memoryModes,
  variantRatios: variantRatios([releasedCase, int8At320Case]),
  interleaved: [int8Interleaved],
  longVideo,
  skipped: [{ backend: 'wasm', reason: 'no factory yet' }],
};
