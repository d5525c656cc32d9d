// SPDX-License-Identifier: Apache-2.0
export { createGraphBuilder, IR_VERSION, OPSET_VERSION } from './graph-builder.js';
export type { Attrs, AttrValue, ConvOptions, Dim, FloatAttr, FloatsAttr, GraphBuilder, GraphBuilderOptions, GraphStats, GridSampleOptions, OnnxValue } from './graph-builder.js';
export { onnx } from './onnx-proto.js';
export type { OnnxTypes } from './onnx-proto.js';
export { onnxDataType, rawBytes, tensorProtoOf } from './tensor-proto.js';
