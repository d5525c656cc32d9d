// SPDX-License-Identifier: Apache-2.0
// A converted model folder (`taptr convert`: model.json + three .onnx files) picked from disk.
import type { ModelPayload } from './worker-protocol.js';

const ROLES = ['frameEncoder', 'queryInit', 'decoderWindow'] as const;

interface Manifest {
  readonly format?: unknown;
  readonly config: Record<string, unknown>;
  readonly graphs: Record<(typeof ROLES)[number], { readonly file: string; readonly sha256?: string; readonly bytes?: number }>;
}

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Reads a converted model from the files of its folder (select all four: model.json and the
 * .onnx files it lists). File sizes and sha256 are checked against the manifest.
 * @throws Error naming the missing or mismatching file.
 */
export async function readModelFiles(files: readonly File[]): Promise<ModelPayload & { kind: 'bytes' }> {
  const byName = new Map(files.map((f) => [f.name, f]));
  const manifestFile = byName.get('model.json');
  if (manifestFile === undefined) throw new Error(`select the model folder's model.json together with its .onnx files (got ${files.map((f) => f.name).join(', ') || 'nothing'})`);
  const manifest = JSON.parse(await manifestFile.text()) as Manifest;
  if (manifest.format !== 'taptr-js-model' || typeof manifest.config !== 'object' || typeof manifest.graphs !== 'object') {
    throw new Error(`model.json: expected a taptr-js-model manifest (format 'taptr-js-model' with config and graphs), got format ${JSON.stringify(manifest.format)}`);
  }
  const graphs = {} as Record<(typeof ROLES)[number], Uint8Array>;
  for (const role of ROLES) {
    const entry = manifest.graphs[role];
    const file = entry === undefined ? undefined : byName.get(entry.file);
    if (entry === undefined || file === undefined) throw new Error(`model.json lists ${entry?.file ?? role} for ${role}, but that file was not selected`);
    const bytes = new Uint8Array(await file.arrayBuffer());
    if (entry.bytes !== undefined && entry.bytes !== bytes.length) throw new Error(`${entry.file}: model.json says ${entry.bytes} bytes, the file has ${bytes.length}`);
    if (entry.sha256 !== undefined && (await sha256Hex(bytes)) !== entry.sha256) throw new Error(`${entry.file}: sha256 does not match model.json`);
    graphs[role] = bytes;
  }
  return { kind: 'bytes', id: `disk:${manifest.graphs.frameEncoder.sha256 ?? Date.now()}`, manifest: { config: manifest.config }, ...graphs };
}
