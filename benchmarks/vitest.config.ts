import { packageTestConfig } from '../vitest.shared.js';

// onnx-proto's protobufjs 6 loads `long` with require(); vitest forwards the resolve conditions to the
// worker's `--conditions`, and the shared 'import' condition would make require('long') load the ESM
// build (no `fromBits`). Keep only conditions that are valid for both import and require.
const config = packageTestConfig();
const conditions = ['@taptr/source', 'node', 'default'];
config.resolve = { ...config.resolve, conditions };
config.ssr = { ...config.ssr, resolve: { ...config.ssr?.resolve, conditions } };

export default config;
