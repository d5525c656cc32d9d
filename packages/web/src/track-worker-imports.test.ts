// SPDX-License-Identifier: Apache-2.0
// The worker's import graph (bundler-free): it reads models with @taptr/model/format and runs the
// tracker; no protobuf library, graph builder or ONNX encoder reaches the worker (nor the page).
import { fileURLToPath } from 'node:url';
import { importGraph } from '@taptr/tensor/testing';
import { describe, expect, it } from 'vitest';

const PROTOBUF = /protobuf|onnx-proto|^long$/;

describe.each(['track-worker.ts', 'main.ts'])('%s import graph', (entry) => {
  it('has no protobuf, no @taptr/onnx and no @taptr/model builder entry', () => {
    const graph = importGraph(fileURLToPath(new URL(`./${entry}`, import.meta.url)));
    expect([...graph.externals.keys()].filter((name) => PROTOBUF.test(name))).toEqual([]);
    const workspace = [...graph.workspace.keys()];
    expect(workspace.filter((name) => name === '@taptr/model' || name === '@taptr/model/node' || name.startsWith('@taptr/onnx'))).toEqual([]);
    expect(workspace).toContain('@taptr/model/format');
    expect(graph.files.filter((f) => /[\\/]model[\\/]src[\\/](graphs|checkpoint|node)[\\/]|[\\/]onnx[\\/]src[\\/]/.test(f))).toEqual([]);
  });
});
