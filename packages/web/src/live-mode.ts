// SPDX-License-Identifier: Apache-2.0
// Live mode: webcam frames (getUserMedia) pushed into the worker's online session one at a time
// (the next frame is captured when the previous one is processed, so a slow model drops camera
// frames instead of queueing them), points added by clicking on the live view and removed with
// Delete, each frame's final positions drawn over the camera image as they arrive (a few frames
// behind), with the latency in frames and the frame rate on screen. Everything it keeps is bounded:
// the last `TRAIL` results and the send times of frames not yet final.
import { pointColor } from '@taptr/tensor/track-style';
import { cssColor } from './overlay.js';
import { toCanvas, toVideoPixel } from './query-points.js';
import type { RuntimeChoice, WorkerRequest, WorkerResponse } from './worker-protocol.js';

/** Frames of trail drawn behind each live point. */
const TRAIL = 12;
/** Longer camera side is scaled down to this (the model resizes to R x R anyway). */
const MAX_SIDE = 640;

/** Live statistics (also written to the stats element's data attributes). */
interface LiveStats {
  /** Frames pushed into the session. */
  readonly framesPushed: number;
  /** Frames processed per second (moving average over the last pushes). */
  readonly fps: number;
  /** Frames pushed after the latest final frame (how far behind the drawn tracks are). */
  readonly latencyFrames: number;
  /** Time from sending a frame to its final result, ms. */
  readonly latencyMs: number;
  /** Points being tracked. */
  readonly points: number;
}

/** What live mode needs from the page. */
export interface LiveModeDeps {
  readonly worker: Worker;
  readonly view: HTMLCanvasElement;
  readonly stats: HTMLElement;
  readonly nextId: () => number;
  /** Backend, model and runtime files to use; undefined when no model is loaded (an error was shown). */
  readonly choice: () => RuntimeChoice | undefined;
  readonly setStatus: (message: string, state: 'idle' | 'loading' | 'running' | 'done' | 'error') => void;
  /** Called when live mode starts or stops. */
  readonly onRunning: (running: boolean) => void;
  /** Called when the points or their latest positions change. */
  readonly onPoints: (points: readonly LivePointView[]) => void;
}

/** A live point as the page lists it. */
export interface LivePointView {
  /** Tracker id (colour); undefined until the worker has added it. */
  readonly id: number | undefined;
  readonly selected: boolean;
  /** Latest final position in camera-frame pixels, its frame (-1 = none yet) and visibility. */
  readonly x: number;
  readonly y: number;
  readonly frame: number;
  readonly visible: boolean;
}

/** The live mode controller. */
export interface LiveMode {
  readonly running: boolean;
  start(): Promise<void>;
  stop(message?: string): void;
  /** Handles a worker message of the live session; false when it is not one. */
  handle(message: WorkerResponse): boolean;
  /** Removes the selected (else the most recent) point; false when there is none. */
  removeSelected(): boolean;
  /** Current statistics. */
  stats(): LiveStats;
}

interface LivePoint {
  readonly key: number;
  pointId: number | undefined;
  /** Latest final position (capture pixels) and visibility. */
  x: number;
  y: number;
  visible: boolean;
  /** Frame of the latest final position (-1 = none yet). */
  frame: number;
}

