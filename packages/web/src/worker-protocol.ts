// SPDX-License-Identifier: Apache-2.0
// Messages between the page and the tracking worker (structured-clone friendly).
import type { QueryPoint } from '@taptr/tracker';

/** A backend the page offers (browser backends of `@taptr/runtime-web`). */
export type PageBackend = 'wasm' | 'webgpu';

/** Windows decoded per decoder build (`@taptr/tracker` picks one per window by its point count). */
export interface DecoderWindowCounts {
  /** Windows run on `decoder_window_sample_first.onnx` (few points). */
  readonly 'sample-first': number;
  /** Windows run on `decoder_window.onnx`. */
  readonly 'project-first': number;
}

/**
 * The frames to track:
 * - `frames`: `[T, H, W, 3]` uint8 RGB, sent whole (the bundled sample; videos decoded without WebCodecs);
 * - `file`: a video file the worker decodes itself with WebCodecs, frame by frame at its full
 *   resolution (every `step`-th frame in presentation order, `frames` of them), streamed into the tracker.
 */
export type VideoPayload =
  | { readonly kind: 'frames'; readonly frames: number; readonly height: number; readonly width: number; readonly data: Uint8Array }
  | { readonly kind: 'file'; readonly file: Blob; readonly frames: number; readonly step: number; readonly width: number; readonly height: number };

/**
 * Page -> worker: the model later requests run (replaces the previous one; buffers are transferred).
 * The worker reads it with `loadTaptrModel` like any model folder: the manifest validated again, each
 * graph's size checked (the page checked the sha256 when it read the files).
 */
export interface ModelMessage {
  readonly type: 'model';
  /** Identifies the model (its graphs' sha256); requests name it. */
  readonly modelId: string;
  /** The `model.json` text. */
  readonly manifest: string;
  /** The graph files `model.json` lists, by file name. */
  readonly files: Readonly<Record<string, Uint8Array>>;
}

/** Where the runtime comes from: backend, wasm threads (0 = automatic), onnxruntime-web's wasm folder URL. */
export interface RuntimeChoice {
  readonly backend: PageBackend;
  readonly threads: number;
  readonly ortBase: string;
  readonly modelId: string;
}

/** Page -> worker: track `queries` through `video`. */
export interface TrackRequest extends RuntimeChoice {
  readonly type: 'track';
  readonly id: number;
  readonly video: VideoPayload;
  /** In the pixels of the frames sent (integer = pixel centre). */
  readonly queries: readonly QueryPoint[];
  readonly bidirectional: boolean;
  /** Shared `[1]` flag the page sets to 1 to cancel (read between frames; see {@link CancelRequest}). */
  readonly cancel?: Int32Array;
}

/** Page -> worker: abort the running request (it ends with a `cancelled` response). */
interface CancelRequest {
  readonly type: 'cancel';
  readonly id: number;
}

/** Page -> worker: start an online session (live mode); `id` names it in the other live messages. */
export interface LiveStart extends RuntimeChoice {
  readonly type: 'live-start';
  readonly id: number;
}

/** Page -> worker: the next frame of the live session (RGBA, transferred). */
interface LiveFrame {
  readonly type: 'live-frame';
  readonly id: number;
  /** Frame index in the session (0, 1, 2, ...). */
  readonly index: number;
  readonly width: number;
  readonly height: number;
  readonly data: Uint8ClampedArray;
}

/** Page -> worker: add a point on frame `t` (normally the next frame to be pushed). */
interface LiveAdd {
  readonly type: 'live-add';
  readonly id: number;
  /** The page's key for the point (echoed back with the tracker's id). */
  readonly key: number;
  readonly point: QueryPoint;
}

/** Page -> worker: stop tracking points (tracker ids). */
interface LiveRemove {
  readonly type: 'live-remove';
  readonly id: number;
  readonly pointIds: readonly number[];
}

/** Page -> worker: end the live session. */
interface LiveStop {
  readonly type: 'live-stop';
  readonly id: number;
}

export type WorkerRequest = ModelMessage | TrackRequest | CancelRequest | LiveStart | LiveFrame | LiveAdd | LiveRemove | LiveStop;

/** Worker -> page. */
export type WorkerResponse =
  | { readonly type: 'status'; readonly id: number; readonly message: string }
  | {
      readonly type: 'progress';
      readonly id: number;
      readonly pass: 'forward' | 'backward';
      readonly framesEncoded: number;
      readonly windowsDecoded: number;
      readonly frameCount: number;
      /** Overall fraction done in [0, 1]. */
      readonly fraction: number;
    }
  | {
      readonly type: 'result';
      readonly id: number;
      readonly backend: PageBackend;
      readonly runtime: string;
      readonly threads: number;
      /** `[N, T, 2]` float32 (x, y) in the pixels of the frames tracked. */
      readonly tracks: Float32Array;
      /** `[N, T]` 1 = visible. */
      readonly visible: Uint8Array;
      readonly points: number;
      readonly frames: number;
      /** Size of the frames the tracker read (a `file` video: its full resolution). */
      readonly width: number;
      readonly height: number;
      /** Model input resolution R (frames are resized to R x R inside the tracker). */
      readonly resolution: number;
      /** Which decoder build ran the windows of this request. */
      readonly decoderWindows: DecoderWindowCounts;
      /** Where the encoder memory was kept: on the GPU (WebGPU) or in host memory. */
      readonly memory: 'gpu-buffer' | 'host';
      /** Session creation (model load) time and tracking time, ms. */
      readonly loadMs: number;
      readonly trackMs: number;
    }
  | { readonly type: 'cancelled'; readonly id: number }
  | { readonly type: 'error'; readonly id: number; readonly code: string; readonly message: string }
  | { readonly type: 'live-ready'; readonly id: number; readonly runtime: string; readonly resolution: number; readonly loadMs: number }
  | {
      /** A frame was pushed (the page sends the next one only then). */
      readonly type: 'live-pushed';
      readonly id: number;
      readonly index: number;
      /** Time the push took, ms. */
      readonly ms: number;
      /** Smallest query frame a new point may have now. */
      readonly earliestQueryFrame: number;
    }
  | { readonly type: 'live-added'; readonly id: number; readonly key: number; readonly pointId: number }
  | {
      /** The final result of one frame. */
      readonly type: 'live-result';
      readonly id: number;
      readonly frame: number;
      /** Tracker ids of the points, in row order. */
      readonly ids: readonly number[];
      /** `[n, 2]` (x, y) in the pushed frames' pixels. */
      readonly tracks: Float32Array;
      /** `[n]` 1 = visible. */
      readonly visible: Uint8Array;
    }
  | { readonly type: 'live-stopped'; readonly id: number };
