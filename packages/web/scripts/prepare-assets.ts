// SPDX-License-Identifier: Apache-2.0
// Build-time assets of the page, written to generated/ (gitignored; vite's publicDir):
//   sample/video.bin + sample/sample.json  the bundled sample: frames of the reference fixture video.npy
//   model/*.onnx + model/model.json        the reduced reference model, converted from checkpoint.pth
//   ort/ort-wasm-simd-threaded*.{mjs,wasm} onnxruntime-web's wasm runtime (loaded through env.wasm.wasmPaths)
// Usage: tsx --conditions=@taptr/source scripts/prepare-assets.ts [--fixtures <dir>]
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { taptrReferenceDir } from '@taptr/fixtures';
import { buildTaptrGraphs, parseTaptrConfig, readTaptrCheckpoint } from '@taptr/model';
import { saveTaptrModel, sha256Hex } from '@taptr/model/node';
import { readNpy } from '@taptr/tensor';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, '..', 'generated');
const args = process.argv.slice(2);
const fixtures = args[0] === '--fixtures' && args[1] ? args[1] : taptrReferenceDir();

/** ORT-web runtime files the wasm (plain) and WebGPU (asyncify / jsep) bundles load. */
export const ORT_FILES = [
  'ort-wasm-simd-threaded.mjs',
  'ort-wasm-simd-threaded.wasm',
  'ort-wasm-simd-threaded.asyncify.mjs',
  'ort-wasm-simd-threaded.asyncify.wasm',
  'ort-wasm-simd-threaded.jsep.mjs',
  'ort-wasm-simd-threaded.jsep.wasm',
];

async function main(): Promise<void> {
  const started = Date.now();
  // Sample video: [T, H, W, 3] uint8 RGB, stored raw.
  const video = readNpy(new Uint8Array(await readFile(join(fixtures, 'video.npy'))));
  const [T, H, W, C] = video.dims as [number, number, number, number];
  if (video.type !== 'uint8' || C !== 3) throw new Error(`prepare-assets: video.npy must be uint8 [T, H, W, 3], got ${video.type} [${video.dims.join(', ')}]`);
  await mkdir(join(out, 'sample'), { recursive: true });
  await writeFile(join(out, 'sample', 'video.bin'), video.data as Uint8Array);
  await writeFile(
    join(out, 'sample', 'sample.json'),
    `${JSON.stringify({ frames: T, height: H, width: W, channels: 3, file: 'video.bin', source: 'TAPTR reference fixture video.npy (synthetic)' }, null, 2)}\n`,
  );

  // The reduced reference model as a converted model folder (same format as `taptr convert`).
  const pth = new Uint8Array(await readFile(join(fixtures, 'checkpoint.pth')));
  const config = parseTaptrConfig(JSON.parse(await readFile(join(fixtures, 'config.json'), 'utf8')) as Record<string, unknown>);
  const graphs = buildTaptrGraphs(readTaptrCheckpoint(pth, { config }), config, { encoderBatch: 1 });
  await saveTaptrModel(join(out, 'model'), graphs, { sourceSha256: sha256Hex(pth) });

  // onnxruntime-web's runtime files.
  const require = createRequire(import.meta.url);
  await mkdir(join(out, 'ort'), { recursive: true });
  for (const f of ORT_FILES) await copyFile(require.resolve(`onnxruntime-web/${f}`), join(out, 'ort', f));
  process.stdout.write(
    `prepare-assets: ${T} frames ${W}x${H}, model at ${config.resolution}x${config.resolution}, ${ORT_FILES.length} ORT files -> ${out} (${Date.now() - started} ms)\n`,
  );
}

await main();
