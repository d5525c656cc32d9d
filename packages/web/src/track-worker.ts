// SPDX-License-Identifier: Apache-2.0
// The tracking worker: holds the model the page sent, runs @taptr/tracker on an onnxruntime-web
// backend (trackers cached per backend and model) offline (`track`, frames streamed from the video
// file at full resolution) or online (`live-*`, an online session fed frame by frame).
import { loadTaptrModel, memoryModelReader, TAPTR_MODEL_MANIFEST, type TaptrGraphs } from '@taptr/model/format';
import type { RuntimeAdapter } from '@taptr/runtime';
import { createRuntime } from '@taptr/runtime-web';
import { tensor } from '@taptr/tensor';
import { createGraphRunner, createTracker, type OnlineSession, type Tracker, type VideoFrame } from '@taptr/tracker';
import { countDecoderWindows, type CountingRunner } from './decoder-counter.js';
import { decodeFrames } from './webcodecs-decode.js';
import type { LiveStart, ModelMessage, RuntimeChoice, TrackRequest, VideoPayload, WorkerRequest, WorkerResponse } from './worker-protocol.js';

const post = (message: WorkerResponse, transfer: Transferable[] = []): void => self.postMessage(message, { transfer });

/** Bidirectional tracking of a streamed file keeps every frame (RGBA) in memory: refuse beyond this. */
const BIDIRECTIONAL_BYTES = 1.5 * 2 ** 30;

const runtimes = new Map<string, Promise<RuntimeAdapter>>();
let model: { id: string; model: Promise<TaptrGraphs> } | undefined;
let cached: { key: string; tracker: Tracker; decoders: CountingRunner } | undefined;
const aborts = new Map<number, AbortController>();
const live = new Map<number, { session: OnlineSession; abort: AbortController }>();

/** Reads the model the page sent like any model folder (manifest validated, graph sizes checked); a bad one fails the next request. */
function setModel(message: ModelMessage): void {
  const files = { ...message.files, [TAPTR_MODEL_MANIFEST]: message.manifest };
  const loaded = loadTaptrModel(memoryModelReader(files, 'the model the page sent'), { verify: 'size' }).then((m) => m.graphs);
  loaded.catch(() => undefined); // reported by the request that uses it
  model = { id: message.modelId, model: loaded };
}

async function trackerFor(choice: RuntimeChoice, id: number): Promise<{ tracker: Tracker; decoders: CountingRunner; runtime: RuntimeAdapter; loadMs: number }> {
  const runtimeKey = `${choice.backend}|${choice.threads}`;
  let runtime = runtimes.get(runtimeKey);
  if (runtime === undefined) {
    runtime = createRuntime(choice.backend, { threads: choice.threads, wasmPaths: choice.ortBase });
    runtimes.set(runtimeKey, runtime);
    runtime.catch(() => runtimes.delete(runtimeKey));
  }
  const adapter = await runtime;
  if (model?.id !== choice.modelId) throw new Error(`the worker has no model ${choice.modelId} (load the model again)`);
  const key = `${runtimeKey}|${choice.modelId}`;
  if (cached?.key === key) return { tracker: cached.tracker, decoders: cached.decoders, runtime: adapter, loadMs: 0 };
  const started = performance.now();
  post({ type: 'status', id, message: `creating the model sessions on ${adapter.name}...` });
  const previous = cached;
  cached = undefined;
  await previous?.tracker.release();
  // Decoder sessions are created at the first window that needs them (sample-first for few points).
  const decoders = countDecoderWindows(await createGraphRunner(adapter, await model.model));
  const tracker = await createTracker({ runner: decoders.runner });
  cached = { key, tracker, decoders };
  return { tracker, decoders, runtime: adapter, loadMs: performance.now() - started };
}

/** The tracker's video input: the frames as one tensor, or the file's frames decoded one by one at full resolution. */
function videoInput(
  video: VideoPayload,
  bidirectional: boolean,
  signal: AbortSignal,
): { input: Parameters<Tracker['track']>[0]; width: number; height: number } {
  if (video.kind === 'frames')
    return { input: tensor('uint8', [video.frames, video.height, video.width, 3], video.data), width: video.width, height: video.height };
  const bytes = video.frames * video.width * video.height * 4;
  if (bidirectional && bytes > BIDIRECTIONAL_BYTES) {
    throw new RangeError(
      `bidirectional tracking keeps every frame in memory: ${video.frames} frames of ${video.width}x${video.height} need ${(bytes / 2 ** 30).toFixed(1)} GiB ` +
        `(at most ${BIDIRECTIONAL_BYTES / 2 ** 30}); track fewer frames or forward only`,
    );
  }
  const frames: AsyncIterable<VideoFrame> = {
    async *[Symbol.asyncIterator]() {
      for await (const f of decodeFrames(video.file, { step: video.step, frames: video.frames, signal }))
        yield { width: f.width, height: f.height, data: f.data };
    },
  };
  return { input: frames, width: video.width, height: video.height };
}

