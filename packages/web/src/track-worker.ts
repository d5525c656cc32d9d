// SPDX-License-Identifier: Apache-2.0
// The tracking worker: loads the model into an onnxruntime-web backend and runs @taptr/tracker,
// reporting progress. Trackers are cached per (backend, model).
import { parseTaptrConfig } from '@taptr/model';
import type { RuntimeAdapter } from '@taptr/runtime';
import { createRuntime } from '@taptr/runtime-web';
import { tensor } from '@taptr/tensor';
import { createGraphRunner, createTracker, type TaptrModel, type Tracker } from '@taptr/tracker';
import { countDecoderWindows, type CountingRunner } from './decoder-counter.js';
import { listedRoles, type GraphRole, type ModelManifest } from './model-files.js';
import type { ModelPayload, PageBackend, TrackRequest, WorkerRequest, WorkerResponse } from './worker-protocol.js';

const post = (message: WorkerResponse, transfer: Transferable[] = []): void => self.postMessage(message, { transfer });

const runtimes = new Map<PageBackend, Promise<RuntimeAdapter>>();
let cached: { key: string; tracker: Tracker; decoders: CountingRunner } | undefined;
const aborts = new Map<number, AbortController>();

async function fetchBytes(url: string): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`cannot fetch ${url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

/**
 * The model of a request: the graphs it carries, or those its folder's `model.json` lists (the
 * sample-first decoder included when listed; older folders run every window on `decoder_window.onnx`).
 */
async function loadModel(model: ModelPayload): Promise<TaptrModel> {
  if (model.kind === 'bytes') {
    const { frameEncoder, queryInit, decoderWindow, decoderWindowSampleFirst } = model;
    return { config: parseTaptrConfig(model.manifest.config), frameEncoder, queryInit, decoderWindow, ...(decoderWindowSampleFirst === undefined ? {} : { decoderWindowSampleFirst }) };
  }
  const manifest = JSON.parse(new TextDecoder().decode(await fetchBytes(new URL('model.json', model.base).href))) as ModelManifest;
  const roles = listedRoles(manifest);
  const fetched = await Promise.all(roles.map((role) => fetchBytes(new URL(manifest.graphs[role]!.file, model.base).href)));
  const graphs: Partial<Record<GraphRole, Uint8Array>> = Object.fromEntries(roles.map((role, i) => [role, fetched[i]!]));
  const { decoderWindowSampleFirst } = graphs;
  return {
    config: parseTaptrConfig(manifest.config),
    frameEncoder: graphs.frameEncoder!,
    queryInit: graphs.queryInit!,
    decoderWindow: graphs.decoderWindow!,
    ...(decoderWindowSampleFirst === undefined ? {} : { decoderWindowSampleFirst }),
  };
}

async function trackerFor(request: TrackRequest): Promise<{ tracker: Tracker; decoders: CountingRunner; runtime: RuntimeAdapter; loadMs: number }> {
  let runtime = runtimes.get(request.backend);
  if (runtime === undefined) {
    runtime = createRuntime(request.backend, { threads: request.threads, wasmPaths: request.ortBase });
    runtimes.set(request.backend, runtime);
    runtime.catch(() => runtimes.delete(request.backend));
  }
  const adapter = await runtime;
  const key = `${request.backend}|${request.model.id}`;
  if (cached?.key === key) return { tracker: cached.tracker, decoders: cached.decoders, runtime: adapter, loadMs: 0 };
  const started = performance.now();
  post({ type: 'status', id: request.id, message: `loading the model on ${adapter.name}...` });
  const model = await loadModel(request.model);
  const previous = cached;
  cached = undefined;
  await previous?.tracker.release();
  // Decoder sessions are created at the first window that needs them (sample-first for few points).
  const decoders = countDecoderWindows(await createGraphRunner(adapter, model));
  const tracker = await createTracker({ runner: decoders.runner });
  cached = { key, tracker, decoders };
  return { tracker, decoders, runtime: adapter, loadMs: performance.now() - started };
}

async function track(request: TrackRequest): Promise<void> {
  const abort = new AbortController();
  aborts.set(request.id, abort);
  try {
    post({ type: 'status', id: request.id, message: `starting ${request.backend}...` });
    const { tracker, decoders, runtime, loadMs } = await trackerFor(request);
    decoders.reset();
    const { frames: T, height: H, width: W, data } = request.video;
    const video = tensor('uint8', [T, H, W, 3], data);
    const passes = request.bidirectional ? 2 : 1;
    let last = 0;
    const started = performance.now();
    post({ type: 'status', id: request.id, message: `tracking ${request.queries.length} point(s) through ${T} frames on ${runtime.name}...` });
    const result = await tracker.track(video, request.queries, {
      bidirectional: request.bidirectional,
      signal: abort.signal,
      onProgress: (p) => {
        const now = performance.now();
        const total = p.frameCount ?? T;
        const fraction = ((p.pass === 'backward' ? 1 : 0) + p.framesEncoded / Math.max(1, total)) / passes;
        if (now - last < 50 && p.framesEncoded < total) return;
        last = now;
        post({ type: 'progress', id: request.id, pass: p.pass, framesEncoded: p.framesEncoded, windowsDecoded: p.windowsDecoded, frameCount: total, fraction });
      },
    });
    const trackMs = performance.now() - started;
    const tracks = result.tracks.data.slice();
    const visible = new Uint8Array(result.visible.data);
    const threads = request.backend === 'wasm' ? request.threads : 0;
    post(
      { type: 'result', id: request.id, backend: request.backend, runtime: runtime.name, threads, tracks, visible, points: request.queries.length, frames: T, decoderWindows: decoders.counts(), loadMs, trackMs },
      [tracks.buffer, visible.buffer],
    );
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    post({ type: 'error', id: request.id, code: typeof code === 'string' ? code : (error as Error)?.name ?? 'Error', message: error instanceof Error ? error.message : String(error) });
  } finally {
    aborts.delete(request.id);
  }
}

self.addEventListener('message', (event: MessageEvent<WorkerRequest>) => {
  const request = event.data;
  if (request.type === 'cancel') aborts.get(request.id)?.abort(new Error('cancelled'));
  else void track(request);
});
