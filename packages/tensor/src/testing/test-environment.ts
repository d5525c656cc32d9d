// SPDX-License-Identifier: Apache-2.0
import { existsSync } from 'node:fs';

/** True when the tests run in CI (`CI=true` or `CI=1`), where nothing optional may be skipped. */
export const IN_CI = process.env['CI'] === 'true' || process.env['CI'] === '1';

/**
 * Whether the WebGPU tests must run here: in CI, and wherever a Vulkan ICD is configured
 * (vitest.shared.ts sets Debian chromium's SwiftShader when it is installed), so that a developer's
 * `npm test` runs what CI runs. Where they must run, a missing adapter is a failure, not a skip.
 * @returns `required`, and `why` for the skip message when not required.
 */
export function webgpuTestsRequired(): { readonly required: boolean; readonly why: string } {
  const icd = process.env['VK_ICD_FILENAMES'];
  const hasIcd = icd?.split(':').some((file) => file !== '' && existsSync(file)) ?? false;
  if (IN_CI || hasIcd) return { required: true, why: IN_CI ? 'CI=true' : `VK_ICD_FILENAMES=${icd}` };
  return { required: false, why: `no Vulkan ICD (VK_ICD_FILENAMES=${icd ?? 'unset'}); install Debian's chromium for SwiftShader` };
}
