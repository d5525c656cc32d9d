// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';
import { smallModel } from '../test/small-model.js';
import { TensorProto_DataType } from './gen/onnx_pb.js';
import { encodeOnnxModel } from './onnx-model-codec.js';
import { onnxModelSignature } from './onnx-model-signature.js';

describe('onnxModelSignature', () => {
  it('lists the graph name, the inputs without initializers and the outputs with types and symbolic dims', () => {
    expect(onnxModelSignature(smallModel())).toEqual({
      name: 'small',
      inputs: [{ name: 'x', type: 'float32', dims: ['N', 3] }],
      outputs: [
        { name: 'y', type: 'float32', dims: ['N', 2] },
        { name: 'shape', type: 'int64', dims: [2] },
      ],
    });
  });

  it('gives an unnamed unknown size as "?" and an undeclared shape as []', () => {
    const bytes = encodeOnnxModel({
      graph: {
        name: 'g',
        input: [
          {
            name: 'a',
            type: {
              value: { case: 'tensorType', value: { elemType: TensorProto_DataType.FLOAT, shape: { dim: [{}, { value: { case: 'dimValue', value: 4n } }] } } },
            },
          },
        ],
        output: [{ name: 'b', type: { value: { case: 'tensorType', value: { elemType: TensorProto_DataType.BOOL } } } }],
      },
    });
    expect(onnxModelSignature(bytes)).toEqual({
      name: 'g',
      inputs: [{ name: 'a', type: 'float32', dims: ['?', 4] }],
      outputs: [{ name: 'b', type: 'bool', dims: [] }],
    });
  });

  it('rejects an input or output that is not a tensor of a supported element type', () => {
    const float16 = encodeOnnxModel({
      graph: { name: 'g', input: [{ name: 'h', type: { value: { case: 'tensorType', value: { elemType: TensorProto_DataType.FLOAT16 } } } }] },
    });
    expect(() => onnxModelSignature(float16)).toThrow(/"h" of graph "g" is not a tensor of a supported element type \(element type 10\)/);
    const untyped = encodeOnnxModel({ graph: { name: 'g', output: [{ name: 'o' }] } });
    expect(() => onnxModelSignature(untyped)).toThrow(/"o" of graph "g" .*\(no type\)/);
  });
});
