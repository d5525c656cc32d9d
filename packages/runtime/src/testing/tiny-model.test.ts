// SPDX-License-Identifier: Apache-2.0
import onnxProto from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { buildProbeModel } from '../probe-model.js';
import { buildTinyModel } from './tiny-model.js';

const { onnx } = onnxProto;

describe('buildTinyModel', () => {
  it('encodes a decodable ModelProto with symbolic dims and int/float attributes', () => {
    const bytes = buildTinyModel({
      name: 't',
      inputs: [{ name: 'x', type: 'int64', shape: ['n', 2] }],
      outputs: [{ name: 'y', type: 'bool', shape: ['n'] }],
      nodes: [{ op: 'Foo', inputs: ['x'], outputs: ['y'], attrs: { axis: 1, alpha: 0.5 } }],
    });
    const m = onnx.ModelProto.decode(bytes);
    expect(m.opsetImport[0]?.version).toEqual(expect.anything());
    expect(Number(m.opsetImport[0]?.version)).toBe(17);
    const input = m.graph?.input?.[0];
    expect(input?.type?.tensorType?.elemType).toBe(7);
    expect(input?.type?.tensorType?.shape?.dim?.map((d) => d.dimParam || Number(d.dimValue))).toEqual(['n', 2]);
    const attrs = m.graph?.node?.[0]?.attribute ?? [];
    expect(attrs.map((a) => [a.name, a.type])).toEqual([['axis', 2], ['alpha', 1]]);
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
    expect(Array.from(buildProbeModel())).toEqual(Array.from(buildTinyModel(spec)));
    const m = onnx.ModelProto.decode(buildProbeModel());
    expect(m.graph?.node?.map((n) => n.opType)).toEqual(['Add']);
    expect(m.graph?.output?.map((o) => o.name)).toEqual(['sum']);
  });
});
