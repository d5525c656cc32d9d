// SPDX-License-Identifier: Apache-2.0
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tensor, type TensorView } from '@taptr/tensor';
import type { CostVolumeAttrs, GridSampleAttrs } from '../attrs.js';

/** A tensor as stored in the JSON cases. */
export interface CaseTensor {
  readonly data: readonly (number | null)[];
  readonly dims: readonly number[];
  readonly type: 'float32';
}

/** Absolute/relative tolerance of a case: |actual - expected| <= atol + rtol |expected|. */
export interface CaseTolerance {
  readonly atol: number;
  readonly rtol: number;
}

/** A `gridSample` conformance case. */
export interface GridSampleCase {
  readonly name: string;
  readonly op: 'gridSample';
  readonly attrs: Required<GridSampleAttrs>;
  readonly inputs: { readonly input: CaseTensor; readonly grid: CaseTensor };
  readonly expected: CaseTensor;
  readonly tolerance: CaseTolerance;
}

/** A `costVolume` conformance case. */
export interface CostVolumeCase {
  readonly name: string;
  readonly op: 'costVolume';
  readonly attrs: CostVolumeAttrs;
  readonly inputs: { readonly features: readonly CaseTensor[]; readonly queries: CaseTensor; readonly centers: CaseTensor };
  readonly expected: CaseTensor;
  readonly tolerance: CaseTolerance;
}

/** One data-driven conformance case (schema in the spirit of onnxruntime's `_example.jsonc`). */
export type OpsCase = GridSampleCase | CostVolumeCase;

/** A case file: provenance plus cases. */
export interface OpsCaseFile {
  readonly generator: string;
  readonly torch: string;
  readonly cases: readonly OpsCase[];
}

/** Names of the committed case files (in `packages/ops/cases/`). */
export const CASE_FILES: readonly string[] = Object.freeze(['grid-sample.json', 'cost-volume.json']);

/**
 * Loads the committed conformance cases (generated from PyTorch by `tools/ops-cases/generate_cases.py`).
 * @param dir - folder of the case files; defaults to the package's `cases/` folder.
 */
export function loadOpsCases(dir: string = fileURLToPath(new URL('../../cases/', import.meta.url))): OpsCase[] {
  return CASE_FILES.flatMap((file) => (JSON.parse(readFileSync(`${dir.replace(/\/$/, '')}/${file}`, 'utf8')) as OpsCaseFile).cases);
}

/** Converts a JSON case tensor to a {@link TensorView} (null = NaN). */
export function caseTensor(t: CaseTensor): TensorView<'float32'> {
  return tensor('float32', t.dims, Float32Array.from(t.data, (v) => (v === null ? Number.NaN : v)));
}
