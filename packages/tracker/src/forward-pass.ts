// SPDX-License-Identifier: Apache-2.0
import { describeValue, invalidArgument, TaptrError } from '@taptr/tensor';
import { inverseSigmoid } from './sigmoid.js';
import type { DecoderWindowInput, DecoderWindowOutput, MemoryView, TaptrGraphRunner } from './graph-runner.js';
import { createMemoryRing, type MemoryRing } from './memory-ring.js';
import { windowMasks } from './window-masks.js';
import { padsContentAfter, WINDOW_SIZE, WINDOW_STRIDE, type FrameWindow } from './window-schedule.js';

/** A point of a forward pass: id, query frame and normalized float32 position (spec §6). */
export interface PassPoint {
  readonly id: number;
  readonly queryFrame: number;
  /** x / (W - 1). */
  readonly x: number;
  /** y / (H - 1). */
  readonly y: number;
}

/** The final state of one frame, emitted once no later window can change it. */
export interface FrameOutput {
  readonly frame: number;
  /** Point ids, in row order. */
  readonly ids: readonly number[];
  /** `[n, 4]` location state LOC (logit space: x, y, w, h). */
  readonly loc: Float32Array;
  /** `[n, 3]` visibility logits VIS (index 1 = visible). */
  readonly vis: Float32Array;
}

/** What happened in one window of the schedule (for inspection and parity tests). */
export interface WindowReport {
  readonly window: FrameWindow;
  /** True when no point is updated in the window (not decoded, spec §9). */
  readonly skipped: boolean;
  /** Point ids in row order. */
  readonly ids: readonly number[];
  /** The decoder inputs (absent when skipped), arrays of their own (host memory copied out of the ring; a device memory view as it was). */
  readonly input?: DecoderWindowInput;
  /** State of the window's frames after the update: `[K, N, 4]`, `[K, N, 3]`, `[K, N, C]`. */
  readonly loc?: Float32Array;
  readonly vis?: Float32Array;
  readonly feat?: Float32Array;
  /**
   * The values every later frame holds after the window (forward copy, spec §9 steps 2 and 4):
   * `[N, 4]`, `[N, 3]`, `[N, C]`.
   */
  readonly pendingLoc?: Float32Array;
  readonly pendingVis?: Float32Array;
  readonly pendingFeat?: Float32Array;
  /** Whether the content features were copied forward after this window. */
  readonly paddedContent?: boolean;
}

/** Counters reported after every encoded frame and every window. */
export interface PassProgress {
  readonly framesEncoded: number;
  readonly windowsDecoded: number;
  readonly windowsSkipped: number;
}

/** Options of {@link createForwardPass}. */
export interface ForwardPassOptions {
  readonly graphs: TaptrGraphRunner;
  /** T when known in advance (selects the official long-video content rule); else content is copied after every window. */
  readonly frameCount?: number | undefined;
  readonly onFrame: (output: FrameOutput) => void;
  readonly onWindow?: ((report: WindowReport) => void) | undefined;
  readonly onProgress?: ((progress: PassProgress) => void) | undefined;
  readonly signal?: AbortSignal | undefined;
  /**
   * Emit frames 4w..4w+3 right after window w (7 frames of latency) instead of waiting until the
   * next window is known not to be the video's last window [T-8, T-1], which may revisit frames
   * 4w+1..4w+3 when the stream ends at T = 4w+9..4w+11: those frames then keep the values already
   * emitted (every later frame and every window's computation stay exact).
   */
  readonly eager?: boolean | undefined;
  /**
   * Where the pass keeps its encoder memories (cleared at the start; the caller may reuse it for a
   * later pass once this one's {@link ForwardPass.finish} result is no longer needed). Defaults to a
   * ring of its own.
   */
  readonly ring?: MemoryRing | undefined;
}

/**
 * One forward tracking pass over a stream of frames (spec §6, §9): frames are encoded as they
 * arrive, windows decoded as soon as their last frame is in, and each frame emitted as soon as no
 * later window can change it. Encoder memory is kept for at most 11 frames, in one ring (see `MemoryRing`).
 * @internal
 */
