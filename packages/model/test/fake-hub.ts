// SPDX-License-Identifier: Apache-2.0
// Loopback stand-ins for the Hugging Face Hub and for an HTTP proxy (tests never use the network).
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';

/** What the fake Hub does with the next requests. */
export interface HubBehaviour {
  /** Bytes sent before the connection is cut, for the next `cuts` responses. */
  cutAfter: number;
  cuts: number;
  /** sha256 announced in `X-Linked-Etag` on the redirect ('' = none). */
  announce: string;
  /** Answer every file request with this status instead (0 = serve). */
  status: number;
}

/** One request the fake Hub saw. */
export interface HubRequest {
  readonly url: string;
  readonly range: string | undefined;
  readonly authorization: string | undefined;
}

/** A running fake Hub. */
export interface FakeHub {
  /** `http://127.0.0.1:<port>`: the `HF_ENDPOINT`. */
  readonly endpoint: string;
  readonly requests: HubRequest[];
  readonly behaviour: HubBehaviour;
  /** Serves `bytes` as `<repo>/resolve/<revision>/<file>`. */
  serve(repo: string, revision: string, file: string, bytes: Uint8Array): void;
  reset(): void;
  close(): Promise<void>;
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/**
 * Starts a fake Hub on 127.0.0.1: `GET /<repo>/resolve/<rev>/<file>` answers 302 to `/lfs/<file>`
 * (with `X-Linked-Etag` when `behaviour.announce` is set), which serves the bytes with `Range`
 * support, or cuts the connection after `cutAfter` bytes while `cuts` lasts.
 */
export async function startFakeHub(): Promise<FakeHub> {
  const files = new Map<string, Uint8Array>();
  const requests: HubRequest[] = [];
  const behaviour: HubBehaviour = { cutAfter: 0, cuts: 0, announce: '', status: 0 };
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const url = req.url ?? '';
    requests.push({ url, range: req.headers.range, authorization: req.headers.authorization });
    if (behaviour.status !== 0) {
      res.writeHead(behaviour.status).end('refused');
      return;
    }
    const resolve = /^\/(.+)\/resolve\/([^/]+)\/(.+)$/.exec(url);
    if (resolve !== null && files.has(`/lfs/${resolve[1]}/${resolve[3]}`)) {
      res.writeHead(302, { location: `/lfs/${resolve[1]}/${resolve[3]}`, ...(behaviour.announce ? { 'x-linked-etag': `"${behaviour.announce}"` } : {}) }).end();
      return;
    }
    const body = files.get(url);
    if (body === undefined) {
      res.writeHead(404).end('not found');
      return;
    }
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const start = range !== null ? Number(range[1]) : 0;
    if (start >= body.length) {
      res.writeHead(416, { 'content-range': `bytes */${body.length}` }).end();
      return;
    }
    const headers: Record<string, string | number> = { 'content-length': body.length - start, 'accept-ranges': 'bytes' };
    if (start > 0) headers['content-range'] = `bytes ${start}-${body.length - 1}/${body.length}`;
    res.writeHead(start > 0 ? 206 : 200, headers);
    if (behaviour.cuts > 0) {
      behaviour.cuts--;
      res.write(body.subarray(start, start + behaviour.cutAfter), () => setTimeout(() => res.socket?.destroy(), 20));
      return;
    }
    res.end(body.subarray(start));
  };
  const server = createServer(handle);
  const endpoint = `http://${await listen(server)}`;
  return {
    endpoint,
    requests,
    behaviour,
    serve(repo, revision, file, bytes) {
      void revision;
      files.set(`/lfs/${repo}/${file}`, bytes);
    },
    reset() {
      requests.length = 0;
      Object.assign(behaviour, { cutAfter: 0, cuts: 0, announce: '', status: 0 });
    },
    close: () => close(server),
  };
}

/** A running loopback proxy. */
export interface FakeProxy {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** `CONNECT host:port` targets and absolute-URI `GET`s, in order. */
  readonly seen: string[];
  /** Refuse CONNECT with this status (0 = tunnel). */
  refuse: number;
  close(): Promise<void>;
}

/**
 * Starts an HTTP proxy on 127.0.0.1 that tunnels `CONNECT` (to loopback targets only) and forwards
 * absolute-URI requests, recording each.
 */
export async function startFakeProxy(): Promise<FakeProxy> {
  const seen: string[] = [];
  const sockets = new Set<Socket>();
  const proxy: FakeProxy = { url: '', seen, refuse: 0, close: async () => undefined };
  const server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    const target = new URL(req.url ?? '');
    const upstream = httpRequest({ host: target.hostname, port: target.port, path: `${target.pathname}${target.search}`, method: req.method, headers: req.headers }, (reply) => {
      res.writeHead(reply.statusCode ?? 502, reply.headers);
      reply.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    seen.push(`CONNECT ${req.url}`);
    sockets.add(client);
    const [host, port] = (req.url ?? '').split(':');
    if (proxy.refuse !== 0 || host !== '127.0.0.1') {
      client.end(`HTTP/1.1 ${proxy.refuse || 403} Refused\r\n\r\n`);
      return;
    }
    const upstream = connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    const end = (): void => {
      upstream.destroy();
      client.destroy();
    };
    upstream.on('error', end);
    client.on('error', end);
  });
  Object.assign(proxy, {
    url: `http://${await listen(server)}`,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await close(server);
    },
  });
  return proxy;
}
