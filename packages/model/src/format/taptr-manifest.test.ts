// SPDX-License-Identifier: Apache-2.0
import { isDType, isTaptrError } from '@taptr/tensor';
import { fuzzBytes } from '@taptr/tensor/testing';
import { describe, expect, it } from 'vitest';
import { parseTaptrConfig, RELEASED_CONFIG, taptrConfigToJson } from '../config/taptr-config.js';
import { TAPTR_GRAPH_ROLES } from './graph-roles.js';
import { listedGraphRoles, manifestSignatures, parseTaptrManifest, type TaptrModelManifest } from './taptr-manifest.js';
import { isTaptrInt8Weights, isTaptrPrecision } from './taptr-precision.js';

const hex = (c: string): string => c.repeat(64);
const R = RELEASED_CONFIG.resolution;
const decoderIo = {
  inputs: [
    { name: 'memory', type: 'float32', dims: ['B', 'S', 256] },
    { name: 'content', type: 'float32', dims: ['B', 'W', 'N', 256] },
    { name: 'ref_unsig', type: 'float32', dims: ['B', 'W', 'N', 4] },
    { name: 'track_mask', type: 'bool', dims: ['B', 'W', 'N'] },
  ],
  outputs: [
    { name: 'ref_unsig_out', type: 'float32', dims: ['B', 'W', 'N', 4] },
    { name: 'vis_logits', type: 'float32', dims: ['B', 'W', 'N', 1] },
  ],
};
/** A manifest as saveTaptrModel writes it (pretty-printed, every field). */
const MANIFEST = {
  format: 'taptr-js-model',
  version: 1,
  opset: 17,
  config: taptrConfigToJson(RELEASED_CONFIG),
  source: { sha256: hex('a') },
  precision: 'int8',
  int8Weights: 'int8',
  graphs: {
    frameEncoder: {
      file: 'frame_encoder.onnx',
      bytes: 123456,
      sha256: hex('b'),
      name: 'frame_encoder',
      inputs: [{ name: 'image', type: 'float32', dims: ['B', 3, R, R] }],
      outputs: [{ name: 'memory', type: 'float32', dims: ['B', 'S', 256] }],
    },
    queryInit: {
      file: 'query_init.onnx',
      bytes: 999,
      sha256: hex('c'),
      name: 'query_init',
      inputs: [
        { name: 'memory', type: 'float32', dims: ['B', 'S', 256] },
        { name: 'xy_norm', type: 'float32', dims: ['B', 'N', 2] },
      ],
      outputs: [{ name: 'content', type: 'float32', dims: ['B', 'N', 256] }],
    },
    decoderWindow: { file: 'decoder_window.onnx', bytes: 5000, sha256: hex('d'), name: 'decoder_window', ...decoderIo },
    decoderWindowSampleFirst: { file: 'decoder_window_sample_first.onnx', bytes: 5001, sha256: hex('e'), name: 'decoder_window', ...decoderIo },
  },
};
const TEXT = `${JSON.stringify(MANIFEST, null, 2)}\n`;

function expectInvalid(text: string, ...fragments: string[]): void {
  let error: unknown;
  try {
    parseTaptrManifest(text, 'm/model.json');
  } catch (e) {
    error = e;
  }
  expect(isTaptrError(error), String(error)).toBe(true);
  expect((error as { code: string }).code).toBe('TAPTR_CONFIG_INVALID');
  for (const f of fragments) expect((error as Error).message).toContain(f);
}
const edit = (change: (m: typeof MANIFEST & Record<string, unknown>) => void): string => {
  const m = structuredClone(MANIFEST) as typeof MANIFEST & Record<string, unknown>;
  change(m);
  return JSON.stringify(m);
};

