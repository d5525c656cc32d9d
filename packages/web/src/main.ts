// SPDX-License-Identifier: Apache-2.0
// The point-tracking page: video (sample or file), query points, backend choice, tracking in a
// Web Worker with progress, playback with trails / hollow markers for occluded points, JSON download.
import { readModelFiles } from './model-files.js';
import { drawQueries, drawTracks, type TrackedPoints } from './overlay.js';
import { createQueryPoints, pointColor, toVideoPixel, type QueryPoint, type QueryPoints } from './query-points.js';
import { toTracksJson, type TracksJson } from './tracks-json.js';
import { decodeVideoFile, frameImage, headOf, loadSample, type VideoClip } from './video-source.js';
import type { ModelPayload, PageBackend, TrackRequest, WorkerResponse } from './worker-protocol.js';

const $ = <T extends HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`page element #${id} is missing`);
  return el as T;
};

const ui = {
  videoFile: $<HTMLInputElement>('video-file'),
  loadSample: $<HTMLButtonElement>('load-sample'),
  fps: $<HTMLInputElement>('fps'),
  modelSelect: $<HTMLSelectElement>('model-select'),
  modelFiles: $<HTMLInputElement>('model-files'),
  backend: $<HTMLSelectElement>('backend'),
  maxFrames: $<HTMLInputElement>('max-frames'),
  bidirectional: $<HTMLInputElement>('bidirectional'),
  track: $<HTMLButtonElement>('track'),
  cancel: $<HTMLButtonElement>('cancel'),
  progress: $<HTMLProgressElement>('progress'),
  status: $<HTMLParagraphElement>('status'),
  view: $<HTMLCanvasElement>('view'),
  play: $<HTMLButtonElement>('play'),
  frame: $<HTMLInputElement>('frame'),
  frameLabel: $<HTMLSpanElement>('frame-label'),
  pointList: $<HTMLOListElement>('point-list'),
  clearPoints: $<HTMLButtonElement>('clear-points'),
  download: $<HTMLButtonElement>('download'),
  timing: $<HTMLParagraphElement>('timing'),
};

const BUNDLED_MODEL: ModelPayload = { kind: 'url', id: 'bundled-reference', base: new URL('model/', document.baseURI).href };
const ctx = ui.view.getContext('2d');
if (ctx === null) throw new Error('no 2d canvas context');
const frameCanvas = document.createElement('canvas');

const state: {
  clip: VideoClip | undefined;
  t: number;
  points: QueryPoints;
  selected: number | undefined;
  dragging: number | undefined;
  result: (TrackedPoints & { json: TracksJson }) | undefined;
  model: ModelPayload;
  modelName: string;
  playing: ReturnType<typeof setInterval> | undefined;
  running: number | undefined;
} = {
  clip: undefined,
  t: 0,
  points: createQueryPoints(1, 1),
  selected: undefined,
  dragging: undefined,
  result: undefined,
  model: BUNDLED_MODEL,
  modelName: 'reduced reference model (bundled)',
  playing: undefined,
  running: undefined,
};

function setStatus(message: string, kind: 'idle' | 'loading' | 'running' | 'done' | 'error' = 'idle'): void {
  ui.status.textContent = message;
  ui.status.dataset['state'] = kind;
}

// ---- drawing -------------------------------------------------------------------------------

function render(): void {
  const clip = state.clip;
  ctx!.fillStyle = '#000';
  ctx!.fillRect(0, 0, ui.view.width, ui.view.height);
  if (clip === undefined) return;
  frameCanvas.width = clip.width;
  frameCanvas.height = clip.height;
  frameCanvas.getContext('2d')!.putImageData(frameImage(clip, state.t), 0, 0);
  ctx!.imageSmoothingEnabled = true;
  ctx!.drawImage(frameCanvas, 0, 0, ui.view.width, ui.view.height);
  if (state.result !== undefined && state.t < state.result.frames) drawTracks(ctx!, state.result, state.t, clip.width, clip.height);
  drawQueries(ctx!, state.points.points, state.t, clip.width, clip.height, state.selected);
  ui.frame.value = String(state.t);
  ui.frameLabel.textContent = `${state.t} / ${clip.frames - 1}`;
}

