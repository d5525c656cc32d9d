// SPDX-License-Identifier: Apache-2.0
// The tracks file: the one JSON layout every taptr-js front end writes and reads (`taptr track
// --out x.json`, the web page's download). Universal code: strings in, strings out, no I/O.
import { describeValue, invalidArgument, TaptrError } from '@taptr/tensor';
import type { QueryPoint } from './queries.js';

/** The `format` field of every tracks file. */
export const TRACKS_FILE_FORMAT = 'taptr-tracks';

/**
 * The layout version {@link writeTracksFile} writes. Version 2 (this one) added `mode` and writes
 * `null` where a point has no position. {@link readTracksFile} also reads the two older layouts:
 * version 1 (the web page's first download) and the unversioned JSON of the first `taptr track`
 * (no `format` or `version` field; read as version 0).
 */
export const TRACKS_FILE_VERSION = 2;

/** The layout versions {@link readTracksFile} reads (0 = the unversioned layout of the first `taptr track`). */
export type TracksFileVersion = 0 | 1 | 2;

/**
 * How the points were tracked: `'forward'` from each point's query frame on (frames before it have
 * no position), `'bidirectional'` also backward from it (every frame has one).
 */
export type TrackingMode = 'forward' | 'bidirectional';

/** The video a tracks file describes. */
export interface TracksFileVideo {
  readonly width: number;
  readonly height: number;
  readonly frames: number;
  /** File name of the video, when the writer knows it. */
  readonly name?: string;
  /**
   * Which of the video file's frames were tracked, when not all of them (`taptr track --start
   * --end --stride --max-frames`): frame `t` of this file is the video's frame `start + t · stride`;
   * `frames` is the video's frame count (0 = unknown). Absent = frame `t` is the video's frame `t`.
   */
  readonly source?: TracksFileSource;
}

/** See {@link TracksFileVideo.source}. */
export interface TracksFileSource {
  readonly start: number;
  readonly stride: number;
  readonly frames: number;
}

/** What {@link writeTracksFile} takes. Tracks and visibility are the tracker's own `[N, T, 2]` / `[N, T]` output. */
export interface TracksFileInput {
  readonly video: TracksFileVideo;
  readonly mode: TrackingMode;
  readonly queries: readonly QueryPoint[];
  /** `[N, T, 2]` (x, y) in video pixels, point-major. */
  readonly tracks: ArrayLike<number>;
  /** `[N, T]`, truthy = visible. */
  readonly visible: ArrayLike<number | boolean>;
  /** Backend that ran the model, e.g. `cpu`. */
  readonly backend?: string;
  /** Model description (JSON-safe). */
  readonly model?: Readonly<Record<string, unknown>>;
  /** Wall-clock times in milliseconds, by stage. */
  readonly timings?: Readonly<Record<string, number>>;
  /**
   * The run stopped before the end (interrupted): only frames `t < framesDone` are final; later
   * frames have no position. Written as `"incomplete": true, "framesDone": k`.
   */
  readonly incomplete?: { readonly framesDone: number };
}

/** A tracks file as {@link readTracksFile} returns it: validated, with typed arrays. */
export interface TracksFile {
  /** Layout version the file was written with (see {@link TracksFileVersion}). */
  readonly version: TracksFileVersion;
  readonly video: TracksFileVideo;
  /** Absent in version 0 and 1 files, which did not record it. */
  readonly mode?: TrackingMode;
  readonly queries: QueryPoint[];
  /** `[N, T, 2]` (x, y) video pixels; NaN where the file has no position (`null`). */
  readonly tracks: Float32Array;
  /** `[N, T]`, 1 = visible, 0 = occluded or no position. */
  readonly visible: Uint8Array;
  readonly backend?: string;
  readonly model?: Record<string, unknown>;
  readonly timings?: Record<string, number>;
  /** Present (true) when the run stopped early; only frames `t < framesDone` have positions. */
  readonly incomplete?: true;
  readonly framesDone?: number;
}

/**
 * First frame at which a point has a position: its query frame in forward mode (the frames before
 * it were never tracked), 0 in bidirectional mode.
 */
export function firstTrackedFrame(mode: TrackingMode, queryFrame: number): number {
  return mode === 'bidirectional' ? 0 : queryFrame;
}

