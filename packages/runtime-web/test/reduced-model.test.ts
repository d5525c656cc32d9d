// SPDX-License-Identifier: Apache-2.0
// The reduced reference model (@taptr/fixtures' taptr-reference set) on the onnxruntime-web wasm
// adapter in Node.js, against onnxruntime-node CPU on the same graphs: encoder memory <= 1e-3,
// tracks <= 1e-2 px, identical visibility decisions.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { taptrReferenceDir } from '@taptr/fixtures';
import { buildTaptrGraphs, parseTaptrConfig, readTaptrCheckpoint } from '@taptr/model';
import type { RuntimeAdapter } from '@taptr/runtime';
import { createNodeRuntime } from '@taptr/runtime-node';
import { readNpy, tensor, type TensorView } from '@taptr/tensor';
import { webgpuTestsRequired } from '@taptr/tensor/testing';
import { createTracker, createFramePreprocessor, type TrackResult } from '@taptr/tracker';
import { afterAll, describe, expect, it } from 'vitest';
import { createRuntime } from '../src/create-runtime.js';
import { createWebRuntime } from '../src/wasm.js';

const DIR = taptrReferenceDir();
const require = createRequire(import.meta.url);
const wasmBinary = readFileSync(require.resolve('onnxruntime-web/ort-wasm-simd-threaded.wasm'));

const config = parseTaptrConfig(JSON.parse(readFileSync(join(DIR, 'config.json'), 'utf8')) as Record<string, unknown>);
const model = buildTaptrGraphs(readTaptrCheckpoint(new Uint8Array(readFileSync(join(DIR, 'checkpoint.pth'))), { config }), config, { encoderBatch: 1 });
const video = readNpy(new Uint8Array(readFileSync(join(DIR, 'video.npy')))) as TensorView<'uint8'>;
const queries = readNpy(new Uint8Array(readFileSync(join(DIR, 'queries_tyx.npy')))).data as Float32Array;
const QUERIES = Array.from({ length: queries.length / 3 }, (_, i) => ({ t: queries[3 * i]!, x: queries[3 * i + 2]!, y: queries[3 * i + 1]! }));

/** Measured worst errors, written as JSON where TAPTR_RUNTIME_WEB_REPORT points (if set). */
const report: Record<string, number> = {};
afterAll(() => {
  const out = process.env['TAPTR_RUNTIME_WEB_REPORT'];
  if (out) writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
});

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

async function encode(runtime: RuntimeAdapter, image: Float32Array): Promise<Float32Array> {
  const session = await runtime.createSession(model.frameEncoder);
  try {
    const R = config.resolution;
    const out = await session.run({ image: runtime.tensors.tensor('float32', image, [1, 3, R, R]) });
    return out['memory']!.data as Float32Array;
  } finally {
    await session.release();
  }
}

async function track(runtime: RuntimeAdapter): Promise<TrackResult> {
  const tracker = await createTracker({ runtime, model });
  try {
    return await tracker.track(video, QUERIES);
  } finally {
    await tracker.release();
  }
}

describe('reduced reference model: ort-web wasm (node) vs ort-node cpu', () => {
  const cpu = createNodeRuntime({ threads: 1 });
  const wasm = createWebRuntime({ threads: 1, wasmBinary });

  it('encoder memory agrees within 1e-3', async () => {
    const [, H, W] = video.dims as [number, number, number, number];
    const R = config.resolution;
    const image = new Float32Array(3 * R * R);
    // The fixture's mid-video kept frame (the last of first.frames_kept), so any fixture set of this format works.
    const t = Number((readNpy(new Uint8Array(readFileSync(join(DIR, 'first.frames_kept.npy')))).data as BigInt64Array).at(-1));
    createFramePreprocessor(H, W, R).run(video.data.subarray(t * H * W * 3, (t + 1) * H * W * 3), 3, image);
    const [a, b] = [await encode(cpu, image), await encode(wasm, image)];
    report['node-wasm encoder memory max |diff|'] = maxAbsDiff(a, b);
    expect(report['node-wasm encoder memory max |diff|']).toBeLessThanOrEqual(1e-3);
  });

  it('tracks agree within 1e-2 px with identical visibility', async () => {
    const [a, b] = [await track(cpu), await track(wasm)];
    const key = `node-wasm tracks max |diff| px (${QUERIES.length} points, ${video.dims[0]} frames)`;
    report[key] = maxAbsDiff(a.tracks.data, b.tracks.data);
    expect(report[key]).toBeLessThanOrEqual(1e-2);
    expect(Array.from(b.visible.data)).toEqual(Array.from(a.visible.data));
  }, 300_000);
});

// onnxruntime-node's own WebGPU execution provider, offered as the Node 'webgpu' backend through
// createRuntime. SwiftShader (VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json) is ~500x
// slower than the CPU: one encoder frame and the first 2 frames of tracking only.
const gpu = webgpuTestsRequired();
const nodeWebgpu = await createRuntime('webgpu', { webgpu: () => createNodeRuntime({ executionProvider: 'webgpu' }) }).then(
  (runtime) => ({ runtime, reason: undefined }),
  (error: unknown) => ({ runtime: undefined, reason: error instanceof Error ? error.message : String(error) }),
);

describe('reduced reference model: ort-node webgpu (createRuntime) vs ort-node cpu', () => {
  it('has a WebGPU adapter in CI and wherever a Vulkan ICD is installed', (ctx) => {
    if (!gpu.required) ctx.skip(gpu.why);
    expect(nodeWebgpu.reason, gpu.why).toBeUndefined();
  });

  const cpu = createNodeRuntime({ threads: 1 });
  it.skipIf(nodeWebgpu.runtime === undefined)(
    `encoder memory within 1e-3, tracks of 2 frames within 1e-2 px, same visibility${nodeWebgpu.reason ? ` (skipped: ${nodeWebgpu.reason})` : ''}`,
    async () => {
      const gpu = nodeWebgpu.runtime!;
      const [, H, W] = video.dims as [number, number, number, number];
      const R = config.resolution;
      const image = new Float32Array(3 * R * R);
      createFramePreprocessor(H, W, R).run(video.data.subarray(0, H * W * 3), 3, image);
      report['node-webgpu (ort-node EP) encoder memory max |diff|'] = maxAbsDiff(await encode(gpu, image), await encode(cpu, image));
      expect(report['node-webgpu (ort-node EP) encoder memory max |diff|']).toBeLessThanOrEqual(1e-3);
      const frames = tensor('uint8', [2, H, W, 3], video.data.subarray(0, 2 * H * W * 3));
      const points = QUERIES.filter((q) => q.t === 0).slice(0, 3);
      const run = async (runtime: RuntimeAdapter): Promise<TrackResult> => {
        const tracker = await createTracker({ runtime, model });
        try {
          return await tracker.track(frames, points);
        } finally {
          await tracker.release();
        }
      };
      const [a, b] = [await run(cpu), await run(gpu)];
      report['node-webgpu (ort-node EP) tracks max |diff| px (2 frames)'] = maxAbsDiff(a.tracks.data, b.tracks.data);
      expect(report['node-webgpu (ort-node EP) tracks max |diff| px (2 frames)']).toBeLessThanOrEqual(1e-2);
      expect(Array.from(b.visible.data)).toEqual(Array.from(a.visible.data));
    },
    600_000,
  );
});
