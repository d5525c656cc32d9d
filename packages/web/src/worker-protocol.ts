// SPDX-License-Identifier: Apache-2.0
// Messages between the page and the tracking worker (structured-clone friendly).

/** A backend the page offers (browser backends of `@taptr/runtime-web`). */
export type PageBackend = 'wasm' | 'webgpu';

/**
 * Where the worker gets the model: the bundled folder by URL (its `model.json` lists the graphs), or a
 * converted model loaded from disk.
 */
export type ModelPayload =
  | { readonly kind: 'url'; readonly id: string; readonly base: string }
  | {
      readonly kind: 'bytes';
      readonly id: string;
      /** The `model.json` manifest (its `config` in the official key form). */
      readonly manifest: { readonly config: Record<string, unknown> };
      readonly frameEncoder: Uint8Array;
      readonly queryInit: Uint8Array;
      readonly decoderWindow: Uint8Array;
      /** The few-points decoder (`decoder_window_sample_first.onnx`), when the folder has it. */
      readonly decoderWindowSampleFirst?: Uint8Array;
    };

/** Windows decoded per decoder build (`@taptr/tracker` picks one per window by its point count). */
export interface DecoderWindowCounts {
  /** Windows run on `decoder_window_sample_first.onnx` (few points). */
  readonly 'sample-first': number;
  /** Windows run on `decoder_window.onnx`. */
  readonly 'project-first': number;
}

/** A query point `(t, x, y)` in video pixels (integer = pixel centre). */
export interface QueryMessage {
  readonly t: number;
  readonly x: number;
  readonly y: number;
}

/** Page -> worker: track `queries` through `video` (`[T, H, W, 3]` uint8 RGB). */
export interface TrackRequest {
  readonly type: 'track';
  readonly id: number;
  readonly backend: PageBackend;
  /** wasm threads (0 = automatic). */
  readonly threads: number;
  /** Absolute URL of the folder with onnxruntime-web's wasm files. */
  readonly ortBase: string;
  readonly model: ModelPayload;
  readonly video: { readonly frames: number; readonly height: number; readonly width: number; readonly data: Uint8Array };
  readonly queries: readonly QueryMessage[];
  readonly bidirectional: boolean;
}

/** Page -> worker: abort the running request. */
export interface CancelRequest {
  readonly type: 'cancel';
  readonly id: number;
}

export type WorkerRequest = TrackRequest | CancelRequest;

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
      /** `[N, T, 2]` float32 (x, y) pixels. */
      readonly tracks: Float32Array;
      /** `[N, T]` 1 = visible. */
      readonly visible: Uint8Array;
      readonly points: number;
      readonly frames: number;
      /** Which decoder build ran the windows of this request. */
      readonly decoderWindows: DecoderWindowCounts;
      /** Session creation (model load) time and tracking time, ms. */
      readonly loadMs: number;
      readonly trackMs: number;
    }
  | { readonly type: 'error'; readonly id: number; readonly code: string; readonly message: string };
