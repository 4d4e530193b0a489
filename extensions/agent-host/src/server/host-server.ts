import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import type { AccessGuard } from './access-guard.ts';
import type { StaticFile, StaticFiles } from './static-files.ts';

/** Largest frame a client may send; requests are small, this only bounds a misbehaving client. */
const MAX_CLIENT_FRAME_BYTES = 1024 * 1024;

const SECURITY_HEADERS = {
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cross-Origin-Opener-Policy': 'same-origin',
} as const;

/** In a browser there is no Neutralino runtime: its globals script is served empty, so the page knows. */
const NEUTRALINO_GLOBALS_PATH = '/__neutralino_globals.js';

export interface HostServerOptions {
  readonly guard: AccessGuard;
  readonly files: StaticFiles;
  readonly bindAddress: string;
  readonly port: number;
  /** Called for every authenticated WebSocket on /rpc. */
  readonly onSocket: (socket: WebSocket) => void;
}

/**
 * The host's only door: the built UI over HTTP and the protocol over a WebSocket at /rpc,
 * both behind the AccessGuard.
 */
export class HostServer {
  readonly #options: HostServerOptions;
  readonly #http: Server;
  readonly #wss = new WebSocketServer({ noServer: true, maxPayload: MAX_CLIENT_FRAME_BYTES, perMessageDeflate: false });

  constructor(options: HostServerOptions) {
    this.#options = options;
    this.#http = createServer((request, response) => this.#handle(request, response));
    this.#http.on('upgrade', (request, socket, head) => this.#upgrade(request, socket, head));
  }

  /** Starts listening; resolves with the port. */
  async listen(): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.#http.once('error', reject);
      this.#http.listen(this.#options.port, this.#options.bindAddress, () => resolve());
    });
    const port = (this.#http.address() as AddressInfo).port;
    this.#options.guard.bind(port);
    return port;
  }

  /** Closes every socket and stops listening. */
  async close(): Promise<void> {
    for (const client of this.#wss.clients) client.close(1001, 'Grove host is shutting down');
    this.#wss.close();
    this.#http.closeAllConnections();
    await new Promise<void>((resolve) => this.#http.close(() => resolve()));
  }

  #handle(request: IncomingMessage, response: ServerResponse): void {
    const reply = this.#route(request);
    response.writeHead(reply.status, { ...SECURITY_HEADERS, ...reply.headers });
    response.end(request.method === 'HEAD' ? undefined : reply.body);
  }

  /** Decides the whole answer to one HTTP request; writes nothing. */
  #route(request: IncomingMessage): Reply {
    const { guard, files } = this.#options;
    const host = request.headers.host;
    if (!guard.isHostAllowed(host)) return text(403, 'Grove only answers to localhost.');
    if (!guard.isOriginAllowed(request.headers.origin, host)) return text(403, 'Cross-origin requests are refused.');
    if (request.method !== 'GET' && request.method !== 'HEAD') return text(405, 'Only GET is served here.');
    const url = new URL(request.url ?? '/', 'http://grove.invalid');

    const offered = url.searchParams.get('token');
    if (offered !== null) {
      if (!guard.matches(offered)) return UNAUTHORIZED;
      // Trade the token in the address bar for a cookie, and drop it from the URL and history.
      url.searchParams.delete('token');
      return { status: 303, headers: { 'Set-Cookie': guard.sessionCookie(), Location: url.pathname + url.search } };
    }
    if (!guard.isAuthenticated(request)) return UNAUTHORIZED;

    if (url.pathname === NEUTRALINO_GLOBALS_PATH)
      return file({ type: 'text/javascript; charset=utf-8', body: Buffer.alloc(0), immutable: false });
    const found = files.get(url.pathname);
    if (found !== undefined) return file(found);
    if (!files.hasIndex) return text(503, 'The Grove UI has not been built yet. Run `npm run build`, then reload this page.');
    return text(404, 'Not found.');
  }

  #upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const { guard } = this.#options;
    const host = request.headers.host;
    const url = new URL(request.url ?? '/', 'http://grove.invalid');
    let refusal: string | undefined;
    if (!guard.isHostAllowed(host) || !guard.isOriginAllowed(request.headers.origin, host)) refusal = '403 Forbidden';
    else if (url.pathname !== '/rpc') refusal = '404 Not Found';
    else if (!guard.isAuthenticated(request) && !guard.matches(url.searchParams.get('token'))) refusal = '401 Unauthorized';
    if (refusal !== undefined) {
      socket.end(`HTTP/1.1 ${refusal}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    this.#wss.handleUpgrade(request, socket, head, (ws) => this.#options.onSocket(ws));
  }
}

interface Reply {
  readonly status: number;
  readonly headers: Record<string, string | number>;
  readonly body?: Buffer | string;
}

function file(found: StaticFile): Reply {
  return {
    status: 200,
    headers: {
      'Content-Type': found.type,
      'Content-Length': found.body.length,
      'Cache-Control': found.immutable ? 'private, max-age=31536000, immutable' : 'no-store',
    },
    body: found.body,
  };
}

function text(status: number, message: string): Reply {
  return { status, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' }, body: `${message}\n` };
}

const UNAUTHORIZED = text(
  401,
  'This Grove host needs its access token. Open the full URL that `grove serve` printed (it ends in ?token=…).',
);
