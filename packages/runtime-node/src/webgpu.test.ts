// SPDX-License-Identifier: Apache-2.0
// The WebGPU execution provider of onnxruntime-node. In CI, and wherever a Vulkan ICD is configured
// (vitest.shared.ts finds Debian chromium's SwiftShader itself), an unavailable adapter is a failure;
// elsewhere the suite is reported as skipped with the reason (never a silent pass).
// SwiftShader is ~500x slower than the CPU EP, so only the tiny conformance models run here.
import { runRuntimeConformance } from '@taptr/runtime/testing';
import { webgpuTestsRequired } from '@taptr/tensor/testing';
import { describe, expect, it } from 'vitest';
import { createNodeRuntime } from './node-runtime.js';

const webgpu = createNodeRuntime({ executionProvider: 'webgpu' });
const reason = await webgpu.unsupportedReason?.();
const gpu = webgpuTestsRequired();

describe('ort-node webgpu availability', () => {
  it('has a WebGPU adapter in CI and wherever a Vulkan ICD is installed (SwiftShader from Debian chromium)', (ctx) => {
    if (!gpu.required) ctx.skip(gpu.why);
    expect(reason, `WebGPU unavailable (${gpu.why}): ${reason}`).toBeUndefined();
  });
});

runRuntimeConformance('ort-node-webgpu', () => webgpu, {
  timeoutMs: 120_000,
  ...(reason !== undefined ? { skipReason: `no WebGPU adapter: ${reason}` } : {}),
});
