// SPDX-License-Identifier: Apache-2.0
import { compareClose, type CloseReport } from '@taptr/tensor/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TensorView } from '@taptr/tensor';
import { COST_VOLUME_METHODS, type CostVolumeMethod } from '../attrs.js';
import type { OpsBackend, OpsTensor } from '../ops-backend.js';
import { caseTensor, loadOpsCases, type CostVolumeCase, type GridSampleCase } from './conformance-cases.js';
import { corrFeatsCase, querySampleCases, type CorrFeatsCase } from './taptr-fixture-cases.js';

/** Options of {@link runOpsConformance}. */
export interface OpsConformanceOptions {
  /**
   * TAPTR reference fixture folder (in this repository: `taptrReferenceDir()` of the private `@taptr/fixtures`);
   * `false` skips the fixture-derived cases.
   */
  readonly fixtures: string | false;
  /** Absolute tolerance of `first.query_sampled`. Defaults to 1e-5 (issue 5). */
  readonly querySampledAtol?: number;
  /** Absolute tolerance of `first.w0.corr_feats`. Defaults to 1e-4 (issue 5). */
  readonly corrFeatsAtol?: number;
  /** Receives one line per compared case with its worst error (for reports). */
  readonly onReport?: (line: string) => void;
}

function expectClose(report: CloseReport, what: string): void {
  expect(report.ok, `${what}: ${report.message}`).toBe(true);
}

/**
 * Registers the ops conformance suite (vitest `describe`/`it`) for one backend: every committed
 * PyTorch-generated case (gridSample: every mode x padding x alignCorners, points outside the map,
 * non-square maps, half-pixel ties; costVolume: every method), `out` reuse, argument validation, and
 * the fixture-derived TAPTR cases (`first.query_sampled`, `first.w0.corr_feats` for every layer).
 * @param name - backend label used in the test names.
 * @param factory - creates the backend (called once, in `beforeAll`); it is disposed in `afterAll`.
 * @param options - see {@link OpsConformanceOptions}.
 */