function isAbort(error: unknown, signal: AbortSignal): boolean {
  return signal.aborted || (error instanceof DOMException && error.name === 'AbortError');
}

function postError(id: number, error: unknown): void {
  const code = (error as { code?: unknown }).code;
  post({
    type: 'error',
    id,
    code: typeof code === 'string' ? code : ((error as Error)?.name ?? 'Error'),
    message: error instanceof Error ? error.message : String(error),
  });
}

async function track(request: TrackRequest): Promise<void> {
  const abort = new AbortController();
  aborts.set(request.id, abort);
  try {
    post({ type: 'status', id: request.id, message: `starting ${request.backend}...` });
    const { tracker, decoders, runtime, loadMs } = await trackerFor(request, request.id);
    abort.signal.throwIfAborted();
    decoders.reset();
    const T = request.video.frames;
    const { input, width, height } = videoInput(request.video, request.bidirectional, abort.signal);
    const passes = request.bidirectional ? 2 : 1;
    let last = 0;
    const started = performance.now();
    post({ type: 'status', id: request.id, message: `tracking ${request.queries.length} point(s) through ${T} frames on ${runtime.name}...` });
    const result = await tracker.track(input, request.queries, {
      bidirectional: request.bidirectional,
      frameCount: T,
      signal: abort.signal,
      onProgress: (p) => {
        if (request.cancel !== undefined && Atomics.load(request.cancel, 0) === 1) abort.abort(new DOMException('cancelled', 'AbortError'));
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
      {
        type: 'result',
        id: request.id,
        backend: request.backend,
        runtime: runtime.name,
        threads,
        tracks,
        visible,
        points: request.queries.length,
        frames: result.frameCount,
        width: result.width || width,
        height: result.height || height,
        resolution: tracker.resolution,
        decoderWindows: decoders.counts(),
        memory: decoders.runner.allocateMemory === undefined ? 'host' : 'gpu-buffer',
        loadMs,
        trackMs,
      },
      [tracks.buffer, visible.buffer],
    );
  } catch (error) {
    if (isAbort(error, abort.signal)) post({ type: 'cancelled', id: request.id });
    else postError(request.id, error);
  } finally {
    aborts.delete(request.id);
  }
}

// ---- live (online session) -------------------------------------------------------------------

async function startLive(request: LiveStart): Promise<void> {
  try {
    const { tracker, runtime, loadMs } = await trackerFor(request, request.id);
    const abort = new AbortController();
    // 'low': a frame is final at most 7 frames after it was pushed.
    const session = tracker.online({ latency: 'low', signal: abort.signal });
    live.set(request.id, { session, abort });
    post({ type: 'live-ready', id: request.id, runtime: runtime.name, resolution: tracker.resolution, loadMs });
    try {
      for await (const r of session)
        post({ type: 'live-result', id: request.id, frame: r.frame, ids: r.ids, tracks: r.tracks, visible: r.visible }, [r.tracks.buffer, r.visible.buffer]);
    } catch (error) {
      if (!abort.signal.aborted) postError(request.id, error);
    }
  } catch (error) {
    postError(request.id, error);
  }
}

async function liveOp(id: number, op: (session: OnlineSession) => Promise<void>): Promise<void> {
  const entry = live.get(id);
  if (entry === undefined) return;
  try {
    await op(entry.session);
  } catch (error) {
    if (!entry.abort.signal.aborted) postError(id, error);
  }
}

self.addEventListener('message', (event: MessageEvent<WorkerRequest>) => {
  const request = event.data;
  switch (request.type) {
    case 'model':
      setModel(request);
      break;
    case 'track':
      void track(request);
      break;
    case 'cancel':
      aborts.get(request.id)?.abort(new DOMException('cancelled', 'AbortError'));
      break;
    case 'live-start':
      void startLive(request);
      break;
    case 'live-frame':
      void liveOp(request.id, async (session) => {
        const started = performance.now();
        await session.push({ width: request.width, height: request.height, data: request.data });
        post({ type: 'live-pushed', id: request.id, index: request.index, ms: performance.now() - started, earliestQueryFrame: session.earliestQueryFrame });
      });
      break;
    case 'live-add':
      void liveOp(request.id, async (session) => {
        const [pointId] = await session.addPoints([request.point]);
        post({ type: 'live-added', id: request.id, key: request.key, pointId: pointId! });
      });
      break;
    case 'live-remove':
      void liveOp(request.id, (session) => session.removePoints(request.pointIds));
      break;
    case 'live-stop': {
      const entry = live.get(request.id);
      live.delete(request.id);
      entry?.abort.abort(new DOMException('stopped', 'AbortError'));
      post({ type: 'live-stopped', id: request.id });
      break;
    }
  }
});
