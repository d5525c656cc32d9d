// SPDX-License-Identifier: Apache-2.0
import type { DType } from '@taptr/tensor';

/** A graph input or output as declared in the model: name, element type and dims (symbolic names allowed). */
export interface GraphValueInfo {
  readonly name: string;
  readonly type: DType;
  readonly dims: readonly (number | string)[];
}

/** Declared inputs and outputs of a graph (as `model.json` lists them, or as a runtime session reports them). */
export interface GraphSignature {
  readonly name: string;
  readonly inputs: readonly GraphValueInfo[];
  readonly outputs: readonly GraphValueInfo[];
}
