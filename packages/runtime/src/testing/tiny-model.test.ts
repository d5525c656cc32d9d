// SPDX-License-Identifier: Apache-2.0
import { decodeOnnxModel } from '@taptr/onnx';
import { describe, expect, it } from 'vitest';
import { buildProbeModel } from '../probe-model.js';
import { buildTinyModel } from './tiny-model.js';

describe('buildTinyModel', () => {
  it('encodes a decodable ModelProto with symbolic dims and int/float attributes', () => {
    const bytes = buildTinyModel({
      name: 't',
      inputs: [{ name: 'x', type: 'int64', shape: ['n', 2] }],
      outputs: [{ name: 'y', type: 'bool', shape: ['n'] }],
      nodes: [{ op: 'Foo', inputs: ['x'], outputs: ['y'], attrs: { axis: 1, alpha: 0.5 } }],
    });
    const { model, graph } = decodeOnnxModel(bytes, 'test');
    expect(model.opsetImport[0]?.version).toBe(17n);
    const type = graph.input[0]?.type?.value;
    expect(type?.case).toBe('tensorType');
    const tensor = type?.case === 'tensorType' ? type.value : undefined;
    expect(tensor?.elemType).toBe(7);
    expect(tensor?.shape?.dim.map((d) => d.value.value)).toEqual(['n', 2n]);
    const attrs = graph.node[0]?.attribute ?? [];
    expect(attrs.map((a) => [a.name, a.type])).toEqual([
      ['axis', 2],
      ['alpha', 1],
    ]);
    expect(attrs[0]?.i).toBe(1n);
    expect(attrs[1]?.f).toBeCloseTo(0.5);
  });

  it('encodes the probe model the adapters carry as bytes (buildProbeModel)', () => {
    const spec = {
      name: 'taptr_probe',
      inputs: [
        { name: 'a', type: 'float32', shape: ['n'] },
        { name: 'b', type: 'float32', shape: ['n'] },
      ],
      outputs: [{ name: 'sum', type: 'float32', shape: ['n'] }],
      nodes: [{ op: 'Add', inputs: ['a', 'b'], outputs: ['sum'] }],
    } as const;
    // The probe's bytes were written by onnx-proto, which also wrote the opset's empty domain: the same message.
    expect(decodeOnnxModel(buildProbeModel(), 'probe').model).toEqual(decodeOnnxModel(buildTinyModel(spec), 'tiny').model);
    const { graph } = decodeOnnxModel(buildProbeModel(), 'probe');
    expect(graph.node.map((n) => n.opType)).toEqual(['Add']);
    expect(graph.output.map((o) => o.name)).toEqual(['sum']);
  });
});
