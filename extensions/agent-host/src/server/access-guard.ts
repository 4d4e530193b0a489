import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

/**
 * Who may talk to the host's server: requests carrying the per-launch token (cookie,
 * bearer header, or `?token=` on the WebSocket upgrade), addressed to this server by a
 * name that cannot be rebound to another machine (Host check), from a page we trust
 * (Origin check, when the browser sends one).
 */
export class AccessGuard {
  readonly token: string;
  readonly #digest: Buffer;
  readonly #lan: boolean;
  #port = 0;
  readonly #trustedOrigins = new Set<string>();

  constructor(options: { lan: boolean; token?: string }) {
    this.token = options.token ?? randomBytes(32).toString('base64url');
    this.#digest = digest(this.token);
    this.#lan = options.lan;
  }

  /** Called once the server listens, since the port takes part in every check. */
  bind(port: number): void {
    this.#port = port;
  }

  /** Lets pages from another origin (the Neutralino window's own server) connect. */
  trustOrigin(origin: string): void {
    this.#trustedOrigins.add(origin);
  }

  get cookieName(): string {
    return `grove_token_${this.#port}`;
  }

  /**
   * Accepts `localhost` and loopback literals, and with `--lan` any IP literal: DNS names
   * other than localhost could be rebound by a hostile page to point at this port.
   */
  isHostAllowed(hostHeader: string | undefined): boolean {
    if (hostHeader === undefined) return false;
    const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(hostHeader);
    if (match === null || Number(match[2] ?? 80) !== this.#port) return false;
    const name = (match[1] ?? '').replace(/^\[|\]$/g, '').toLowerCase();
    if (name === 'localhost' || name === '127.0.0.1' || name === '::1') return true;
    return this.#lan && isIP(name) !== 0;
  }

  /** No Origin means no browser page made the request (a CLI, a test); a present one must be ours. */
  isOriginAllowed(origin: string | undefined, hostHeader: string | undefined): boolean {
    if (origin === undefined) return true;
    if (origin === `http://${hostHeader}` || origin === `https://${hostHeader}`) return true;
    return this.#trustedOrigins.has(origin);
  }

  matches(candidate: string | undefined | null): boolean {
    if (!candidate) return false;
    return timingSafeEqual(digest(candidate), this.#digest);
  }

  /** The token a request carries in its cookie or Authorization header, if any. */
  isAuthenticated(request: IncomingMessage): boolean {
    const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    return this.matches(bearer) || this.matches(readCookie(request.headers.cookie, this.cookieName));
  }

  sessionCookie(): string {
    return `${this.cookieName}=${this.token}; HttpOnly; SameSite=Strict; Path=/`;
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
