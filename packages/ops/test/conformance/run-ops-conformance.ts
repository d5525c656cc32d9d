// SPDX-License-Identifier: Apache-2.0
// The conformance suite: registers the same cases for one form of the ops (CPU, WebGPU, ONNX).
import { tensor } from '@taptr/tensor';
import { compareClose, type CloseReport } from '@taptr/tensor/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CostVolumeMethod, CpuTensor, OpsBackend } from '../../src/index.js';
import { bilinearGatherCases, costVolumeCases, gridSampleCases } from './cases.js';
import type { OpsForm } from './ops-form.js';
import { querySampledCases } from './taptr-fixture-cases.js';

/** Options of {@link runOpsConformance}. */
export interface OpsConformanceOptions {
  /** Also run the checks of a kernel backend (`form.backend`): shapes, caller-provided outputs. */
  readonly kernelBackend?: boolean;
  /** TAPTR reference fixture folder for the fixture-derived cases; `false` skips them. */
  readonly fixtures: string | false;
  /** Receives one line per compared case with its worst error (for reports). */
  readonly onReport?: (line: string) => void;
}

/** Absolute tolerance of `first.query_sampled` (issue 5). */
const QUERY_SAMPLED_ATOL = 1e-5;

/** Every method of costVolume (each must reproduce every case). */
const METHODS: readonly CostVolumeMethod[] = ['taps', 'volume'];

function expectClose(report: CloseReport, what: string): void {
  expect(report.ok, `${what}: ${report.message}`).toBe(true);
}

/**
 * Registers the conformance suite (vitest `describe`/`it`) for one form: every gridSample case,
 * every bilinearGather case (PyTorch-derived and `first.query_sampled`), every costVolume case with
 * every method, the attribute checks every form makes; with `kernelBackend` also the shape checks and
 * caller-provided outputs of `form.backend`.
 * @param name - form label used in the test names.
 * @param factory - creates the form (called once, in `beforeAll`); it is disposed in `afterAll`.
 */
