// SPDX-License-Identifier: Apache-2.0
// ONNX element-type codes and raw tensor bytes. Public API of @taptr/model: its declarations name no
// onnx-proto type (onnx-proto's own declarations need protobufjs's `Long`, which it does not ship).
import { invalidArgument, type DType } from '@taptr/tensor';
import { onnx } from './onnx-proto.js';

const DATA_TYPES: Partial<Record<DType, number>> = {
  float32: onnx.TensorProto.DataType.FLOAT,
  float64: onnx.TensorProto.DataType.DOUBLE,
  int8: onnx.TensorProto.DataType.INT8,
  uint8: onnx.TensorProto.DataType.UINT8,
  int16: onnx.TensorProto.DataType.INT16,
  uint16: onnx.TensorProto.DataType.UINT16,
  int32: onnx.TensorProto.DataType.INT32,
  uint32: onnx.TensorProto.DataType.UINT32,
  int64: onnx.TensorProto.DataType.INT64,
  uint64: onnx.TensorProto.DataType.UINT64,
  bool: onnx.TensorProto.DataType.BOOL,
};

/** ONNX `TensorProto.DataType` code of a {@link DType}. */
export function onnxDataType(type: DType): number {
  const code = DATA_TYPES[type];
  if (code === undefined) throw invalidArgument('range', 'onnxDataType', 'type', 'a DType with an ONNX equivalent', type);
  return code;
}

/** Little-endian byte view of a typed array (no copy on little-endian hosts, the only ones supported). */
export function rawBytes(data: ArrayBufferView): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
