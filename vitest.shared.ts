// SPDX-License-Identifier: Apache-2.0
// Shared vitest settings: resolve workspace packages to their TypeScript sources (the
// "@taptr/source" export condition) so tests never need a build first; give the WebGPU tests the
// environment .ci/run gives them; list every skipped test with its reason.
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig, type ViteUserConfig } from 'vitest/config';
import skipReporter from './tools/test/skip-reporter.js';

// Vitest forwards these to the workers' `--conditions`. Only conditions valid for both import and
// require belong here: with 'import', a CommonJS dependency's require() of a dual package would get its
// ESM build (as protobufjs 6, inside the onnx-proto used until @taptr/onnx, did with `long`).
const conditions = ['@taptr/source', 'node', 'default'];

/** Debian chromium's SwiftShader Vulkan ICD: the software WebGPU adapter of dawn.node (docs/toolchain.md). */
const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/**
 * The environment the WebGPU tests need, found on this machine as .ci/run sets it: the SwiftShader
 * ICD when Debian's chromium is installed, and a private XDG_RUNTIME_DIR. Values already set win, so
 * a real GPU's ICD can still be chosen. Set here (before the workers start) so that `npm test` runs
 * the same tests as CI.
 */
function gpuTestEnvironment(): Record<string, string> {
  const env: Record<string, string> = {};
  if (!process.env['VK_ICD_FILENAMES'] && existsSync(SWIFTSHADER_ICD)) env['VK_ICD_FILENAMES'] = SWIFTSHADER_ICD;
  if (!process.env['XDG_RUNTIME_DIR']) {
    const dir = join(tmpdir(), `xdg-taptr-${process.getuid?.() ?? 'user'}`);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    env['XDG_RUNTIME_DIR'] = dir;
  }
  Object.assign(process.env, env);
  return env;
}

/** The vitest configuration of one package; `overrides` go into `test`. */
export function packageTestConfig(overrides: ViteUserConfig['test'] = {}): ViteUserConfig {
  return defineConfig({
    resolve: { conditions },
    ssr: { resolve: { conditions } },
    test: {
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      testTimeout: 60_000,
      env: gpuTestEnvironment(),
      reporters: ['default', skipReporter()],
      ...overrides,
    },
  });
}
