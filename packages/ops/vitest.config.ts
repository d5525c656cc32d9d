import { packageTestConfig } from '../../vitest.shared.js';

// The fixture-derived cases read checkpoint.pth with @taptr/model, which loads onnx-proto
// (protobufjs 6 require()s `long`): the shared 'import' condition would make that load long's ESM
// build (no `fromBits`). Keep only conditions valid for both import and require (as @taptr/model does).
const config = packageTestConfig();
const conditions = ['@taptr/source', 'node', 'default'];
config.resolve = { ...config.resolve, conditions };
config.ssr = { ...config.ssr, resolve: { ...config.ssr?.resolve, conditions } };

export default config;
