// SPDX-License-Identifier: Apache-2.0
import { createCpuOps } from '../src/index.js';
import { runOpsConformance } from '../src/testing/index.js';
import { conformanceReporter } from './conformance-report.js';

runOpsConformance('cpu', () => createCpuOps(), { onReport: conformanceReporter() });
