// SPDX-License-Identifier: Apache-2.0
// A small static file server for the built page, with the cross-origin isolation headers that
// onnxruntime-web's wasm threads need (SharedArrayBuffer). Used by `npm run serve` and the tests.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';

/** Headers sent with every response: cross-origin isolation (COOP/COEP) and no caching. */
const ISOLATION_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
});

const MIME: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.onnx': 'application/octet-stream',
  '.bin': 'application/octet-stream',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.map': 'application/json; charset=utf-8',
};

/** Options of {@link startStaticServer}. */
export interface StaticServerOptions {
  /** Folder to serve (the vite build output). */
  readonly root: string;
  /** Port; 0 picks a free one. Defaults to 0. */
  readonly port?: number;
  /** Interface. Defaults to `'127.0.0.1'`. */
  readonly host?: string;
}

/** A running {@link startStaticServer}. */
export interface StaticServer {
  /** Base URL ending in `/`, e.g. `http://127.0.0.1:5173/`. */
  readonly url: string;
  readonly server: Server;
  close(): Promise<void>;
}

/**
 * Serves `root` over HTTP with COOP/COEP headers. `GET /` serves `index.html`; paths outside
 * `root` and missing files are 404.
 */
export async function startStaticServer(options: StaticServerOptions): Promise<StaticServer> {
  const root = resolve(options.root);
  const server = createServer((req, res) => {
    void (async () => {
      const headers = { ...ISOLATION_HEADERS, 'Cache-Control': 'no-store' };
      try {
        if (req.method !== 'GET' && req.method !== 'HEAD') {
          res.writeHead(405, { ...headers, Allow: 'GET, HEAD' }).end();
          return;
        }
        let path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
        if (path.endsWith('/')) path += 'index.html';
        const file = normalize(join(root, path));
        if (file !== root && !file.startsWith(root + sep)) {
          res.writeHead(404, headers).end('not found');
          return;
        }
        const info = await stat(file).catch(() => undefined);
        if (!info?.isFile()) {
          res.writeHead(404, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' }).end('not found');
          return;
        }
        res.writeHead(200, {
          ...headers,
          'Content-Type': MIME[extname(file).toLowerCase()] ?? 'application/octet-stream',
          'Content-Length': String(info.size),
        });
        if (req.method === 'HEAD') res.end();
        else createReadStream(file).pipe(res);
      } catch {
        if (!res.headersSent) res.writeHead(400, headers);
        res.end();
      }
    })();
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => ok());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${address.address}:${address.port}/`,
    server,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