/** What a valid manifest is, checked on its own (the oracle of the fuzz test). */
function checkValidManifest(m: TaptrModelManifest): void {
  const fail = (what: string): never => {
    throw new Error(`accepted a manifest with ${what}`);
  };
  if (m.format !== 'taptr-js-model' || m.version !== 1) fail(`format ${m.format} version ${String(m.version)}`);
  if (!Number.isSafeInteger(m.opset) || m.opset <= 0) fail(`opset ${m.opset}`);
  parseTaptrConfig(m.config);
  if (!(m.source.sha256 === null || /^[0-9a-f]{64}$/.test(m.source.sha256))) fail(`source ${m.source.sha256}`);
  if (!isTaptrPrecision(m.precision)) fail(`precision ${String(m.precision)}`);
  if (m.precision === 'int8' ? !isTaptrInt8Weights(m.int8Weights) : m.int8Weights !== undefined)
    fail(`int8Weights ${String(m.int8Weights)} with ${m.precision}`);
  for (const role of Object.keys(m.graphs)) {
    const g = m.graphs[role as keyof typeof m.graphs]!;
    if (g.file === '' || g.file === '.' || g.file === '..' || /[/\\\0]/.test(g.file)) fail(`file ${g.file}`);
    if (!Number.isSafeInteger(g.bytes) || g.bytes < 0 || !/^[0-9a-f]{64}$/.test(g.sha256)) fail(`${role} bytes ${g.bytes} sha256 ${g.sha256}`);
    if ((g.inputs === undefined) !== (g.outputs === undefined) || (g.inputs !== undefined && typeof g.name !== 'string'))
      fail(`${role} signature ${JSON.stringify(g)}`);
    for (const v of [...(g.inputs ?? []), ...(g.outputs ?? [])]) {
      if (
        typeof v.name !== 'string' ||
        v.name === '' ||
        !isDType(v.type) ||
        !v.dims.every((d) => (Number.isSafeInteger(d) && (d as number) >= 0) || (typeof d === 'string' && d !== ''))
      )
        fail(`${role} value ${JSON.stringify(v)}`);
    }
  }
  for (const role of TAPTR_GRAPH_ROLES) if (m.graphs[role] === undefined) fail(`no ${role}`);
  // And reading it again gives the same.
  expect(parseTaptrManifest(JSON.stringify(m), 'again')).toEqual(m);
}

