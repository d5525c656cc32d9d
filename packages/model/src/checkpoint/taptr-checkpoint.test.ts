// SPDX-License-Identifier: Apache-2.0
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fullCheckpointDir } from '@taptr/fixtures';
import { isTaptrError, type TensorView } from '@taptr/tensor';
import { compareClose, loadJson, loadNpy } from '@taptr/tensor/testing';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { TAPTR_FIXTURES } from '../../test/fixture-dir.js';
import { parseTaptrConfig, type TaptrConfig } from '../config/taptr-config.js';
import { countParameters, expectedStateDictShapes } from './state-dict-layout.js';
import { checkStateDict, readTaptrCheckpoint } from './taptr-checkpoint.js';

const config = parseTaptrConfig(loadJson(TAPTR_FIXTURES, 'config.json'));
const checkpointBytes = new Uint8Array(readFileSync(join(TAPTR_FIXTURES, 'checkpoint.pth')));

function expectError(fn: () => unknown, code: string, ...fragments: string[]): void {
  try {
    fn();
    expect.unreachable();
  } catch (e) {
    expect(isTaptrError(e), String(e)).toBe(true);
    expect((e as { code: string }).code).toBe(code);
    for (const f of fragments) expect((e as Error).message).toContain(f);
  }
}

// A hand-assembled pickle (protocol 2) for small synthetic checkpoints.
const enc = new TextEncoder();
const u32 = (n: number) => [n & 255, (n >> 8) & 255, (n >> 16) & 255, (n >>> 24) & 255];
const str = (s: string) => [0x58, ...u32(enc.encode(s).length), ...enc.encode(s)];
const glob = (m: string, n: string) => [0x63, ...enc.encode(`${m}\n${n}\n`)];
const int1 = (n: number) => [0x4b, n];
const orderedDict = [...glob('collections', 'OrderedDict'), 0x29, 0x52];
function tensorOps(key: string, numel: number, size: [number, number], stride: [number, number], storage = 'FloatStorage'): number[] {
  return [
    ...glob('torch._utils', '_rebuild_tensor_v2'),
    0x28,
    ...[0x28, ...str('storage'), ...glob('torch', storage), ...str(key), ...str('cpu'), ...int1(numel), 0x74, 0x51],
    ...int1(0),
    ...int1(size[0]),
    ...int1(size[1]),
    0x86,
    ...int1(stride[0]),
    ...int1(stride[1]),
    0x86,
    0x89,
    ...orderedDict,
    0x74,
    0x52,
  ];
}
function torchZip(pickle: number[], storages: Record<string, Float32Array | Uint16Array>): Uint8Array {
  const files: Record<string, Uint8Array> = { 'archive/data.pkl': Uint8Array.from(pickle), 'archive/version': enc.encode('3\n') };
  for (const [k, v] of Object.entries(storages)) files[`archive/data/${k}`] = new Uint8Array(v.buffer);
  return zipSync(files, { level: 0 });
}

