// SPDX-License-Identifier: Apache-2.0
// Benchmark (not a test): end-to-end tracking of a synthetic video through onnxruntime-node at the
// released configuration (512 x 512, synthetic weights) or with the small reference model
// (`--model reference`: the fixture checkpoint): wall time, encoder/decoder time per frame/window and
// peak RSS. Prints one JSON object. Usage:
//   npm run bench -- [--model released|reference] [--frames 300] [--points 16] [--size 256] [--threads 2] [--bidirectional]
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { taptrReferenceDir } from '@taptr/fixtures';
import { buildTaptrGraphs, parseTaptrConfig, readTaptrCheckpoint, RELEASED_CONFIG, syntheticStateDict } from '@taptr/model';
import { createNodeRuntime } from '@taptr/runtime-node';
import { tensor } from '@taptr/tensor';
import type { DecoderWindowInput, DecoderWindowOutput, TaptrGraphRunner } from '../src/graph-runner.js';
import { createGraphRunner } from '../src/runtime-graph-runner.js';
import { createTracker } from '../src/tracker.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}
const frames = Number(arg('frames', '300'));
const points = Number(arg('points', '16'));
const size = Number(arg('size', '256'));
const threads = Number(arg('threads', '2'));
const bidirectional = process.argv.includes('--bidirectional');
const which = arg('model', 'released');

let peakRss = 0;
const sample = (): void => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
};
const timer = setInterval(sample, 50);

const t0 = performance.now();
const referenceDir = taptrReferenceDir();
const config = which === 'reference' ? parseTaptrConfig(JSON.parse(readFileSync(join(referenceDir, 'config.json'), 'utf8'))) : RELEASED_CONFIG;
const stateDict =
  which === 'reference' ? readTaptrCheckpoint(new Uint8Array(readFileSync(join(referenceDir, 'checkpoint.pth'))), { config }) : syntheticStateDict(config);
const model = buildTaptrGraphs(stateDict, config, { encoderBatch: 1 });
const buildMs = performance.now() - t0;
const runtime = createNodeRuntime({ threads });
const inner = await createGraphRunner(runtime, model);
const sessionMs = performance.now() - t0 - buildMs;

// Time each graph call.
const spent = { encodeMs: 0, encodes: 0, initMs: 0, decodeMs: 0, windows: 0 };
const timed: TaptrGraphRunner = {
  ...inner,
  async encodeFrames(images, count, target) {
    const t = performance.now();
    await inner.encodeFrames(images, count, target);
    spent.encodeMs += performance.now() - t;
    spent.encodes += count;
    sample();
  },
  async initQueries(memory, xy, count) {
    const t = performance.now();
    const out = await inner.initQueries(memory, xy, count);
    spent.initMs += performance.now() - t;
    return out;
  },
  async decodeWindow(input: DecoderWindowInput, output: DecoderWindowOutput) {
    const t = performance.now();
    await inner.decodeWindow(input, output);
    spent.decodeMs += performance.now() - t;
    spent.windows++;
    sample();
  },
};
const tracker = await createTracker({ runner: timed });

// A synthetic video, generated frame by frame (streamed: only the rolling encoder cache is held).
async function* video() {
  for (let t = 0; t < frames; t++) {
    const data = new Uint8Array(size * size * 3);
    for (let y = 0; y < size; y++)
      for (let x = 0; x < size; x++) for (let c = 0; c < 3; c++) data[(y * size + x) * 3 + c] = (((x + 2 * t) >> 3) * 37 + ((y + t) >> 3) * 91 + c * 60) & 255;
    yield tensor('uint8', [size, size, 3], data);
  }
}
const queries = Array.from({ length: points }, (_, i) => ({
  t: (i * 7) % Math.min(frames, 40),
  x: 10 + ((i * 37) % (size - 20)),
  y: 10 + ((i * 53) % (size - 20)),
}));
const t1 = performance.now();
const loadStart = loadavg()[0]!;
let lastReport = 0;
const result = await tracker.track(video(), queries, {
  frameCount: frames,
  bidirectional,
  // Progress on stderr (the JSON result alone goes to stdout), at most every 10 s.
  onProgress: (p) => {
    const now = performance.now();
    if (now - lastReport < 10_000) return;
    lastReport = now;
    process.stderr.write(
      `${p.pass}: ${p.framesEncoded}/${p.frameCount} frames encoded, ${p.windowsDecoded} windows decoded, ${Math.round((now - t1) / 1000)} s\n`,
    );
  },
});
const trackMs = performance.now() - t1;
await tracker.release();
clearInterval(timer);
sample();
const round = (x: number): number => Math.round(x * 10) / 10;
process.stdout.write(
  `${JSON.stringify(
    {
      config: which === 'reference' ? `reference fixture model (${config.resolution}x${config.resolution})` : 'released (512x512, synthetic weights)',
      machine: `${cpus()[0]?.model ?? 'unknown'} (${cpus().length} cores)`,
      loadAverage: { start: round(loadStart), end: round(loadavg()[0]!) },
      runtime: runtime.name,
      threads,
      frames: result.frameCount,
      videoSize: size,
      points,
      bidirectional,
      buildGraphsMs: round(buildMs),
      sessionsMs: round(sessionMs),
      trackMs: round(trackMs),
      msPerFrame: round(trackMs / frames),
      encoderMsPerFrame: round(spent.encodeMs / spent.encodes),
      decoderMsPerWindow: round(spent.decodeMs / Math.max(1, spent.windows)),
      windows: spent.windows,
      queryInitMs: round(spent.initMs),
      peakRssMB: Math.round(peakRss / 2 ** 20),
    },
    null,
    2,
  )}\n`,
);