/** Creates live mode over the page's worker and view. */
export function createLiveMode(deps: LiveModeDeps): LiveMode {
  const { worker, view } = deps;
  const post = (message: WorkerRequest, transfer: Transferable[] = []): void => worker.postMessage(message, { transfer });
  const ctx = view.getContext('2d')!;
  const capture = new OffscreenCanvas(1, 1);
  const captureCtx = capture.getContext('2d', { willReadFrequently: true })!;

  let session: number | undefined;
  let ready = false;
  let stream: MediaStream | undefined;
  let video: HTMLVideoElement | undefined;
  let raf = 0;
  let pushed = 0;
  let inFlight = 0;
  const sentAt = new Map<number, number>();
  const pushTimes: number[] = [];
  let latestFrame = -1;
  let latencyMs = 0;
  let keys = 0;
  const points: LivePoint[] = [];
  let selected: number | undefined;
  /** The last TRAIL results: frame, then per point id its position. */
  const trail: { frame: number; at: Map<number, { x: number; y: number; visible: boolean }> }[] = [];

  const size = (): { width: number; height: number } => ({ width: capture.width, height: capture.height });

  function stats(): LiveStats {
    const span = pushTimes.length > 1 ? pushTimes[pushTimes.length - 1]! - pushTimes[0]! : 0;
    return {
      framesPushed: pushed,
      fps: span > 0 ? ((pushTimes.length - 1) * 1000) / span : 0,
      latencyFrames: latestFrame < 0 ? 0 : pushed - 1 - latestFrame,
      latencyMs,
      points: points.length,
    };
  }

  function showStats(): void {
    deps.onPoints(points.map((p) => ({ id: p.pointId, selected: p.key === selected, x: p.x, y: p.y, frame: p.frame, visible: p.visible })));
    const s = stats();
    const el = deps.stats;
    el.textContent = `live: ${s.fps.toFixed(1)} frames/s · latency ${s.latencyFrames} frame(s) (${(s.latencyMs / 1000).toFixed(2)} s) · ${s.points} point(s) · ${s.framesPushed} frames`;
    el.dataset['fps'] = s.fps.toFixed(2);
    el.dataset['latencyFrames'] = String(s.latencyFrames);
    el.dataset['latencyMs'] = s.latencyMs.toFixed(0);
    el.dataset['frames'] = String(s.framesPushed);
    el.dataset['points'] = String(s.points);
    el.dataset['tracked'] = String(points.filter((p) => p.frame >= 0).length);
  }

  /** Captures the current camera image and pushes it as the next frame. */
  function pushFrame(): void {
    if (session === undefined || video === undefined || !ready) return;
    captureCtx.drawImage(video, 0, 0, capture.width, capture.height);
    const image = captureCtx.getImageData(0, 0, capture.width, capture.height);
    const index = pushed++;
    sentAt.set(index, performance.now());
    inFlight += 1;
    post({ type: 'live-frame', id: session, index, width: image.width, height: image.height, data: image.data }, [image.data.buffer]);
  }

  function draw(): void {
    if (video === undefined) return;
    ctx.drawImage(video, 0, 0, view.width, view.height);
    const { width: W, height: H } = size();
    const radius = Math.max(4, view.width / 90);
    ctx.save();
    ctx.lineCap = 'round';
    for (const p of points) {
      if (p.pointId === undefined) continue;
      const color = cssColor(pointColor(p.pointId));
      ctx.strokeStyle = color;
      ctx.lineWidth = Math.max(2, radius / 2);
      let prev: { x: number; y: number } | undefined;
      trail.forEach((entry, i) => {
        const at = entry.at.get(p.pointId!);
        if (at === undefined) {
          prev = undefined;
          return;
        }
        const c = toCanvas(at.x, at.y, view.width, view.height, W, H);
        if (prev !== undefined) {
          ctx.globalAlpha = 0.25 + (0.65 * (i + 1)) / trail.length;
          ctx.beginPath();
          ctx.moveTo(prev.x, prev.y);
          ctx.lineTo(c.x, c.y);
          ctx.stroke();
        }
        prev = c;
      });
      ctx.globalAlpha = 1;
      if (p.frame < 0) continue;
      const c = toCanvas(p.x, p.y, view.width, view.height, W, H);
      ctx.beginPath();
      ctx.arc(c.x, c.y, radius, 0, 2 * Math.PI);
      if (p.visible) {
        ctx.fillStyle = color;
        ctx.fill();
        ctx.lineWidth = p.key === selected ? 3 : 1.5;
        ctx.strokeStyle = p.key === selected ? '#fff' : '#000';
        ctx.stroke();
      } else {
        ctx.lineWidth = Math.max(2, radius / 2.5);
        ctx.stroke();
      }
    }
    ctx.restore();
  }

  /** Set when the camera has a frame not pushed yet (without requestVideoFrameCallback: always). */
  let fresh = true;
  const watchFrames = (): void => {
    const v = video;
    if (v === undefined || typeof v.requestVideoFrameCallback !== 'function') return;
    fresh = false;
    const next = (): void => {
      if (video !== v) return;
      fresh = true;
      v.requestVideoFrameCallback(next);
    };
    v.requestVideoFrameCallback(next);
  };

  function loop(): void {
    raf = requestAnimationFrame(loop);
    // One camera frame at a time, and only new ones: a slow model drops frames instead of queueing them.
    if (ready && inFlight === 0 && fresh) {
      if (typeof video?.requestVideoFrameCallback === 'function') fresh = false;
      pushFrame();
    }
    draw();
  }

  function addPoint(event: PointerEvent): void {
    if (session === undefined || !ready) return;
    const rect = view.getBoundingClientRect();
    const { width: W, height: H } = size();
    const { x, y } = toVideoPixel(event.clientX - rect.left, event.clientY - rect.top, rect.width, rect.height, W, H);
    const key = keys++;
    const point: LivePoint = { key, pointId: undefined, x: Math.min(W - 1, Math.max(0, x)), y: Math.min(H - 1, Math.max(0, y)), visible: true, frame: -1 };
    points.push(point);
    selected = key;
    // The point is on the next frame, which is the camera image shown now: push it right away.
    post({ type: 'live-add', id: session, key, point: { t: pushed, x: point.x, y: point.y } });
    pushFrame();
    showStats();
  }

  const onPointer = (event: PointerEvent): void => {
    if (session === undefined || event.button !== 0) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    addPoint(event);
  };

  function remove(key: number): void {
    const i = points.findIndex((p) => p.key === key);
    if (i < 0) return;
    const [p] = points.splice(i, 1);
    if (selected === key) selected = points.at(-1)?.key;
    if (p!.pointId !== undefined && session !== undefined) post({ type: 'live-remove', id: session, pointIds: [p!.pointId] });
    else if (p!.pointId === undefined) removedBeforeAdded.add(key);
    showStats();
  }
  const removedBeforeAdded = new Set<number>();

  const mode: LiveMode = {
    get running() {
      return session !== undefined;
    },
    async start() {
      if (session !== undefined) return;
      const choice = deps.choice();
      if (choice === undefined) return;
      if (!navigator.mediaDevices?.getUserMedia) {
        deps.setStatus(
          'Error: this browser has no camera access (navigator.mediaDevices.getUserMedia; the page must be served over https or localhost)',
          'error',
        );
        return;
      }
      deps.setStatus('Opening the camera…', 'loading');
      try {
        stream = await navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 640 }, height: { ideal: 480 } }, audio: false });
      } catch (error) {
        deps.setStatus(`Error: no camera (${(error as Error).message || (error as Error).name})`, 'error');
        return;
      }
      video = document.createElement('video');
      video.muted = true;
      video.playsInline = true;
      video.srcObject = stream;
      await video.play();
      const scale = Math.min(1, MAX_SIDE / Math.max(video.videoWidth, video.videoHeight));
      capture.width = Math.max(1, Math.round(video.videoWidth * scale));
      capture.height = Math.max(1, Math.round(video.videoHeight * scale));
      const viewScale = 576 / Math.max(capture.width, capture.height);
      view.width = Math.round(capture.width * viewScale);
      view.height = Math.round(capture.height * viewScale);
      view.style.width = `${view.width}px`;
      view.style.height = `${view.height}px`;
      session = deps.nextId();
      ready = false;
      pushed = 0;
      inFlight = 0;
      latestFrame = -1;
      latencyMs = 0;
      sentAt.clear();
      pushTimes.length = 0;
      points.length = 0;
      trail.length = 0;
      selected = undefined;
      view.addEventListener('pointerdown', onPointer, { capture: true });
      deps.onRunning(true);
      deps.stats.hidden = false;
      showStats();
      deps.setStatus(`Camera ${capture.width}x${capture.height}: loading the model…`, 'loading');
      post({ type: 'live-start', id: session, ...choice });
      watchFrames();
      loop();
    },
    stop(message) {
      if (session === undefined) return;
      post({ type: 'live-stop', id: session });
      session = undefined;
      ready = false;
      cancelAnimationFrame(raf);
      view.removeEventListener('pointerdown', onPointer, { capture: true });
      for (const track of stream?.getTracks() ?? []) track.stop();
      stream = undefined;
      if (video !== undefined) video.srcObject = null;
      video = undefined;
      sentAt.clear();
      trail.length = 0;
      deps.onRunning(false);
      deps.setStatus(message ?? 'Camera stopped.', 'idle');
    },
    handle(message) {
      if (!message.type.startsWith('live-') && !(session !== undefined && message.id === session)) return false;
      if (message.id !== session) return true;
      switch (message.type) {
        case 'live-ready':
          ready = true;
          deps.setStatus(
            `Live on ${message.runtime} (model at ${message.resolution}x${message.resolution}): click on the image to track a point, Delete removes it.`,
            'running',
          );
          break;
        case 'live-pushed':
          inFlight = Math.max(0, inFlight - 1);
          pushTimes.push(performance.now());
          if (pushTimes.length > 30) pushTimes.shift();
          break;
        case 'live-added': {
          const p = points.find((q) => q.key === message.key);
          if (p !== undefined) p.pointId = message.pointId;
          if (removedBeforeAdded.delete(message.key)) post({ type: 'live-remove', id: session, pointIds: [message.pointId] });
          break;
        }
        case 'live-result': {
          const sent = sentAt.get(message.frame);
          if (sent !== undefined) latencyMs = performance.now() - sent;
          for (const f of sentAt.keys()) if (f <= message.frame) sentAt.delete(f);
          latestFrame = message.frame;
          const at = new Map<number, { x: number; y: number; visible: boolean }>();
          message.ids.forEach((id, i) => {
            const pos = { x: message.tracks[2 * i]!, y: message.tracks[2 * i + 1]!, visible: message.visible[i] === 1 };
            at.set(id, pos);
            const p = points.find((q) => q.pointId === id);
            if (p !== undefined) Object.assign(p, pos, { frame: message.frame });
          });
          trail.push({ frame: message.frame, at });
          if (trail.length > TRAIL) trail.shift();
          break;
        }
        case 'error':
          mode.stop(`Error (${message.code}): ${message.message}`);
          deps.setStatus(`Error (${message.code}): ${message.message}`, 'error');
          return true;
        default:
          break;
      }
      showStats();
      return true;
    },
    removeSelected() {
      if (session === undefined) return false;
      const key = selected ?? points.at(-1)?.key;
      if (key === undefined) return false;
      remove(key);
      return true;
    },
    stats,
  };
  return mode;
}
