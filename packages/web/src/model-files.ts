// SPDX-License-Identifier: Apache-2.0
// A converted model folder (`taptr convert`: model.json + its .onnx files) picked from disk.
import type { ModelPayload } from './worker-protocol.js';

/** Graph roles every model folder has. */
export const REQUIRED_ROLES = ['frameEncoder', 'queryInit', 'decoderWindow'] as const;
/** Graph roles a model folder may list: the few-points decoder (folders converted before it existed lack it). */
export const OPTIONAL_ROLES = ['decoderWindowSampleFirst'] as const;
/** A graph role of a model folder's `model.json`. */
export type GraphRole = (typeof REQUIRED_ROLES)[number] | (typeof OPTIONAL_ROLES)[number];

/** One `graphs` entry of `model.json`. */
export interface ManifestGraph {
  readonly file: string;
  readonly sha256?: string;
  readonly bytes?: number;
}

/** The parts of a `model.json` manifest the page reads. */
export interface ModelManifest {
  readonly format?: unknown;
  readonly config: Record<string, unknown>;
  readonly graphs: Readonly<Record<(typeof REQUIRED_ROLES)[number], ManifestGraph>> & Readonly<Partial<Record<(typeof OPTIONAL_ROLES)[number], ManifestGraph>>>;
}

/**
 * The graph roles `manifest` lists, in load order: the three required ones, then the optional ones
 * it has (`decoderWindowSampleFirst` in folders converted since it exists).
 */
export function listedRoles(manifest: ModelManifest): GraphRole[] {
  return [...REQUIRED_ROLES, ...OPTIONAL_ROLES.filter((role) => manifest.graphs[role] !== undefined)];
}

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Reads a converted model from the files of its folder (select them all: model.json and the .onnx
 * files it lists, `decoder_window_sample_first.onnx` included when it lists that). File sizes and sha256
 * are checked against the manifest. Folders without the sample-first decoder load without it.
 * @throws Error naming the missing or mismatching file.
 */
export async function readModelFiles(files: readonly File[]): Promise<ModelPayload & { kind: 'bytes' }> {
  const byName = new Map(files.map((f) => [f.name, f]));
  const manifestFile = byName.get('model.json');
  if (manifestFile === undefined) throw new Error(`select the model folder's model.json together with its .onnx files (got ${files.map((f) => f.name).join(', ') || 'nothing'})`);
  const manifest = JSON.parse(await manifestFile.text()) as ModelManifest;
  if (manifest.format !== 'taptr-js-model' || typeof manifest.config !== 'object' || typeof manifest.graphs !== 'object') {
    throw new Error(`model.json: expected a taptr-js-model manifest (format 'taptr-js-model' with config and graphs), got format ${JSON.stringify(manifest.format)}`);
  }
  const graphs: Partial<Record<GraphRole, Uint8Array>> = {};
  for (const role of listedRoles(manifest)) {
    const entry = manifest.graphs[role];
    const file = entry === undefined ? undefined : byName.get(entry.file);
    if (entry === undefined || file === undefined) throw new Error(`model.json lists ${entry?.file ?? role} for ${role}, but that file was not selected (select all the files of the model folder)`);
    const bytes = new Uint8Array(await file.arrayBuffer());
    if (entry.bytes !== undefined && entry.bytes !== bytes.length) throw new Error(`${entry.file}: model.json says ${entry.bytes} bytes, the file has ${bytes.length}`);
    if (entry.sha256 !== undefined && (await sha256Hex(bytes)) !== entry.sha256) throw new Error(`${entry.file}: sha256 does not match model.json`);
    graphs[role] = bytes;
  }
  const { frameEncoder, queryInit, decoderWindow, decoderWindowSampleFirst } = graphs;
  return {
    kind: 'bytes',
    id: `disk:${manifest.graphs.frameEncoder.sha256 ?? Date.now()}:${decoderWindowSampleFirst === undefined ? 3 : 4}`,
    manifest: { config: manifest.config },
    frameEncoder: frameEncoder!,
    queryInit: queryInit!,
    decoderWindow: decoderWindow!,
    ...(decoderWindowSampleFirst === undefined ? {} : { decoderWindowSampleFirst }),
  };
}
