// SPDX-License-Identifier: Apache-2.0

/** Inputs of one decoder window (graph G3, spec §13), frame-major, K = 8 frames. */
export interface DecoderWindowInput {
  /** Number of points N. */
  readonly points: number;
  /** K per-frame encoder memories, each `[S, C]`. */
  readonly memory: readonly Float32Array[];
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
  /** G1: `images` `[B, 3, R, R]` normalized -> one memory `[S, C]` per frame. */
  encodeFrames(images: Float32Array, count: number): Promise<EncodedFrames>;
  /** G2: memory `[S, C]` of the query frame and `xyNorm` `[N, 2]` -> content `[N, C]`. */
  initQueries(memory: Float32Array, xyNorm: Float32Array, count: number): Promise<Float32Array>;
  /** G3: one window. */
  decodeWindow(input: DecoderWindowInput): Promise<DecoderWindowOutput>;
  /** Releases the sessions. */
  release(): Promise<void>;
}