function renderPointList(): void {
  ui.pointList.replaceChildren(
    ...state.points.points.map((p) => {
      const li = document.createElement('li');
      li.className = p.id === state.selected ? 'selected' : '';
      li.dataset['id'] = String(p.id);
      const swatch = document.createElement('span');
      swatch.className = 'swatch';
      swatch.style.background = pointColor(p.id);
      const text = document.createElement('span');
      text.textContent = `#${p.id}  t=${p.t}  x=${p.x.toFixed(2)}  y=${p.y.toFixed(2)}`;
      text.style.cursor = 'pointer';
      text.addEventListener('click', () => {
        state.selected = p.id;
        state.t = p.t;
        renderPointList();
        render();
      });
      const remove = document.createElement('button');
      remove.type = 'button';
      remove.textContent = '×';
      remove.title = 'remove this point';
      remove.addEventListener('click', () => editPoints(state.points.remove(p.id)));
      li.append(swatch, text, remove);
      return li;
    }),
  );
}

// ---- video and points ------------------------------------------------------------------------

function setClip(clip: VideoClip): void {
  stopPlayback();
  state.clip = clip;
  state.t = 0;
  state.points = createQueryPoints(clip.width, clip.height);
  state.selected = undefined;
  state.result = undefined;
  ui.download.disabled = true;
  ui.timing.textContent = '';
  const scale = 576 / Math.max(clip.width, clip.height);
  ui.view.width = Math.round(clip.width * scale);
  ui.view.height = Math.round(clip.height * scale);
  ui.view.style.width = `${ui.view.width}px`;
  ui.view.style.height = `${ui.view.height}px`;
  ui.frame.max = String(clip.frames - 1);
  ui.maxFrames.max = String(clip.frames);
  ui.maxFrames.value = String(clip.frames);
  renderPointList();
  render();
}

/** Any edit of the points invalidates the previous result. */
function editPoints(points: QueryPoints): void {
  state.points = points;
  if (state.selected !== undefined && !points.points.some((p) => p.id === state.selected)) state.selected = undefined;
  if (state.result !== undefined) {
    state.result = undefined;
    ui.download.disabled = true;
  }
  renderPointList();
  render();
}

function eventPixel(event: PointerEvent | MouseEvent): { x: number; y: number } {
  const rect = ui.view.getBoundingClientRect();
  return toVideoPixel(event.clientX - rect.left, event.clientY - rect.top, rect.width, rect.height, state.clip!.width, state.clip!.height);
}

function hitRadius(): number {
  const rect = ui.view.getBoundingClientRect();
  return (12 / rect.width) * state.clip!.width;
}

ui.view.addEventListener('pointerdown', (event) => {
  if (state.clip === undefined || event.button !== 0 || state.running !== undefined) return;
  stopPlayback();
  const { x, y } = eventPixel(event);
  const hit = state.points.hit(state.t, x, y, hitRadius());
  if (hit !== undefined) {
    state.selected = hit.id;
  } else {
    const points = state.points.add(state.t, x, y);
    state.selected = points.points[points.points.length - 1]!.id;
    editPoints(points);
  }
  state.dragging = state.selected;
  ui.view.setPointerCapture(event.pointerId);
  renderPointList();
  render();
});
ui.view.addEventListener('pointermove', (event) => {
  if (state.dragging === undefined || state.clip === undefined) return;
  const { x, y } = eventPixel(event);
  editPoints(state.points.move(state.dragging, x, y));
});
ui.view.addEventListener('pointerup', () => {
  state.dragging = undefined;
});
ui.view.addEventListener('contextmenu', (event) => {
  event.preventDefault();
  if (state.clip === undefined || state.running !== undefined) return;
  const { x, y } = eventPixel(event);
  const hit = state.points.hit(state.t, x, y, hitRadius());
  if (hit !== undefined) editPoints(state.points.remove(hit.id));
});
document.addEventListener('keydown', (event) => {
  if ((event.key === 'Delete' || event.key === 'Backspace') && state.selected !== undefined && state.running === undefined && !(event.target instanceof HTMLInputElement)) {
    editPoints(state.points.remove(state.selected));
  }
});
ui.clearPoints.addEventListener('click', () => editPoints(createQueryPoints(state.clip?.width ?? 1, state.clip?.height ?? 1)));