export function runOpsConformance(name: string, factory: () => OpsForm | Promise<OpsForm>, options: OpsConformanceOptions): void {
  const kernelBackend = options.kernelBackend === true;
  const report = (line: string) => options.onReport?.(`${name}: ${line}`);
  describe(`ops conformance: ${name}`, () => {
    let form: OpsForm;
    beforeAll(async () => {
      form = await factory();
    });
    afterAll(async () => {
      await (form as OpsForm | undefined)?.dispose();
    });

    describe('gridSample (PyTorch F.grid_sample cases)', () => {
      for (const c of gridSampleCases()) {
        it(c.name, async () => {
          const known = form.knownDifferences?.get(c.name);
          const r = compareClose(await form.gridSample(c.input, c.grid, c.attrs), c.expected, c.tolerance);
          if (known !== undefined) {
            // A documented difference of this form is asserted, not skipped: it must still show (a fixed
            // runtime is noticed) and stay confined to some elements of the right shape (no wholesale failure).
            report(`gridSample ${c.name}: known difference (${known}), ${r.mismatches} element(s) differ`);
            expect(r.ok, `${c.name}: the known difference (${known}) no longer shows; drop it from knownDifferences`).toBe(false);
            expect(r.mismatches, `${c.name}: ${r.message}`).toBeGreaterThan(0);
            expect(r.mismatches, `${c.name}: ${r.message}`).toBeLessThan(c.expected.data.length);
            return;
          }
          report(`gridSample ${c.name}: max |err| ${r.maxAbsError.toExponential(2)}`);
          expectClose(r, c.name);
        });
      }
    });

    describe('bilinearGather (PyTorch F.grid_sample cases, token-major)', () => {
      for (const c of bilinearGatherCases()) {
        it(c.name, async () => {
          const r = compareClose(await form.bilinearGather(c.table, c.positions, c.attrs), c.expected, c.tolerance);
          report(`bilinearGather ${c.name}: max |err| ${r.maxAbsError.toExponential(2)}`);
          expectClose(r, c.name);
        });
      }
    });

    describe('costVolume (taptr-spec §7 in PyTorch)', () => {
      for (const c of costVolumeCases()) {
        for (const method of METHODS) {
          it(`${c.name} [${method}]`, async () => {
            const r = compareClose(await form.costVolume(c.features, c.queries, c.centers, { ...c.attrs, method }), c.expected, c.tolerance);
            report(`costVolume ${c.name} [${method}]: max |err| ${r.maxAbsError.toExponential(2)}`);
            expectClose(r, `${c.name} [${method}]`);
          });
        }
      }
    });

    describe('attribute checks', () => {
      const one = (dims: number[]) => tensor('float32', dims, new Float32Array(dims.reduce((a, b) => a * b, 1)).fill(0.5));
      it('rejects an unknown gridSample mode with the allowed list (RangeError)', async () => {
        const call = form.gridSample(one([1, 1, 2, 2]), one([1, 1, 1, 2]), { mode: 'bicubic' as 'nearest' });
        await expect(call).rejects.toThrow(RangeError);
        await expect(form.gridSample(one([1, 1, 2, 2]), one([1, 1, 1, 2]), { mode: 'bicubic' as 'nearest' })).rejects.toThrow(
          /attrs\.mode must be one of 'bilinear' \| 'nearest', got "bicubic"$/,
        );
        await expect(form.gridSample(one([1, 1, 2, 2]), one([1, 1, 1, 2]), { alignCorners: 1 as unknown as boolean })).rejects.toThrow(TypeError);
      });
      it('rejects a bilinearGather padding it does not have and a non-integer size', async () => {
        const attrs = { height: 2, width: 2, paddingMode: 'border' } as const;
        await expect(form.bilinearGather(one([4, 3]), one([1, 2]), { ...attrs, paddingMode: 'reflection' as 'border' })).rejects.toThrow(
          /attrs\.paddingMode must be one of 'zeros' \| 'border', got "reflection"$/,
        );
        await expect(form.bilinearGather(one([4, 3]), one([1, 2]), { ...attrs, width: 1.5 })).rejects.toThrow(
          /attrs\.width must be a positive integer, got 1\.5$/,
        );
      });
      it('rejects a costVolume radius out of range, an unknown method and malformed levels', async () => {
        const args = [one([1, 4, 2]), one([1, 1, 1, 3]), one([1, 1, 2])] as const;
        const attrs = { levels: [{ h: 2, w: 2 }] };
        await expect(form.costVolume(...args, { ...attrs, radius: 1.5 })).rejects.toThrow(/attrs\.radius must be an integer in \[0, 64\], got 1\.5$/);
        await expect(form.costVolume(...args, { ...attrs, method: 'full' as 'taps' })).rejects.toThrow(
          /attrs\.method must be one of 'taps' \| 'volume', got "full"$/,
        );
        await expect(form.costVolume(...args, { levels: [] })).rejects.toThrow(RangeError);
      });
    });

    if (options.fixtures !== false) {
      const dir = options.fixtures;
      describe(`TAPTR reference fixtures (${dir})`, () => {
        it(`first.query_sampled from first.memory_qframes at first.query_xy_norm (bilinearGather, atol ${QUERY_SAMPLED_ATOL})`, async () => {
          const cases = querySampledCases(dir, QUERY_SAMPLED_ATOL);
          expect(cases.length).toBeGreaterThan(0);
          let worst = 0;
          for (const c of cases) {
            const r = compareClose(await form.bilinearGather(c.table, c.positions, c.attrs), c.expected, c.tolerance);
            worst = Math.max(worst, r.maxAbsError);
            expectClose(r, c.name);
          }
          report(`first.query_sampled (${cases.length} frame-levels): max |err| ${worst.toExponential(2)}`);
        });
      });
    }

    if (!kernelBackend) return;
    describe('kernel backend: shapes and caller-provided outputs', () => {
      const backend = (): OpsBackend => {
        if (form.backend === undefined) throw new Error(`${name} has no kernel backend`);
        return form.backend;
      };
      const up = (ops: OpsBackend, view: CpuTensor) => ops.upload(view);
      it('writes into a caller-provided out tensor and returns it (every op)', async () => {
        const ops = backend();
        const gs = gridSampleCases()[0]!;
        const out = ops.allocate(gs.expected.dims);
        expect(await ops.gridSample(up(ops, gs.input), up(ops, gs.grid), gs.attrs, out)).toBe(out);
        expectClose(compareClose(await ops.download(out), gs.expected, gs.tolerance), gs.name);
        const bg = bilinearGatherCases()[0]!;
        const outG = ops.allocate(bg.expected.dims);
        expect(await ops.bilinearGather(up(ops, bg.table), up(ops, bg.positions), bg.attrs, outG)).toBe(outG);
        expectClose(compareClose(await ops.download(outG), bg.expected, bg.tolerance), bg.name);
        const cv = costVolumeCases()[0]!;
        const outC = ops.allocate(cv.expected.dims);
        expect(await ops.costVolume(up(ops, cv.features), up(ops, cv.queries), up(ops, cv.centers), cv.attrs, outC)).toBe(outC);
        expectClose(compareClose(await ops.download(outC), cv.expected, cv.tolerance), cv.name);
      });
      it('names the argument whose shape is wrong (RangeError)', async () => {
        const ops = backend();
        const t = (dims: number[]) => ops.upload(tensor('float32', dims));
        await expect(ops.gridSample(t([2, 1, 3, 4]), t([1, 1, 2, 2]))).rejects.toThrow(
          /^gridSample: grid must be of shape \[N=2, Ho, Wo, 2\], got \[1, 1, 2, 2\]$/,
        );
        await expect(ops.gridSample(t([1, 2, 1, 1]), t([1, 1, 1, 2]), {}, ops.allocate([1, 1, 1, 1]))).rejects.toThrow(
          /^gridSample: out must be of shape \[1, 2, 1, 1\], got \[1, 1, 1, 1\]$/,
        );
        await expect(ops.bilinearGather(t([4, 3]), t([2, 3]), { height: 2, width: 2, paddingMode: 'zeros' })).rejects.toThrow(
          /^bilinearGather: positions must be of shape \[P, 2\], got \[2, 3\]$/,
        );
        await expect(ops.bilinearGather(t([4, 3]), t([2, 2]), { height: 2, width: 2, start: 1, paddingMode: 'zeros' })).rejects.toThrow(
          /^bilinearGather: attrs\.start must be at most 0 \(S = 4 rows, map of 4\), got 1$/,
        );
        const levels = [{ h: 2, w: 2 }];
        await expect(ops.costVolume(t([1, 4, 3]), t([1, 5, 1, 3]), t([1, 5, 2]), { levels })).rejects.toThrow(
          /^costVolume: queries must be of shape \[B=1, N, L=1, C\+1=4\], got \[1, 5, 1, 3\]$/,
        );
        await expect(ops.costVolume(t([1, 5, 3]), t([1, 5, 1, 4]), t([1, 5, 2]), { levels })).rejects.toThrow(
          /^costVolume: attrs\.levels must be levels of S = 5 tokens in all \(features \[B, S, C\]\), got 4 tokens$/,
        );
      });
    });
  });
}
