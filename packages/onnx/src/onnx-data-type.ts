// SPDX-License-Identifier: Apache-2.0
// ONNX element-type codes (TensorProto.DataType) and raw tensor bytes.
import { invalidArgument, type DType } from '@taptr/tensor';
import { TensorProto_DataType as DT } from './gen/onnx_pb.js';

const DATA_TYPES: Partial<Record<DType, DT>> = {
  float32: DT.FLOAT,
  float64: DT.DOUBLE,
  int8: DT.INT8,
  uint8: DT.UINT8,
  int16: DT.INT16,
  uint16: DT.UINT16,
  int32: DT.INT32,
  uint32: DT.UINT32,
  int64: DT.INT64,
  uint64: DT.UINT64,
  bool: DT.BOOL,
};

const DTYPES = new Map<number, DType>(Object.entries(DATA_TYPES).map(([type, code]) => [code, type as DType]));

/** ONNX `TensorProto.DataType` code of a {@link DType}. */
export function onnxDataType(type: DType): number {
  const code = DATA_TYPES[type];
  if (code === undefined) throw invalidArgument('range', 'onnxDataType', 'type', 'a DType with an ONNX equivalent', type);
  return code;
}

/** The {@link DType} of an ONNX `TensorProto.DataType` code; `undefined` for a type without one (float16, string, ...). */
export function dtypeOfOnnxDataType(code: number): DType | undefined {
  return DTYPES.get(code);
}

/** Little-endian byte view of a typed array (no copy on little-endian hosts, the only ones supported). */
export function rawBytes(data: ArrayBufferView): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
