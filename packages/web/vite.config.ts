// SPDX-License-Identifier: Apache-2.0
// The page (index.html) and the browser-test harness (harness.html). Workspace packages resolve to
// their TypeScript sources; onnxruntime-web resolves to its non-bundled builds, which load their
// wasm runtime from /ort/ (copied there by scripts/prepare-assets.ts, see env.wasm.wasmPaths).
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultClientConditions, defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const conditions = ['@taptr/source', 'onnxruntime-web-use-extern-wasm', ...defaultClientConditions];

export default defineConfig({
  root,
  base: './',
  publicDir: 'generated',
  resolve: { conditions },
  worker: { format: 'es' },
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 2048,
    reportCompressedSize: false,
    rollupOptions: { input: { index: resolve(root, 'index.html'), harness: resolve(root, 'harness.html') } },
  },
  server: { headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } },
  preview: { headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } },
});
