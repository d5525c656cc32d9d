// SPDX-License-Identifier: Apache-2.0
export { createNodeRuntime, DEFAULT_NODE_RUNTIME_OPTIONS } from './node-runtime.js';
export type { NodeRuntimeOptions } from './node-runtime.js';
