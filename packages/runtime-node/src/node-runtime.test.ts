// SPDX-License-Identifier: Apache-2.0
import { buildProbeModel } from '@taptr/runtime';
import { runRuntimeConformance } from '@taptr/runtime/testing';
import { isTaptrError } from '@taptr/tensor';
import { describe, expect, it } from 'vitest';
import { createNodeRuntime, DEFAULT_NODE_RUNTIME_OPTIONS, memorySessionOptions, mergeSessionOptions } from './node-runtime.js';

runRuntimeConformance('ort-node-cpu (1 thread)', () => createNodeRuntime({ threads: 1 }));
runRuntimeConformance('ort-node-cpu (2 threads, basic optimisation)', () => createNodeRuntime({ threads: 2, graphOptimizationLevel: 'basic' }));
runRuntimeConformance("ort-node-cpu (memory 'fast': onnxruntime's arena and memory pattern)", () => createNodeRuntime({ threads: 1, memory: 'fast' }));
runRuntimeConformance("ort-node-cpu (memory 'low': no arena)", () => createNodeRuntime({ threads: 1, memory: 'low' }));

describe('createNodeRuntime', () => {
  it('names itself after its execution provider', () => {
    expect(createNodeRuntime().name).toBe('ort-node-cpu');
    expect(createNodeRuntime({ executionProvider: 'webgpu' }).name).toBe('ort-node-webgpu');
  });

  it('rejects invalid options with a RangeError naming the option', () => {
    expect(() => createNodeRuntime({ threads: -1 })).toThrow(
      'createNodeRuntime: options.threads must be a non-negative integer (0 = onnxruntime default), got -1',
    );
    expect(() => createNodeRuntime({ executionProvider: 'cuda' as 'cpu' })).toThrow(/options.executionProvider must be one of cpu, webgpu, got "cuda"/);
    expect(() => createNodeRuntime({ graphOptimizationLevel: 'max' as 'all' })).toThrow(RangeError);
    expect(() => createNodeRuntime({ memory: 'none' as 'low' })).toThrow(/options.memory must be one of balanced, fast, low, got "none"/);
  });

  it("defaults to memory 'balanced' (arena, no memory pattern, weights outside the arena); per-session options still apply", async () => {
    expect(DEFAULT_NODE_RUNTIME_OPTIONS.memory).toBe('balanced');
    expect(memorySessionOptions('balanced')).toEqual({
      enableCpuMemArena: true,
      enableMemPattern: false,
      extra: { session: { use_device_allocator_for_initializers: '1' } },
    });
    expect(memorySessionOptions('low')).toEqual({ enableCpuMemArena: false, enableMemPattern: false });
    expect(memorySessionOptions('fast')).toEqual({});
    const rt = createNodeRuntime({ threads: 1 });
    const s = await rt.createSession(buildProbeModel(), { enableCpuMemArena: false, extra: { session: { disable_prepacking: '1' } } });
    const a = rt.tensors.tensor('float32', new Float32Array([1, 2]), [2]);
    expect(Array.from((await s.run({ a, b: a }))['sum']!.data as Float32Array)).toEqual([2, 4]);
    await s.release();
  });

  it("merges per-session config entries over the memory mode's", () => {
    const base = { enableCpuMemArena: true, extra: { session: { use_device_allocator_for_initializers: '1' } } };
    expect(mergeSessionOptions(base, { extra: { session: { disable_prepacking: '1' } } })).toEqual({
      enableCpuMemArena: true,
      extra: { session: { use_device_allocator_for_initializers: '1', disable_prepacking: '1' } },
    });
    expect(mergeSessionOptions(base, { enableCpuMemArena: false, extra: { session: { use_device_allocator_for_initializers: '0' } } })).toEqual({
      enableCpuMemArena: false,
      extra: { session: { use_device_allocator_for_initializers: '0' } },
    });
    expect(mergeSessionOptions({ logSeverityLevel: 3 }, {})).toEqual({ logSeverityLevel: 3 });
  });

  it('reports a missing model file as TAPTR_IO naming the file', async () => {
    const error = await createNodeRuntime()
      .createSession('/nonexistent/model.onnx')
      .catch((e: unknown) => e);
    expect(isTaptrError(error, 'TAPTR_IO')).toBe(true);
    expect((error as Error).message).toContain('model.onnx');
  });

  it('rejects a model argument that is neither bytes nor a path', async () => {
    await expect(createNodeRuntime().createSession(42 as unknown as string)).rejects.toThrow(TypeError);
  });

  it('uses logId as the model label in feed errors', async () => {
    const rt = createNodeRuntime({ threads: 1 });
    const s = await rt.createSession(buildProbeModel(), { logId: 'probe' });
    await expect(s.run({})).rejects.toThrow('probe: missing inputs "a", "b"');
    await s.release();
  });
});
