// SPDX-License-Identifier: Apache-2.0
import { taptrReferenceDir } from '@taptr/fixtures';
import { createCpuOps } from '../src/index.js';
import { runOpsConformance } from '../src/testing/index.js';
import { conformanceReporter } from './conformance-report.js';

runOpsConformance('cpu', () => createCpuOps(), { fixtures: taptrReferenceDir(), onReport: conformanceReporter() });
