// SPDX-License-Identifier: Apache-2.0

/**
 * The encoded probe model (ONNX `ModelProto`, opset 17): `sum = a + b`, `a`, `b`, `sum` float32 `[n]`.
 * Kept as bytes so that the adapters (and everything that imports them: the tracker, the page's worker)
 * carry no protobuf library; `@taptr/runtime/testing`'s `buildTinyModel` encodes the same model (tested).
 */
const PROBE_MODEL = Uint8Array.from([
  8, 8, 18, 8, 116, 97, 112, 116, 114, 45, 106, 115, 58, 94, 10, 23, 10, 1, 97, 10, 1, 98, 18, 3, 115, 117, 109, 26, 5, 97, 100, 100, 95, 48, 34, 3, 65, 100,
  100, 18, 11, 116, 97, 112, 116, 114, 95, 112, 114, 111, 98, 101, 90, 16, 10, 1, 97, 18, 11, 10, 9, 8, 1, 18, 5, 10, 3, 18, 1, 110, 90, 16, 10, 1, 98, 18, 11,
  10, 9, 8, 1, 18, 5, 10, 3, 18, 1, 110, 98, 18, 10, 3, 115, 117, 109, 18, 11, 10, 9, 8, 1, 18, 5, 10, 3, 18, 1, 110, 66, 4, 10, 0, 16, 17,
]);

/**
 * The probe model adapters run to check that an execution provider really works:
 * `sum = a + b`, `a`, `b`, `sum` float32 `[n]`. A new copy each call.
 */
export function buildProbeModel(): Uint8Array {
  return PROBE_MODEL.slice();
}
