// SPDX-License-Identifier: Apache-2.0
export { createGraphBuilder, IR_VERSION, OPSET_VERSION } from './graph-builder.js';
export type { Attrs, AttrValue, ConvOptions, Dim, FloatAttr, FloatsAttr, GraphBuilder, GraphBuilderOptions, GraphStats, GridSampleOptions, OnnxValue } from './graph-builder.js';
export { onnxDataType, rawBytes } from './onnx-data-type.js';
export { decodeOnnxModel } from './decode-onnx-model.js';
export { onnx } from './onnx-proto.js';
export type { OnnxTypes } from './onnx-proto.js';
export { float16BitsToFloat32, float32ToFloat16Bits, FLOAT16_MAX, storeFloat16Weights } from './float16-weights.js';
export type { Float16Candidate, Float16WeightsModel, Float16WeightsOptions } from './float16-weights.js';
export { quantizeDynamic } from './quantize-dynamic.js';
export type { QuantizableOp, QuantizeCandidate, QuantizeDynamicOptions, QuantizedModel } from './quantize-dynamic.js';
