// SPDX-License-Identifier: Apache-2.0
import { createCpuOps } from '../src/index.js';
import { runOpsConformance } from '../src/testing/index.js';

runOpsConformance('cpu', () => createCpuOps());
