// SPDX-License-Identifier: Apache-2.0
// The WebGPU execution provider of onnxruntime-node. With CI=true an unavailable adapter is a
// failure; elsewhere the suite is reported as skipped with the reason (never a silent pass).
// SwiftShader is ~500x slower than the CPU EP, so only the tiny conformance models run here.
import { runRuntimeConformance } from '@taptr/runtime/testing';
import { describe, expect, it } from 'vitest';
import { createNodeRuntime } from './node-runtime.js';

const webgpu = createNodeRuntime({ executionProvider: 'webgpu' });
const reason = await webgpu.unsupportedReason?.();
const inCi = process.env['CI'] === 'true' || process.env['CI'] === '1';

describe('ort-node webgpu availability', () => {
  it.runIf(inCi)('has a WebGPU adapter in CI (VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json)', () => {
    expect(reason, `WebGPU unavailable in CI: ${reason}`).toBeUndefined();
  });
});

runRuntimeConformance('ort-node-webgpu', () => webgpu, {
  timeoutMs: 120_000,
  ...(reason !== undefined ? { skipReason: `no WebGPU adapter: ${reason}` } : {}),
});
