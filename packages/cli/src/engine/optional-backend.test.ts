// SPDX-License-Identifier: Apache-2.0
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { isTaptrError } from '@taptr/tensor';
import { isMissingPackage, optionalBackendError } from './optional-backend.js';

/** The error Node really raises for `import()` of a package that is not installed. */
async function importError(specifier: string): Promise<unknown> {
  try {
    await import(specifier);
  } catch (error) {
    return error;
  }
  throw new Error(`${specifier} was found`);
}

describe('optionalBackendError', () => {
  it('names the missing optional package and the command that installs it, in one line', async () => {
    const error = optionalBackendError(
      'wasm',
      Object.assign(new Error("Cannot find package '@taptr/runtime-web' imported from /x/dist/engine/taptr-engine.js"), { code: 'ERR_MODULE_NOT_FOUND' }),
    );
    expect(isTaptrError(error) && error.code).toBe('TAPTR_NO_RUNTIME');
    expect(error.message).toMatch(
      /^--backend wasm needs the optional package @taptr\/runtime-web, which is not installed: npm install @taptr\/runtime-web@\^\d+\.\d+\.\d+$/,
    );
  });

  it('names onnxruntime-web with the CLI peer range when only it is missing (require.resolve of its .wasm)', () => {
    const error = optionalBackendError(
      'wasm',
      Object.assign(new Error("Cannot find module 'onnxruntime-web/ort-wasm-simd-threaded.wasm'\nRequire stack:\n- /x"), { code: 'MODULE_NOT_FOUND' }),
    );
    expect(error.message).toBe('--backend wasm needs the optional package onnxruntime-web, which is not installed: npm install onnxruntime-web@1.30.0');
  });

  it('recognises the error Node raises for a package that is not installed', async () => {
    const error = await importError('@taptr/runtime-web-not-installed/wasm');
    expect(isMissingPackage(error, '@taptr/runtime-web-not-installed')).toBe(true);
    expect(isMissingPackage(error, '@taptr/runtime-web')).toBe(false);
    let resolveError: unknown;
    try {
      createRequire(import.meta.url).resolve('onnxruntime-web-not-installed/x.wasm');
    } catch (e) {
      resolveError = e;
    }
    expect(isMissingPackage(resolveError, 'onnxruntime-web-not-installed')).toBe(true);
  });

  it('keeps any other load failure, first line only', () => {
    const error = optionalBackendError('wasm', new Error('wasm compile failed\nstack...'));
    expect(error.message).toBe('--backend wasm: cannot load @taptr/runtime-web / onnxruntime-web (wasm compile failed)');
  });
});
