// SPDX-License-Identifier: Apache-2.0
// The point-tracking page: video (sample or file, decoded with WebCodecs), query points (clicks, an
// n x n grid, a grid inside a painted or uploaded mask), model (bundled, URL or disk, kept in the
// Cache API), tracking in a Web Worker at the model's resolution with results in the video's own
// pixels, playback with trails / hollow markers, the tracks file and an overlay video to download,
// and live mode on the webcam.
import { fileListModelReader, listedGraphRoles, loadTaptrModel } from '@taptr/model/format';
import { defaultOverlayStyle, type OverlayStyle, parseHexColor, pointColor, trackColors, type TrackColors, type TrackSet } from '@taptr/tensor/track-style';
import { firstTrackedFrame, writeTracksFile } from '@taptr/tracker';
import { exportOverlay, type OverlayFormat } from './export-overlay.js';
import { gridPoints, MAX_GRID } from './grid-queries.js';
import { createLiveMode, type LivePointView } from './live-mode.js';
import { createMaskPainter, type MaskPainter } from './mask-painter.js';
import { createModelStore, type LoadedModel, type ModelLoadProgress } from './model-store.js';
import { cssColor, drawQueries, drawTracks } from './overlay.js';
import { scalePoint, scaleXY } from './pixel-scale.js';
import { createQueryPoints, type EditablePoint, toVideoPixel, type QueryPoints } from './query-points.js';
import { decodeWithVideoElement } from './video-element-decode.js';
import { frameImage, headOf, loadSample, type VideoClip } from './video-clip.js';
import { decodeVideoFile, hasWebCodecs } from './webcodecs-decode.js';
import type { PageBackend, RuntimeChoice, TrackRequest, VideoPayload, WorkerRequest, WorkerResponse } from './worker-protocol.js';

// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the element type it expects
const $ = <T extends HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`page element #${id} is missing`);
  return el as T;
};

const ui = {
  banner: $<HTMLDivElement>('model-banner'),
  openVideo: $<HTMLButtonElement>('open-video'),
  videoFile: $<HTMLInputElement>('video-file'),
  loadSample: $<HTMLButtonElement>('load-sample'),
  frameStep: $<HTMLInputElement>('frame-step'),
  maxDecode: $<HTMLInputElement>('max-decode'),
  modelSelect: $<HTMLSelectElement>('model-select'),
  modelUrlRow: $<HTMLSpanElement>('model-url-row'),
  modelUrl: $<HTMLInputElement>('model-url'),
  loadModelUrl: $<HTMLButtonElement>('load-model-url'),
  modelFiles: $<HTMLInputElement>('model-files'),
  modelProgress: $<HTMLProgressElement>('model-progress'),
  backend: $<HTMLSelectElement>('backend'),
  maxFrames: $<HTMLInputElement>('max-frames'),
  bidirectional: $<HTMLInputElement>('bidirectional'),
  track: $<HTMLButtonElement>('track'),
  cancel: $<HTMLButtonElement>('cancel'),
  progress: $<HTMLProgressElement>('progress'),
  liveToggle: $<HTMLButtonElement>('live-toggle'),
  status: $<HTMLParagraphElement>('status'),
  view: $<HTMLCanvasElement>('view'),
  play: $<HTMLButtonElement>('play'),
  frame: $<HTMLInputElement>('frame'),
  frameLabel: $<HTMLSpanElement>('frame-label'),
  liveStats: $<HTMLParagraphElement>('live-stats'),
  tool: $<HTMLSelectElement>('tool'),
  brush: $<HTMLInputElement>('brush'),
  gridN: $<HTMLInputElement>('grid-n'),
  gridInMask: $<HTMLInputElement>('grid-in-mask'),
  addGrid: $<HTMLButtonElement>('add-grid'),
  loadMask: $<HTMLButtonElement>('load-mask'),
  maskFile: $<HTMLInputElement>('mask-file'),
  downloadMask: $<HTMLButtonElement>('download-mask'),
  clearMask: $<HTMLButtonElement>('clear-mask'),
  pointList: $<HTMLOListElement>('point-list'),
  clearPoints: $<HTMLButtonElement>('clear-points'),
  download: $<HTMLButtonElement>('download'),
  overlayFormat: $<HTMLSelectElement>('overlay-format'),
  overlayTrail: $<HTMLInputElement>('overlay-trail'),
  overlayRadius: $<HTMLInputElement>('overlay-radius'),
  overlayLineWidth: $<HTMLInputElement>('overlay-line-width'),
  overlayColors: $<HTMLSelectElement>('overlay-colors'),
  overlayColor: $<HTMLInputElement>('overlay-color'),
  exportButton: $<HTMLButtonElement>('export'),
  exportProgress: $<HTMLProgressElement>('export-progress'),
  timing: $<HTMLParagraphElement>('timing'),
};