describe('readTaptrCheckpoint', () => {
  const sd = readTaptrCheckpoint(checkpointBytes, { config });

  it("reads the fixture checkpoint's ema_model: exactly the official key set and shapes", () => {
    const expected = expectedStateDictShapes(config);
    expect([...sd.keys()].sort()).toEqual(expected.map((e) => e.key).sort());
    for (const e of expected) expect(sd.get(e.key)!.dims, e.key).toEqual(e.dims);
    expect(countParameters(expected).parameters).toBeGreaterThan(0);
  });

  it('tensor values are right: lvl_pos_embed − pos_l of each level equals transformer.level_embed[l]', () => {
    const levelEmbed = sd.get('transformer.level_embed')! as TensorView<'float32'>;
    const lvlPos = loadNpy(TAPTR_FIXTURES, 'first.lvl_pos_embed.npy');
    const starts = Array.from(loadNpy(TAPTR_FIXTURES, 'first.level_start_index.npy').data as BigInt64Array, Number);
    const C = config.hiddenDim;
    for (let l = 0; l < starts.length; l++) {
      const pos = loadNpy(TAPTR_FIXTURES, `first.pos_l${l}.npy`);
      const hw = pos.dims[1]! * pos.dims[2]!;
      const diff = new Float32Array(hw * C);
      const expected = new Float32Array(hw * C);
      for (let t = 0; t < hw; t++)
        for (let c = 0; c < C; c++) {
          diff[t * C + c] = (lvlPos.data as Float32Array)[(starts[l]! + t) * C + c]! - (pos.data as Float32Array)[c * hw + t]!;
          expected[t * C + c] = levelEmbed.data[l * C + c]!;
        }
      expect(compareClose(diff, expected, { atol: 1e-5 }).message).toMatch(/^all/);
    }
  });

  it('reads a `model`-only checkpoint, strips `module.` and copies strided views row-major', () => {
    const pickle = [0x80, 0x02, 0x7d, ...str('model'), ...orderedDict, ...str('module.a'), ...tensorOps('0', 6, [2, 3], [1, 2]), 0x73, 0x73, 0x2e];
    const out = readTaptrCheckpoint(torchZip(pickle, { '0': Float32Array.of(0, 1, 2, 3, 4, 5) }));
    expect([...out.keys()]).toEqual(['a']);
    expect(out.get('a')!.dims).toEqual([2, 3]);
    expect(Array.from(out.get('a')!.data as Float32Array)).toEqual([0, 2, 4, 1, 3, 5]);
  });

  it('prefers ema_model, unwraps _rebuild_parameter and widens float16/bfloat16 storages to float32', () => {
    const param = (inner: number[]) => [...glob('torch._utils', '_rebuild_parameter'), 0x28, ...inner, 0x88, ...orderedDict, 0x74, 0x52];
    const pickle = [
      0x80,
      0x02,
      0x7d,
      ...str('model'),
      ...orderedDict,
      ...str('w'),
      ...tensorOps('0', 6, [2, 3], [3, 1]),
      0x73,
      0x73,
      ...str('ema_model'),
      ...orderedDict,
      ...str('module.h'),
      ...param(tensorOps('1', 6, [2, 3], [3, 1], 'HalfStorage')),
      0x73,
      ...str('module.b'),
      ...tensorOps('2', 2, [1, 2], [2, 1], 'BFloat16Storage'),
      0x73,
      0x73,
      ...str('epoch'),
      ...int1(3),
      0x73,
      0x2e,
    ];
    const zip = torchZip(pickle, {
      '0': Float32Array.of(9, 9, 9, 9, 9, 9),
      '1': Uint16Array.of(0x3c00, 0xc000, 0x3800, 0x7bff, 0x0001, 0x7c00),
      '2': Uint16Array.of(0x3f80, 0xc040),
    });
    const out = readTaptrCheckpoint(zip);
    expect([...out.keys()]).toEqual(['h', 'b']);
    expect(out.get('h')!.type).toBe('float32');
    expect(Array.from(out.get('h')!.data as Float32Array)).toEqual([1, -2, 0.5, 65504, Math.fround(2 ** -24), Infinity]);
    expect(Array.from(out.get('b')!.data as Float32Array)).toEqual([1, -3]);
    expect([...readTaptrCheckpoint(zip, { stateDict: 'model' }).keys()]).toEqual(['w']);
  });

  it('skips the training extras of a full checkpoint (args Namespace, optimizer, MultiStepLR Counter, sets, bytes)', () => {
    const namespace = [...glob('argparse', 'Namespace'), 0x29, 0x81, 0x7d, ...str('lr_drop_list'), 0x5d, ...int1(100), 0x61, 0x73, 0x62];
    const counter = [...glob('collections', 'Counter'), 0x7d, ...int1(100), ...int1(1), 0x73, 0x85, 0x52];
    const set = [...glob('__builtin__', 'set'), 0x5d, ...int1(1), 0x61, 0x85, 0x52];
    const bytes = [...glob('_codecs', 'encode'), ...str('\u00ff'), ...str('latin1'), 0x86, 0x52];
    const pickle = [
      0x80,
      0x02,
      0x7d,
      ...str('args'),
      ...namespace,
      0x73,
      ...str('lr_scheduler'),
      0x7d,
      ...str('milestones'),
      ...counter,
      0x73,
      ...str('seen'),
      ...set,
      0x73,
      ...str('raw'),
      ...bytes,
      0x73,
      0x73,
      ...str('optimizer'),
      0x7d,
      ...str('state'),
      0x7d,
      ...int1(0),
      0x7d,
      ...str('exp_avg'),
      ...tensorOps('9', 6, [2, 3], [3, 1]),
      0x73,
      0x73,
      0x73,
      0x73,
      ...str('ema_model'),
      ...orderedDict,
      ...str('module.a'),
      ...tensorOps('0', 6, [2, 3], [3, 1]),
      0x73,
      0x73,
      0x2e,
    ];
    // The optimizer's storage '9' is absent from the archive: it must never be read.
    const out = readTaptrCheckpoint(torchZip(pickle, { '0': Float32Array.of(0, 1, 2, 3, 4, 5) }));
    expect(Array.from(out.get('a')!.data as Float32Array)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('reads a real training checkpoint written by torch.save (fp16 ema_model, optimizer, scheduler, args)', () => {
    const dir = fullCheckpointDir();
    const bytes = new Uint8Array(readFileSync(join(dir, 'full-checkpoint.pth')));
    const expected = loadJson<Record<'model' | 'ema_model', Record<string, { dims: number[]; values: number[] }>>>(dir, 'expected.json');
    for (const which of ['ema_model', 'model'] as const) {
      const out = readTaptrCheckpoint(bytes, { stateDict: which });
      expect([...out.keys()].sort()).toEqual(Object.keys(expected[which]).sort());
      for (const [key, { dims, values }] of Object.entries(expected[which])) {
        expect(out.get(key)!.dims, key).toEqual(dims);
        expect(Array.from(out.get(key)!.data as Float32Array), key).toEqual(values.map(Math.fround));
      }
    }
    expect([...readTaptrCheckpoint(bytes).keys()]).toEqual(Object.keys(expected.ema_model));
  });

  it('rejects a non-zip and a missing storage with TAPTR_CHECKPOINT_FORMAT', () => {
    expectError(() => readTaptrCheckpoint(Uint8Array.of(0x80, 0x02, 0x8a, 0x0a)), 'TAPTR_CHECKPOINT_FORMAT', 'not a zip', 'legacy');
    const pickle = [0x80, 0x02, 0x7d, ...str('model'), ...orderedDict, ...str('a'), ...tensorOps('7', 6, [2, 3], [3, 1]), 0x73, 0x73, 0x2e];
    expectError(() => readTaptrCheckpoint(torchZip(pickle, {})), 'TAPTR_CHECKPOINT_FORMAT', 'missing storage entry archive/data/7');
  });

  it('rejects a truncated file and any flipped byte of an entry it reads with TAPTR_CHECKPOINT_CORRUPT naming the entry', () => {
    expectError(
      () => readTaptrCheckpoint(checkpointBytes.subarray(0, checkpointBytes.length >> 1)),
      'TAPTR_CHECKPOINT_CORRUPT',
      'checkpoint: checkpoint/data/',
      'truncated',
    );
    expectError(() => readTaptrCheckpoint(checkpointBytes.subarray(0, checkpointBytes.length - 30)), 'TAPTR_CHECKPOINT_CORRUPT', 'truncated');
    // Offsets from Python's zipfile: data.pkl's payload starts at 64, data/0's local header is at 78643.
    const pkl = checkpointBytes.slice();
    pkl[64 + 1000] = pkl[64 + 1000]! ^ 0x04;
    expectError(() => readTaptrCheckpoint(pkl), 'TAPTR_CHECKPOINT_CORRUPT', 'checkpoint: checkpoint/data.pkl: CRC-32 0x', '!= 0x1ef84c8f recorded');
    // 64 random bytes flipped in the middle (the reproduction): a storage's CRC-32 fails.
    const flipped = checkpointBytes.slice();
    for (let i = 0, at = checkpointBytes.length >> 1; i < 64; i++) flipped[at + i * 37] = flipped[at + i * 37]! ^ 0x5a;
    expectError(() => readTaptrCheckpoint(flipped, { config }), 'TAPTR_CHECKPOINT_CORRUPT', 'checkpoint: checkpoint/data/', 'recorded');
  });

  it('refuses globals outside the whitelist', () => {
    const pickle = [0x80, 0x02, ...glob('os', 'system'), ...str('echo hi'), 0x85, 0x52, 0x2e];
    expectError(() => readTaptrCheckpoint(torchZip(pickle, {})), 'TAPTR_PICKLE_FORBIDDEN', 'os');
  });

  it('checkStateDict names a missing key and a shape mismatch (expected and actual)', () => {
    const deeper: TaptrConfig = { ...config, decLayers: config.decLayers + 1 };
    expectError(
      () => checkStateDict(sd, deeper),
      'TAPTR_CHECKPOINT_MISMATCH',
      `missing key "transformer.decoder.layers.${config.decLayers}.`,
      'expected shape',
    );
    const wider = parseTaptrConfig({ ...loadJson<Record<string, unknown>>(TAPTR_FIXTURES, 'config.json'), hidden_dim: config.hiddenDim + 32 });
    expectError(
      () => readTaptrCheckpoint(checkpointBytes, { config: wider }),
      'TAPTR_CHECKPOINT_MISMATCH',
      '"input_proj.0.0.weight"',
      `expected [${config.hiddenDim + 32},`,
      `shape [${config.hiddenDim},`,
    );
  });
});
