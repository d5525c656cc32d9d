// SPDX-License-Identifier: Apache-2.0

/** Inputs of one decoder window (graph G3, spec §13), frame-major, K = 8 frames. */
export interface DecoderWindowInput {
  /** Number of points N. */
  readonly points: number;
  /** K per-frame encoder memories, each `[S, C]`. */
  readonly memory: readonly Float32Array[];
  /**
   * The same K memories as one contiguous `[K, S, C]` array (a view into the tracker's memory ring),
   * when the caller holds them so: runners feed it as is instead of copying `memory` into a window.
   */
  readonly window?: Float32Array;
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

/** Outputs of one decoder window. */
export interface DecoderWindowOutput {
  /** `[K, N, 4]` last-layer locations (logit space). */
  readonly refUnsigOut: Float32Array;
  /** `[K, N, 3]` last-layer visibility logits (index 1 = visible). */
  readonly visLogits: Float32Array;
  /** `[K, N, C]` updated content FEAT + delta x update_mask. */
  readonly contentOut: Float32Array;
}

/** Encoder output for a batch of frames. */
export interface EncodedFrames {
  /** One `[S, C]` memory per frame. */
  readonly memories: Float32Array[];
  /** Tokens S. */
  readonly tokens: number;
  /** Channels C (hidden dim). */
  readonly channels: number;
}

/**
 * The three TAPTR graphs as the pipeline calls them (spec §13: G1 frame_encoder, G2 query_init,
 * G3 decoder_window). {@link createGraphRunner} implements it over a runtime adapter; tests may
 * implement it directly.
 */
export interface TaptrGraphRunner {
  /** Model input resolution R (frames are resized to R x R). */
  readonly resolution: number;
  /** Floats of one frame's memory (S·C), when known before the first frame: the tracker then sizes its memory ring up front and the encoder writes straight into it. */
  readonly memoryFloats?: number;
  /**
   * True when the runner keeps no reference to a window's input arrays once `decodeWindow` settles
   * (it feeds them to a runtime and forgets them): the tracker may then reuse those arrays for the next
   * window instead of allocating new ones. Runners that record their inputs leave it unset.
   */
  readonly copiesInputs?: boolean;
  /**
   * G1: `images` `[B, 3, R, R]` normalized -> one memory `[S, C]` per frame.
   * @param target - optional `[B, S, C]` array to write the memories into (the returned memories are
   *   then views of it); runners may ignore it and return their own arrays.
   */
  encodeFrames(images: Float32Array, count: number, target?: Float32Array): Promise<EncodedFrames>;
  /** G2: memory `[S, C]` of the query frame and `xyNorm` `[N, 2]` -> content `[N, C]`. */
  initQueries(memory: Float32Array, xyNorm: Float32Array, count: number): Promise<Float32Array>;
  /** G3: one window. */
  decodeWindow(input: DecoderWindowInput): Promise<DecoderWindowOutput>;
  /** Releases the sessions. */
  release(): Promise<void>;
}
