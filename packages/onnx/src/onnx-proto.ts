// SPDX-License-Identifier: Apache-2.0
// The onnx-proto package is CommonJS: a default import binds to `module.exports` under NodeNext.
import onnxProto from 'onnx-proto';

/** The `onnx` protobuf namespace of `onnx-proto` (ONNX 1.10.2 schema, protobufjs 6 messages). */
export const onnx: typeof onnxProto.onnx = onnxProto.onnx;

/** Type-only alias of the `onnx` namespace (message interfaces such as `onnx.IModelProto`). */
export type { onnx as OnnxTypes } from 'onnx-proto';
