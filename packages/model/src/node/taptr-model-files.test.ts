// SPDX-License-Identifier: Apache-2.0
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isTaptrError, tensor } from '@taptr/tensor';
import { compareClose, loadJson, loadNpy } from '@taptr/tensor/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { TAPTR_FIXTURES } from '../../test/fixture-dir.js';
import { runOnnx } from '../../test/run-onnx.js';
import { parseTaptrConfig } from '../config/taptr-config.js';
import { TAPTR_GRAPH_FILES } from '../format/graph-roles.js';
import { loadTaptrModel as loadWith } from '../format/load-taptr-model.js';
import { TAPTR_MODEL_MANIFEST, type TaptrModelManifest } from '../format/taptr-manifest.js';
import { applyTaptrPrecision } from '../graphs/taptr-precision.js';
import { fsModelReader } from './fs-model-reader.js';
import { convertTaptrCheckpoint, readTaptrConfigFile, saveTaptrModel, sha256Hex } from './taptr-model-files.js';

/** A folder on disk through the universal loader (as the CLI loads `--model <folder>`). */
const loadTaptrModel = (folder: string, options: { verify?: 'sha256' | 'size' } = {}) => loadWith(fsModelReader(folder), { ...options, where: folder });

const config = parseTaptrConfig(loadJson(TAPTR_FIXTURES, 'config.json'));
const checkpointPath = join(TAPTR_FIXTURES, 'checkpoint.pth');
const dir = mkdtempSync(join(tmpdir(), 'taptr-model-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function expectCode(promise: Promise<unknown>, code: string, fragment: string): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isTaptrError(error), String(error)).toBe(true);
  expect((error as { code: string }).code).toBe(code);
  expect((error as Error).message).toContain(fragment);
}

describe('saveTaptrModel / loadTaptrModel', () => {
  it('converts the fixture checkpoint, writes the graphs + model.json with spec §13 I/O names, and loads them back', async () => {
    const manifest = await convertTaptrCheckpoint(checkpointPath, dir, { config });
    expect(manifest.source.sha256).toBe(sha256Hex(new Uint8Array(readFileSync(checkpointPath))));
    const names = (role: 'frameEncoder' | 'queryInit' | 'decoderWindow') => ({
      inputs: manifest.graphs[role].inputs!.map((v) => v.name),
      outputs: manifest.graphs[role].outputs!.map((v) => v.name),
    });
    expect(names('frameEncoder')).toEqual({ inputs: ['image'], outputs: ['memory'] });
    expect(manifest.graphs.frameEncoder.inputs![0]).toEqual({ name: 'image', type: 'float32', dims: ['B', 3, config.resolution, config.resolution] });
    expect(names('queryInit')).toEqual({ inputs: ['memory', 'xy_norm'], outputs: ['content', 'ref_unsig'] });
    expect(names('decoderWindow')).toEqual({
      inputs: ['memory', 'content', 'ref_unsig', 'track_mask', 'update_mask', 'init_content'],
      outputs: ['ref_unsig_out', 'vis_logits', 'content_out'],
    });
    // The few-points decoder: its own file, the same declared inputs and outputs as decoder_window.
    const fast = manifest.graphs.decoderWindowSampleFirst!;
    expect(fast.file).toBe('decoder_window_sample_first.onnx');
    expect({ inputs: fast.inputs, outputs: fast.outputs }).toEqual({
      inputs: manifest.graphs.decoderWindow.inputs,
      outputs: manifest.graphs.decoderWindow.outputs,
    });
    expect(fast.sha256).not.toBe(manifest.graphs.decoderWindow.sha256);

    const loaded = await loadTaptrModel(dir);
    expect(loaded.graphs.config).toEqual(config);
    expect(loaded.manifest).toEqual(manifest);
    // The signatures model.json lists travel with the graphs (the tracker checks them without decoding a graph).
    expect(loaded.graphs.signatures?.decoderWindow).toEqual({
      name: manifest.graphs.decoderWindow.name,
      inputs: manifest.graphs.decoderWindow.inputs,
      outputs: manifest.graphs.decoderWindow.outputs,
    });
    expect(Object.keys(loaded.graphs.signatures ?? {})).toEqual(['frameEncoder', 'queryInit', 'decoderWindow', 'decoderWindowSampleFirst']);
    for (const role of ['frameEncoder', 'queryInit', 'decoderWindow', 'decoderWindowSampleFirst'] as const) {
      expect(sha256Hex(loaded.graphs[role]!)).toBe(manifest.graphs[role]!.sha256);
    }
    // The loaded encoder computes the official memory.
    const input = loadNpy(TAPTR_FIXTURES, 'first.model_input_kept.npy');
    const per = input.data.length / input.dims[0]!;
    const out = await runOnnx(loaded.graphs.frameEncoder, {
      image: tensor('float32', [1, ...input.dims.slice(1)], (input.data as Float32Array).slice(0, per)),
    });
    const expected = loadNpy(TAPTR_FIXTURES, 'first.memory_qframes.npy');
    const perMemory = expected.data.length / expected.dims[0]!;
    const report = compareClose(out.memory!.data, (expected.data as Float32Array).subarray(0, perMemory), { atol: 1e-3 });
    expect(report.ok, report.message).toBe(true);
  });

  it('rejects a corrupted graph file (TAPTR_CHECKSUM_MISMATCH), a missing one (TAPTR_IO) and a foreign manifest (TAPTR_CONFIG_INVALID)', async () => {
    const bad = mkdtempSync(join(tmpdir(), 'taptr-model-bad-'));
    try {
      const manifest = readFileSync(join(dir, TAPTR_MODEL_MANIFEST));
      writeFileSync(join(bad, TAPTR_MODEL_MANIFEST), manifest);
      await expectCode(loadTaptrModel(bad), 'TAPTR_IO', TAPTR_GRAPH_FILES.frameEncoder);
      for (const file of Object.values(TAPTR_GRAPH_FILES)) writeFileSync(join(bad, file), readFileSync(join(dir, file)));
      const query = readFileSync(join(dir, TAPTR_GRAPH_FILES.queryInit));
      query[query.length - 1]! ^= 1;
      writeFileSync(join(bad, TAPTR_GRAPH_FILES.queryInit), query);
      await expectCode(loadTaptrModel(bad), 'TAPTR_CHECKSUM_MISMATCH', TAPTR_GRAPH_FILES.queryInit);
      // verify 'size': the size is checked, not the sha256.
      expect((await loadTaptrModel(bad, { verify: 'size' })).graphs.queryInit.length).toBe(query.length);
      writeFileSync(join(bad, TAPTR_GRAPH_FILES.queryInit), query.subarray(1));
      await expectCode(
        loadTaptrModel(bad, { verify: 'size' }),
        'TAPTR_CHECKSUM_MISMATCH',
        `${TAPTR_GRAPH_FILES.queryInit} has ${query.length - 1} bytes, model.json says ${query.length}`,
      );
      writeFileSync(join(bad, TAPTR_MODEL_MANIFEST), JSON.stringify({ format: 'other' }));
      await expectCode(loadTaptrModel(bad), 'TAPTR_CONFIG_INVALID', 'not a taptr-js-model manifest');
    } finally {
      rmSync(bad, { recursive: true, force: true });
    }
  });

  it('loads a folder without the few-points decoder (written before it existed) and writes one without it', async () => {
    const old = mkdtempSync(join(tmpdir(), 'taptr-model-old-'));
    try {
      // A model folder as converted before decoder_window_sample_first.onnx existed.
      const manifest = JSON.parse(readFileSync(join(dir, TAPTR_MODEL_MANIFEST), 'utf8')) as TaptrModelManifest;
      const { decoderWindowSampleFirst: _, ...required } = manifest.graphs;
      writeFileSync(join(old, TAPTR_MODEL_MANIFEST), JSON.stringify({ ...manifest, graphs: required }));
      for (const role of ['frameEncoder', 'queryInit', 'decoderWindow'] as const)
        writeFileSync(join(old, TAPTR_GRAPH_FILES[role]), readFileSync(join(dir, TAPTR_GRAPH_FILES[role])));
      const loaded = await loadTaptrModel(old);
      expect(loaded.graphs.decoderWindowSampleFirst).toBeUndefined();
      expect(sha256Hex(loaded.graphs.decoderWindow)).toBe(manifest.graphs.decoderWindow.sha256);
      expect(Object.keys(loaded.manifest.graphs).sort()).toEqual(['decoderWindow', 'frameEncoder', 'queryInit']);

      // Saving such graphs writes no fifth file and no manifest entry.
      const again = join(old, 'again');
      const written = await saveTaptrModel(again, loaded.graphs);
      expect(written.graphs.decoderWindowSampleFirst).toBeUndefined();
      expect(existsSync(join(again, TAPTR_GRAPH_FILES.decoderWindowSampleFirst))).toBe(false);
      expect((await loadTaptrModel(again)).graphs.decoderWindowSampleFirst).toBeUndefined();
    } finally {
      rmSync(old, { recursive: true, force: true });
    }
  });

  it('checks the listed few-points decoder like the other graphs, and its declared I/O when saving', async () => {
    const bad = mkdtempSync(join(tmpdir(), 'taptr-model-fast-'));
    try {
      writeFileSync(join(bad, TAPTR_MODEL_MANIFEST), readFileSync(join(dir, TAPTR_MODEL_MANIFEST)));
      for (const role of ['frameEncoder', 'queryInit', 'decoderWindow'] as const)
        writeFileSync(join(bad, TAPTR_GRAPH_FILES[role]), readFileSync(join(dir, TAPTR_GRAPH_FILES[role])));
      await expectCode(loadTaptrModel(bad), 'TAPTR_IO', TAPTR_GRAPH_FILES.decoderWindowSampleFirst);
      const fast = readFileSync(join(dir, TAPTR_GRAPH_FILES.decoderWindowSampleFirst));
      fast[fast.length - 1]! ^= 1;
      writeFileSync(join(bad, TAPTR_GRAPH_FILES.decoderWindowSampleFirst), fast);
      await expectCode(loadTaptrModel(bad), 'TAPTR_CHECKSUM_MISMATCH', TAPTR_GRAPH_FILES.decoderWindowSampleFirst);

      const { graphs } = await loadTaptrModel(dir);
      const error = await saveTaptrModel(join(bad, 'wrong'), { ...graphs, decoderWindowSampleFirst: graphs.queryInit }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(RangeError);
      expect((error as Error).message).toContain(
        'graphs.decoderWindowSampleFirst must be a decoder window graph with the inputs and outputs of graphs.decoderWindow',
      );
    } finally {
      rmSync(bad, { recursive: true, force: true });
    }
  });

  it('records precision in model.json (default fp32), reads manifests without it as fp32, and rejects an unknown one', async () => {
    const written = JSON.parse(readFileSync(join(dir, TAPTR_MODEL_MANIFEST), 'utf8')) as TaptrModelManifest;
    expect(written.precision).toBe('fp32');
    const tmp = mkdtempSync(join(tmpdir(), 'taptr-model-precision-'));
    try {
      const { graphs } = await loadTaptrModel(dir);
      const fp16 = join(tmp, 'fp16');
      // saveTaptrModel only records the variant: the graphs are written as given.
      const manifest = await saveTaptrModel(fp16, graphs, { precision: 'fp16-weights' });
      expect(manifest.precision).toBe('fp16-weights');
      expect(manifest.graphs.frameEncoder.sha256).toBe(written.graphs.frameEncoder.sha256);
      expect((JSON.parse(readFileSync(join(fp16, TAPTR_MODEL_MANIFEST), 'utf8')) as TaptrModelManifest).precision).toBe('fp16-weights');
      expect((await loadTaptrModel(fp16)).manifest.precision).toBe('fp16-weights');

      // A folder converted before the field existed.
      const { precision: _, ...old } = written;
      writeFileSync(join(fp16, TAPTR_MODEL_MANIFEST), JSON.stringify(old));
      expect((await loadTaptrModel(fp16)).manifest.precision).toBe('fp32');
      for (const wrong of ['fp8', 'FP32', 16, null]) {
        writeFileSync(join(fp16, TAPTR_MODEL_MANIFEST), JSON.stringify({ ...old, precision: wrong }));
        await expectCode(loadTaptrModel(fp16), 'TAPTR_CONFIG_INVALID', "precision must be one of 'fp32', 'int8', 'fp16-weights'");
      }

      const error = await saveTaptrModel(join(tmp, 'bad'), graphs, { precision: 'fp8' as never }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(RangeError);
      expect((error as Error).message).toBe(`saveTaptrModel: options.precision must be one of 'fp32', 'int8', 'fp16-weights', got "fp8"`);
      expect(existsSync(join(tmp, 'bad'))).toBe(false);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('records int8Weights of int8 graphs (theirs, or the option; uint8 by default) and loads it back onto the graphs', async () => {
    const written = JSON.parse(readFileSync(join(dir, TAPTR_MODEL_MANIFEST), 'utf8')) as Record<string, unknown>;
    expect('int8Weights' in written).toBe(false); // fp32
    const tmp = mkdtempSync(join(tmpdir(), 'taptr-model-int8-'));
    try {
      const { graphs } = await loadTaptrModel(dir);
      expect(graphs.int8Weights).toBeUndefined();
      const s8 = applyTaptrPrecision(graphs, 'int8', { int8Weights: 'int8' });
      const manifest = await saveTaptrModel(join(tmp, 's8'), s8, { precision: 'int8' });
      expect(manifest.int8Weights).toBe('int8');
      expect((JSON.parse(readFileSync(join(tmp, 's8', TAPTR_MODEL_MANIFEST), 'utf8')) as TaptrModelManifest).int8Weights).toBe('int8');
      const loaded = await loadTaptrModel(join(tmp, 's8'));
      expect([loaded.manifest.int8Weights, loaded.graphs.int8Weights]).toEqual(['int8', 'int8']);
      const { int8Weights: _, ...unsaid } = s8;
      expect((await saveTaptrModel(join(tmp, 'unsaid'), unsaid, { precision: 'int8' })).int8Weights).toBe('uint8');
      expect((await saveTaptrModel(join(tmp, 'told'), unsaid, { precision: 'int8', int8Weights: 'int8' })).int8Weights).toBe('int8');
      for (const [precision, int8Weights, expected] of [
        ['fp32', 'int8', 'absent (int8 weights exist only with options.precision \'int8\'), got "int8"'],
        ['int8', 'u8s8', `'uint8' or 'int8', got "u8s8"`],
      ] as const) {
        const error = await saveTaptrModel(join(tmp, 'bad'), graphs, { precision, int8Weights: int8Weights as 'int8' }).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(RangeError);
        expect((error as Error).message).toBe(`saveTaptrModel: options.int8Weights must be ${expected}`);
      }
      expect(existsSync(join(tmp, 'bad'))).toBe(false);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('readTaptrConfigFile reads the fixture config.json and reports unreadable or invalid files', async () => {
    expect(await readTaptrConfigFile(join(TAPTR_FIXTURES, 'config.json'))).toEqual(config);
    await expectCode(readTaptrConfigFile(join(dir, 'nope.json')), 'TAPTR_IO', 'nope.json');
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{ "backbone": ');
    await expectCode(readTaptrConfigFile(bad), 'TAPTR_CONFIG_INVALID', 'not valid JSON');
  });
});
