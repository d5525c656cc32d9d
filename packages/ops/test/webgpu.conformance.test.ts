// SPDX-License-Identifier: Apache-2.0
// The same conformance suite on the WebGPU backend (dawn.node on SwiftShader in CI). When CI=true a
// missing adapter is a failure; elsewhere the suite is reported as skipped with the reason.
import { TaptrError } from '@taptr/tensor';
import { afterAll, it } from 'vitest';
import { createWebGpuOps } from '../src/webgpu/index.js';
import { acquireNodeGpuDevice, runOpsConformance } from '../src/testing/index.js';
import { conformanceReporter } from './conformance-report.js';

const gpu = await acquireNodeGpuDevice();

if (gpu.device !== undefined) {
  const device = gpu.device;
  runOpsConformance(`webgpu (${gpu.adapter})`, () => createWebGpuOps({ device }), { onReport: conformanceReporter() });
  afterAll(() => device.destroy());
} else if (process.env.CI === 'true') {
  it('webgpu: an adapter is required when CI=true', () => {
    throw new TaptrError('TAPTR_WEBGPU_UNAVAILABLE', gpu.reason);
  });
} else {
  console.warn(`[@taptr/ops] WebGPU conformance suite SKIPPED: ${gpu.reason}`);
  // Reported as skipped, with the reason in its title (outside CI only; see the branch above).
  it.skipIf(true)(`webgpu: skipped, ${gpu.reason}`, () => {});
}
