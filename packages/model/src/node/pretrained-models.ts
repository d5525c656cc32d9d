// SPDX-License-Identifier: Apache-2.0
import { RELEASED_CONFIG, type TaptrConfig } from '../config/taptr-config.js';
import type { DownloadEnv } from './proxy-dispatcher.js';

/** A checkpoint on the Hugging Face Hub that {@link loadPretrained} can download and convert. */
export interface PretrainedModelSpec {
  /** Short name, also the cache folder name (`taptr-v1`). */
  readonly id: string;
  /** Hub repository `owner/name`. */
  readonly repo: string;
  /** File inside the repository. */
  readonly file: string;
  /** Branch, tag or commit (default `main`). */
  readonly revision?: string;
  /**
   * The file's sha256 from a public source (the Hub's file page shows it as the LFS object id).
   * Absent: trust on first use (the sha256 of the first download is recorded in the cache and
   * every later download must match it).
   */
  readonly sha256?: string;
  /** The model configuration of the checkpoint. */
  readonly config: TaptrConfig;
  /** One line for listings. */
  readonly description: string;
}

/**
 * The models {@link loadPretrained} knows by id.
 *
 * `taptr-v1` has no pinned sha256: no public source reachable when this was written gave the
 * sha256 of `taptrv1.pth` (searches of the Hub's file page `HYeungLee/TAPTR-Series/blob/main/taptrv1.pth`,
 * its LFS pointer and the TAPTR repositories and issues found none). It is trusted on first use,
 * and the sha256 the Hub announces on its download redirect (`X-Linked-Etag`, the LFS object id) is
 * checked when present. Pin it here once a public page gives it (and say which).
 */
export const PRETRAINED_MODELS: Readonly<Record<string, PretrainedModelSpec>> = Object.freeze({
  'taptr-v1': Object.freeze({
    id: 'taptr-v1',
    repo: 'HYeungLee/TAPTR-Series',
    file: 'taptrv1.pth',
    revision: 'main',
    config: RELEASED_CONFIG,
    description: 'TAPTR v1 (ECCV 2024), the released checkpoint: ResNet-50, hidden 256, 2 encoder / 6 decoder layers, 512x512',
  }),
});

/** The Hub the downloads use: `$HF_ENDPOINT` (a mirror's base URL) or `https://huggingface.co`. */
export function hubEndpoint(env: DownloadEnv = process.env): string {
  // eslint-disable-next-line @typescript-eslint/prefer-nullish-coalescing -- an empty variable counts as unset
  return (env['HF_ENDPOINT'] || 'https://huggingface.co').replace(/\/+$/, '');
}

/** `<endpoint>/<repo>/resolve/<revision>/<file>`, the URL `huggingface_hub` downloads a file from. */
export function hubFileUrl(spec: Pick<PretrainedModelSpec, 'repo' | 'file' | 'revision'>, env: DownloadEnv = process.env): string {
  const path = [...spec.repo.split('/'), 'resolve', spec.revision ?? 'main', ...spec.file.split('/')].map(encodeURIComponent).join('/');
  return `${hubEndpoint(env)}/${path}`;
}

/**
 * Request headers for a Hub URL: `Authorization: Bearer $HF_TOKEN` when the token is set and `url`
 * is on the Hub endpoint (never sent elsewhere).
 */
export function hubHeaders(url: string, env: DownloadEnv = process.env): Record<string, string> {
  const token = env['HF_TOKEN'];
  if (!token) return {};
  return new URL(url).origin === new URL(hubEndpoint(env)).origin ? { authorization: `Bearer ${token}` } : {};
}
