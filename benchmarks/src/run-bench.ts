// SPDX-License-Identifier: Apache-2.0
// `npx nx bench @taptr/benchmarks` (or `npm run bench -w @taptr/benchmarks -- [options]`): accuracy
// (`taptr eval` on the bundled TAP-Vid-format sample, TAPVID_DATASET or --dataset) and speed (encoder,
// decoder and end-to-end ms per frame, peak RSS, the MatMul floor) per backend and configuration.
// Writes JSON + markdown under benchmarks/results/ and prints the markdown. Measures; never asserts a
// time; no network. See README.md.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tapvidMetricsDir } from '@taptr/fixtures';
import { runAccuracy } from './accuracy.js';
import { BENCH_USAGE, BenchUsageError, type BenchOptions, parseBenchArgs } from './bench-options.js';
import type { BenchReport, SkippedCase } from './bench-report.js';
import { openBackend } from './bench-runtimes.js';
import { loadSample, machineInfo, softwareVersions } from './machine-info.js';
import { renderMarkdown } from './render-markdown.js';
import { runSpeedCaseProcess } from './run-speed-case-process.js';
import type { InterleavedResult } from './interleaved-variants.js';
import { LONG_VIDEO_POINTS, type LongVideoResult } from './long-video-case.js';
import type { MemoryModeResult, SpeedCaseResult, SpeedCaseSpec } from './speed-case.js';
import { machineClass, probeFreshMemory } from './fresh-memory.js';
import { isBaselineVariant, variantLabel } from './bench-variant.js';
import { variantRatios } from './variant-ratios.js';

const log = (message: string): void => void process.stderr.write(`[bench] ${message}\n`);
const packageDir = fileURLToPath(new URL('..', import.meta.url));

/** The TAP-Vid fixture set's DAVIS-format sample (2 synthetic videos; the CLI ships the same bytes as its demo data). */
function bundledDataset(): string {
  return join(tapvidMetricsDir(), 'datasets', 'davis_like', 'tapvid_davis.pkl');
}

function gitCommit(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: packageDir, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: packageDir, encoding: 'utf8' }).trim() !== '';
    return dirty ? `${head}+dirty` : head;
  } catch {
    return 'unknown';
  }
}

/**
 * The environment of the speed processes: WebGPU without a GPU needs a software Vulkan ICD
 * (SwiftShader from Debian's chromium, as .ci/run sets it); filled in only when unset and present.
 */
function speedEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  const swiftshader = '/usr/lib/chromium/vk_swiftshader_icd.json';
  if (env['VK_ICD_FILENAMES'] === undefined && existsSync(swiftshader)) env['VK_ICD_FILENAMES'] = swiftshader;
  if (env['XDG_RUNTIME_DIR'] === undefined) {
    const dir = join(tmpdir(), `taptr-bench-xdg-${process.getuid?.() ?? 0}`);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    env['XDG_RUNTIME_DIR'] = dir;
  }
  return env;
}

/** What the speed part adds to the report beside the speed cases. */
interface SpeedExtras {
  readonly memoryModes: MemoryModeResult[];
  readonly interleaved: InterleavedResult[];
}

