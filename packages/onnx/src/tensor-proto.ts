// SPDX-License-Identifier: Apache-2.0
import { create } from '@bufbuild/protobuf';
import { invalidArgument, shapeSize, type TensorView } from '@taptr/tensor';
import { TensorProtoSchema, type TensorProto } from './gen/onnx_pb.js';
import { onnxDataType, rawBytes } from './onnx-data-type.js';

/**
 * Converts a {@link TensorView} to an ONNX `TensorProto` named `name`, data stored as `rawData`
 * (the view's bytes are referenced, not copied, until the model is encoded).
 */
export function tensorProtoOf(name: string, view: TensorView): TensorProto {
  if (view.data.length !== shapeSize(view.dims)) {
    throw invalidArgument('range', 'tensorProtoOf', 'view.data', `${shapeSize(view.dims)} elements`, String(view.data.length));
  }
  return create(TensorProtoSchema, { name, dataType: onnxDataType(view.type), dims: view.dims.map(BigInt), rawData: rawBytes(view.data) });
}
