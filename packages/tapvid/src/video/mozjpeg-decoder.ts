// SPDX-License-Identifier: Apache-2.0
// MozJPEG (libjpeg-turbo) compiled to wasm, from @jsquash/jpeg (Squoosh's codec build), driven
// synchronously: the emscripten glue accepts an already compiled WebAssembly.Module through its
// `instantiateWasm` hook, and a synchronous instantiation completes the module before the factory
// returns, so `decode` can be called right away.
import mozjpegFactory from '@jsquash/jpeg/codec/dec/mozjpeg_dec.js';
import { TaptrError } from '@taptr/tensor';

/** The part of the emscripten module the decoder uses. */
interface MozjpegModule {
  /** RGBA pixels (`JCS_EXT_RGBA`), or null; throws emscripten's `ExitStatus` when libjpeg gives up. */
  decode?: (data: Uint8Array, preserveOrientation: boolean) => { width: number; height: number; data: Uint8ClampedArray } | null;
}

/** A compiled `WebAssembly.Module` (opaque here: the package's `lib` has no WebAssembly declarations). */
type WasmModule = object;
interface WasmInstance {
  readonly exports: object;
}
/** The part of the global `WebAssembly` the decoder uses. */
interface WasmApi {
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: object) => WasmInstance;
  compile(bytes: Uint8Array | ArrayBuffer): Promise<WasmModule>;
}
const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

interface MozjpegOptions extends MozjpegModule {
  noInitialRun: boolean;
  print: (text: string) => void;
  printErr: (text: string) => void;
  instantiateWasm: (imports: object, done: (instance: WasmInstance) => void) => object;
}

const createModule = mozjpegFactory as unknown as (options: MozjpegOptions) => Promise<unknown>;

/** The package path of the wasm binary next to the glue. */
const WASM_SPECIFIER = '@jsquash/jpeg/codec/dec/mozjpeg_dec.wasm';

let compiled: WasmModule | undefined;
let instance: MozjpegModule | undefined;
/** libjpeg's messages (errors and the first warning of a file) of the running decode. */
const messages: string[] = [];

/**
 * Compiles the MozJPEG wasm once: in Node from the installed `@jsquash/jpeg` (synchronously, on
 * first use); in browsers {@link initJpegDecoder} must have been awaited first.
 */
function compiledModule(): WasmModule {
  if (compiled !== undefined) return compiled;
  const getBuiltin = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule;
  if (getBuiltin === undefined) {
    throw new TaptrError('TAPTR_NO_RUNTIME', 'decodeJpegFrames: the JPEG decoder is not loaded; outside Node.js, await initJpegDecoder(wasm) first');
  }
  const { readFileSync } = getBuiltin('node:fs') as typeof import('node:fs');
  const { createRequire } = getBuiltin('node:module') as typeof import('node:module');
  const module = new wasmApi.Module(readFileSync(createRequire(import.meta.url).resolve(WASM_SPECIFIER)));
  compiled = module;
  return module;
}

function createInstance(): MozjpegModule {
  const module = compiledModule();
  const options: MozjpegOptions = {
    noInitialRun: true,
    // Libraries never print: libjpeg's messages are collected for the error message.
    print: (text) => messages.push(text),
    printErr: (text) => messages.push(text),
    instantiateWasm(imports, done) {
      const wasm = new wasmApi.Instance(module, imports);
      done(wasm);
      return wasm.exports;
    },
  };
  createModule(options).catch(() => undefined);
  if (typeof options.decode !== 'function')
    throw new TaptrError('TAPTR_NO_RUNTIME', 'decodeJpegFrames: the MozJPEG wasm module did not initialise synchronously');
  return options;
}

/**
 * Loads the MozJPEG wasm ahead of time. Optional in Node.js (the installed binary is compiled on
 * first use); required once in browsers and other hosts before {@link decodeJpegFrames}.
 * @param wasm - the bytes of `@jsquash/jpeg/codec/dec/mozjpeg_dec.wasm` or its URL (default in
 *   Node.js: the installed file).
 * @throws TaptrError `TAPTR_NO_RUNTIME` when it cannot be loaded or compiled.
 */
export async function initJpegDecoder(wasm?: Uint8Array | ArrayBuffer | URL | string): Promise<void> {
  try {
    if (wasm instanceof Uint8Array || wasm instanceof ArrayBuffer) compiled = await wasmApi.compile(wasm);
    else if (wasm !== undefined) {
      const response = await fetch(wasm);
      if (!response.ok) throw new Error(`HTTP ${response.status} for ${String(wasm)}`);
      compiled = await wasmApi.compile(await response.arrayBuffer());
    } else compiledModule();
    instance = undefined;
  } catch (error) {
    if (error instanceof TaptrError) throw error;
    throw new TaptrError('TAPTR_NO_RUNTIME', `initJpegDecoder: cannot load the MozJPEG wasm: ${(error as Error).message}`, { cause: error });
  }
}

/** libjpeg's warning for data that ends before the image does (a truncated file). */
const TRUNCATED = 'Premature end of JPEG file';

/**
 * Decodes one JPEG file to RGB with MozJPEG (libjpeg-turbo's decoder: islow IDCT, "fancy"
 * upsampling, libjpeg's YCbCr -> RGB), as Pillow does. EXIF orientation is ignored, as Pillow's
 * `Image.open` does.
 * @returns `[H, W, 3]` RGB bytes with the decoded size.
 * @throws Error with libjpeg's message when the data cannot be decoded or ends early (the caller
 *   wraps it into its typed error). A failed decode discards the wasm instance (libjpeg leaves the
 *   stack and heap of an aborted decode behind); the next call starts a fresh one.
 */
export function decodeJpegRgb(bytes: Uint8Array): { width: number; height: number; data: Uint8Array } {
  instance ??= createInstance();
  messages.length = 0;
  let image: ReturnType<NonNullable<MozjpegModule['decode']>>;
  try {
    image = instance.decode!(bytes, false);
  } catch (error) {
    instance = undefined;
    const detail =
      messages.filter((m) => m !== '').at(-1) ?? (error instanceof Error ? error.message : String((error as { message?: unknown })?.message ?? error));
    throw new Error(`libjpeg: ${detail}`, { cause: error });
  }
  if (image === null) throw new Error(`libjpeg: ${messages.at(-1) ?? 'decoding failed'}`);
  if (messages.some((m) => m.includes(TRUNCATED))) throw new Error(`libjpeg: ${TRUNCATED} (the data ends before the image does)`);
  const { width, height, data: rgba } = image;
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0, j = 0; j < rgb.length; i += 4, j += 3) {
    rgb[j] = rgba[i]!;
    rgb[j + 1] = rgba[i + 1]!;
    rgb[j + 2] = rgba[i + 2]!;
  }
  return { width, height, data: rgb };
}
