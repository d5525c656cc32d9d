import type { ViteUserConfig } from 'vitest/config';
import { packageTestConfig } from '../../vitest.shared.js';

// Workers must not get `--conditions import`: protobufjs 6 (inside onnx-proto) require()s `long`,
// which would then resolve to long@5's ESM entry and break. Keep only the source condition.
const config = packageTestConfig();
const conditions = ['@taptr/source', 'node', 'default'];
const withConditions: ViteUserConfig = { ...config, resolve: { ...config.resolve, conditions }, ssr: { ...config.ssr, resolve: { ...config.ssr?.resolve, conditions } } };
export default withConditions;
