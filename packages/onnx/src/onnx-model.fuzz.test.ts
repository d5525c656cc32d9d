// SPDX-License-Identifier: Apache-2.0
// The readers of ONNX model bytes on fuzzed input: decoding, the signature, and both transforms (which
// decode and then read the initializers) end in a typed error or a result, never an engine crash or a hang.
import { fuzzBytes } from '@taptr/tensor/testing';
import { describe, expect, it } from 'vitest';
import { smallModel } from '../test/small-model.js';
import { storeFloat16Weights } from './float16-weights.js';
import { decodeOnnxModel, encodeOnnxModel } from './onnx-model-codec.js';
import { onnxModelSignature } from './onnx-model-signature.js';
import { quantizeDynamic } from './quantize-dynamic.js';

const readers: Record<string, (bytes: Uint8Array) => unknown> = {
  decodeOnnxModel: (bytes) => encodeOnnxModel(decodeOnnxModel(bytes, 'fuzz').model),
  onnxModelSignature,
  storeFloat16Weights: (bytes) => storeFloat16Weights(bytes, { minElements: 1 }),
  quantizeDynamic: (bytes) => quantizeDynamic(bytes, { opTypes: ['MatMul', 'Gemm', 'Conv'] }),
};

describe('ONNX model readers: fuzzed bytes', () => {
  const input = smallModel();
  for (const [name, read] of Object.entries(readers)) {
    it(`${name}: every mutation is a typed error or a result`, async () => {
      const report = await fuzzBytes({ input, seed: 14, minCases: 1500, budgetMs: 1500, read });
      expect(report.failures, report.summary).toEqual([]);
      expect(report.cases).toBeGreaterThanOrEqual(1500);
    });
  }
});