export interface ForwardPass {
  /** Adds points; their query frame must be >= {@link ForwardPass.earliestQueryFrame}. */
  addPoints(points: readonly PassPoint[]): Promise<void>;
  /** Removes points by id (they no longer appear in frames emitted afterwards). */
  removePoints(ids: readonly number[]): void;
  /** Encodes and processes the next frame (`[3, R, R]` normalized). */
  pushFrame(image: Float32Array): Promise<void>;
  /** Processes the next frame from its already computed encoder memory `[S, C]` (a view of another ring of the same runner). */
  pushMemory(memory: MemoryView): Promise<void>;
  /**
   * Ends the stream: pads a video shorter than 8 frames, decodes the last window, emits every frame.
   * @returns the encoder memories still held (frame -> `[S, C]`, views into the pass's ring, valid
   *   until the ring is reused), for reuse by a reversed pass.
   */
  finish(): Promise<Map<number, MemoryView>>;
  /** Frames pushed so far. */
  readonly framesPushed: number;
  /** Smallest query frame a new point may have (frames of windows already decided are excluded). */
  readonly earliestQueryFrame: number;
  /** Number of encoder memories currently held. */
  readonly cachedFrames: number;
}

interface Slot {
  readonly id: number;
  readonly q: number;
  readonly xy: Float32Array;
  readonly ell: Float32Array;
  init: Float32Array | null;
}

interface FrameState {
  loc: Float32Array;
  vis: Float32Array;
  feat: Float32Array;
}

const VISIBLE_ONE_HOT = [0, 1, 0] as const;

