// SPDX-License-Identifier: Apache-2.0
// The same conformance suite on the WebGPU backend (dawn.node on SwiftShader in CI). In CI and wherever
// a Vulkan ICD is installed a missing adapter is a failure; elsewhere the suite is skipped with the reason.
import { taptrReferenceDir } from '@taptr/fixtures';
import { TaptrError } from '@taptr/tensor';
import { webgpuTestsRequired } from '@taptr/tensor/testing';
import { afterAll, it } from 'vitest';
import { createWebGpuOps } from '../src/webgpu/index.js';
import { conformanceReporter } from './conformance/conformance-report.js';
import { backendForm } from './conformance/ops-form.js';
import { runOpsConformance } from './conformance/run-ops-conformance.js';
import { acquireNodeGpuDevice } from './node-gpu-device.js';

const gpu = await acquireNodeGpuDevice();
const required = webgpuTestsRequired();

if (gpu.device !== undefined) {
  const device = gpu.device;
  runOpsConformance(`webgpu (${gpu.adapter})`, () => backendForm(createWebGpuOps({ device })), {
    kernelBackend: true,
    fixtures: taptrReferenceDir(),
    onReport: conformanceReporter(),
  });
  afterAll(() => device.destroy());
} else if (required.required) {
  it(`webgpu: an adapter is required here (${required.why})`, () => {
    throw new TaptrError('TAPTR_WEBGPU_UNAVAILABLE', gpu.reason);
  });
} else {
  // Reported as skipped with the reason; npm test lists it in its closing summary.
  it('webgpu conformance suite', (ctx) => ctx.skip(`${required.why}; ${gpu.reason}`));
}