const ctx = ui.view.getContext('2d')!;
const frameCanvas = document.createElement('canvas');
const BUNDLED_NAME = 'reduced reference model (bundled)';
const BUNDLED_BASE = new URL('model/', document.baseURI).href;
const store = createModelStore(location.origin);
/** `?decoder=video-element` forces the fallback decoder (for tests and comparisons). */
const forceVideoElement = new URLSearchParams(location.search).get('decoder') === 'video-element';

type StatusState = 'idle' | 'loading' | 'running' | 'done' | 'error' | 'cancelled';

/** A tracking result, in video pixels. */
interface Result extends TrackSet {
  readonly tracks: Float32Array;
  readonly visible: Uint8Array;
  readonly clip: VideoClip;
  readonly queries: readonly EditablePoint[];
  readonly mode: 'forward' | 'bidirectional';
  readonly backend: PageBackend;
  readonly runtime: string;
  readonly resolution: number;
  readonly modelName: string;
  readonly modelPrecision: string | undefined;
  readonly decoderWindows: { readonly 'sample-first': number; readonly 'project-first': number };
  /** Where the worker kept the encoder memory (GPU with WebGPU). */
  readonly memory: 'gpu-buffer' | 'host';
  readonly loadMs: number;
  readonly trackMs: number;
}

const state: {
  clip: VideoClip | undefined;
  t: number;
  points: QueryPoints;
  selected: number | undefined;
  dragging: number | undefined;
  painting: { x: number; y: number } | undefined;
  mask: MaskPainter | undefined;
  result: Result | undefined;
  /** The model the worker holds (its bytes went to the worker). */
  model: { id: string; name: string; precision: string | undefined; randomWeights: boolean } | undefined;
  bundledSource: string | undefined;
  playing: ReturnType<typeof setInterval> | undefined;
  running: number | undefined;
  busy: boolean;
} = {
  clip: undefined,
  t: 0,
  points: createQueryPoints(1, 1),
  selected: undefined,
  dragging: undefined,
  painting: undefined,
  mask: undefined,
  result: undefined,
  model: undefined,
  bundledSource: undefined,
  playing: undefined,
  running: undefined,
  busy: false,
};

let statusSeq = 0;
/** Shows `message`; `data-state` is its kind and `data-seq` counts the messages (tests wait on both). */
function setStatus(message: string, kind: StatusState = 'idle'): void {
  ui.status.textContent = message;
  ui.status.dataset['state'] = kind;
  ui.status.dataset['seq'] = String(++statusSeq);
}

function showError(error: unknown): void {
  setStatus(`Error: ${error instanceof Error ? error.message : String(error)}`, 'error');
}

const intIn = (input: HTMLInputElement, min: number, max: number, fallback: number): number => {
  const v = Math.round(Number(input.value));
  return Number.isFinite(v) && input.value !== '' ? Math.min(max, Math.max(min, v)) : fallback;
};

// ---- drawing -------------------------------------------------------------------------------

/** The overlay options of the export panel (the preview uses them too). */
/** The colour choice of the export panel. */
function colorChoice(): TrackColors {
  const v = ui.overlayColors.value;
  // <input type="color"> always holds #rrggbb.
  return v === 'single' ? (parseHexColor(ui.overlayColor.value) ?? [255, 204, 0]) : v === 'by-query' ? 'by-query' : 'rainbow';
}

/** A positive number from an input, or undefined when it is empty (= the CLI's default). */
const optionalNumber = (input: HTMLInputElement, max: number): number | undefined => {
  const v = Number(input.value);
  return input.value.trim() === '' || !Number.isFinite(v) || v <= 0 ? undefined : Math.min(max, v);
};

/** The overlay options of the export panel (empty = the CLI's default); the preview uses them too. */
function overlayStyle(): OverlayStyle {
  const clip = state.clip;
  const points = state.result?.points ?? state.points.points.length;
  return defaultOverlayStyle(clip?.width ?? 1, clip?.height ?? 1, points, {
    radius: optionalNumber(ui.overlayRadius, 100),
    lineWidth: optionalNumber(ui.overlayLineWidth, 100),
    trail: ui.overlayTrail.value.trim() === '' ? undefined : intIn(ui.overlayTrail, 0, 500, 12),
    colors: colorChoice(),
  });
}

/** Colours of the query points as the overlay will colour them (by their y for 'rainbow'). */
function queryColors(points: readonly EditablePoint[]): string[] {
  return trackColors(
    points.map((p) => p.y),
    colorChoice(),
  ).map(cssColor);
}

