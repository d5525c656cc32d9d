// SPDX-License-Identifier: Apache-2.0
export { createGraphBuilder, IR_VERSION, OPSET_VERSION } from './graph-builder.js';
export type { Attrs, AttrValue, ConvOptions, Dim, FloatAttr, FloatsAttr, GraphBuilder, GraphBuilderOptions, GraphStats, GridSampleOptions, OnnxValue } from './graph-builder.js';
export { onnx } from './onnx-proto.js';
export type { OnnxTypes } from './onnx-proto.js';
export { onnxDataType, rawBytes, tensorProtoOf } from './tensor-proto.js';
export { float16BitsToFloat32, float32ToFloat16Bits, FLOAT16_MAX, storeFloat16Weights } from './float16-weights.js';
export type { Float16Candidate, Float16WeightsModel, Float16WeightsOptions } from './float16-weights.js';
export { quantizeDynamic } from './quantize-dynamic.js';
export type { QuantizableOp, QuantizeCandidate, QuantizeDynamicOptions, QuantizedModel } from './quantize-dynamic.js';
export { applyTaptrPrecision, isTaptrPrecision, TAPTR_PRECISIONS, taptrFloat16Options, taptrInt8Options } from './quantize-taptr-graphs.js';
export type { TaptrPrecision } from './quantize-taptr-graphs.js';