ui.frame.addEventListener('input', () => {
  stopPlayback();
  state.t = Number(ui.frame.value);
  render();
});

function stopPlayback(): void {
  if (state.playing !== undefined) clearInterval(state.playing);
  state.playing = undefined;
  ui.play.textContent = '▶';
}
ui.play.addEventListener('click', () => {
  if (state.playing !== undefined || state.clip === undefined) {
    stopPlayback();
    return;
  }
  ui.play.textContent = '⏸';
  const last = (state.result?.frames ?? state.clip.frames) - 1;
  if (state.t >= last) state.t = 0;
  state.playing = setInterval(() => {
    state.t = state.t >= last ? 0 : state.t + 1;
    render();
  }, 100);
});

async function openSample(): Promise<void> {
  setStatus('Loading the sample video…', 'loading');
  setClip(await loadSample(new URL('sample/', document.baseURI).href));
  setStatus('Sample video loaded: click on the frame to add query points.');
}
ui.loadSample.addEventListener('click', () => void openSample().catch(showError));
ui.videoFile.addEventListener('change', () => {
  const file = ui.videoFile.files?.[0];
  if (file === undefined) return;
  void (async () => {
    setStatus(`Decoding ${file.name}…`, 'loading');
    const clip = await decodeVideoFile(file, {
      fps: Math.max(1, Number(ui.fps.value) || 10),
      maxFrames: 600,
      maxSide: 512,
      onProgress: (done, total) => {
        ui.progress.value = done / total;
        setStatus(`Decoding ${file.name}: frame ${done} / ${total}`, 'loading');
      },
    });
    setClip(clip);
    setStatus(`${file.name}: ${clip.frames} frames of ${clip.width}x${clip.height}. Click on the frame to add query points.`);
  })().catch(showError);
});

// ---- model -----------------------------------------------------------------------------------

ui.modelSelect.addEventListener('change', () => {
  if (ui.modelSelect.value === 'disk') ui.modelFiles.click();
  else {
    state.model = BUNDLED_MODEL;
    state.modelName = 'reduced reference model (bundled)';
    setStatus('Using the bundled reduced reference model.');
  }
});
ui.modelFiles.addEventListener('change', () => {
  const files = Array.from(ui.modelFiles.files ?? []);
  if (files.length === 0) return;
  void (async () => {
    setStatus('Reading the model files…', 'loading');
    state.model = await readModelFiles(files);
    state.modelName = `converted model from disk (${files.map((f) => f.name).join(', ')})`;
    const fast = state.model.kind === 'bytes' && state.model.decoderWindowSampleFirst !== undefined;
    setStatus(`Converted model loaded (checksums match model.json)${fast ? '' : '; it has no sample-first decoder (decoder_window_sample_first.onnx): every window runs decoder_window.onnx'}.`);
  })().catch((error: unknown) => {
    ui.modelSelect.value = 'bundled';
    state.model = BUNDLED_MODEL;
    showError(error);
  });
});

// ---- tracking --------------------------------------------------------------------------------

const worker = new Worker(new URL('./track-worker.ts', import.meta.url), { type: 'module' });
let requestId = 0;
let pending: { id: number; queries: readonly QueryPoint[]; clip: VideoClip } | undefined;

function showError(error: unknown): void {
  setStatus(`Error: ${error instanceof Error ? error.message : String(error)}`, 'error');
}

function setRunning(running: boolean): void {
  ui.track.disabled = running;
  ui.cancel.disabled = !running;
  ui.backend.disabled = running;
  ui.modelSelect.disabled = running;
  state.running = running ? requestId : undefined;
}