function render(): void {
  if (live.running) return;
  const clip = state.clip;
  ctx.fillStyle = '#000';
  ctx.fillRect(0, 0, ui.view.width, ui.view.height);
  if (clip === undefined) return;
  const { width: w, height: h } = clip.display;
  frameCanvas.width = w;
  frameCanvas.height = h;
  frameCanvas.getContext('2d')!.putImageData(frameImage(clip, state.t), 0, 0);
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(frameCanvas, 0, 0, ui.view.width, ui.view.height);
  if (state.mask !== undefined && (ui.tool.value !== 'points' || ui.gridInMask.checked)) {
    ctx.save();
    ctx.globalAlpha = 0.4;
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(state.mask.canvas, 0, 0, ui.view.width, ui.view.height);
    ctx.restore();
  }
  if (state.result !== undefined && state.t < state.result.frames) drawTracks(ctx, state.result, state.t, clip.width, clip.height, overlayStyle());
  drawQueries(ctx, state.points.points, queryColors(state.points.points), state.t, clip.width, clip.height, state.selected);
  ui.frame.value = String(state.t);
  ui.frameLabel.textContent = `${state.t} / ${clip.frames - 1}`;
}

function listItem(color: string, text: string, selected: boolean, onSelect?: () => void, onRemove?: () => void): HTMLLIElement {
  const li = document.createElement('li');
  li.className = selected ? 'selected' : '';
  const swatch = document.createElement('span');
  swatch.className = 'swatch';
  swatch.style.background = color;
  const label = document.createElement(onSelect ? 'button' : 'span');
  label.textContent = text;
  label.className = 'point-label';
  if (onSelect) {
    (label as HTMLButtonElement).type = 'button';
    label.addEventListener('click', onSelect);
  }
  li.append(swatch, label);
  if (onRemove) {
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.textContent = '×';
    remove.setAttribute('aria-label', `remove ${text.split(' ')[0]}`);
    remove.title = 'remove this point';
    remove.addEventListener('click', onRemove);
    li.append(remove);
  }
  return li;
}

function renderPointList(): void {
  const points = state.points.points;
  const shown = points.length > 200 ? points.slice(0, 200) : points;
  const colors = queryColors(points);
  const items = shown.map((p, i) =>
    listItem(
      colors[i]!,
      `#${p.id}  t=${p.t}  x=${p.x.toFixed(2)}  y=${p.y.toFixed(2)}`,
      p.id === state.selected,
      () => {
        state.selected = p.id;
        state.t = p.t;
        renderPointList();
        render();
      },
      () => editPoints(state.points.remove(p.id)),
    ),
  );
  if (points.length > shown.length) {
    const more = document.createElement('li');
    more.textContent = `… and ${points.length - shown.length} more`;
    items.push(more);
  }
  ui.pointList.replaceChildren(...items);
}

function renderLivePoints(points: readonly LivePointView[]): void {
  ui.pointList.replaceChildren(
    ...points.map((p) =>
      listItem(
        p.id === undefined ? '#888' : cssColor(pointColor(p.id)),
        p.id === undefined
          ? 'adding…'
          : p.frame < 0
            ? `#${p.id}  waiting for its first final frame`
            : Number.isFinite(p.x) && Number.isFinite(p.y)
              ? `#${p.id}  x=${p.x.toFixed(2)}  y=${p.y.toFixed(2)}  frame ${p.frame}${p.visible ? '' : ' (occluded)'}`
              : `#${p.id}  lost (no finite position)  frame ${p.frame}`,
        p.selected,
      ),
    ),
  );
}

// ---- video and points ------------------------------------------------------------------------

