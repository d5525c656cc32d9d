// SPDX-License-Identifier: Apache-2.0
export { createGraphBuilder, IR_VERSION, OPSET_VERSION } from './graph-builder.js';
export type {
  Attrs,
  AttrValue,
  ConvOptions,
  Dim,
  FloatAttr,
  FloatsAttr,
  GraphBuilder,
  GraphBuilderOptions,
  GraphStats,
  GridSampleOptions,
  OnnxValue,
} from './graph-builder.js';
export { decodeOnnxModel, encodeOnnxModel } from './onnx-model-codec.js';
export type { ModelProtoInit } from './onnx-model-codec.js';
export { onnxModelSignature } from './onnx-model-signature.js';
export type { OnnxModelSignature, OnnxTensorInfo } from './onnx-model-signature.js';
export { AttributeProto_AttributeType, TensorProto_DataType } from './gen/onnx_pb.js';
export type { AttributeProto, GraphProto, ModelProto, NodeProto, TensorProto, ValueInfoProto } from './gen/onnx_pb.js';
export { storeFloat16Weights } from './float16-weights.js';
export type { Float16Candidate, Float16WeightsModel, Float16WeightsOptions } from './float16-weights.js';
export { quantizeDynamic } from './quantize-dynamic.js';
export type { QuantizableOp, QuantizeCandidate, QuantizeDynamicOptions, QuantizedModel } from './quantize-dynamic.js';
export { setInt8WeightType } from './int8-weight-type.js';
export type { Int8WeightType, Int8WeightTypeModel, SetInt8WeightTypeOptions } from './int8-weight-type.js';
