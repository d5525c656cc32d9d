// SPDX-License-Identifier: Apache-2.0
/// <reference types="@webgpu/types" preserve="true" />
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Debian chromium's SwiftShader Vulkan ICD (see docs/toolchain.md, WebGPU). */
const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/** Result of {@link acquireNodeGpuDevice}: a device, or the reason there is none. */
export type NodeGpuDeviceResult =
  { readonly device: GPUDevice; readonly adapter: string; readonly reason?: undefined } | { readonly device?: undefined; readonly reason: string };

// The object returned by create() must stay reachable, or dawn.node crashes when it is collected.
let pinnedGpu: GPU | undefined;

/**
 * Requests a WebGPU device in node through the `webgpu` package (dawn.node). Sets
 * `VK_ICD_FILENAMES` (SwiftShader) and `XDG_RUNTIME_DIR` (a 0700 temp dir) when they are absent,
 * as `.ci/run` does. Never throws: returns `{ reason }` when no adapter or device is available.
 */
export async function acquireNodeGpuDevice(): Promise<NodeGpuDeviceResult> {
  if (!process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER_ICD)) process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  if (!process.env.XDG_RUNTIME_DIR) {
    const dir = join(tmpdir(), `xdg-taptr-${process.getuid?.() ?? 'user'}`);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    process.env.XDG_RUNTIME_DIR = dir;
  }
  let webgpu: { create: (flags: string[]) => GPU };
  try {
    webgpu = await import('webgpu');
  } catch (error) {
    return { reason: `the 'webgpu' package (dawn.node) could not be loaded: ${(error as Error).message}` };
  }
  try {
    pinnedGpu ??= webgpu.create([]);
    const adapter = await pinnedGpu.requestAdapter();
    if (adapter === null) {
      return { reason: `no WebGPU adapter (VK_ICD_FILENAMES=${process.env.VK_ICD_FILENAMES ?? 'unset'}; install Debian's chromium for SwiftShader)` };
    }
    const device = await adapter.requestDevice({
      requiredLimits: {
        maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
        maxBufferSize: adapter.limits.maxBufferSize,
      },
    });
    const info = adapter.info;
    return { device, adapter: [info.vendor, info.architecture, info.description].filter(Boolean).join(' ') || 'unknown adapter' };
  } catch (error) {
    return { reason: `WebGPU device request failed: ${(error as Error).message}` };
  }
}
