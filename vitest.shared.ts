// SPDX-License-Identifier: Apache-2.0
// Shared vitest settings: resolve workspace packages to their TypeScript sources (the
// "@taptr/source" export condition) so tests never need a build first.
import { defineConfig, type ViteUserConfig } from 'vitest/config';

export function packageTestConfig(overrides: ViteUserConfig['test'] = {}): ViteUserConfig {
  return defineConfig({
    resolve: { conditions: ['@taptr/source', 'module', 'node', 'import', 'default'] },
    ssr: { resolve: { conditions: ['@taptr/source', 'module', 'node', 'import', 'default'] } },
    test: {
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      testTimeout: 60_000,
      ...overrides,
    },
  });
}
