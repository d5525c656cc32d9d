// SPDX-License-Identifier: Apache-2.0
import { isTaptrError } from '@taptr/tensor';
import type { Tensor } from 'onnxruntime-common';
import { describe, expect, it } from 'vitest';
import type { ModelSession, RuntimeAdapter } from '../runtime-adapter.js';
import { buildAffineModel, buildMatMulModel, buildMixedTypesModel, buildUnknownShapeModel } from './conformance-models.js';

/** Options of {@link runRuntimeConformance}. */
export interface RuntimeConformanceOptions {
  /**
   * Writes model bytes somewhere the adapter can open by string (a file path, a URL) and returns it.
   * Defaults to a file in the OS temp folder (node only).
   */
  readonly materialize?: (bytes: Uint8Array, fileName: string) => Promise<string>;
  /** When set, every test is reported as skipped with this reason in its title (never a silent pass). */
  readonly skipReason?: string;
  /** Per-test timeout in ms (slow software GPUs). Defaults to 60000. */
  readonly timeoutMs?: number;
}

async function materializeInTemp(bytes: Uint8Array, fileName: string): Promise<string> {
  const { mkdtemp, writeFile } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const nodePath = await import('node:path');
  const dir = await mkdtemp(nodePath.join(tmpdir(), 'taptr-conformance-'));
  const path = nodePath.join(dir, fileName);
  await writeFile(path, bytes);
  return path;
}

function values(t: Tensor | undefined): number[] {
  if (t === undefined) throw new Error('missing output');
  return Array.from(t.data as ArrayLike<number | bigint>, Number);
}

async function withSession<R>(adapter: RuntimeAdapter, model: Uint8Array | string, fn: (s: ModelSession) => Promise<R>): Promise<R> {
  const session = await adapter.createSession(model);
  try {
    return await fn(session);
  } finally {
    await session.release();
  }
}

async function expectIoMismatch(promise: Promise<unknown>, ...fragments: string[]): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, 'run() should have rejected').toBeInstanceOf(Error);
  expect(isTaptrError(error, 'TAPTR_MODEL_IO_MISMATCH'), `expected TAPTR_MODEL_IO_MISMATCH, got ${String(error)}`).toBe(true);
  for (const f of fragments) expect((error as Error).message).toContain(f);
}

/**
 * The shared runtime-adapter conformance suite (vitest `describe`/`it`). Every adapter runs it:
 * session creation from bytes and from a path, named float32/int64/bool tensors, pre-allocated
 * outputs, dynamic dimensions, typed errors for bad feeds, release, and two sessions running concurrently.
 * The models are built in memory (`buildTinyModel`, with `@taptr/onnx`); they are tiny so slow backends stay fast.
 * @param name - suite title, e.g. `'ort-node-cpu'`.
 * @param getAdapter - returns the adapter under test (called inside each test).
 * @example
 * runRuntimeConformance('ort-node-cpu', () => createNodeRuntime({ threads: 1 }));
 */