async function runSpeed(o: BenchOptions, skipped: SkippedCase[], load: ReturnType<typeof loadSample>[], extras: SpeedExtras): Promise<SpeedCaseResult[]> {
  const { memoryModes, interleaved } = extras;
  const env = speedEnv();
  // The availability probes below run in this process.
  for (const key of ['VK_ICD_FILENAMES', 'XDG_RUNTIME_DIR']) if (env[key] !== undefined) process.env[key] = env[key];
  const results: SpeedCaseResult[] = [];
  for (const backend of o.backends) {
    const opened = await openBackend(backend, o.threads, env);
    if ('unavailable' in opened) {
      log(`${backend}: not available (${opened.unavailable})`);
      skipped.push({ backend, reason: opened.unavailable });
      continue;
    }
    // Non-CPU backends (wasm, a software WebGPU adapter) are many times slower: by default they run
    // the reference model at N = 16 on 8 frames; flags that name the work apply to them as given.
    const light = backend !== 'cpu' && o.explicit.length === 0;
    const configs = light ? o.configs.filter((c) => c === 'reference') : o.configs;
    for (const c of o.configs.filter((x) => !configs.includes(x)))
      skipped.push({ backend, config: c, reason: 'not in the default run on this backend (name it with --configs)' });
    for (const config of configs) {
      // Every variant runs the same work (points, frames) so that its figures compare row by row with fp32's.
      for (const variant of o.variants) {
        const base: SpeedCaseSpec = light
          ? {
              backend,
              config,
              threads: o.threads,
              points: [16],
              comparePoints: o.comparePoints.filter((n) => n === 16),
              endToEndPoints: [16],
              frames: 8,
              repetitions: o.repetitions,
            }
          : {
              backend,
              config,
              threads: o.threads,
              points: o.points,
              comparePoints: o.comparePoints,
              endToEndPoints: o.endToEndPoints,
              frames: o.frames,
              repetitions: o.repetitions,
            };
        const spec: SpeedCaseSpec = { ...base, variant };
        const name = `${config} ${variantLabel(variant)} on ${backend}`;
        log(`speed: ${name} (${opened.threads} threads) ...`);
        const start = performance.now();
        const outcome = await runSpeedCaseProcess(spec, env);
        load.push(loadSample());
        if ('error' in outcome) {
          log(`speed: ${name} failed: ${outcome.error.split('\n')[0]}`);
          skipped.push({ backend, config: `${config} ${variantLabel(variant)}`, reason: `failed: ${outcome.error.split('\n')[0]}` });
          continue;
        }
        log(`speed: ${name} done in ${((performance.now() - start) / 1000).toFixed(0)} s`);
        results.push(outcome.result);
        // A variant at fp32's resolution on cpu: also timed against fp32 alternately in one process
        // (the speed cases' ratio carries the load difference between two processes).
        if (backend === 'cpu' && !isBaselineVariant(variant) && variant.resolution === undefined && base.endToEndPoints.length > 0) {
          log(`speed: ${name} and fp32 alternately in one process ...`);
          const pair = await runSpeedCaseProcess(spec, env, 'interleaved');
          load.push(loadSample());
          if ('error' in pair)
            skipped.push({ backend, config: `${config} ${variantLabel(variant)} interleaved with fp32`, reason: `failed: ${pair.error.split('\n')[0]}` });
          else interleaved.push(pair.result);
        }
        // The CPU memory modes side by side: the same end-to-end work, one process per mode and N (so
        // that each peak RSS is that of one tracking run, as in a process that tracks N points).
        if (backend !== 'cpu' || variantLabel(variant) !== 'fp32') continue;
        for (const memory of o.memoryModes) {
          for (const n of spec.endToEndPoints) {
            log(`speed: ${name}, memory '${memory}', N = ${n} (end to end, own process) ...`);
            const mode = await runSpeedCaseProcess({ ...spec, memory, points: [n], comparePoints: [], endToEndPoints: [n] }, env, 'memory-mode');
            load.push(loadSample());
            if ('error' in mode) {
              skipped.push({ backend, config: `${config} memory '${memory}' N = ${n}`, reason: `failed: ${mode.error.split('\n')[0]}` });
              continue;
            }
            memoryModes.push(mode.result);
          }
        }
      }
    }
  }
  return results;
}

/**
 * The long-video runs (`--long-video`): per configuration on cpu, each length tracked in a process of
 * its own (fp32, the default memory mode, N = 16, a streamed video), the shorter lengths recorded as
 * checkpoints of each run.
 */
