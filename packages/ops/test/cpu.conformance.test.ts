// SPDX-License-Identifier: Apache-2.0
import { taptrReferenceDir } from '@taptr/fixtures';
import { createCpuOps } from '../src/index.js';
import { conformanceReporter } from './conformance/conformance-report.js';
import { backendForm } from './conformance/ops-form.js';
import { runOpsConformance } from './conformance/run-ops-conformance.js';

runOpsConformance('cpu', () => backendForm(createCpuOps()), { kernelBackend: true, fixtures: taptrReferenceDir(), onReport: conformanceReporter() });
