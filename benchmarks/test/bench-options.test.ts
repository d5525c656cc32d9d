// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';
import { BenchUsageError, DEFAULT_BENCH_OPTIONS, parseBenchArgs } from '../src/bench-options.js';

describe('parseBenchArgs', () => {
  it('defaults to the full run: both parts, all backends, both configurations, N = 16/256/800, 2 threads', () => {
    const o = parseBenchArgs([]);
    expect(o).toEqual(DEFAULT_BENCH_OPTIONS);
    expect(o).toMatchObject({
      modes: ['first', 'strided'],
      modelModes: ['first'],
      backends: ['cpu', 'wasm', 'webgpu'],
      configs: ['reference', 'released'],
      points: [16, 256, 800],
      endToEndPoints: [16, 800],
      threads: 2,
      accuracy: true,
      speed: true,
    });
  });

  it('reads lists, numbers and both --flag value and --flag=value forms; skips a lone --', () => {
    const o = parseBenchArgs([
      '--',
      '--backends',
      'cpu',
      '--configs=released',
      '--points',
      '16,800,16',
      '--frames=12',
      '--threads',
      '1',
      '--repetitions',
      '5',
      '--no-accuracy',
    ]);
    expect(o).toMatchObject({
      backends: ['cpu'],
      configs: ['released'],
      explicit: ['--configs', '--points', '--frames'],
      points: [16, 800],
      frames: 12,
      threads: 1,
      repetitions: 5,
      accuracy: false,
      speed: true,
    });
  });

  it('--compare-points: both decoder paths at these N (default 16), none on request', () => {
    expect(parseBenchArgs([]).comparePoints).toEqual([16]);
    expect(parseBenchArgs(['--compare-points', '16,64']).comparePoints).toEqual([16, 64]);
    expect(parseBenchArgs(['--compare-points=none']).comparePoints).toEqual([]);
    expect(() => parseBenchArgs(['--compare-points', 'x'])).toThrow('--compare-points must be an integer >= 1');
  });

  it('--memory-modes: all three by default (the default mode first), none on request or with --quick', () => {
    expect(parseBenchArgs([]).memoryModes).toEqual(['balanced', 'fast', 'low']);
    expect(parseBenchArgs(['--memory-modes', 'low,balanced,low']).memoryModes).toEqual(['low', 'balanced']);
    expect(parseBenchArgs(['--memory-modes=none']).memoryModes).toEqual([]);
    expect(parseBenchArgs(['--quick']).memoryModes).toEqual([]);
    expect(parseBenchArgs(['--quick', '--memory-modes', 'fast']).memoryModes).toEqual(['fast']);
    expect(() => parseBenchArgs(['--memory-modes', 'huge'])).toThrow("--memory-modes: 'huge' is not one of balanced, fast, low");
  });

  it('--long-video: none by default; frame counts sorted, at least 8, none on request', () => {
    expect(parseBenchArgs([]).longVideo).toEqual([]);
    expect(parseBenchArgs(['--long-video', '600,300,600']).longVideo).toEqual([300, 600]);
    expect(parseBenchArgs(['--long-video=none']).longVideo).toEqual([]);
    expect(() => parseBenchArgs(['--long-video', '4,300'])).toThrow("--long-video lengths must be at least 8 frames, got '4,300'");
    expect(() => parseBenchArgs(['--long-video', '300x'])).toThrow('--long-video must be an integer >= 1');
  });

  it('--variants: fp32 by default; PRECISION[@R] items, the fp32 baseline always first, duplicates dropped', () => {
    expect(parseBenchArgs([]).variants).toEqual([{ precision: 'fp32' }]);
    expect(parseBenchArgs(['--variants', 'fp32,int8,fp32@352,fp32@320']).variants).toEqual([
      { precision: 'fp32' },
      { precision: 'int8' },
      { precision: 'fp32', resolution: 352 },
      { precision: 'fp32', resolution: 320 },
    ]);
    expect(parseBenchArgs(['--variants=int8@320, fp16-weights,int8@320']).variants).toEqual([
      { precision: 'fp32' },
      { precision: 'int8', resolution: 320 },
      { precision: 'fp16-weights' },
    ]);
    expect(parseBenchArgs(['--variants', 'fp32']).variants).toEqual([{ precision: 'fp32' }]);
    // Not a flag that names the work: non-cpu backends keep their light default.
    expect(parseBenchArgs(['--variants', 'int8']).explicit).toEqual([]);
  });

  it.each([
    [['--variants', 'fp8'], "--variants: 'fp8' is not PRECISION or PRECISION@R with PRECISION one of fp32, int8, fp16-weights and R a positive multiple of 32"],
    [['--variants', 'int8@100'], "--variants: 'int8@100' is not PRECISION or PRECISION@R"],
    [['--variants', 'int8@0'], "--variants: 'int8@0' is not PRECISION"],
    [['--variants', 'int8@'], "--variants: 'int8@' is not PRECISION"],
    [['--variants', 'fp32@320px'], "--variants: 'fp32@320px' is not PRECISION"],
    [['--variants', 'int8,,fp32'], "--variants: '' is not PRECISION"],
    [['--variants', '320'], "--variants: '320' is not PRECISION"],
    [['--variants'], '--variants needs a value'],
  ])('rejects --variants %j naming the item and the expected form', (argv, message) => {
    expect(() => parseBenchArgs(argv)).toThrow(BenchUsageError);
    expect(() => parseBenchArgs(argv)).toThrow(message);
  });

  it('--quick shrinks the work unless a flag says otherwise', () => {
    expect(parseBenchArgs(['--quick'])).toMatchObject({ points: [16], endToEndPoints: [16], frames: 8, repetitions: 1, modes: ['first'] });
    expect(parseBenchArgs(['--points', '800', '--quick'])).toMatchObject({ points: [800], repetitions: 1 });
  });

  it('takes the dataset and threads from the environment, flags first', () => {
    expect(parseBenchArgs([], { TAPVID_DATASET: '/data/tapvid_davis.pkl', TAPTR_BENCH_THREADS: '4' })).toMatchObject({
      dataset: '/data/tapvid_davis.pkl',
      threads: 4,
    });
    expect(parseBenchArgs(['--dataset', 'x.pkl', '--threads', '1'], { TAPVID_DATASET: 'y.pkl', TAPTR_BENCH_THREADS: '4' })).toMatchObject({
      dataset: 'x.pkl',
      threads: 1,
    });
    expect(parseBenchArgs([], { TAPVID_DATASET: '' }).dataset).toBeUndefined();
    expect(parseBenchArgs([], { TAPTR_BENCH_BACKENDS: 'cpu', TAPTR_BENCH_MODES: 'strided', TAPTR_BENCH_PAD: '0', TAPTR_BENCH_FRAMES: '24' })).toMatchObject({
      backends: ['cpu'],
      modes: ['strided'],
      modelModes: ['strided'],
      padQueries: 0,
      frames: 24,
    });
    expect(() => parseBenchArgs([], { TAPTR_BENCH_BACKENDS: 'tpu' })).toThrow("TAPTR_BENCH_BACKENDS: 'tpu' is not one of cpu, wasm, webgpu");
  });

  it.each([
    [['--backends', 'cuda'], "--backends: 'cuda' is not one of cpu, wasm, webgpu"],
    [['--points', '16,,800'], '--points must be a comma-separated list of integers'],
    [['--points', '0'], '--points must be an integer >= 1'],
    [['--frames', '4'], '--frames must be an integer >= 8'],
    [['--threads', '1.5'], '--threads must be an integer >= 1'],
    [['--threads'], '--threads needs a value'],
    [['--threads', '--quick'], '--threads needs a value'],
    [['--modes', 'last'], "--modes: 'last' is not one of first, strided"],
    [['--config', 'c.json'], '--config needs --model'],
    [['--fast'], "unknown option '--fast'"],
  ])('rejects %j naming the argument', (argv, message) => {
    expect(() => parseBenchArgs(argv)).toThrow(BenchUsageError);
    expect(() => parseBenchArgs(argv)).toThrow(message);
  });
});