/**
 * The position a tracks file holds for point `n` at frame `t`, or `null` where it has none: before
 * the point's first tracked frame ({@link firstTrackedFrame}), at or after `incomplete.framesDone`,
 * or where a coordinate is not finite. An entry without a position is never visible. The CSV writer
 * of the CLI applies the same rule.
 */
export function positionOf(
  input: Pick<TracksFileInput, 'mode' | 'queries' | 'tracks' | 'video' | 'incomplete'>,
  n: number,
  t: number,
): [number, number] | null {
  if (t < firstTrackedFrame(input.mode, input.queries[n]!.t)) return null;
  if (input.incomplete !== undefined && t >= input.incomplete.framesDone) return null;
  const k = (n * input.video.frames + t) * 2;
  const x = input.tracks[k]!;
  const y = input.tracks[k + 1]!;
  return Number.isFinite(x) && Number.isFinite(y) ? [x, y] : null;
}

/**
 * Shortest decimal form of a number that reads back to the same float32 value (tracks are
 * float32, so at most 9 significant digits are ever needed); `null` for NaN and infinities.
 */
export function float32Number(value: number): number | null {
  if (!Number.isFinite(value)) return null;
  const f = Math.fround(value);
  for (let p = 1; p < 9; p++) {
    const candidate = Number(f.toPrecision(p));
    if (Math.fround(candidate) === f) return candidate;
  }
  return Number(f.toPrecision(9));
}

/**
 * Writes a tracks file (version {@link TRACKS_FILE_VERSION}) as JSON text, one line per point:
 *
 * `{ format: 'taptr-tracks', version: 2, video: {width, height, frames}, mode, incomplete?, framesDone?,
 *   queries: [{t, x, y}], tracks: [N][T] of [x, y] or null, visible: [N][T], backend?, model?, timings? }`
 *
 * Entries without a position ({@link positionOf}: in forward mode, the frames before a point's query
 * frame; in an incomplete file, the frames from `framesDone` on) are `null` with `visible: false`.
 * Coordinates have the fewest digits that read back to the same float32. Returns the text; writing
 * it somewhere is the caller's business.
 * @throws RangeError when `tracks` is not `[N, T, 2]`, `visible` not `[N, T]`, a query frame is
 *   outside the video, or `incomplete.framesDone` is not in `[0, T]`.
 */
export function writeTracksFile(input: TracksFileInput): string {
  const fn = 'writeTracksFile';
  const { video, queries, mode } = input;
  const n = queries.length;
  const frames = video.frames;
  for (const [field, value] of [
    ['video.width', video.width],
    ['video.height', video.height],
    ['video.frames', frames],
  ] as const) {
    if (!Number.isSafeInteger(value) || value < 1) throw invalidArgument('range', fn, field, 'a positive integer', describeValue(value));
  }
  if (mode !== 'forward' && mode !== 'bidirectional') throw invalidArgument('range', fn, 'mode', "'forward' or 'bidirectional'", describeValue(mode));
  if (input.tracks.length !== n * frames * 2)
    throw invalidArgument('range', fn, 'tracks', `[${n}, ${frames}, 2] (${n * frames * 2} values)`, `${input.tracks.length} values`);
  if (input.visible.length !== n * frames)
    throw invalidArgument('range', fn, 'visible', `[${n}, ${frames}] (${n * frames} values)`, `${input.visible.length} values`);
  queries.forEach((q, i) => {
    if (!Number.isInteger(q.t) || q.t < 0 || q.t >= frames)
      throw invalidArgument('range', fn, `queries[${i}].t`, `a frame index in [0, ${frames - 1}]`, describeValue(q.t));
  });
  const done = input.incomplete?.framesDone;
  if (input.incomplete !== undefined && (!Number.isSafeInteger(done) || done! < 0 || done! > frames)) {
    throw invalidArgument('range', fn, 'incomplete.framesDone', `an integer in [0, ${frames}]`, describeValue(done));
  }
  const tracks: ([number | null, number | null] | null)[][] = [];
  const visible: boolean[][] = [];
  for (let i = 0; i < n; i++) {
    const row: ([number | null, number | null] | null)[] = [];
    const vis: boolean[] = [];
    for (let t = 0; t < frames; t++) {
      const p = positionOf(input, i, t);
      row.push(p === null ? null : [float32Number(p[0]), float32Number(p[1])]);
      vis.push(p !== null && Boolean(input.visible[i * frames + t]));
    }
    tracks.push(row);
    visible.push(vis);
  }
  // One line per point: readable without the bloat of full indentation.
  const rows = (items: readonly unknown[]): string => (items.length === 0 ? '[]' : `[\n  ${items.map((r) => JSON.stringify(r)).join(',\n  ')}\n ]`);
  const source = video.source === undefined ? {} : { source: { start: video.source.start, stride: video.source.stride, frames: video.source.frames } };
  const videoJson = { width: video.width, height: video.height, frames, ...(video.name !== undefined ? { name: video.name } : {}), ...source };
  const lines = [
    ` "format": ${JSON.stringify(TRACKS_FILE_FORMAT)}`,
    ` "version": ${TRACKS_FILE_VERSION}`,
    ` "video": ${JSON.stringify(videoJson)}`,
    ` "mode": ${JSON.stringify(mode)}`,
    ...(done !== undefined ? [` "incomplete": true`, ` "framesDone": ${done}`] : []),
    ` "queries": ${rows(queries.map((q) => ({ t: q.t, x: q.x, y: q.y })))}`,
    ` "tracks": ${rows(tracks)}`,
    ` "visible": ${rows(visible)}`,
  ];
  if (input.backend !== undefined) lines.push(` "backend": ${JSON.stringify(input.backend)}`);
  if (input.model !== undefined) lines.push(` "model": ${JSON.stringify(input.model)}`);
  if (input.timings !== undefined) lines.push(` "timings": ${JSON.stringify(input.timings)}`);
  return `{\n${lines.join(',\n')}\n}\n`;
}

