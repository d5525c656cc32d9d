// SPDX-License-Identifier: Apache-2.0

/**
 * A region of a GPU buffer holding float32 values: encoder memory kept on the device by a runner on
 * the WebGPU backend (onnxruntime-web tensors with `location: 'gpu-buffer'`). The tracker never reads
 * it; it only hands it back to the runner that made it.
 */
export interface GpuFloats {
  readonly location: 'gpu-buffer';
  /** The `GPUBuffer` (typed loosely: the tracker needs no WebGPU typings). */
  readonly buffer: object;
  /** First float of the region within `buffer`. */
  readonly offset: number;
  /** Floats in the region. */
  readonly length: number;
}

/** Encoder memory `[count, S, C]` float32 of consecutive frames: host floats, or a region of a GPU buffer. */
export type MemoryView = Float32Array | GpuFloats;

/**
 * The storage of the tracker's memory ring `[frames, S, C]` float32, allocated once by
 * {@link TaptrGraphRunner.allocateMemory} where the runner's graphs read memory: a `Float32Array` (the
 * default; it has this shape) or a GPU buffer. Views stay valid until the floats they cover are rewritten.
 */
export interface MemoryStorage {
  /** Floats held. */
  readonly length: number;
  /** The floats `begin..end - 1` as a view (no copy). */
  subarray(begin: number, end: number): MemoryView;
  /** Copies the floats `start..end - 1` to `target..` within the storage (ranges may overlap). */
  copyWithin(target: number, start: number, end: number): unknown;
  /** Writes `source` (a view of another storage of the same runner, or host floats) at float `offset`. */
  set(source: MemoryView, offset: number): void;
}

/**
 * Inputs of one decoder window (graph G3, spec §13), frame-major, K = 8 frames. The arrays may be
 * reused for the next window once `decodeWindow` settles (see {@link TaptrGraphRunner.copiesInputs}).
 */
export interface DecoderWindowInput {
  /** Number of points N. */
  readonly points: number;
  /** `[K, S, C]` encoder memory of the window's frames: a view of the tracker's memory ring (never a copy). */
  readonly memory: MemoryView;
  /** `[K, N, C]` content features FEAT of the window. */
  readonly content: Float32Array;
  /** `[K, N, 4]` locations LOC (logit space). */
  readonly refUnsig: Float32Array;
  /** `[N, K]` bool (0/1). */
  readonly trackMask: Uint8Array;
  /** `[N, K]` bool (0/1). */
  readonly updateMask: Uint8Array;
  /** `[K, N, C]` initial content features INIT. */
  readonly initContent: Float32Array;
}

/**
 * Outputs of one decoder window, allocated by the caller once per point count and written by
 * {@link TaptrGraphRunner.decodeWindow} (onnxruntime writes them in place where it can).
 */
export interface DecoderWindowOutput {
  /** `[K, N, 4]` last-layer locations (logit space). */
  readonly refUnsigOut: Float32Array;
  /** `[K, N, 3]` last-layer visibility logits (index 1 = visible). */
  readonly visLogits: Float32Array;
  /** `[K, N, C]` updated content FEAT + delta x update_mask. */
  readonly contentOut: Float32Array;
}

/**
 * The three TAPTR graphs as the pipeline calls them (spec §13: G1 frame_encoder, G2 query_init,
 * G3 decoder_window), on buffers the caller owns: the encoder writes into the tracker's memory ring,
 * each window reads a view of it, and window outputs land in arrays allocated once per point count.
 * `createGraphRunner` implements it over a runtime adapter; tests may implement it directly.
 */
export interface TaptrGraphRunner {
  /** Model input resolution R (frames are resized to R x R). */
  readonly resolution: number;
  /** Memory tokens S per frame. */
  readonly tokens: number;
  /** Channels C (hidden dim) of the memory and of the content features. */
  readonly channels: number;
  /**
   * True when the runner keeps no reference to a window's input arrays once `decodeWindow` settles
   * (it feeds them to a runtime and forgets them): the tracker may then reuse those arrays for the next
   * window instead of allocating new ones. Runners that record their inputs leave it unset.
   */
  readonly copiesInputs?: boolean;
  /**
   * Allocates `floats` floats of memory storage where the runner's graphs read memory (a GPU buffer
   * for a runner that keeps memory on the device). Absent: the tracker uses a `Float32Array`.
   */
  allocateMemory?(floats: number): MemoryStorage;
  /**
   * G1: `images` `[B, 3, R, R]` normalized -> memory `[B, S, C]`, written into `target` (a view of
   * storage from {@link TaptrGraphRunner.allocateMemory}, or of a `Float32Array` without it).
   */
  encodeFrames(images: Float32Array, count: number, target: MemoryView): Promise<void>;
  /** G2: memory `[S, C]` of the query frame and `xyNorm` `[N, 2]` -> content `[N, C]`. */
  initQueries(memory: MemoryView, xyNorm: Float32Array, count: number): Promise<Float32Array>;
  /** G3: one window, its results written into `output` (sized for `input.points`). */
  decodeWindow(input: DecoderWindowInput, output: DecoderWindowOutput): Promise<void>;
  /** Releases the sessions (and any device memory the runner allocated). */
  release(): Promise<void>;
}
