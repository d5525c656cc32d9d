// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';
import { isTaptrError, type TaptrError } from '@taptr/tensor';
import { fuzzBytes } from '@taptr/tensor/testing';
import { float32Number, readTracksFile, type TracksFile, type TracksFileInput, writeTracksFile } from './tracks-file.js';

// 2 points x 4 frames; point 1 is queried at frame 2. Point 0 has a NaN at frame 3.
const tracks = Float32Array.from([1.25, 2.5, 3.1, 4.2, 5, 6, Number.NaN, 7, /* point 1 */ 10, 11, 12, 13, 12.75, 13, 14.5, 15]);
const visible = Uint8Array.from([1, 1, 0, 1, /* point 1 */ 1, 1, 1, 0]);
const input: TracksFileInput = {
  video: { width: 32, height: 24, frames: 4 },
  mode: 'forward',
  queries: [
    { t: 0, x: 1.25, y: 2.5 },
    { t: 2, x: 12.75, y: 13 },
  ],
  tracks,
  visible,
  backend: 'cpu',
  model: { path: 'models/x', precision: 'fp32' },
  timings: { loadMs: 3, trackMs: 12 },
};

function failure(text: string | Uint8Array): string {
  try {
    readTracksFile(text, { name: 't.json' });
  } catch (error) {
    expect(isTaptrError(error, 'TAPTR_TRACKS_FORMAT'), String(error)).toBe(true);
    return (error as TaptrError).message;
  }
  throw new Error('readTracksFile accepted the text');
}

/** A version 2 file in the unversioned layout of the first taptr track (no format, version or mode; [null, null] for no position). */
function unversioned(v2: string): string {
  const { format: _f, version: _v, mode: _m, ...doc } = JSON.parse(v2) as Record<string, unknown>;
  doc['tracks'] = (doc['tracks'] as unknown[][]).map((row) => row.map((p) => p ?? [null, null]));
  return JSON.stringify(doc);
}

