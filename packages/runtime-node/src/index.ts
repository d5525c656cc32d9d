// SPDX-License-Identifier: Apache-2.0
export { cpuFlags, int8WeightsForCpu } from './cpu-features.js';
export { createNodeRuntime, DEFAULT_NODE_RUNTIME_OPTIONS, memorySessionOptions } from './node-runtime.js';
export type { NodeMemoryMode, NodeRuntimeOptions } from './node-runtime.js';