/** Options of {@link readTracksFile}. */
export interface ReadTracksFileOptions {
  /** Names the file in error messages (e.g. its path). Defaults to `tracks file`. */
  readonly name?: string;
}

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/** Keys every layout has: a JSON object without `format` and `version` but with these is the unversioned layout (version 0). */
const LEGACY_KEYS = ['video', 'queries', 'tracks', 'visible'] as const;

/**
 * Reads a tracks file from its JSON text or bytes (UTF-8) and validates it. Every layout ever
 * written is read ({@link TracksFileVersion}): version 2, version 1 (the web page's first download:
 * `model` a name, `timing`) and version 0 (the first `taptr track`: no `format` or `version` field).
 * Versions 0 and 1 recorded no `mode` (returned without one) and kept every position (`[null, null]`
 * where a coordinate was not finite). A version this reader does not know (a newer writer) is a
 * `TAPTR_TRACKS_FORMAT` error naming it. Checked: the format tag, the version, the video size, the query frames, `tracks` `[N][T]` of `[x, y]`
 * (finite numbers) or `null`, `visible` `[N][T]` booleans, no visible entry without a position, in
 * forward mode no position before a query frame, and in an incomplete file (`"incomplete": true`,
 * `"framesDone": k`) no position from frame k on. Unknown keys are ignored.
 * @returns the file with `tracks` as float32 `[N, T, 2]` (NaN where there is no position) and
 *   `visible` as uint8 `[N, T]`.
 * @throws TaptrError `TAPTR_TRACKS_FORMAT` naming the file and the field that is wrong;
 *   TypeError when `input` is neither a string nor bytes.
 */
