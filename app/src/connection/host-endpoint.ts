import { askHostAddress } from '../platform/neutralino.ts';

/** How the UI finds the host: the window asks over Neutralino's relay, a browser uses its own origin. */
export interface HostEndpoint {
  readonly mode: 'window' | 'serve';
  /** The WebSocket URL for the next connection attempt. */
  resolve(signal: AbortSignal): Promise<string>;
  /** After a socket closed before it opened: whether the host refused our credentials. */
  wasRefused(): Promise<boolean>;
}

/**
 * How long the window waits for the host to answer a hello on the relay before the attempt
 * counts as failed and backs off. Long enough for a host that is still starting; short
 * enough that the person sees "Reconnecting…" rather than a blank window.
 */
const RELAY_ANSWER_TIMEOUT_MS = 4_000;

/** Serve mode: the host served this page; its auth cookie rides along with the upgrade. */
export function serveEndpoint(): HostEndpoint {
  return {
    mode: 'serve',
    resolve: async () => `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/rpc`,
    // A browser hides the HTTP status of a refused upgrade, so ask the same path plainly:
    // the host answers 401/403 without a valid cookie. A network error means it is down.
    wasRefused: async () => {
      try {
        const response = await fetch('/rpc', { cache: 'no-store', credentials: 'same-origin' });
        return response.status === 401 || response.status === 403;
      } catch {
        return false;
      }
    },
  };
}

/** The Neutralino window: every attempt asks the host for its current address and token. */
export function windowEndpoint(): HostEndpoint {
  return {
    mode: 'window',
    resolve: async (signal) => {
      const address = await askHostAddress(AbortSignal.any([signal, AbortSignal.timeout(RELAY_ANSWER_TIMEOUT_MS)]));
      return `${address.url}?token=${encodeURIComponent(address.token)}`;
    },
    // A refused token is stale (the host restarted); the next hello brings a fresh one.
    wasRefused: async () => false,
  };
}
