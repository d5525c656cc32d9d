// SPDX-License-Identifier: Apache-2.0
// Shared vitest settings: resolve workspace packages to their TypeScript sources (the
// "@taptr/source" export condition) so tests never need a build first.
import { defineConfig, type ViteUserConfig } from 'vitest/config';

// Vitest forwards these to the workers' `--conditions`. Only conditions valid for both import and
// require belong here: with 'import', protobufjs 6 (inside onnx-proto) would require() the ESM build
// of `long` and fail ("Long.fromBits is not a function").
const conditions = ['@taptr/source', 'node', 'default'];

/** The vitest configuration of one package; `overrides` go into `test`. */
export function packageTestConfig(overrides: ViteUserConfig['test'] = {}): ViteUserConfig {
  return defineConfig({
    resolve: { conditions },
    ssr: { resolve: { conditions } },
    test: {
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      testTimeout: 60_000,
      ...overrides,
    },
  });
}