async function runLongVideos(o: BenchOptions, skipped: SkippedCase[], load: ReturnType<typeof loadSample>[]): Promise<LongVideoResult[]> {
  const results: LongVideoResult[] = [];
  for (const config of o.configs) {
    for (const frames of o.longVideo) {
      const spec: SpeedCaseSpec = {
        backend: 'cpu',
        config,
        threads: o.threads,
        points: [LONG_VIDEO_POINTS],
        endToEndPoints: [LONG_VIDEO_POINTS],
        frames,
        repetitions: 1,
      };
      log(`long video: ${config}, ${frames} frames, N = ${LONG_VIDEO_POINTS} on cpu (own process) ...`);
      const start = performance.now();
      const outcome = await runSpeedCaseProcess(spec, speedEnv(), 'long-video', o.longVideo);
      load.push(loadSample());
      if ('error' in outcome) {
        log(`long video ${frames} frames failed: ${outcome.error.split('\n')[0]}`);
        skipped.push({ backend: 'cpu', config: `${config} long video ${frames} frames`, reason: `failed: ${outcome.error.split('\n')[0]}` });
        continue;
      }
      log(`long video: ${config}, ${frames} frames done in ${((performance.now() - start) / 1000).toFixed(0)} s`);
      results.push(outcome.result);
    }
  }
  return results;
}

async function bench(argv: readonly string[]): Promise<void> {
  const o = parseBenchArgs(argv, process.env);
  if (o.help) {
    process.stdout.write(BENCH_USAGE);
    return;
  }
  const started = new Date();
  // Before anything else allocates: what fresh memory costs on this machine (issue 15).
  const freshMemory = probeFreshMemory();
  const load = [loadSample()];
  log(
    `load average ${load[0]!.loadAverage.join(' ')} on ${machineInfo().cores} cores; ${machineClass(machineInfo(), freshMemory)} (first touch of ${freshMemory.megabytes} MB ${freshMemory.firstTouchMs} ms, rewrite ${freshMemory.rewriteMs} ms)`,
  );
  const skipped: SkippedCase[] = [];
  let accuracy: BenchReport['accuracy'] = null;
  if (o.accuracy) {
    const dataset = o.dataset !== undefined ? resolve(o.dataset) : bundledDataset();
    try {
      accuracy = { dataset, runs: await runAccuracy(dataset, o, log) };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      log(`accuracy failed: ${message}`);
      accuracy = { dataset, runs: [], error: message };
    }
    load.push(loadSample());
  }
  const extras: SpeedExtras = { memoryModes: [], interleaved: [] };
  const speed = o.speed ? await runSpeed(o, skipped, load, extras) : [];
  load.push(loadSample());
  const longVideo = o.speed && o.longVideo.length > 0 ? await runLongVideos(o, skipped, load) : [];
  const report: BenchReport = {
    date: started.toISOString(),
    durationMs: Date.now() - started.getTime(),
    argv,
    commit: gitCommit(),
    machine: machineInfo(),
    freshMemory,
    machineClass: machineClass(machineInfo(), freshMemory),
    load,
    versions: softwareVersions(),
    threads: o.threads,
    repetitions: o.repetitions,
    accuracy,
    speed,
    memoryModes: extras.memoryModes,
    variantRatios: variantRatios(speed),
    interleaved: extras.interleaved,
    longVideo,
    skipped,
  };
  const markdown = renderMarkdown(report);
  const outDir = o.outDir !== undefined ? resolve(o.outDir) : join(packageDir, 'results');
  await mkdir(outDir, { recursive: true });
  const stamp = started.toISOString().replace(/[:.]/g, '-');
  for (const name of [stamp, 'latest']) {
    await writeFile(join(outDir, `${name}.json`), `${JSON.stringify(report, null, 1)}\n`);
    await writeFile(join(outDir, `${name}.md`), markdown);
  }
  process.stdout.write(markdown);
  log(`results: ${join(outDir, `${stamp}.json`)} (+ .md, latest.json, latest.md)`);
}

try {
  await bench(process.argv.slice(2));
} catch (error) {
  if (error instanceof BenchUsageError) {
    process.stderr.write(`bench: ${error.message}\n`);
    process.exitCode = 2;
  } else {
    process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  }
}
