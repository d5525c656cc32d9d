// SPDX-License-Identifier: Apache-2.0
import { invalidArgument, shapeSize, type TensorView } from '@taptr/tensor';
import { onnxDataType, rawBytes } from './onnx-data-type.js';
import type { OnnxTypes } from './onnx-proto.js';

/**
 * Converts a {@link TensorView} to an ONNX `TensorProto` named `name`, data stored as `rawData`
 * (the view's bytes are referenced, not copied, until the model is encoded).
 */
export function tensorProtoOf(name: string, view: TensorView): OnnxTypes.ITensorProto {
  if (view.data.length !== shapeSize(view.dims)) {
    throw invalidArgument('range', 'tensorProtoOf', 'view.data', `${shapeSize(view.dims)} elements`, String(view.data.length));
  }
  return {
    name,
    dataType: onnxDataType(view.type),
    dims: [...view.dims],
    rawData: rawBytes(view.data),
  };
}
