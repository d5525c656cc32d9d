// SPDX-License-Identifier: Apache-2.0
// The ONNX form (the emitters @taptr/model's graphs call): every case as a one-op graph on onnxruntime-node.
import { taptrReferenceDir } from '@taptr/fixtures';
import { conformanceReporter } from './conformance/conformance-report.js';
import { onnxForm } from './conformance/onnx-form.js';
import { runOpsConformance } from './conformance/run-ops-conformance.js';

runOpsConformance('onnx (onnxruntime-node)', () => onnxForm(), { fixtures: taptrReferenceDir(), onReport: conformanceReporter() });
