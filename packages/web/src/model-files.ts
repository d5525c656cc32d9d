// SPDX-License-Identifier: Apache-2.0
// A converted model folder (`taptr convert`: model.json + its .onnx files): the manifest the page
// reads, and a folder picked from disk (sizes and sha256 checked against the manifest).
import type { ModelGraphs } from './worker-protocol.js';

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
  /** The checkpoint the graphs were converted from. */
  readonly source?: { readonly sha256?: string };
  readonly precision?: string;
  readonly graphs: Readonly<Record<(typeof REQUIRED_ROLES)[number], ManifestGraph>> & Readonly<Partial<Record<(typeof OPTIONAL_ROLES)[number], ManifestGraph>>>;
}

/**
 * The graph roles `manifest` lists, in load order: the three required ones, then the optional ones
 * it has (`decoderWindowSampleFirst` in folders converted since it exists).
 */
export function listedRoles(manifest: ModelManifest): GraphRole[] {
  return [...REQUIRED_ROLES, ...OPTIONAL_ROLES.filter((role) => manifest.graphs[role] !== undefined)];
}

/** Parses and checks a `model.json` text. @throws Error when it is not a taptr-js-model manifest. */
export function parseManifest(text: string, where = 'model.json'): ModelManifest {
  let manifest: ModelManifest;
  try {
    manifest = JSON.parse(text) as ModelManifest;
  } catch (error) {
    throw new Error(`${where}: not JSON (${(error as Error).message})`);
  }
  const ok = manifest !== null && typeof manifest === 'object' && manifest.format === 'taptr-js-model';
  if (!ok || typeof manifest.config !== 'object' || typeof manifest.graphs !== 'object' || manifest.graphs === null) {
    throw new Error(`${where}: expected a taptr-js-model manifest (format 'taptr-js-model' with config and graphs), got format ${JSON.stringify((manifest as { format?: unknown } | null)?.format)}`);
  }
  for (const role of REQUIRED_ROLES) {
    if (typeof manifest.graphs[role]?.file !== 'string') throw new Error(`${where}: graphs.${role}.file is missing`);
  }
  return manifest;
}

/** Hex sha256 of `bytes` (WebCrypto). */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Checks one graph's bytes against its manifest entry (size, then sha256 when listed).
 * @throws Error naming the file and what differs.
 */
export async function checkGraph(entry: ManifestGraph, bytes: Uint8Array): Promise<void> {
  if (entry.bytes !== undefined && entry.bytes !== bytes.length) throw new Error(`${entry.file}: model.json says ${entry.bytes} bytes, the file has ${bytes.length}`);
  if (entry.sha256 !== undefined && (await sha256Hex(bytes)) !== entry.sha256) throw new Error(`${entry.file}: sha256 does not match model.json`);
}

/** A model's manifest and graph bytes. */
export interface ModelFolder {
  readonly manifest: ModelManifest;
  readonly graphs: ModelGraphs;
}

/**
 * Reads a converted model from the files of its folder (select them all: model.json and the .onnx
 * files it lists, `decoder_window_sample_first.onnx` included when it lists that). File sizes and sha256
 * are checked against the manifest. Folders without the sample-first decoder load without it.
 * @throws Error naming the missing or mismatching file.
 */
export async function readModelFiles(files: readonly File[]): Promise<ModelFolder> {
  const byName = new Map(files.map((f) => [f.name, f]));
  const manifestFile = byName.get('model.json');
  if (manifestFile === undefined) throw new Error(`select the model folder's model.json together with its .onnx files (got ${files.map((f) => f.name).join(', ') || 'nothing'})`);
  const manifest = parseManifest(await manifestFile.text());
  const graphs: Partial<Record<GraphRole, Uint8Array>> = {};
  for (const role of listedRoles(manifest)) {
    const entry = manifest.graphs[role];
    const file = entry === undefined ? undefined : byName.get(entry.file);
    if (entry === undefined || file === undefined) throw new Error(`model.json lists ${entry?.file ?? role} for ${role}, but that file was not selected (select all the files of the model folder)`);
    const bytes = new Uint8Array(await file.arrayBuffer());
    await checkGraph(entry, bytes);
    graphs[role] = bytes;
  }
  return { manifest, graphs: toModelGraphs(graphs) };
}

/** The graphs record with the optional decoder only when present. */
export function toModelGraphs(graphs: Partial<Record<GraphRole, Uint8Array>>): ModelGraphs {
  const { frameEncoder, queryInit, decoderWindow, decoderWindowSampleFirst } = graphs;
  return { frameEncoder: frameEncoder!, queryInit: queryInit!, decoderWindow: decoderWindow!, ...(decoderWindowSampleFirst === undefined ? {} : { decoderWindowSampleFirst }) };
}