describe('writeTracksFile / readTracksFile', () => {
  it('writes version 2 with null before the query frame (forward) and reads back the float32 values', () => {
    const text = writeTracksFile(input);
    const doc = JSON.parse(text) as Record<string, unknown>;
    expect(Object.keys(doc)).toEqual(['format', 'version', 'video', 'mode', 'queries', 'tracks', 'visible', 'backend', 'model', 'timings']);
    expect(doc['format']).toBe('taptr-tracks');
    expect(doc['version']).toBe(2);
    expect(doc['tracks']).toEqual([
      [[1.25, 2.5], [3.1, 4.2], [5, 6], null],
      [null, null, [12.75, 13], [14.5, 15]],
    ]);
    // Before the query frame and where the position is not finite: no position, not visible.
    expect(doc['visible']).toEqual([
      [true, true, false, false],
      [false, false, true, false],
    ]);
    // One line per point.
    expect(text.split('\n').filter((l) => l.startsWith('  [[') || l.startsWith('  [null'))).toHaveLength(2);

    const back = readTracksFile(text);
    expect(back.version).toBe(2);
    expect(back.mode).toBe('forward');
    expect(back.video).toEqual({ width: 32, height: 24, frames: 4 });
    expect(back.queries).toEqual(input.queries);
    expect(back.backend).toBe('cpu');
    expect(back.model).toEqual(input.model);
    expect(back.timings).toEqual(input.timings);
    expect(Array.from(back.visible)).toEqual([1, 1, 0, 0, 0, 0, 1, 0]);
    const expected = Array.from(tracks).map((v, i) => (i === 6 || i === 7 || (i >= 8 && i < 12) ? Number.NaN : v));
    expect(Array.from(back.tracks)).toEqual(expected.map((v) => Math.fround(v)));
    // float32 text: 3.1 is written as the shortest text of float32(3.1), which reads back exactly.
    expect(back.tracks[2]).toBe(tracks[2]);
  });

  it('keeps every position in bidirectional mode', () => {
    const back = readTracksFile(writeTracksFile({ ...input, mode: 'bidirectional' }));
    expect(back.mode).toBe('bidirectional');
    expect(Array.from(back.tracks.subarray(8, 12))).toEqual([10, 11, 12, 13]);
    expect(Array.from(back.visible)).toEqual([1, 1, 0, 0, 1, 1, 1, 0]);
  });

  it('reads the bytes (UTF-8) and files without the optional metadata', () => {
    const { backend: _b, model: _m, timings: _t, ...bare } = input;
    const text = writeTracksFile(bare);
    expect(Object.keys(JSON.parse(text) as object)).not.toContain('backend');
    const back = readTracksFile(new TextEncoder().encode(text));
    expect(back.backend).toBeUndefined();
    expect(back.model).toBeUndefined();
    expect(back.queries).toHaveLength(2);
  });

  it("reads version 1 (the web page's first layout)", () => {
    const v1 = {
      format: 'taptr-tracks',
      version: 1,
      video: { name: 'clip.mp4', frames: 2, width: 8, height: 8 },
      model: 'taptr-v1',
      backend: 'wasm',
      runtime: 'onnxruntime-web',
      queries: [{ id: 0, t: 1, x: 2, y: 3 }],
      tracks: [
        [
          [2, 3],
          [null, null],
        ],
      ],
      visible: [[true, false]],
      decoderWindows: { 'sample-first': 1, 'project-first': 0 },
      timing: { loadMs: 1, trackMs: 2, msPerFrame: 1 },
    };
    const back = readTracksFile(JSON.stringify(v1));
    expect(back.version).toBe(1);
    expect(back.mode).toBeUndefined();
    expect(back.video).toEqual({ width: 8, height: 8, frames: 2, name: 'clip.mp4' });
    expect(back.queries).toEqual([{ t: 1, x: 2, y: 3 }]);
    expect(Array.from(back.tracks)).toEqual([2, 3, Number.NaN, Number.NaN]);
    expect(back.model).toEqual({ name: 'taptr-v1' });
    expect(back.timings).toEqual({ loadMs: 1, trackMs: 2, msPerFrame: 1 });
  });

  it('reads version 0 (the unversioned JSON of the first taptr track: no format, no version)', () => {
    // As the first taptr track wrote it: every frame has a position ([null, null] where not finite), no mode.
    const v0 = `{
 "video": {"width":32,"height":24,"frames":3},
 "queries": [
  {"t":1,"x":4.5,"y":6}
 ],
 "tracks": [
  [[4.5,6],[4.5,6],[null,null]]
 ],
 "visible": [
  [true,true,false]
 ],
 "backend": "cpu",
 "model": {"path":"models/x","config":"reference"},
 "timings": {"loadMs":3,"trackMs":12}
}
`;
    const back = readTracksFile(v0);
    expect(back.version).toBe(0);
    expect(back.mode).toBeUndefined();
    expect(back.video).toEqual({ width: 32, height: 24, frames: 3 });
    expect(back.queries).toEqual([{ t: 1, x: 4.5, y: 6 }]);
    expect(Array.from(back.tracks)).toEqual([4.5, 6, 4.5, 6, Number.NaN, Number.NaN]);
    expect(Array.from(back.visible)).toEqual([1, 1, 0]);
    expect(back).toMatchObject({ backend: 'cpu', model: { path: 'models/x', config: 'reference' }, timings: { loadMs: 3, trackMs: 12 } });
    // Checked like the others: a visible entry needs a position.
    expect(failure(v0.replace('[true,true,false]', '[true,true,true]'))).toBe('t.json: visible[0][2] is true but tracks[0][2] has no position');
  });

  it("records which of the video file's frames were tracked (video.source) and checks it", () => {
    const text = writeTracksFile({ ...input, video: { ...input.video, source: { start: 10, stride: 3, frames: 20 } } });
    expect((JSON.parse(text) as { video: unknown }).video).toEqual({
      width: input.video.width,
      height: input.video.height,
      frames: 4,
      source: { start: 10, stride: 3, frames: 20 },
    });
    expect(readTracksFile(text).video.source).toEqual({ start: 10, stride: 3, frames: 20 });
    // Frame 3 would be the video's frame 10 + 3 * 4 = 22, past its 20 frames.
    const past = text.replace('"source":{"start":10,"stride":3,"frames":20}', '"source":{"start":10,"stride":4,"frames":20}');
    expect(failure(past)).toBe("t.json: video.source: frame 3 would be the video's frame 22, past its 20 frames");
    expect(failure(text.replace('"stride":3', '"stride":0'))).toBe('t.json: video.source.stride must be a positive integer, got 0');
    expect(failure(text.replace('"source":{"start":10,"stride":3,"frames":20}', '"source":[10,3]'))).toBe(
      't.json: video.source must be an object {start, stride, frames}, got [10, 3]',
    );
    expect(readTracksFile(writeTracksFile(input)).video.source).toBeUndefined();
  });

  it('names the file and the field that is wrong', () => {
    const good = JSON.parse(writeTracksFile(input)) as Record<string, unknown>;
    const edit = (patch: (doc: Record<string, unknown>) => void): string => {
      const doc = structuredClone(good);
      patch(doc);
      return JSON.stringify(doc);
    };
    expect(failure('{"format": "taptr-tracks",')).toMatch(/^t\.json: not valid JSON \(/);
    expect(failure(Uint8Array.from([0x7b, 0xff, 0x7d]))).toBe('t.json: not UTF-8 text');
    expect(failure('[]')).toBe('t.json: must be a JSON object, got []');
    expect(failure(edit((d) => (d['format'] = 'cotracker')))).toBe('t.json: "format" must be "taptr-tracks", got "cotracker"');
    expect(failure(edit((d) => (d['version'] = 3)))).toBe(
      't.json: "version" 3 is newer than this reader, which knows versions 0 to 2: read it with a newer @taptr/tracker (taptr)',
    );
    expect(failure(edit((d) => (d['version'] = '2')))).toBe('t.json: "version" must be 1 or 2 (or absent with "format", the unversioned layout), got "2"');
    expect(failure(edit((d) => delete d['version']))).toBe('t.json: "version" must be 1 or 2 (or absent with "format", the unversioned layout), got undefined');
    expect(failure(edit((d) => delete d['format']))).toBe('t.json: "format" must be "taptr-tracks", got undefined');
    expect(failure('{"points": []}')).toBe(
      't.json: not a tracks file: no "format" field (a tracks file has "format": "taptr-tracks", or is the unversioned layout with "video", "queries", "tracks", "visible")',
    );
    expect(failure(edit((d) => ((d['video'] as Record<string, unknown>)['frames'] = 0)))).toBe('t.json: video.frames must be a positive integer, got 0');
    expect(failure(edit((d) => delete d['mode']))).toBe('t.json: "mode" must be "forward" or "bidirectional", got undefined');
    expect(failure(edit((d) => ((d['queries'] as { t: number }[])[1]!.t = 4)))).toBe('t.json: queries[1].t must be a frame index in [0, 3], got 4');
    expect(failure(edit((d) => ((d['queries'] as { x: unknown }[])[0]!.x = '1')))).toBe('t.json: queries[0].x must be a finite number, got "1"');
    expect(failure(edit((d) => (d['tracks'] as unknown[]).pop()))).toBe(
      't.json: "tracks" must be an array of 2 rows (one per query) of 4 [x, y] or null, got 1 rows',
    );
    expect(failure(edit((d) => (d['visible'] as unknown[][])[1]!.pop()))).toBe(
      't.json: visible[1] must be an array of 4 booleans (one per frame), got 3 items',
    );
    expect(failure(edit((d) => ((d['tracks'] as unknown[][])[0]![1] = [1, 2, 3])))).toBe(
      't.json: tracks[0][1] must be [x, y] (finite numbers) or null, got [1, 2, 3]',
    );
    expect(failure(edit((d) => ((d['tracks'] as unknown[][])[0]![1] = [null, 2])))).toBe(
      't.json: tracks[0][1] must be [x, y] (finite numbers) or null, got [null, 2]',
    );
    expect(failure(edit((d) => ((d['tracks'] as unknown[][])[1]![0] = [1, 2])))).toBe(
      't.json: tracks[1][0] must be null: frame 0 is before the query frame 2 of point 1 (mode "forward")',
    );
    expect(failure(edit((d) => ((d['visible'] as unknown[][])[0]![3] = true)))).toBe('t.json: visible[0][3] is true but tracks[0][3] has no position');
    expect(failure(edit((d) => ((d['visible'] as unknown[][])[0]![0] = 1)))).toBe('t.json: visible[0][0] must be true or false, got 1');
    expect(failure(edit((d) => (d['model'] = 'x')))).toBe('t.json: "model" must be an object, got "x"');
    expect(failure(edit((d) => (d['timings'] = { loadMs: '3' })))).toBe('t.json: timings.loadMs must be a number, got "3"');
    expect(() => readTracksFile(42 as unknown as string)).toThrow(new TypeError('readTracksFile: input must be a string or a Uint8Array, got 42'));
  });

  it('marks a run that stopped early: incomplete, framesDone, no position from there on (JSON null), read back', () => {
    const text = writeTracksFile({ ...input, incomplete: { framesDone: 2 } });
    const doc = JSON.parse(text) as Record<string, unknown>;
    expect(Object.keys(doc).slice(0, 6)).toEqual(['format', 'version', 'video', 'mode', 'incomplete', 'framesDone']);
    expect(doc).toMatchObject({ incomplete: true, framesDone: 2, video: { frames: 4 } });
    expect(doc['tracks']).toEqual([
      [[1.25, 2.5], [3.1, 4.2], null, null],
      [null, null, null, null],
    ]);
    expect(doc['visible']).toEqual([
      [true, true, false, false],
      [false, false, false, false],
    ]);
    const file = readTracksFile(text);
    expect(file).toMatchObject({ incomplete: true, framesDone: 2 });
    expect(Array.from(file.tracks.subarray(0, 4))).toEqual([1.25, 2.5, Math.fround(3.1), Math.fround(4.2)]);
    expect(Number.isNaN(file.tracks[4])).toBe(true);
    // A complete file has neither field.
    expect(readTracksFile(writeTracksFile(input))).not.toHaveProperty('incomplete');
    expect(() => writeTracksFile({ ...input, incomplete: { framesDone: 5 } })).toThrow(
      new RangeError('writeTracksFile: incomplete.framesDone must be an integer in [0, 4], got 5'),
    );
    const edit = (change: (doc: Record<string, unknown>) => void): string => {
      const d = JSON.parse(text) as Record<string, unknown>;
      change(d);
      return JSON.stringify(d);
    };
    expect(failure(edit((d) => ((d['tracks'] as unknown[][])[0]![2] = [1, 2])))).toBe(
      't.json: tracks[0][2] must be null: frame 2 is not done in an incomplete file (framesDone 2)',
    );
    expect(failure(edit((d) => (d['framesDone'] = 4.5)))).toBe('t.json: "framesDone" must be an integer in [0, 4] in an incomplete file, got 4.5');
    expect(failure(edit((d) => (d['incomplete'] = false)))).toBe('t.json: "incomplete" must be true or absent, got false');
    expect(failure(edit((d) => delete d['incomplete']))).toBe('t.json: "framesDone" is only written with "incomplete": true, got 2 in a complete file');
  });

  it('refuses to write arrays of the wrong shape or a query outside the video', () => {
    expect(() => writeTracksFile({ ...input, tracks: tracks.subarray(2) })).toThrow(
      new RangeError('writeTracksFile: tracks must be [2, 4, 2] (16 values), got 14 values'),
    );
    expect(() => writeTracksFile({ ...input, visible: visible.subarray(1) })).toThrow(/^writeTracksFile: visible must be \[2, 4\] \(8 values\), got 7 values$/);
    expect(() => writeTracksFile({ ...input, queries: [input.queries[0]!, { t: 4, x: 0, y: 0 }] })).toThrow(
      /queries\[1\]\.t must be a frame index in \[0, 3\], got 4/,
    );
  });

  it.each([
    ['version 2', writeTracksFile(input)],
    ['version 0 (unversioned)', unversioned(writeTracksFile({ ...input, mode: 'bidirectional' }))],
  ])('survives thousands of seeded mutations of %s: every case is a TAPTR_TRACKS_FORMAT or a well-formed file', async (_, source) => {
    const bytes = new TextEncoder().encode(source);
    const text = new TextDecoder().decode(bytes);
    if (source !== writeTracksFile(input)) expect(readTracksFile(source).version).toBe(0);
    const hot = (key: string): [number, number] => {
      const at = text.indexOf(`"${key}"`);
      return [at, at + 80];
    };
    const report = await fuzzBytes<TracksFile>({
      input: bytes,
      seed: 0x7472616b,
      minCases: 3000,
      budgetMs: 3000,
      tokens: [
        'null',
        'true',
        'false',
        '[',
        ']',
        '{',
        '}',
        ',',
        ':',
        '"',
        '-1',
        '0',
        '1e400',
        '4',
        '2',
        '-0',
        '1.5',
        '"x"',
        '[1,2]',
        '[null,null]',
        '"version"',
        '"frames"',
        '"bidirectional"',
        '"forward"',
        '{"name":1}',
      ],
      hotRanges: [hot('video'), hot('queries'), hot('tracks'), hot('visible'), ...(text.includes('"version"') ? [hot('version'), hot('mode')] : [])],
      read: (b) => readTracksFile(b),
      onAccept: (file) => {
        const { width, height, frames } = file.video;
        if (![width, height, frames].every((v) => Number.isSafeInteger(v) && v > 0)) throw new Error(`bad video ${JSON.stringify(file.video)}`);
        const n = file.queries.length;
        if (file.tracks.length !== n * frames * 2 || file.visible.length !== n * frames)
          throw new Error(`arrays are not [${n}, ${frames}, 2] / [${n}, ${frames}]`);
        file.queries.forEach((q, i) => {
          if (!Number.isInteger(q.t) || q.t < 0 || q.t >= frames || !Number.isFinite(q.x) || !Number.isFinite(q.y)) throw new Error(`bad query ${i}`);
        });
        for (let i = 0; i < n * frames; i++) {
          const has = !Number.isNaN(file.tracks[2 * i]!);
          if (has !== !Number.isNaN(file.tracks[2 * i + 1]!)) throw new Error(`half a position at ${i}`);
          if (file.visible[i]! > 1 || (file.visible[i] === 1 && !has)) throw new Error(`visible without a position at ${i}`);
          if (file.mode === 'forward' && has && i % frames < file.queries[Math.floor(i / frames)]!.t)
            throw new Error(`position before the query frame at ${i}`);
        }
      },
    });
    expect(report.failures, report.summary).toEqual([]);
    expect(report.cases).toBeGreaterThanOrEqual(3000);
    expect(report.rejected['TAPTR_TRACKS_FORMAT'] ?? 0, report.summary).toBeGreaterThan(report.cases / 2);
  });
});

describe('float32Number', () => {
  it('gives the shortest text that reads back to the same float32', () => {
    expect(float32Number(Math.fround(0.1))).toBe(0.1);
    expect(float32Number(Math.fround(123.456789))).toBe(123.45679);
    expect(Math.fround(float32Number(Math.fround(1 / 3))!)).toBe(Math.fround(1 / 3));
    expect(float32Number(Number.POSITIVE_INFINITY)).toBeNull();
  });
});
