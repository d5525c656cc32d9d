// SPDX-License-Identifier: Apache-2.0
// No graph computes values nobody reads (issue 15): onnxruntime runs such dead nodes anyway, at the end
// of the graph, so their inputs (in the decoder: every layer's content and corner coordinates) stay
// alive for the whole run.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeOnnxModel } from '@taptr/onnx';
import { loadJson } from '@taptr/tensor/testing';
import { describe, expect, it } from 'vitest';
import { readTaptrCheckpoint } from '../checkpoint/taptr-checkpoint.js';
import { parseTaptrConfig } from '../config/taptr-config.js';
import { TAPTR_FIXTURES } from '../../test/fixture-dir.js';
import { buildDecoderWindowGraph } from './decoder-window.js';
import { buildTaptrGraphs } from './taptr-graphs.js';

const config = parseTaptrConfig(loadJson(TAPTR_FIXTURES, 'config.json'));
const stateDict = readTaptrCheckpoint(new Uint8Array(readFileSync(join(TAPTR_FIXTURES, 'checkpoint.pth'))), { config });

/** Names of the nodes none of whose outputs is read by another node or is a graph output. */
function deadNodes(model: Uint8Array): string[] {
  const { graph } = decodeOnnxModel(model, 'model');
  const read = new Set<string>(graph.output.map((o) => o.name));
  for (const node of graph.node) for (const input of node.input) read.add(input);
  return graph.node.filter((node) => node.output.every((o) => !read.has(o))).map((node) => `${node.name} (${node.opType})`);
}

describe('graphs without dead nodes', () => {
  const graphs = buildTaptrGraphs(stateDict, config);
  it.each(['frameEncoder', 'queryInit', 'decoderWindow', 'decoderWindowSampleFirst'] as const)('%s', (role) => {
    expect(deadNodes(graphs[role]!)).toEqual([]);
  });

  it.each([
    ['project-first', 'volume'],
    ['sample-first', 'volume'],
  ] as const)('decoder window %s with correlation %s', (crossAttention, correlation) => {
    expect(deadNodes(buildDecoderWindowGraph(stateDict, config, { crossAttention, correlation }))).toEqual([]);
  });
});