function setClip(clip: VideoClip): void {
  stopPlayback();
  state.clip = clip;
  state.t = 0;
  state.points = createQueryPoints(clip.width, clip.height);
  state.selected = undefined;
  state.mask = createMaskPainter(clip.width, clip.height);
  setResult(undefined);
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

function setResult(result: Result | undefined): void {
  state.result = result;
  ui.download.disabled = result === undefined;
  ui.exportButton.disabled = result === undefined;
  if (result === undefined) ui.timing.textContent = '';
}

/** Any edit of the points invalidates the previous result. */
function editPoints(points: QueryPoints): void {
  state.points = points;
  if (state.selected !== undefined && !points.points.some((p) => p.id === state.selected)) state.selected = undefined;
  if (state.result !== undefined) setResult(undefined);
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

/** Brush radius in video pixels (the input is in screen pixels). */
function brushRadius(): number {
  const rect = ui.view.getBoundingClientRect();
  return (intIn(ui.brush, 1, 200, 24) / rect.width) * state.clip!.width;
}

ui.view.addEventListener('pointerdown', (event) => {
  if (state.clip === undefined || event.button !== 0 || state.running !== undefined || live.running) return;
  stopPlayback();
  const { x, y } = eventPixel(event);
  ui.view.setPointerCapture(event.pointerId);
  if (ui.tool.value !== 'points') {
    state.painting = { x, y };
    state.mask!.stroke(x, y, x, y, brushRadius(), ui.tool.value === 'erase');
    render();
    return;
  }
  const hit = state.points.hit(state.t, x, y, hitRadius());
  if (hit !== undefined) {
    state.selected = hit.id;
  } else {
    const points = state.points.add(state.t, x, y);
    state.selected = points.points[points.points.length - 1]!.id;
    editPoints(points);
  }
  state.dragging = state.selected;
  renderPointList();
  render();
});
ui.view.addEventListener('pointermove', (event) => {
  if (state.clip === undefined) return;
  if (state.painting !== undefined) {
    const { x, y } = eventPixel(event);
    state.mask!.stroke(state.painting.x, state.painting.y, x, y, brushRadius(), ui.tool.value === 'erase');
    state.painting = { x, y };
    render();
    return;
  }
  if (state.dragging === undefined) return;
  const { x, y } = eventPixel(event);
  editPoints(state.points.move(state.dragging, x, y));
});
ui.view.addEventListener('pointerup', () => {
  state.dragging = undefined;
  state.painting = undefined;
});
ui.view.addEventListener('contextmenu', (event) => {
  event.preventDefault();
  if (state.clip === undefined || state.running !== undefined || live.running) return;
  const { x, y } = eventPixel(event);
  const hit = state.points.hit(state.t, x, y, hitRadius());
  if (hit !== undefined) editPoints(state.points.remove(hit.id));
});
document.addEventListener('keydown', (event) => {
  if (event.key !== 'Delete' && event.key !== 'Backspace') return;
  if (event.target instanceof HTMLInputElement || event.target instanceof HTMLSelectElement) return;
  if (live.running) {
    if (live.removeSelected()) event.preventDefault();
    return;
  }
  if (state.selected !== undefined && state.running === undefined) editPoints(state.points.remove(state.selected));
});
ui.clearPoints.addEventListener('click', () => editPoints(createQueryPoints(state.clip?.width ?? 1, state.clip?.height ?? 1)));
ui.tool.addEventListener('change', render);
ui.gridInMask.addEventListener('change', render);

ui.addGrid.addEventListener('click', () => {
  const clip = state.clip;
  if (clip === undefined) {
    showError(new Error('open a video first'));
    return;
  }
  const n = intIn(ui.gridN, 1, MAX_GRID, 8);
  ui.gridN.value = String(n);
  const mask = ui.gridInMask.checked ? state.mask!.mask() : undefined;
  if (mask !== undefined && !mask.inside.includes(1)) {
    showError(new Error('the mask is empty: paint it (Canvas tool: paint mask) or load a mask PNG'));
    return;
  }
  const points = gridPoints(n, clip.width, clip.height, mask);
  if (points.length === 0) {
    showError(new Error(`no point of the ${n} x ${n} grid falls inside the mask: paint a larger mask or use a finer grid`));
    return;
  }
  editPoints(state.points.addAll(state.t, points));
  setStatus(`Added ${points.length} point(s) of a ${n} x ${n} grid on frame ${state.t}${mask ? ' inside the mask' : ''}.`);
});
ui.loadMask.addEventListener('click', () => ui.maskFile.click());
ui.maskFile.addEventListener('change', () => {
  const file = ui.maskFile.files?.[0];
  const clip = state.clip;
  if (file === undefined || clip === undefined) return;
  void (async () => {
    const bitmap = await createImageBitmap(file);
    const scaled = bitmap.width !== clip.width || bitmap.height !== clip.height;
    state.mask!.load(bitmap);
    bitmap.close();
    ui.gridInMask.checked = true;
    render();
    setStatus(
      `Mask ${file.name} loaded (${state.mask!.area()} pixels inside${scaled ? `; scaled from ${bitmap.width}x${bitmap.height} to the video's ${clip.width}x${clip.height}` : ''}).`,
    );
  })()
    .catch((error: unknown) => showError(new Error(`${file.name}: cannot read the mask image (${(error as Error).message})`)))
    .finally(() => {
      ui.maskFile.value = '';
    });
});
ui.clearMask.addEventListener('click', () => {
  state.mask?.clear();
  render();
});
ui.downloadMask.addEventListener('click', () => {
  if (state.mask === undefined) return;
  void state.mask.toPng().then((blob) => saveBlob(blob, 'mask.png'), showError);
});

ui.frame.addEventListener('input', () => {
  stopPlayback();
  state.t = Number(ui.frame.value);
  render();
});

function stopPlayback(): void {
  if (state.playing !== undefined) clearInterval(state.playing);
  state.playing = undefined;
  ui.play.setAttribute('aria-label', 'Play');
  ui.play.dataset['playing'] = 'false';
}
ui.play.addEventListener('click', () => {
  if (state.playing !== undefined || state.clip === undefined) {
    stopPlayback();
    return;
  }
  ui.play.setAttribute('aria-label', 'Pause');
  ui.play.dataset['playing'] = 'true';
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
ui.openVideo.addEventListener('click', () => ui.videoFile.click());

async function decodeFile(file: File): Promise<VideoClip> {
  const step = intIn(ui.frameStep, 1, 30, 1);
  const maxFrames = intIn(ui.maxDecode, 1, 2000, 600);
  const started = performance.now();
  setStatus(`Opening ${file.name}…`, 'loading');
  const onProgress = (done: number, total?: number): void => {
    ui.progress.value = total ? done / total : (done % 50) / 50;
    setStatus(`Decoding ${file.name}: frame ${done}${total ? ` / ${total}` : ''}…`, 'loading');
  };
  let clip: VideoClip;
  let how = 'WebCodecs';
  const fallback = { fps: 10 / step, maxFrames, maxSide: 512, onProgress };
  if (hasWebCodecs() && !forceVideoElement) {
    try {
      clip = await decodeVideoFile(file, { step, maxFrames, maxSide: 512, onProgress });
    } catch (error) {
      clip = await decodeWithVideoElement(file, fallback);
      how = `a <video> element (WebCodecs could not decode it: ${(error as Error).message}; frames sampled at ${fallback.fps} fps)`;
    }
  } else {
    clip = await decodeWithVideoElement(file, fallback);
    how = `a <video> element (no WebCodecs here: frames sampled at ${fallback.fps} fps)`;
  }
  ui.progress.value = 1;
  const seconds = (performance.now() - started) / 1000;
  setClip(clip);
  setStatus(
    `${file.name}: ${clip.frames} frames of ${clip.width}x${clip.height}, decoded in ${seconds.toFixed(1)} s with ${how}. Click on the frame to add query points.`,
  );
  return clip;
}
ui.videoFile.addEventListener('change', () => {
  const file = ui.videoFile.files?.[0];
  if (file === undefined) return;
  void decodeFile(file)
    .catch(showError)
    .finally(() => {
      ui.videoFile.value = '';
    });
});

// ---- model -----------------------------------------------------------------------------------

const worker = new Worker(new URL('./track-worker.ts', import.meta.url), { type: 'module' });
const postWorker = (message: WorkerRequest, transfer: Transferable[] = []): void => worker.postMessage(message, { transfer });
let requestId = 0;

function showModelProgress(p: ModelLoadProgress): void {
  ui.modelProgress.hidden = false;
  ui.modelProgress.value = (p.fileIndex + (p.total > 0 ? p.loaded / p.total : 1)) / p.files;
  const mb = (n: number): string => (n / 1e6).toFixed(1);
  setStatus(
    `Loading the model: ${p.file} ${p.fromCache ? 'from the browser cache' : `${mb(p.loaded)} / ${mb(p.total)} MB`} (file ${p.fileIndex + 1} of ${p.files})…`,
    'loading',
  );
}

/** Sends a loaded model to the worker (its bytes are transferred) and makes it the page's model. */
function useModel(model: LoadedModel, how: string): void {
  // The worker reads the model like any model folder: model.json and the graph files it lists.
  const files = Object.fromEntries(listedGraphRoles(model.manifest).map((role) => [model.manifest.graphs[role]!.file, model.graphs[role]!]));
  const fast = model.graphs.decoderWindowSampleFirst !== undefined;
  postWorker(
    { type: 'model', modelId: model.id, manifest: JSON.stringify(model.manifest), files },
    Object.values(files).map((b) => b.buffer as ArrayBuffer),
  );
  const randomWeights = state.bundledSource !== undefined && model.manifest.source?.sha256 === state.bundledSource;
  state.model = { id: model.id, name: model.name, precision: model.manifest.precision, randomWeights };
  ui.banner.hidden = !randomWeights;
  ui.modelProgress.hidden = true;
  setResult(undefined);
  const from =
    model.cachedFiles === model.files
      ? 'all from the browser cache'
      : model.cachedFiles > 0
        ? `${model.cachedFiles} of ${model.files} files from the browser cache`
        : how;
  setStatus(
    `Model ready: ${model.name} (${from}; checksums match model.json)` +
      `${fast ? '' : '; it has no sample-first decoder (decoder_window_sample_first.onnx): every window runs decoder_window.onnx'}.` +
      (model.cacheNote ? ` Note: ${model.cacheNote}.` : ''),
    'idle',
  );
  void refreshCachedModels();
}

async function refreshCachedModels(): Promise<void> {
  const cachedModels = await store.list().catch(() => []);
  ui.modelSelect.querySelector('optgroup')?.remove();
  const entries = cachedModels.filter((m) => m.name !== BUNDLED_NAME);
  if (entries.length === 0) return;
  const group = document.createElement('optgroup');
  group.label = 'in the browser cache';
  for (const m of entries) {
    const option = document.createElement('option');
    option.value = `cached:${m.key}`;
    option.textContent = m.name;
    group.append(option);
  }
  ui.modelSelect.append(group);
  if (state.model !== undefined) {
    const current = entries.find((m) => m.name === state.model!.name);
    if (current !== undefined && ui.modelSelect.value !== 'bundled') ui.modelSelect.value = `cached:${current.key}`;
  }
}

async function loadBundled(): Promise<void> {
  setStatus('Loading the bundled model…', 'loading');
  const model = await store.loadUrl(BUNDLED_BASE, { name: BUNDLED_NAME, onProgress: showModelProgress });
  state.bundledSource = model.manifest.source.sha256 ?? undefined;
  useModel(model, 'downloaded');
}

function modelFailed(error: unknown): void {
  ui.modelProgress.hidden = true;
  showError(error);
}

ui.modelSelect.addEventListener('change', () => {
  const value = ui.modelSelect.value;
  ui.modelUrlRow.hidden = value !== 'url';
  if (value === 'disk') ui.modelFiles.click();
  else if (value === 'url') ui.modelUrl.focus();
  else if (value === 'bundled') void loadBundled().catch(modelFailed);
  else if (value.startsWith('cached:')) {
    setStatus('Loading the model from the browser cache…', 'loading');
    void store
      .loadCached(value.slice('cached:'.length), showModelProgress)
      .then((model) => useModel(model, 'from the browser cache'))
      .catch(modelFailed);
  }
});
ui.loadModelUrl.addEventListener('click', () => {
  let base: string;
  try {
    const raw = ui.modelUrl.value.trim();
    base = new URL(raw.endsWith('/') || raw.endsWith('model.json') ? raw : `${raw}/`, document.baseURI).href.replace(/model\.json$/, '');
  } catch {
    showError(new Error(`not a URL: ${ui.modelUrl.value}`));
    return;
  }
  setStatus(`Loading the model from ${base}…`, 'loading');
  void store
    .loadUrl(base, { onProgress: showModelProgress })
    .then((model) => useModel(model, 'downloaded'))
    .catch(modelFailed);
});
ui.modelFiles.addEventListener('change', () => {
  const files = Array.from(ui.modelFiles.files ?? []);
  if (files.length === 0) return;
  void (async () => {
    setStatus('Reading the model files…', 'loading');
    const dir = files[0]!.webkitRelativePath.split('/').slice(0, -1).join('/');
    const folder = await loadTaptrModel(fileListModelReader(files), { where: dir || 'the selected files' });
    const sha = folder.manifest.graphs.frameEncoder.sha256.slice(0, 8);
    const name = `converted model from disk (${dir || files.map((f) => f.name).join(', ')}${sha ? `; frame_encoder ${sha}` : ''})`;
    useModel(await store.keepFolder(folder, name), 'read from disk');
  })()
    .catch(modelFailed)
    .finally(() => {
      ui.modelFiles.value = '';
    });
});

// ---- tracking --------------------------------------------------------------------------------

function runtimeChoice(): RuntimeChoice | undefined {
  if (state.model === undefined) {
    showError(new Error('no model is loaded yet'));
    return undefined;
  }
  return { backend: ui.backend.value as PageBackend, threads: 0, ortBase: new URL('ort/', document.baseURI).href, modelId: state.model.id };
}

let pending:
  | { id: number; queries: readonly EditablePoint[]; clip: VideoClip; scaled: boolean; mode: 'forward' | 'bidirectional'; cancel: Int32Array | undefined }
  | undefined;

/**
 * A cancel flag the worker reads between frames (shared memory, where the page is cross-origin
 * isolated): a worker busy in a long wasm run may not see a cancel message until it is done.
 */
function cancelFlag(): Int32Array | undefined {
  return globalThis.crossOriginIsolated ? new Int32Array(new SharedArrayBuffer(4)) : undefined;
}

function setRunning(running: boolean): void {
  ui.track.disabled = running || live.running;
  ui.cancel.disabled = !running;
  ui.backend.disabled = running || live.running;
  ui.modelSelect.disabled = running || live.running;
  ui.liveToggle.disabled = running;
  state.running = running ? requestId : undefined;
}

ui.track.addEventListener('click', () => {
  const clip = state.clip;
  if (clip === undefined) {
    showError(new Error('open a video first'));
    return;
  }
  const queries = state.points.points;
  if (queries.length === 0) {
    showError(new Error('add at least one query point (click on the frame, or add a grid)'));
    return;
  }
  const head = headOf(clip, intIn(ui.maxFrames, 1, clip.frames, clip.frames));
  const late = queries.find((q) => q.t >= head.frames);
  if (late !== undefined) {
    showError(new Error(`point #${late.id} is on frame ${late.t}, beyond the ${head.frames} frames to track`));
    return;
  }
  const choice = runtimeChoice();
  if (choice === undefined) return;
  stopPlayback();
  requestId += 1;
  const { display } = head;
  // Frames in memory at a reduced size (a <video> element decoded them): track them and scale back.
  const scaled = clip.source.kind === 'scaled';
  const video: VideoPayload =
    clip.source.kind === 'file'
      ? { kind: 'file', file: clip.source.file, step: clip.source.step, frames: head.frames, width: clip.width, height: clip.height }
      : { kind: 'frames', frames: head.frames, height: display.height, width: display.width, data: display.data.slice() };
  const sent = queries.map(({ t, x, y }) => (scaled ? { t, ...scalePoint(x, y, clip, display) } : { t, x, y }));
  const mode = ui.bidirectional.checked ? 'bidirectional' : 'forward';
  const cancel = cancelFlag();
  pending = { id: requestId, queries, clip: head, scaled, mode, cancel };
  setRunning(true);
  ui.progress.value = 0;
  setStatus('Starting…', 'running');
  const request: TrackRequest = {
    type: 'track',
    id: requestId,
    ...choice,
    video,
    queries: sent,
    bidirectional: mode === 'bidirectional',
    ...(cancel === undefined ? {} : { cancel }),
  };
  postWorker(request, video.kind === 'frames' ? [video.data.buffer] : []);
});
ui.cancel.addEventListener('click', () => {
  if (pending === undefined) return;
  if (pending.cancel !== undefined) Atomics.store(pending.cancel, 0, 1);
  postWorker({ type: 'cancel', id: pending.id });
});

function onTrackMessage(message: WorkerResponse): void {
  if (message.id !== pending?.id) return;
  if (message.type === 'status') setStatus(message.message, 'running');
  else if (message.type === 'progress') {
    ui.progress.value = message.fraction;
    setStatus(
      `${message.pass === 'backward' ? 'Backward pass: ' : ''}frame ${message.framesEncoded} / ${message.frameCount}, ${message.windowsDecoded} window(s) decoded`,
      'running',
    );
  } else if (message.type === 'cancelled') {
    pending = undefined;
    setRunning(false);
    ui.progress.value = 0;
    setStatus('Cancelled: nothing was tracked. Press Track to start again.', 'cancelled');
  } else if (message.type === 'error') {
    setRunning(false);
    pending = undefined;
    setStatus(`Error (${message.code}): ${message.message}`, 'error');
  } else if (message.type === 'result') {
    const { queries, clip, scaled, mode } = pending;
    pending = undefined;
    setRunning(false);
    ui.progress.value = 1;
    const T = message.frames;
    const tracks = scaled ? scaleXY(message.tracks, clip.display, clip) : message.tracks;
    setResult({
      clip,
      points: queries.length,
      frames: T,
      tracks,
      visible: message.visible,
      startFrame: queries.map((q) => firstTrackedFrame(mode, q.t)),
      queryFrame: queries.map((q) => q.t),
      queries,
      mode,
      backend: message.backend,
      runtime: message.runtime,
      resolution: message.resolution,
      modelName: state.model?.name ?? 'unknown model',
      modelPrecision: state.model?.precision,
      decoderWindows: message.decoderWindows,
      memory: message.memory,
      loadMs: message.loadMs,
      trackMs: message.trackMs,
    });
    const windows = message.decoderWindows;
    const decoder =
      (['sample-first', 'project-first'] as const)
        .filter((path) => windows[path] > 0)
        .map((path) => `${windows[path]} window(s) ${path}`)
        .join(', ') || 'no window decoded';
    const passes = mode === 'bidirectional' ? 2 : 1;
    const fps = (T * passes * 1000) / Math.max(1, message.trackMs);
    ui.timing.textContent =
      `${message.runtime}: ${message.trackMs.toFixed(0)} ms for ${T} frames x ${queries.length} point(s) ` +
      `(${fps.toFixed(1)} frames/s, ${(message.trackMs / (T * passes)).toFixed(1)} ms/frame${passes > 1 ? ', both passes' : ''}) ` +
      `at ${message.resolution}x${message.resolution} from ${message.width}x${message.height} frames, model load ${message.loadMs.toFixed(0)} ms; decoder: ${decoder}`;
    ui.timing.dataset['fps'] = fps.toFixed(2);
    const how = scaled ? ` (tracked on ${clip.display.width}x${clip.display.height} frames and scaled)` : '';
    setStatus(
      `Done: ${queries.length} point(s) tracked through ${T} frames on ${message.runtime}, in the video's ${clip.width}x${clip.height} pixels${how}. Press Play to play back.`,
      'done',
    );
    state.t = Math.min(state.t, T - 1);
    render();
  }
}

worker.addEventListener('message', (event: MessageEvent<WorkerResponse>) => {
  if (live.handle(event.data)) return;
  onTrackMessage(event.data);
});
worker.addEventListener('error', (event) => {
  setRunning(false);
  pending = undefined;
  if (live.running) live.stop();
  setStatus(`Error: the tracking worker failed (${event.message})`, 'error');
});

// ---- results ---------------------------------------------------------------------------------

function saveBlob(blob: Blob, name: string): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 60_000);
}

/** The result as the one versioned tracks file the CLI writes and reads. */
function tracksFileText(r: Result): string {
  return writeTracksFile({
    video: { width: r.clip.width, height: r.clip.height, frames: r.frames, name: r.clip.name },
    mode: r.mode,
    queries: r.queries.map(({ t, x, y }) => ({ t, x, y })),
    tracks: r.tracks,
    visible: r.visible,
    backend: r.backend,
    model: {
      name: r.modelName,
      resolution: r.resolution,
      ...(r.modelPrecision === undefined ? {} : { precision: r.modelPrecision }),
      runtime: r.runtime,
      decoderWindows: r.decoderWindows,
      memory: r.memory,
    },
    timings: { loadMs: Math.round(r.loadMs), trackMs: Math.round(r.trackMs), msPerFrame: Math.round((r.trackMs / r.frames) * 100) / 100 },
  });
}

ui.download.addEventListener('click', () => {
  if (state.result === undefined) return;
  saveBlob(new Blob([tracksFileText(state.result)], { type: 'application/json' }), 'taptr-tracks.json');
});

for (const input of [ui.overlayTrail, ui.overlayRadius, ui.overlayLineWidth, ui.overlayColor]) input.addEventListener('input', render);
ui.overlayColors.addEventListener('change', () => {
  ui.overlayColor.hidden = ui.overlayColors.value !== 'single';
  renderPointList();
  render();
});
ui.overlayColor.addEventListener('input', renderPointList);

ui.exportButton.addEventListener('click', () => {
  const result = state.result;
  if (result === undefined || state.busy) return;
  state.busy = true;
  ui.exportButton.disabled = true;
  ui.exportProgress.hidden = false;
  ui.exportProgress.value = 0;
  const format = ui.overlayFormat.value as OverlayFormat;
  const started = performance.now();
  setStatus(`Exporting the overlay video (${format})…`, 'running');
  void exportOverlay(result.clip, result, {
    format,
    style: overlayStyle(),
    onProgress: (done, total) => {
      ui.exportProgress.value = done / total;
      setStatus(`Exporting the overlay video: frame ${done} / ${total}…`, 'running');
    },
  })
    .then((video) => {
      saveBlob(video.blob, video.fileName);
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      setStatus(
        `Exported ${video.fileName}: ${video.frames} frames of ${video.width}x${video.height}, ${video.codec}, ${(video.blob.size / 1e6).toFixed(2)} MB in ${seconds} s.`,
        'done',
      );
    })
    .catch(showError)
    .finally(() => {
      state.busy = false;
      ui.exportButton.disabled = state.result === undefined;
      ui.exportProgress.hidden = true;
    });
});

// ---- live ------------------------------------------------------------------------------------

const live = createLiveMode({
  worker,
  view: ui.view,
  stats: ui.liveStats,
  nextId: () => ++requestId,
  choice: runtimeChoice,
  setStatus: (message, kind) => setStatus(message, kind),
  onRunning: (running) => {
    ui.liveToggle.textContent = running ? 'Stop camera' : 'Start camera';
    ui.liveToggle.setAttribute('aria-pressed', String(running));
    for (const el of [ui.track, ui.backend, ui.modelSelect, ui.play, ui.frame, ui.addGrid, ui.openVideo, ui.loadSample, ui.clearPoints]) el.disabled = running;
    if (running) {
      stopPlayback();
      renderLivePoints([]);
    } else {
      ui.liveStats.hidden = true;
      if (state.clip !== undefined) setClip(state.clip);
    }
  },
  onPoints: renderLivePoints,
});
ui.liveToggle.addEventListener('click', () => {
  if (live.running) live.stop();
  else void live.start().catch(showError);
});

// Zero-configuration first run: the bundled sample with the bundled model.
if (!('gpu' in navigator)) {
  const option = ui.backend.querySelector<HTMLOptionElement>('option[value="webgpu"]');
  if (option !== null) option.textContent = 'WebGPU (navigator.gpu missing here)';
}
void (async () => {
  await loadBundled();
  await openSample();
})()
  .catch(showError)
  .finally(() => {
    document.body.dataset['ready'] = 'true';
  });
