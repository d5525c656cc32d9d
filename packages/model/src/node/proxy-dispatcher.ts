// SPDX-License-Identifier: Apache-2.0
import { EnvHttpProxyAgent } from 'undici';

/** The environment variables a download reads (`process.env` by default). */
export type DownloadEnv = Readonly<Record<string, string | undefined>>;

const agents = new Map<string, EnvHttpProxyAgent>();

/**
 * The undici dispatcher of a download: `HTTPS_PROXY` / `https_proxy` for https URLs, `HTTP_PROXY` /
 * `http_proxy` for http URLs (and https ones when no https proxy is set), `NO_PROXY` / `no_proxy`
 * for hosts that bypass them (Node's built-in `fetch` ignores all of these). Read from `env` only,
 * never from `process.env` behind its back; one agent per distinct setting, kept for the process.
 * @internal (undici's types stay out of the public API)
 */
export function proxyDispatcher(env: DownloadEnv): EnvHttpProxyAgent {
  const httpProxy = env['http_proxy'] ?? env['HTTP_PROXY'] ?? '';
  const httpsProxy = env['https_proxy'] ?? env['HTTPS_PROXY'] ?? '';
  const noProxy = env['no_proxy'] ?? env['NO_PROXY'] ?? '';
  const key = JSON.stringify([httpProxy, httpsProxy, noProxy]);
  let agent = agents.get(key);
  if (agent === undefined) {
    // Empty strings, not undefined, so that undici does not fall back to process.env (an empty
    // httpsProxy falls back to the http proxy).
    agent = new EnvHttpProxyAgent({ httpProxy, httpsProxy, noProxy });
    agents.set(key, agent);
  }
  return agent;
}

/**
 * The proxy a request to `url` goes through with `env`'s settings, or undefined (for messages: the
 * same variables and `NO_PROXY` rules as undici's agent: `*`, a host (exactly), `.domain` or
 * `*.domain` (its subdomains), each optionally with `:port`).
 * @internal
 */
export function proxyFor(url: string, env: DownloadEnv): string | undefined {
  const target = new URL(url);
  const httpProxy = env['http_proxy'] ?? env['HTTP_PROXY'] ?? '';
  const proxy = target.protocol === 'https:' ? (env['https_proxy'] ?? env['HTTPS_PROXY'] ?? '') : '';
  const chosen = proxy || httpProxy;
  if (!chosen) return undefined;
  const port = target.port || (target.protocol === 'https:' ? '443' : '80');
  const host = target.hostname.toLowerCase();
  for (const entry of (env['no_proxy'] ?? env['NO_PROXY'] ?? '').split(/[,\s]+/).filter(Boolean)) {
    if (entry === '*') return undefined;
    const [name, entryPort] = entry.toLowerCase().split(':') as [string, string | undefined];
    if (entryPort !== undefined && entryPort !== port) continue;
    if (/^[.*]/.test(name) ? host.endsWith(name.replace(/^\*/, '')) : host === name) return undefined;
  }
  return chosen;
}
