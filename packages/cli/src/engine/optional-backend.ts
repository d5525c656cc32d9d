// SPDX-License-Identifier: Apache-2.0
import { readFileSync } from 'node:fs';
import { TaptrError } from '@taptr/tensor';

/**
 * The optional peer dependencies of `@taptr/cli` that a backend needs, per backend (`cpu` and
 * `webgpu` run on onnxruntime-node, a regular dependency).
 */
const OPTIONAL_BACKEND_PACKAGES: Readonly<Record<string, readonly string[]>> = {
  wasm: ['@taptr/runtime-web', 'onnxruntime-web'],
};

/**
 * Whether `error` is Node's "not installed" error (`ERR_MODULE_NOT_FOUND` from `import()`,
 * `MODULE_NOT_FOUND` from `require.resolve`) for package `name` or one of its subpaths.
 */
export function isMissingPackage(error: unknown, name: string): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') return false;
  return typeof message === 'string' && (message.includes(`'${name}'`) || message.includes(`'${name}/`));
}

/** `name@range` as the CLI's package.json declares the peer (src/ and dist/ are two levels deep). */
function installSpec(name: string): string {
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { peerDependencies?: Record<string, string> };
  const range = manifest.peerDependencies?.[name];
  return range === undefined ? name : `${name}@${range}`;
}

/**
 * The error for a backend whose optional packages could not be loaded: when one of them is not
 * installed, one line naming it and the command that installs it; otherwise the load error's first line.
 */
export function optionalBackendError(backend: string, error: unknown): TaptrError {
  const packages = OPTIONAL_BACKEND_PACKAGES[backend] ?? [];
  const missing = packages.find((name) => isMissingPackage(error, name));
  if (missing !== undefined) {
    return new TaptrError(
      'TAPTR_NO_RUNTIME',
      `--backend ${backend} needs the optional package ${missing}, which is not installed: npm install ${installSpec(missing)}`,
      { cause: error },
    );
  }
  const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
  return new TaptrError('TAPTR_NO_RUNTIME', `--backend ${backend}: cannot load ${packages.join(' / ')} (${detail})`, { cause: error });
}