export function runRuntimeConformance(name: string, getAdapter: () => RuntimeAdapter, options: RuntimeConformanceOptions = {}): void {
  const materialize = options.materialize ?? materializeInTemp;
  const timeout = options.timeoutMs ?? 60_000;
  const skip = options.skipReason;
  const test = (title: string, fn: () => Promise<void>): void => {
    it.skipIf(skip !== undefined)(skip === undefined ? title : `${title} (skipped: ${skip})`, fn, timeout);
  };

  describe(`runtime conformance: ${name}`, () => {
    test('reports itself as supported', async () => {
      const adapter = getAdapter();
      expect(typeof adapter.name).toBe('string');
      expect(await adapter.isSupported()).toBe(true);
    });

    test('tensor factory builds tensors of every conformance type', () => {
      const { tensors } = getAdapter();
      const f = tensors.tensor('float32', new Float32Array([1, 2, 3, 4, 5, 6]), [2, 3]);
      expect(f.type).toBe('float32');
      expect([...f.dims]).toEqual([2, 3]);
      expect(Array.from(f.data)).toEqual([1, 2, 3, 4, 5, 6]);
      const i = tensors.tensor('int64', new BigInt64Array([5n, -1n]), [2]);
      expect(i.type).toBe('int64');
      expect(Array.from(i.data)).toEqual([5n, -1n]);
      const b = tensors.tensor('bool', new Uint8Array([1, 0, 1]), [3]);
      expect(b.type).toBe('bool');
      expect([...b.dims]).toEqual([3]);
      expect(() => tensors.tensor('float32', new Float32Array(5), [2, 3])).toThrow();
      return Promise.resolve();
    });

    test('creates a session from bytes and runs float32 feeds by name', async () => {
      const adapter = getAdapter();
      await withSession(adapter, buildAffineModel(), async (s) => {
        expect([...s.inputNames]).toEqual(['x', 'b']);
        expect([...s.outputNames]).toEqual(['y']);
        const out = await s.run({
          b: adapter.tensors.tensor('float32', new Float32Array([0.5, 0.5, 0.5, 1, 1, 1]), [2, 3]),
          x: adapter.tensors.tensor('float32', new Float32Array([1, 2, 3, 4, 5, 6]), [2, 3]),
        });
        expect(Object.keys(out)).toEqual(['y']);
        expect([...out['y']!.dims]).toEqual([2, 3]);
        expect(values(out['y'])).toEqual([2.5, 4.5, 6.5, 9, 11, 13]);
      });
    });

    test('leaves pre-allocated outputs in the given tensors (views into a larger buffer)', async () => {
      const adapter = getAdapter();
      await withSession(adapter, buildAffineModel(), async (s) => {
        const ring = new Float32Array(10).fill(-1);
        const y = adapter.tensors.tensor('float32', ring.subarray(2, 8), [2, 3]);
        const feeds = {
          b: adapter.tensors.tensor('float32', new Float32Array([0.5, 0.5, 0.5, 1, 1, 1]), [2, 3]),
          x: adapter.tensors.tensor('float32', new Float32Array([1, 2, 3, 4, 5, 6]), [2, 3]),
        };
        for (let run = 0; run < 2; run++) {
          const out = await s.run(feeds, { y });
          expect(Array.from(ring)).toEqual([-1, -1, 2.5, 4.5, 6.5, 9, 11, 13, -1, -1]);
          expect(values(out['y'])).toEqual([2.5, 4.5, 6.5, 9, 11, 13]);
          ring.fill(0, 2, 8);
        }
      });
    });

    test('creates a session from a path', async () => {
      const adapter = getAdapter();
      const path = await materialize(buildMatMulModel(), 'matmul.onnx');
      await withSession(adapter, path, async (s) => {
        const out = await s.run({
          a: adapter.tensors.tensor('float32', new Float32Array([1, 2, 3, 4]), [2, 2]),
          b: adapter.tensors.tensor('float32', new Float32Array([1, 0, 2, 0, 1, 3]), [2, 3]),
        });
        expect([...out['out']!.dims]).toEqual([2, 3]);
        expect(values(out['out'])).toEqual([1, 2, 8, 3, 4, 18]);
      });
    });

    test('runs int64 and bool inputs and outputs', async () => {
      const adapter = getAdapter();
      await withSession(adapter, buildMixedTypesModel(), async (s) => {
        const out = await s.run({
          values: adapter.tensors.tensor('float32', new Float32Array([10, 20, 30, 40]), [4]),
          index: adapter.tensors.tensor('int64', new BigInt64Array([3n, 0n, 2n]), [3]),
          keep: adapter.tensors.tensor('bool', new Uint8Array([1, 0, 1]), [3]),
        });
        expect(out['picked']!.type).toBe('float32');
        expect(values(out['picked'])).toEqual([40, 0, 30]);
        expect(out['next']!.type).toBe('int64');
        expect(Array.from(out['next']!.data as BigInt64Array)).toEqual([6n, 0n, 4n]);
        expect(out['dropped']!.type).toBe('bool');
        expect(values(out['dropped'])).toEqual([0, 1, 0]);
      });
    });

    test('handles dynamic dimensions across runs of one session', async () => {
      const adapter = getAdapter();
      await withSession(adapter, buildAffineModel(), async (s) => {
        for (const n of [1, 5, 2]) {
          const x = new Float32Array(n * 3).map((_, i) => i);
          const out = await s.run({ x: adapter.tensors.tensor('float32', x, [n, 3]), b: adapter.tensors.tensor('float32', new Float32Array(n * 3), [n, 3]) });
          expect([...out['y']!.dims]).toEqual([n, 3]);
          expect(values(out['y'])).toEqual(Array.from(x, (v) => 2 * v));
        }
      });
    });

    test('rejects missing and extra inputs, naming them and listing the expected ones', async () => {
      const adapter = getAdapter();
      await withSession(adapter, buildAffineModel(), async (s) => {
        const t = adapter.tensors.tensor('float32', new Float32Array(6), [2, 3]);
        await expectIoMismatch(s.run({ x: t }), '"b"', 'missing', '"x", "b"');
        await expectIoMismatch(s.run({ x: t, b: t, z: t }), '"z"', 'unexpected', '"x", "b"');
      });
    });

    test('rejects a wrong element type or shape, naming the input', async () => {
      const adapter = getAdapter();
      await withSession(adapter, buildAffineModel(), async (s) => {
        const good = adapter.tensors.tensor('float32', new Float32Array(6), [2, 3]);
        await expectIoMismatch(s.run({ x: good, b: adapter.tensors.tensor('int32', new Int32Array(6), [2, 3]) }), '"b"', 'float32', 'int32');
        await expectIoMismatch(s.run({ x: good, b: adapter.tensors.tensor('float32', new Float32Array(8), [2, 4]) }), '"b"', '[2, 4]');
        await expectIoMismatch(s.run({ x: good, b: adapter.tensors.tensor('float32', new Float32Array(6), [6]) }), '"b"', '[6]');
        await expectIoMismatch(s.run({ x: good, b: adapter.tensors.tensor('float32', new Float32Array(9), [3, 3]) }), '"b"', '[3, 3]');
      });
    });

    test('accepts any rank for an input of unknown shape', async () => {
      const adapter = getAdapter();
      await withSession(adapter, buildUnknownShapeModel(), async (s) => {
        for (const dims of [[3], [2, 2]]) {
          const n = dims.reduce((a, b) => a * b, 1);
          const out = await s.run({ x: adapter.tensors.tensor('float32', new Float32Array(n).fill(1.5), dims) });
          expect([...out['y']!.dims]).toEqual(dims);
          expect(values(out['y'])).toEqual(new Array<number>(n).fill(1.5));
        }
        await expectIoMismatch(s.run({ x: adapter.tensors.tensor('int32', new Int32Array(1), [1]) }), '"x"', 'float32');
      });
    });

    test('release is idempotent and run() after release rejects', async () => {
      const adapter = getAdapter();
      const s = await adapter.createSession(buildAffineModel());
      await s.release();
      await s.release();
      const t = adapter.tensors.tensor('float32', new Float32Array(3), [1, 3]);
      await expect(s.run({ x: t, b: t })).rejects.toThrow(/release/);
    });

    test('rejects a corrupt model', async () => {
      const adapter = getAdapter();
      await expect(adapter.createSession(new Uint8Array([1, 2, 3, 4, 5]))).rejects.toThrow();
    });

    test('runs two sessions concurrently with correct results', async () => {
      const adapter = getAdapter();
      const [affine, matmul] = await Promise.all([adapter.createSession(buildAffineModel()), adapter.createSession(buildMatMulModel())]);
      try {
        const n = 64;
        const a = new Float32Array(n * n).map((_, i) => (i % 7) - 3);
        const eye = new Float32Array(n * n).map((_, i) => (i % (n + 1) === 0 ? 1 : 0));
        const x = new Float32Array(n * 3).map((_, i) => i / 8);
        const runs = [];
        for (let r = 0; r < 4; r++) {
          runs.push(matmul.run({ a: adapter.tensors.tensor('float32', a, [n, n]), b: adapter.tensors.tensor('float32', eye, [n, n]) }));
          runs.push(
            affine.run({ x: adapter.tensors.tensor('float32', x, [n, 3]), b: adapter.tensors.tensor('float32', new Float32Array(n * 3).fill(r), [n, 3]) }),
          );
        }
        const outs = await Promise.all(runs);
        outs.forEach((out, k) => {
          if (k % 2 === 0) expect(values(out['out'])).toEqual(Array.from(a));
          else expect(values(out['y'])).toEqual(Array.from(x, (v) => 2 * v + (k - 1) / 2));
        });
      } finally {
        await Promise.all([affine.release(), matmul.release()]);
      }
    });
  });
}