ui.track.addEventListener('click', () => {
  const clip = state.clip;
  if (clip === undefined) return showError(new Error('open a video first'));
  const queries = state.points.points;
  if (queries.length === 0) return showError(new Error('add at least one query point (click on the frame)'));
  const head = headOf(clip, Math.max(1, Number(ui.maxFrames.value) || clip.frames));
  const late = queries.find((q) => q.t >= head.frames);
  if (late !== undefined) return showError(new Error(`point #${late.id} is on frame ${late.t}, beyond the ${head.frames} frames to track`));
  stopPlayback();
  requestId += 1;
  pending = { id: requestId, queries, clip: head };
  setRunning(true);
  ui.progress.value = 0;
  setStatus('Starting…', 'running');
  const request: TrackRequest = {
    type: 'track',
    id: requestId,
    backend: ui.backend.value as PageBackend,
    threads: 0,
    ortBase: new URL('ort/', document.baseURI).href,
    model: state.model,
    video: { frames: head.frames, height: head.height, width: head.width, data: head.data.slice() },
    queries: queries.map(({ t, x, y }) => ({ t, x, y })),
    bidirectional: ui.bidirectional.checked,
  };
  worker.postMessage(request, [request.video.data.buffer]);
});
ui.cancel.addEventListener('click', () => {
  if (pending !== undefined) worker.postMessage({ type: 'cancel', id: pending.id });
});

worker.addEventListener('message', (event: MessageEvent<WorkerResponse>) => {
  const message = event.data;
  if (pending === undefined || message.id !== pending.id) return;
  if (message.type === 'status') setStatus(message.message, 'running');
  else if (message.type === 'progress') {
    ui.progress.value = message.fraction;
    setStatus(`${message.pass === 'backward' ? 'Backward pass: ' : ''}frame ${message.framesEncoded} / ${message.frameCount}, ${message.windowsDecoded} window(s) decoded`, 'running');
  } else if (message.type === 'error') {
    setRunning(false);
    pending = undefined;
    setStatus(`Error (${message.code}): ${message.message}`, 'error');
  } else {
    const { queries, clip } = pending;
    pending = undefined;
    setRunning(false);
    ui.progress.value = 1;
    const json = toTracksJson({
      video: { name: clip.name, frames: clip.frames, width: clip.width, height: clip.height },
      model: state.modelName,
      backend: message.backend,
      runtime: message.runtime,
      queries,
      tracks: message.tracks,
      visible: message.visible,
      decoderWindows: message.decoderWindows,
      loadMs: message.loadMs,
      trackMs: message.trackMs,
    });
    state.result = { ids: queries.map((q) => q.id), frames: clip.frames, tracks: message.tracks, visible: message.visible, json };
    ui.download.disabled = false;
    const windows = message.decoderWindows;
    const decoder = (['sample-first', 'project-first'] as const).filter((path) => windows[path] > 0).map((path) => `${windows[path]} window(s) ${path}`).join(', ') || 'no window decoded';
    ui.timing.textContent = `${message.runtime}: ${message.trackMs.toFixed(0)} ms for ${clip.frames} frames (${(message.trackMs / clip.frames).toFixed(1)} ms/frame), model load ${message.loadMs.toFixed(0)} ms; decoder: ${decoder}`;
    setStatus(`Done: ${queries.length} point(s) tracked through ${clip.frames} frames on ${message.runtime}. Press ▶ to play back.`, 'done');
    state.t = Math.min(state.t, clip.frames - 1);
    render();
  }
});
worker.addEventListener('error', (event) => {
  setRunning(false);
  pending = undefined;
  setStatus(`Error: the tracking worker failed (${event.message})`, 'error');
});

ui.download.addEventListener('click', () => {
  if (state.result === undefined) return;
  const blob = new Blob([JSON.stringify(state.result.json)], { type: 'application/json' });
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = 'taptr-tracks.json';
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
});

// Zero-configuration first run: the bundled sample with the bundled model.
if (!('gpu' in navigator)) {
  const option = ui.backend.querySelector<HTMLOptionElement>('option[value="webgpu"]');
  if (option !== null) option.textContent = 'WebGPU (navigator.gpu missing here)';
}
void openSample().catch(showError);