export function runOpsConformance<T extends OpsTensor>(
  name: string,
  factory: () => OpsBackend<T> | Promise<OpsBackend<T>>,
  options: OpsConformanceOptions,
): void {
  const { querySampledAtol = 1e-5, corrFeatsAtol = 1e-4, onReport } = options;
  const { fixtures } = options;
  const cases = loadOpsCases();
  const report = (line: string) => onReport?.(`${name}: ${line}`);

  describe(`ops conformance: ${name}`, () => {
    let ops: OpsBackend<T>;
    const held: T[] = [];
    const up = (v: TensorView<'float32'>): T => {
      const t = ops.upload(v);
      held.push(t);
      return t;
    };
    const releaseAll = () => {
      for (const t of held.splice(0)) ops.release(t);
    };
    beforeAll(async () => {
      ops = await factory();
    });
    afterAll(() => {
      releaseAll();
      ops?.dispose();
    });

    const runGridSample = async (c: GridSampleCase, out?: T) => {
      const result = await ops.gridSample(up(caseTensor(c.inputs.input)), up(caseTensor(c.inputs.grid)), c.attrs, out);
      const view = await ops.download(result);
      if (out === undefined) ops.release(result);
      return view;
    };
    const runCostVolume = async (c: CostVolumeCase, method: CostVolumeMethod) => {
      const result = await ops.costVolume(
        c.inputs.features.map((f) => up(caseTensor(f))),
        up(caseTensor(c.inputs.queries)),
        up(caseTensor(c.inputs.centers)),
        { ...c.attrs, method },
      );
      const view = await ops.download(result);
      ops.release(result);
      return view;
    };

    describe('gridSample (PyTorch F.grid_sample cases)', () => {
      for (const c of cases.filter((x): x is GridSampleCase => x.op === 'gridSample')) {
        it(c.name, async () => {
          const actual = await runGridSample(c);
          releaseAll();
          const r = compareClose(actual, caseTensor(c.expected), c.tolerance);
          report(`gridSample ${c.name}: max |err| ${r.maxAbsError.toExponential(2)}`);
          expectClose(r, c.name);
        });
      }
      it('writes into a caller-provided out tensor and returns it', async () => {
        const c = cases.find((x): x is GridSampleCase => x.op === 'gridSample')!;
        const out = ops.allocate(c.expected.dims);
        const back = await ops.gridSample(up(caseTensor(c.inputs.input)), up(caseTensor(c.inputs.grid)), c.attrs, out);
        expect(back).toBe(out);
        const r = compareClose(await ops.download(out), caseTensor(c.expected), c.tolerance);
        ops.release(out);
        releaseAll();
        expectClose(r, c.name);
      });
    });

    describe('costVolume (taptr-spec section 7, PyTorch full-correlation reference)', () => {
      for (const c of cases.filter((x): x is CostVolumeCase => x.op === 'costVolume')) {
        for (const method of COST_VOLUME_METHODS) {
          it(`${c.name} [${method}]`, async () => {
            const actual = await runCostVolume(c, method);
            releaseAll();
            const r = compareClose(actual, caseTensor(c.expected), c.tolerance);
            report(`costVolume ${c.name} [${method}]: max |err| ${r.maxAbsError.toExponential(2)}`);
            expectClose(r, `${c.name} [${method}]`);
          });
        }
        it(`${c.name}: every method agrees with 'full'`, async () => {
          const full = await runCostVolume(c, 'full');
          for (const method of COST_VOLUME_METHODS.filter((m) => m !== 'full')) {
            expectClose(compareClose(await runCostVolume(c, method), full, { atol: 1e-5, rtol: 1e-5 }), `${method} vs full`);
          }
          releaseAll();
        });
      }
    });

    describe('argument validation', () => {
      it('rejects a grid whose batch differs from the input (RangeError naming grid)', async () => {
        const input = up(caseTensor({ data: new Array(2 * 3 * 4).fill(0), dims: [2, 1, 3, 4], type: 'float32' }));
        const grid = up(caseTensor({ data: new Array(2 * 2).fill(0), dims: [1, 1, 2, 2], type: 'float32' }));
        await expect(ops.gridSample(input, grid, {})).rejects.toThrow(RangeError);
        await expect(ops.gridSample(input, grid, {})).rejects.toThrow(/^gridSample: grid must be of shape \[N=2, Ho, Wo, 2\], got \[1, 1, 2, 2\]$/);
        releaseAll();
      });
      it('rejects unknown attribute values with the allowed list', async () => {
        const input = up(caseTensor({ data: [1], dims: [1, 1, 1, 1], type: 'float32' }));
        const grid = up(caseTensor({ data: [0, 0], dims: [1, 1, 1, 2], type: 'float32' }));
        await expect(ops.gridSample(input, grid, { mode: 'bicubic' as 'nearest' })).rejects.toThrow(/attrs\.mode must be one of 'bilinear' \| 'nearest', got "bicubic"/);
        await expect(ops.gridSample(input, grid, { alignCorners: 1 as unknown as boolean })).rejects.toThrow(TypeError);
        await expect(ops.costVolume([input], input, grid, {})).rejects.toThrow(/costVolume: queries must be of shape \[B=1, N, C=1\], got \[1, 1, 1, 1\]/);
        releaseAll();
      });
      it('rejects an out tensor of the wrong shape', async () => {
        const input = up(caseTensor({ data: [1, 2], dims: [1, 2, 1, 1], type: 'float32' }));
        const grid = up(caseTensor({ data: [0, 0], dims: [1, 1, 1, 2], type: 'float32' }));
        const out = ops.allocate([1, 1, 1, 1]);
        await expect(ops.gridSample(input, grid, {}, out)).rejects.toThrow(/gridSample: out must be of shape \[1, 2, 1, 1\], got \[1, 1, 1, 1\]/);
        ops.release(out);
        releaseAll();
      });
    });

    if (fixtures === false) return;
    describe(`TAPTR reference fixtures (${fixtures})`, () => {
      it(`first.query_sampled from first.memory_qframes at first.query_xy_norm (atol ${querySampledAtol})`, async () => {
        const qcases = querySampleCases(fixtures);
        expect(qcases.length).toBeGreaterThan(0);
        let worst = 0;
        for (const c of qcases) {
          const result = await ops.gridSample(up(c.input), up(c.grid), { mode: 'bilinear', paddingMode: 'border', alignCorners: true });
          const r = compareClose(await ops.download(result), c.expected, { atol: querySampledAtol });
          ops.release(result);
          releaseAll();
          worst = Math.max(worst, r.maxAbsError);
          expectClose(r, c.name);
        }
        report(`first.query_sampled (${qcases.length} frame-levels): max |err| ${worst.toExponential(2)}`);
      });
      let corr: Promise<CorrFeatsCase> | undefined;
      const layers = () => (corr ??= corrFeatsCase(fixtures));
      for (const method of COST_VOLUME_METHODS) {
        it(`first.w0.corr_feats for every layer [${method}] (atol ${corrFeatsAtol})`, async () => {
          const c = await layers();
          const features = c.features.map(up);
          const queries = up(c.queries);
          for (let layer = 0; layer < c.expected.length; layer++) {
            const result = await ops.costVolume(features, queries, up(c.centers[layer]!), { radius: 3, method });
            const r = compareClose(await ops.download(result), c.expected[layer]!, { atol: corrFeatsAtol });
            ops.release(result);
            report(`first.w0.corr_feats layer ${layer} [${method}]: max |err| ${r.maxAbsError.toExponential(2)}`);
            expectClose(r, `layer ${layer} [${method}] (fmap_mappers from ${c.weightsSource})`);
          }
          releaseAll();
        });
      }
    });
  });
}
