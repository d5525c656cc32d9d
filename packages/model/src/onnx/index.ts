// SPDX-License-Identifier: Apache-2.0
// The public ONNX surface: no onnx-proto type appears in it (onnx-proto's declarations need protobufjs's `Long`
// type, which it does not ship), so a consumer type-checks without skipLibCheck.
export { createGraphBuilder, IR_VERSION, OPSET_VERSION } from './graph-builder.js';
export type { Attrs, AttrValue, ConvOptions, Dim, FloatAttr, FloatsAttr, GraphBuilder, GraphBuilderOptions, GraphStats, GridSampleOptions, OnnxValue } from './graph-builder.js';
export { onnxDataType, rawBytes } from './onnx-data-type.js';
export { float16BitsToFloat32, float32ToFloat16Bits, FLOAT16_MAX, storeFloat16Weights } from './float16-weights.js';
export type { Float16Candidate, Float16WeightsModel, Float16WeightsOptions } from './float16-weights.js';
export { quantizeDynamic } from './quantize-dynamic.js';
export type { QuantizableOp, QuantizeCandidate, QuantizeDynamicOptions, QuantizedModel } from './quantize-dynamic.js';
export { applyTaptrPrecision, isTaptrPrecision, TAPTR_PRECISIONS, taptrFloat16Options, taptrInt8Options } from './quantize-taptr-graphs.js';
export type { TaptrPrecision } from './quantize-taptr-graphs.js';
