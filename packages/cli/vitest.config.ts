import { packageTestConfig } from '../../vitest.shared.js';

// The CLI builds ONNX graphs through @taptr/model (onnx-proto = protobufjs 6, which require()s
// `long`): the shared 'import' condition would make that load long's ESM build (no `fromBits`).
// Keep only conditions valid for both import and require, as @taptr/model and @taptr/tracker do.
const config = packageTestConfig();
const conditions = ['@taptr/source', 'node', 'default'];
config.resolve = { ...config.resolve, conditions };
config.ssr = { ...config.ssr, resolve: { ...config.ssr?.resolve, conditions } };

export default config;