export function readTracksFile(input: string | Uint8Array, options: ReadTracksFileOptions = {}): TracksFile {
  const name = options.name ?? 'tracks file';
  const fail: (message: string) => never = (message) => {
    throw new TaptrError('TAPTR_TRACKS_FORMAT', `${name}: ${message}`);
  };
  let text: string;
  if (typeof input === 'string') text = input;
  else if (input instanceof Uint8Array) {
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(input);
    } catch {
      return fail('not UTF-8 text');
    }
  } else throw invalidArgument('type', 'readTracksFile', 'input', 'a string or a Uint8Array', describeValue(input));
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    return fail(`not valid JSON (${(error as Error).message})`);
  }
  if (!isRecord(doc)) return fail(`must be a JSON object, got ${describeValue(doc)}`);
  const unversioned = !('format' in doc) && !('version' in doc);
  if (unversioned && !LEGACY_KEYS.every((key) => key in doc)) {
    fail(
      `not a tracks file: no "format" field (a tracks file has "format": ${JSON.stringify(TRACKS_FILE_FORMAT)}, or is the unversioned layout with ${LEGACY_KEYS.map((k) => `"${k}"`).join(', ')})`,
    );
  }
  if (!unversioned && doc['format'] !== TRACKS_FILE_FORMAT) fail(`"format" must be ${JSON.stringify(TRACKS_FILE_FORMAT)}, got ${describeValue(doc['format'])}`);
  const version = unversioned ? 0 : doc['version'];
  if (version !== 1 && version !== 2 && version !== 0) {
    const newer = typeof version === 'number' && Number.isInteger(version) && version > TRACKS_FILE_VERSION;
    return fail(
      newer
        ? `"version" ${version} is newer than this reader, which knows versions 0 to ${TRACKS_FILE_VERSION}: read it with a newer @taptr/tracker (taptr)`
        : `"version" must be 1 or 2 (or absent with "format", the unversioned layout), got ${describeValue(version)}`,
    );
  }

  const video = doc['video'];
  if (!isRecord(video)) return fail(`"video" must be an object {width, height, frames}, got ${describeValue(video)}`);
  const size = (field: 'width' | 'height' | 'frames'): number => {
    const v = video[field];
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) fail(`video.${field} must be a positive integer, got ${describeValue(v)}`);
    return v;
  };
  const width = size('width');
  const height = size('height');
  const frames = size('frames');
  const videoName = video['name'];
  if (videoName !== undefined && typeof videoName !== 'string') fail(`video.name must be a string, got ${describeValue(videoName)}`);
  const rawSource = video['source'];
  let source: TracksFileSource | undefined;
  if (rawSource !== undefined) {
    if (!isRecord(rawSource)) return fail(`video.source must be an object {start, stride, frames}, got ${describeValue(rawSource)}`);
    const field = (key: 'start' | 'stride' | 'frames', min: number): number => {
      const v = rawSource[key];
      if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min)
        fail(`video.source.${key} must be ${min === 0 ? 'a non-negative' : 'a positive'} integer, got ${describeValue(v)}`);
      return v;
    };
    source = { start: field('start', 0), stride: field('stride', 1), frames: field('frames', 0) };
    if (source.frames > 0 && source.start + (frames - 1) * source.stride >= source.frames) {
      fail(`video.source: frame ${frames - 1} would be the video's frame ${source.start + (frames - 1) * source.stride}, past its ${source.frames} frames`);
    }
  }

  let mode: TrackingMode | undefined;
  if (version === 2) {
    const m = doc['mode'];
    if (m !== 'forward' && m !== 'bidirectional') fail(`"mode" must be "forward" or "bidirectional", got ${describeValue(m)}`);
    mode = m;
  }

  const incomplete = doc['incomplete'];
  const framesDoneField = doc['framesDone'];
  if (incomplete !== undefined && incomplete !== true) fail(`"incomplete" must be true or absent, got ${describeValue(incomplete)}`);
  if (
    incomplete === true &&
    (typeof framesDoneField !== 'number' || !Number.isSafeInteger(framesDoneField) || framesDoneField < 0 || framesDoneField > frames)
  ) {
    fail(`"framesDone" must be an integer in [0, ${frames}] in an incomplete file, got ${describeValue(framesDoneField)}`);
  }
  if (incomplete === undefined && framesDoneField !== undefined)
    fail(`"framesDone" is only written with "incomplete": true, got ${describeValue(framesDoneField)} in a complete file`);
  const framesDone = incomplete === true ? (framesDoneField as number) : frames;

  const rawQueries = doc['queries'];
  if (!Array.isArray(rawQueries)) return fail(`"queries" must be an array of {t, x, y}, got ${describeValue(rawQueries)}`);
  const queries = rawQueries.map((q: unknown, i): QueryPoint => {
    if (!isRecord(q)) return fail(`queries[${i}] must be an object {t, x, y}, got ${describeValue(q)}`);
    const { t, x, y } = q;
    if (typeof t !== 'number' || !Number.isInteger(t) || t < 0 || t >= frames)
      fail(`queries[${i}].t must be a frame index in [0, ${frames - 1}], got ${describeValue(t)}`);
    if (typeof x !== 'number' || !Number.isFinite(x)) fail(`queries[${i}].x must be a finite number, got ${describeValue(x)}`);
    if (typeof y !== 'number' || !Number.isFinite(y)) fail(`queries[${i}].y must be a finite number, got ${describeValue(y)}`);
    return { t: t, x: x, y: y };
  });
  const n = queries.length;

  // Check every row's length before allocating [N, T, 2] (frames is only a claim until then).
  const matrix = (field: 'tracks' | 'visible', inner: string): unknown[][] => {
    const rows = doc[field];
    if (!Array.isArray(rows) || rows.length !== n)
      fail(
        `"${field}" must be an array of ${n} rows (one per query) of ${frames} ${inner}, got ${Array.isArray(rows) ? `${rows.length} rows` : describeValue(rows)}`,
      );
    (rows as unknown[]).forEach((row, i) => {
      if (!Array.isArray(row) || row.length !== frames)
        fail(`${field}[${i}] must be an array of ${frames} ${inner} (one per frame), got ${Array.isArray(row) ? `${row.length} items` : describeValue(row)}`);
    });
    return rows as unknown[][];
  };
  const trackRows = matrix('tracks', version === 2 ? '[x, y] or null' : '[x, y]');
  const visibleRows = matrix('visible', 'booleans');
  const tracks = new Float32Array(n * frames * 2).fill(Number.NaN);
  const visible = new Uint8Array(n * frames);
  for (let i = 0; i < n; i++) {
    const first = mode === undefined ? 0 : firstTrackedFrame(mode, queries[i]!.t);
    for (let t = 0; t < frames; t++) {
      const where = `[${i}][${t}]`;
      const entry = trackRows[i]![t];
      let hasPosition = false;
      if (entry !== null || version < 2) {
        // Versions 0 and 1 wrote a missing coordinate as [null, null] (JSON.stringify of NaN).
        const ok =
          Array.isArray(entry) && entry.length === 2 && entry.every((v) => (typeof v === 'number' && Number.isFinite(v)) || (version < 2 && v === null));
        if (!ok) fail(`tracks${where} must be ${version === 2 ? '[x, y] (finite numbers) or null' : '[x, y]'}, got ${describeValue(entry)}`);
        const [x, y] = entry as [number | null, number | null];
        if (x !== null && y !== null) {
          if (t < first) fail(`tracks${where} must be null: frame ${t} is before the query frame ${queries[i]!.t} of point ${i} (mode "forward")`);
          if (t >= framesDone) fail(`tracks${where} must be null: frame ${t} is not done in an incomplete file (framesDone ${framesDone})`);
          tracks[(i * frames + t) * 2] = x;
          tracks[(i * frames + t) * 2 + 1] = y;
          hasPosition = true;
        }
      }
      const v = visibleRows[i]![t];
      if (typeof v !== 'boolean') fail(`visible${where} must be true or false, got ${describeValue(v)}`);
      if (v && !hasPosition) fail(`visible${where} is true but tracks${where} has no position`);
      visible[i * frames + t] = v ? 1 : 0;
    }
  }

  const file: {
    -readonly [K in keyof TracksFile]: TracksFile[K];
  } = {
    version,
    video: { width, height, frames, ...(typeof videoName === 'string' ? { name: videoName } : {}), ...(source !== undefined ? { source } : {}) },
    queries,
    tracks,
    visible,
  };
  if (mode !== undefined) file.mode = mode;
  if (incomplete === true) {
    file.incomplete = true;
    file.framesDone = framesDone;
  }
  const backend = doc['backend'];
  if (backend !== undefined) {
    if (typeof backend !== 'string') fail(`"backend" must be a string, got ${describeValue(backend)}`);
    file.backend = backend;
  }
  const model = doc['model'];
  if (model !== undefined) {
    // Version 1 recorded the model as its name.
    if (version === 1 && typeof model === 'string') file.model = { name: model };
    else if (!isRecord(model)) fail(`"model" must be an object, got ${describeValue(model)}`);
    else file.model = model;
  }
  const timings = version === 1 ? doc['timing'] : doc['timings'];
  if (timings !== undefined) {
    const field = version === 1 ? 'timing' : 'timings';
    if (!isRecord(timings)) return fail(`"${field}" must be an object of numbers, got ${describeValue(timings)}`);
    for (const [key, value] of Object.entries(timings)) {
      if (typeof value !== 'number') fail(`${field}.${key} must be a number, got ${describeValue(value)}`);
    }
    file.timings = timings as Record<string, number>;
  }
  return file;
}