describe('parseTaptrManifest', () => {
  it('reads a manifest as saveTaptrModel writes it, and one written before precision and the few-points decoder existed', () => {
    expect(parseTaptrManifest(TEXT, 'model.json')).toEqual(MANIFEST);
    const old = edit((m) => {
      delete (m as Record<string, unknown>).precision;
      delete (m as Record<string, unknown>).int8Weights;
      delete (m.graphs as Record<string, unknown>).decoderWindowSampleFirst;
    });
    const parsed = parseTaptrManifest(old, 'model.json');
    expect(parsed.precision).toBe('fp32');
    expect(Object.keys(parsed.graphs)).toEqual(['frameEncoder', 'queryInit', 'decoderWindow']);
    // A newer writer's unknown graph role is dropped.
    expect(
      Object.keys(
        parseTaptrManifest(
          edit((m) => ((m.graphs as Record<string, unknown>).extra = {})),
          'x',
        ).graphs,
      ),
    ).not.toContain('extra');
    expect(listedGraphRoles(parsed)).toEqual(['frameEncoder', 'queryInit', 'decoderWindow']);
    expect(listedGraphRoles(MANIFEST as TaptrModelManifest)).toEqual(['frameEncoder', 'queryInit', 'decoderWindow', 'decoderWindowSampleFirst']);
  });

  it('reads int8Weights of int8 manifests (absent before it existed: uint8), and only there', () => {
    expect(parseTaptrManifest(TEXT, 'model.json').int8Weights).toBe('int8');
    const before = parseTaptrManifest(
      edit((m) => delete (m as Record<string, unknown>).int8Weights),
      'model.json',
    );
    expect(before).toMatchObject({ precision: 'int8', int8Weights: 'uint8' });
    const fp32 = parseTaptrManifest(
      edit((m) => {
        m.precision = 'fp32';
        delete (m as Record<string, unknown>).int8Weights;
      }),
      'model.json',
    );
    expect('int8Weights' in fp32).toBe(false);
    expectInvalid(
      edit((m) => (m.precision = 'fp16-weights')),
      "m/model.json: int8Weights must be absent for precision 'fp16-weights' (int8 weights exist only in 'int8'), got \"int8\"",
    );
    for (const wrong of ['u8s8', 'INT8', 8, null]) {
      expectInvalid(
        edit((m) => ((m as Record<string, unknown>).int8Weights = wrong)),
        "int8Weights must be one of 'uint8', 'int8' (or absent for 'uint8'), got",
      );
    }
  });

  it('reads graph entries without a signature (hand-written manifests): the tracker then asks the session', () => {
    const bare = edit((m) => {
      for (const g of Object.values(m.graphs) as Record<string, unknown>[]) {
        delete g.name;
        delete g.inputs;
        delete g.outputs;
      }
    });
    const parsed = parseTaptrManifest(bare, 'model.json');
    expect(parsed.graphs.decoderWindow).toEqual({ file: 'decoder_window.onnx', bytes: 5000, sha256: hex('d') });
    expect(manifestSignatures(parsed)).toEqual({});
    expect(manifestSignatures(parseTaptrManifest(TEXT, 'model.json'))).toEqual({
      frameEncoder: { name: 'frame_encoder', inputs: MANIFEST.graphs.frameEncoder.inputs, outputs: MANIFEST.graphs.frameEncoder.outputs },
      queryInit: { name: 'query_init', inputs: MANIFEST.graphs.queryInit.inputs, outputs: MANIFEST.graphs.queryInit.outputs },
      decoderWindow: { name: 'decoder_window', ...decoderIo },
      decoderWindowSampleFirst: { name: 'decoder_window', ...decoderIo },
    });
    // Only the sample-first decoder declared: nothing to compare it with, it loads.
    const one = edit((m) => {
      const g = m.graphs.decoderWindow as Record<string, unknown>;
      delete g.inputs;
      delete g.outputs;
    });
    expect(Object.keys(manifestSignatures(parseTaptrManifest(one, 'model.json')))).toEqual(['frameEncoder', 'queryInit', 'decoderWindowSampleFirst']);
  });

  it('names the field and the value of every malformed entry', () => {
    expectInvalid('{"format": "taptr-js-model",', 'm/model.json is not valid JSON');
    expectInvalid('[]', 'not a taptr-js-model manifest');
    expectInvalid(
      edit((m) => (m.version = 2)),
      'unsupported manifest version 2',
    );
    expectInvalid(
      edit((m) => (m.opset = -1)),
      'opset must be a positive integer, got -1',
    );
    expectInvalid(
      edit((m) => (m.config = { ...m.config, hidden_dim: 'x' })),
      'm/model.json: config: ',
      'hidden_dim',
    );
    expectInvalid(
      edit((m) => (m.source = { sha256: 'ABC' })),
      'source must be',
    );
    expectInvalid(
      edit((m) => ((m as Record<string, unknown>).precision = null)),
      'precision must be one of',
      'got null',
    );
    expectInvalid(
      edit((m) => (m.graphs.frameEncoder.file = '../../etc/passwd')),
      'graphs.frameEncoder.file must be a file name in the model folder, got "../../etc/passwd"',
    );
    expectInvalid(
      edit((m) => (m.graphs.queryInit.file = '..')),
      'graphs.queryInit.file',
    );
    expectInvalid(
      edit((m) => (m.graphs.queryInit.bytes = -1)),
      'graphs.queryInit.bytes must be a non-negative integer, got -1',
    );
    expectInvalid(
      edit((m) => (m.graphs.queryInit.sha256 = hex('A'))),
      'graphs.queryInit.sha256 must be 64 lower-case hex digits',
    );
    expectInvalid(
      edit((m) => delete (m.graphs as Record<string, unknown>).decoderWindow),
      'graphs.decoderWindow must be a graph entry',
    );
    expectInvalid(
      edit((m) => (m.graphs.frameEncoder.inputs[0]!.type = 'float8')),
      'graphs.frameEncoder.inputs[0].type must be an element type',
    );
    expectInvalid(
      edit((m) => (m.graphs.frameEncoder.inputs[0]!.dims = [-1])),
      'graphs.frameEncoder.inputs[0].dims',
    );
    expectInvalid(
      edit((m) => (m.graphs.decoderWindowSampleFirst.outputs = m.graphs.queryInit.outputs)),
      'graphs.decoderWindowSampleFirst must be a decoder window with the inputs and outputs of graphs.decoderWindow',
    );
    expectInvalid(
      edit((m) => delete (m.graphs.queryInit as Record<string, unknown>).outputs),
      'graphs.queryInit.outputs must be listed with inputs (both or neither), got undefined',
    );
    expectInvalid(
      edit((m) => delete (m.graphs.queryInit as Record<string, unknown>).inputs),
      'graphs.queryInit.inputs must be listed with outputs',
    );
    expectInvalid(
      edit((m) => ((m.graphs.queryInit as Record<string, unknown>).name = 7)),
      'graphs.queryInit.name must be a string, got 7',
    );
  });

  it('fuzzed model.json texts: each a TAPTR_CONFIG_INVALID naming what is wrong, or a valid manifest', async () => {
    const report = await fuzzBytes({
      input: new TextEncoder().encode(TEXT),
      seed: 15,
      minCases: 3000,
      budgetMs: 3000,
      tokens: ['null', '-1', '0', '1e999', '"x"', '[]', '{}', 'NaN', '"../../etc/passwd"', 'true', '"float32"', '2', '"fp32"', '""'],
      read: (bytes) => parseTaptrManifest(new TextDecoder().decode(bytes), 'model.json'),
      onAccept: checkValidManifest,
    });
    expect(report.failures, report.summary).toEqual([]);
    expect(report.cases).toBeGreaterThanOrEqual(3000);
    expect(Object.keys(report.rejected), report.summary).toEqual(['TAPTR_CONFIG_INVALID']);
  }, 60_000);
});
