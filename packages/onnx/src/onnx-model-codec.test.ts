// SPDX-License-Identifier: Apache-2.0
import { create, toBinary } from '@bufbuild/protobuf';
import { WireType } from '@bufbuild/protobuf/wire';
import { isTaptrError } from '@taptr/tensor';
import { describe, expect, it } from 'vitest';
import { smallModel } from '../test/small-model.js';
import { ModelProtoSchema, TensorProto_DataType } from './gen/onnx_pb.js';
import { IR_VERSION, OPSET_VERSION } from './graph-builder.js';
import { decodeOnnxModel, encodeOnnxModel } from './onnx-model-codec.js';

/**
 * `smallModel()` as the graph builder wrote it with onnx-proto (protobufjs 6), before @bufbuild/protobuf:
 * fields explicitly set to their default value were written too (such as the opset's empty `domain`), so
 * the model files converted then are a few bytes longer than the ones written now.
 */
const SMALL_MODEL_ONNX_PROTO =
  'CAgSCHRhcHRyLWpzOvsCCiMKAXgKAXcSBk1hdE11bBoLTWF0TXVsI25vZGUiBk1hdE11bAoxCgZNYXRNdWwKB2NvbnN0X2kSB1Jlc2hhcGUaDFJlc2hhcGUjbm9kZSIHUmVzaGFwZQoeCgdSZXNoYXBlEgF5GgZ5I25vZGUiCElkZW50aXR5CiIKBk1hdE11bBIFU2hhcGUaClNoYXBlI25vZGUiBVNoYXBlCikKBVNoYXBlEgRDYXN0GglDYXN0I25vZGUiBENhc3QqCQoCdG8YB6ABAgojCgRDYXN0EgVzaGFwZRoKc2hhcGUjbm9kZSIISWRlbnRpdHkSBXNtYWxsKiMKAgMCEAFCAXdKGAAAgD8AAABAAABAQAAAgEAAAKBAAADAQCogCgECEAdCB2NvbnN0X2lKEAAAAAAAAAAA//////////9aFAoBeBIPCg0IARIJCgMSAU4KAggDYhQKAXkSDwoNCAESCQoDEgFOCgIIAmITCgVzaGFwZRIKCggIBxIECgIIAkIECgAQEQ==';

describe('decodeOnnxModel / encodeOnnxModel', () => {
  it('decodes what the graph builder encodes, int64 fields as bigint, and encodes it back to the same bytes', () => {
    const bytes = smallModel();
    const { model, graph } = decodeOnnxModel(bytes, 'test');
    expect(model.irVersion).toBe(BigInt(IR_VERSION));
    expect(model.opsetImport.map((o) => [o.domain, o.version])).toEqual([['', BigInt(OPSET_VERSION)]]);
    expect(graph.name).toBe('small');
    const w = graph.initializer.find((t) => t.name === 'w')!;
    expect(w.dims).toEqual([3n, 2n]);
    expect(w.dataType).toBe(TensorProto_DataType.FLOAT);
    expect(Array.from(new Float32Array(w.rawData.slice().buffer))).toEqual([1, 2, 3, 4, 5, 6]);
    // -1 in the reshape constant is an int64 value stored in raw bytes; the Cast's `to` is an INT attribute.
    expect(graph.node.find((n) => n.opType === 'Cast')!.attribute[0]!.i).toBe(BigInt(TensorProto_DataType.INT64));
    expect(encodeOnnxModel(model)).toEqual(bytes);
  });

  it('reads the models the onnx-proto encoder wrote: the same message, encoded now as the builder encodes it', () => {
    const old = Uint8Array.from(atob(SMALL_MODEL_ONNX_PROTO), (c) => c.charCodeAt(0));
    const current = smallModel();
    expect(old.length).toBeGreaterThan(current.length);
    expect(encodeOnnxModel(decodeOnnxModel(old, 'test').model)).toEqual(current);
  });

  it('writes the bytes of toBinary: fields on both sides of graph / initializer / raw_data, unknown fields last', () => {
    const unknown = (no: number): { no: number; wireType: WireType; data: Uint8Array } => ({ no, wireType: WireType.Varint, data: Uint8Array.of(no) });
    const model = create(ModelProtoSchema, {
      irVersion: 8n,
      producerName: 'p',
      opsetImport: [{ domain: '', version: 17n }],
      metadataProps: [{ key: 'k', value: 'v' }],
      graph: {
        node: [{ opType: 'Identity', input: ['w'], output: ['y'] }],
        name: 'g',
        initializer: [
          { name: 'w', dataType: 1, dims: [2n], rawData: Uint8Array.of(0, 0, 128, 63, 0, 0, 0, 64), docString: 'after raw_data' },
          { name: 'f', dataType: 1, dims: [1n], floatData: [3] },
          { name: 'e', dataType: 1, dims: [0n] },
        ],
        docString: 'graph doc',
        input: [{ name: 'x' }],
        output: [{ name: 'y' }],
      },
    });
    expect(encodeOnnxModel(model)).toEqual(toBinary(ModelProtoSchema, model));
    model.$unknown = [unknown(99)];
    model.graph!.$unknown = [unknown(98)];
    model.graph!.initializer[0]!.$unknown = [unknown(97)];
    const bytes = encodeOnnxModel(model);
    expect(bytes).toEqual(toBinary(ModelProtoSchema, model));
    const decoded = decodeOnnxModel(bytes, 'test');
    expect([decoded.model.$unknown?.[0]?.no, decoded.graph.$unknown?.[0]?.no, decoded.graph.initializer[0]?.$unknown?.[0]?.no]).toEqual([99, 98, 97]);
  });

  it('encodes a plain ModelProto object, int64 beyond 2^53 kept exactly', () => {
    const big = 2n ** 60n + 7n;
    const bytes = encodeOnnxModel({
      irVersion: 8n,
      modelVersion: big,
      graph: {
        name: 'g',
        input: [{ name: 'x', type: { value: { case: 'tensorType', value: { elemType: 1, shape: { dim: [{ value: { case: 'dimValue', value: big } }] } } } } }],
      },
    });
    const { model, graph } = decodeOnnxModel(bytes, 'test');
    expect(model.modelVersion).toBe(big);
    const type = graph.input[0]?.type?.value;
    expect(type?.case === 'tensorType' ? type.value.shape?.dim[0]?.value : undefined).toEqual({ case: 'dimValue', value: big });
  });

  it('rejects bytes that are not an ONNX model, and a model without a graph, with TAPTR_CONFIG_INVALID', () => {
    const bad = Uint8Array.of(0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 1, 2);
    expect(() => decodeOnnxModel(bad, 'reader')).toThrow(/^reader: not an ONNX model/);
    expect(() => decodeOnnxModel(encodeOnnxModel({ irVersion: 8n }), 'reader')).toThrow('reader: the model has no graph');
    for (const bytes of [bad, encodeOnnxModel({ irVersion: 8n })]) {
      const error = (() => {
        try {
          decodeOnnxModel(bytes, 'reader');
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(isTaptrError(error, 'TAPTR_CONFIG_INVALID')).toBe(true);
    }
  });
});