/** @internal */
export function createForwardPass(options: ForwardPassOptions): ForwardPass {
  const { graphs, frameCount, onFrame, onWindow, onProgress, signal } = options;
  const K = WINDOW_SIZE;
  const slots: Slot[] = [];
  // Encoder memories of the frames still needed, contiguous (windows are views, never copies).
  const ring = options.ring ?? createMemoryRing(undefined, graphs.allocateMemory?.bind(graphs));
  ring.clear();
  const C = graphs.channels;
  const memoryFloats = graphs.tokens * C;
  const states = new Map<number, FrameState>();
  // Frame states of emitted frames, reused for the next frames while the point count is unchanged.
  const freeStates: FrameState[] = [];
  // Window inputs reused window after window when the runner does not keep them (and no one inspects them).
  const reuseInputs = graphs.copiesInputs === true && onWindow === undefined;
  let windowInputs: { n: number; content: Float32Array; refUnsig: Float32Array; initContent: Float32Array } | undefined;
  // Window outputs, written by the runner: allocated once per point count.
  let windowOutputs: (DecoderWindowOutput & { n: number }) | undefined;
  let pendLoc: Float32Array = new Float32Array(0);
  let pendVis: Float32Array = new Float32Array(0);
  let pendFeat: Float32Array = new Float32Array(0);
  let pushed = 0;
  let nextRegular = 0;
  let lastDecidedEnd = -1;
  let emitted = 0;
  // Frames < retained have no state any more (final and emitted); eager mode emits some frames early.
  let retained = 0;
  // Last real frame once finish() pads a short video (padding frames are never emitted).
  let lastReal = Number.POSITIVE_INFINITY;
  let finished = false;
  let framesEncoded = 0;
  let windowsDecoded = 0;
  let windowsSkipped = 0;

  const progress = (): void => onProgress?.({ framesEncoded, windowsDecoded, windowsSkipped });

  /** Rebuilds a row-major [N, width] array for a new slot list. */
  const remap = (
    src: Float32Array,
    width: number,
    from: readonly number[],
    fill: (row: Float32Array, slot: Slot) => void,
    next: readonly Slot[],
  ): Float32Array => {
    const out = new Float32Array(next.length * width);
    next.forEach((slot, i) => {
      const old = from[i]!;
      if (old >= 0) out.set(src.subarray(old * width, (old + 1) * width), i * width);
      else fill(out.subarray(i * width, (i + 1) * width), slot);
    });
    return out;
  };

  const fillLoc = (row: Float32Array, s: Slot): void => row.set(s.ell);
  const fillVis = (row: Float32Array): void => row.set(VISIBLE_ONE_HOT);
  const fillFeat = (row: Float32Array, s: Slot): void => {
    if (s.init) row.set(s.init);
  };

  /** Applies a slot change: `from[i]` = old row of new slot i, or -1 for a new slot. */
  const applySlots = (next: Slot[], from: number[]): void => {
    pendLoc = remap(pendLoc, 4, from, fillLoc, next);
    pendVis = remap(pendVis, 3, from, fillVis, next);
    pendFeat = remap(pendFeat, C, from, fillFeat, next);
    for (const st of states.values()) {
      st.loc = remap(st.loc, 4, from, fillLoc, next);
      st.vis = remap(st.vis, 3, from, fillVis, next);
      st.feat = remap(st.feat, C, from, fillFeat, next);
    }
    slots.length = 0;
    slots.push(...next);
    freeStates.length = 0;
  };

  const setInit = (index: number, feature: Float32Array): void => {
    const slot = slots[index]!;
    slot.init = feature;
    pendFeat.set(feature, index * C);
    for (const st of states.values()) st.feat.set(feature, index * C);
  };

  /** Computes the content feature of every point queried at `frame` that lacks one. */
  const initPointsAt = async (frame: number): Promise<void> => {
    const memory = ring.get(frame);
    if (memory === undefined) return;
    const waiting: number[] = [];
    slots.forEach((s, i) => {
      if (s.q === frame && s.init === null) waiting.push(i);
    });
    if (waiting.length === 0) return;
    const xy = new Float32Array(2 * waiting.length);
    waiting.forEach((i, k) => xy.set(slots[i]!.xy, 2 * k));
    const content = await graphs.initQueries(memory, xy, waiting.length);
    waiting.forEach((i, k) => setInit(i, content.slice(k * C, (k + 1) * C)));
  };

  const materialise = (t: number): FrameState => {
    let st = states.get(t);
    if (st === undefined) {
      const free = freeStates.pop();
      if (free !== undefined) {
        free.loc.set(pendLoc);
        free.vis.set(pendVis);
        free.feat.set(pendFeat);
        st = free;
      } else {
        st = { loc: pendLoc.slice(), vis: pendVis.slice(), feat: pendFeat.slice() };
      }
      states.set(t, st);
    }
    return st;
  };

  const emitThrough = (last: number): void => {
    for (; emitted <= Math.min(last, lastReal); emitted++) {
      const st = materialise(emitted);
      onFrame({ frame: emitted, ids: slots.map((s) => s.id), loc: st.loc.slice(), vis: st.vis.slice() });
    }
  };

  /** Drops the state of frames <= last (they are final and emitted). */
  const retainFrom = (first: number): void => {
    for (; retained < first; retained++) {
      const st = states.get(retained);
      if (st?.loc.length === slots.length * 4 && st.feat.length === slots.length * C) freeStates.push(st);
      states.delete(retained);
    }
  };

  const decide = async (window: FrameWindow): Promise<void> => {
    signal?.throwIfAborted();
    const { start, end, index } = window;
    lastDecidedEnd = Math.max(lastDecidedEnd, end);
    const ids = slots.map((s) => s.id);
    const masks = windowMasks(
      slots.map((s) => s.q),
      start,
      K,
    );
    if (!masks.anyUpdate) {
      windowsSkipped++;
      onWindow?.({ window, skipped: true, ids });
      progress();
      return;
    }
    for (let t = retained; t <= end; t++) materialise(t);
    const n = slots.length;
    if (!reuseInputs || windowInputs?.n !== n) {
      windowInputs = { n, content: new Float32Array(K * n * C), refUnsig: new Float32Array(K * n * 4), initContent: new Float32Array(K * n * C) };
    }
    if (windowOutputs?.n !== n) {
      windowOutputs = { n, refUnsigOut: new Float32Array(K * n * 4), visLogits: new Float32Array(K * n * 3), contentOut: new Float32Array(K * n * C) };
    }
    const { content, refUnsig, initContent } = windowInputs;
    for (let k = 0; k < K; k++) {
      const st = states.get(start + k)!;
      content.set(st.feat, k * n * C);
      refUnsig.set(st.loc, k * n * 4);
      slots.forEach((s, i) => {
        if (s.init) initContent.set(s.init, (k * n + i) * C);
        else initContent.fill(0, (k * n + i) * C, (k * n + i + 1) * C);
      });
    }
    if (ring.first > start || ring.first + ring.size < start + K) {
      throw new TaptrError('TAPTR_INVALID_ARGUMENT', `tracker: internal error, frames ${start}..${start + K - 1} are not all cached for window ${index}`);
    }
    const input: DecoderWindowInput = {
      points: n,
      memory: ring.range(start, K),
      content,
      refUnsig,
      trackMask: masks.track,
      updateMask: masks.update,
      initContent,
    };
    const out = windowOutputs;
    await graphs.decodeWindow(input, out);
    for (let k = 0; k < K; k++) {
      const st = states.get(start + k)!;
      for (let i = 0; i < n; i++) {
        if (masks.update[i * K + k] !== 1) continue;
        const row = k * n + i;
        st.loc.set(out.refUnsigOut.subarray(row * 4, row * 4 + 4), i * 4);
        st.vis.set(out.visLogits.subarray(row * 3, row * 3 + 3), i * 3);
        st.feat.set(out.contentOut.subarray(row * C, row * C + C), i * C);
      }
    }
    const last = states.get(end)!;
    // The pending rows have the slots' layout (applySlots remaps both): copied in place.
    pendLoc.set(last.loc);
    pendVis.set(last.vis);
    const paddedContent = padsContentAfter(index, frameCount);
    if (paddedContent) pendFeat.set(last.feat);
    windowsDecoded++;
    if (onWindow) {
      const loc = new Float32Array(K * n * 4);
      const vis = new Float32Array(K * n * 3);
      const feat = new Float32Array(K * n * C);
      for (let k = 0; k < K; k++) {
        const st = states.get(start + k)!;
        loc.set(st.loc, k * n * 4);
        vis.set(st.vis, k * n * 3);
        feat.set(st.feat, k * n * C);
      }
      // A report outlives the window: its host memory is a copy (the ring's slots are rewritten).
      const reported = input.memory instanceof Float32Array ? { ...input, memory: input.memory.slice() } : input;
      onWindow({
        window,
        skipped: false,
        ids,
        input: reported,
        loc,
        vis,
        feat,
        pendingLoc: pendLoc.slice(),
        pendingVis: pendVis.slice(),
        pendingFeat: pendFeat.slice(),
        paddedContent,
      });
    }
    progress();
  };

  /** Processes frame `pushed`, whose memory is already in the ring. */
  const acceptMemory = async (): Promise<void> => {
    const t = pushed;
    pushed = t + 1;
    await initPointsAt(t);
    if (t === WINDOW_STRIDE * nextRegular + K - 1) {
      const w = nextRegular++;
      await decide({ index: w, start: WINDOW_STRIDE * w, end: WINDOW_STRIDE * w + K - 1 });
      // Any later window starts at or after 4w + 1: older memories are no longer needed and frames <= 4w are final.
      ring.dropBefore(WINDOW_STRIDE * w + 1);
      emitThrough(WINDOW_STRIDE * w + (options.eager ? WINDOW_STRIDE - 1 : 0));
      retainFrom(WINDOW_STRIDE * w + 1);
    }
  };

  const pass: ForwardPass = {
    async addPoints(points) {
      if (finished) throw invalidArgument('range', 'addPoints', 'state', 'a pass that is not finished', 'finished');
      if (points.length === 0) return;
      const earliest = lastDecidedEnd + 1;
      const known = new Set(slots.map((s) => s.id));
      const added: Slot[] = [];
      for (const p of points) {
        if (!Number.isInteger(p.queryFrame) || p.queryFrame < earliest) {
          throw invalidArgument(
            'range',
            'addPoints',
            `point ${p.id} queryFrame`,
            `an integer >= ${earliest} (frames up to ${earliest - 1} are already decided)`,
            describeValue(p.queryFrame),
          );
        }
        if (known.has(p.id)) throw invalidArgument('range', 'addPoints', 'id', 'an id not already tracked', String(p.id));
        known.add(p.id);
        const xy = new Float32Array([p.x, p.y]);
        const ell = new Float32Array([inverseSigmoid(xy[0]!), inverseSigmoid(xy[1]!), 0, 0]);
        added.push({ id: p.id, q: p.queryFrame, xy, ell, init: null });
      }
      const next = [...slots, ...added];
      applySlots(
        next,
        next.map((_, i) => (i < slots.length ? i : -1)),
      );
      for (const frame of new Set(added.map((s) => s.q))) await initPointsAt(frame);
    },
    removePoints(ids) {
      const drop = new Set(ids);
      const from: number[] = [];
      const next: Slot[] = [];
      slots.forEach((s, i) => {
        if (!drop.has(s.id)) {
          next.push(s);
          from.push(i);
        }
      });
      if (next.length !== slots.length) applySlots(next, from);
    },
    async pushFrame(image) {
      signal?.throwIfAborted();
      if (finished) throw invalidArgument('range', 'pushFrame', 'state', 'a pass that is not finished', 'finished');
      if (frameCount !== undefined && pushed >= frameCount) {
        throw invalidArgument('range', 'pushFrame', 'frame', `at most frameCount = ${frameCount} frames`, `frame ${pushed}`);
      }
      // The encoder writes straight into the frame's ring slot.
      const slot = ring.reserve(pushed, memoryFloats);
      try {
        await graphs.encodeFrames(image, 1, slot);
      } catch (error) {
        ring.dropLast();
        throw error;
      }
      framesEncoded++;
      progress();
      await acceptMemory();
    },
    async pushMemory(memory) {
      signal?.throwIfAborted();
      if (finished) throw invalidArgument('range', 'pushMemory', 'state', 'a pass that is not finished', 'finished');
      if (frameCount !== undefined && pushed >= frameCount) {
        throw invalidArgument('range', 'pushMemory', 'frame', `at most frameCount = ${frameCount} frames`, `frame ${pushed}`);
      }
      if (memory.length !== memoryFloats) throw invalidArgument('range', 'pushMemory', 'memory', `${memoryFloats} floats (S·C)`, String(memory.length));
      ring.put(pushed, memory);
      await acceptMemory();
    },
    async finish() {
      if (finished) return new Map();
      finished = true;
      const realCount = pushed;
      if (realCount === 0) return new Map();
      lastReal = realCount - 1;
      // Videos shorter than one window: repeat the last frame (its memory) up to K frames.
      while (pushed < K) {
        ring.repeatLast();
        await acceptMemory();
      }
      const total = pushed;
      const lastRegularEnd = WINDOW_STRIDE * (nextRegular - 1) + K - 1;
      if (lastRegularEnd < total - 1) await decide({ index: nextRegular, start: total - K, end: total - 1 });
      emitThrough(realCount - 1);
      const left = new Map<number, MemoryView>();
      for (let t = ring.first; t < ring.first + ring.size && t < realCount; t++) left.set(t, ring.get(t)!);
      states.clear();
      freeStates.length = 0;
      return left;
    },
    get framesPushed() {
      return pushed;
    },
    get earliestQueryFrame() {
      return lastDecidedEnd + 1;
    },
    get cachedFrames() {
      return ring.size;
    },
  };
  return pass;
}
