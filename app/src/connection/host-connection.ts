import type {
  AnyNotification,
  AnyStreamNotification,
  HostState,
  MethodName,
  ParamsOf,
  ResultOf,
  TerminalId,
  WireError,
} from '../protocol.ts';
import { NOTIFICATION_METHODS, PROTOCOL_VERSION, STREAM_METHODS } from '../protocol.ts';
import type { HostStore } from '../state/host-store.ts';
import type { HostEndpoint } from './host-endpoint.ts';
import { HostRequestError } from './host-request-error.ts';

/** What the host said about itself in `host/initialize`. */
export type HostInfo = ResultOf<'host/initialize'>['host'];

/** Where the connection stands; the banner shows every kind but `ready`. */
export type ConnectionStatus =
  /** The first attempt, before the host has ever answered. */
  | { readonly kind: 'connecting' }
  /**
   * Initialized: the store mirrors the host and requests go through. `session` counts the
   * sockets that got this far: what a client attached on the host (a terminal) belongs to
   * one session and must be attached again in the next.
   */
  | { readonly kind: 'ready'; readonly host: HostInfo; readonly session: number }
  /** The host is unreachable or went away; the next attempt starts after `delayMs`. */
  | { readonly kind: 'reconnecting'; readonly attempt: number; readonly delayMs: number }
  /** The host refused this page's credentials; retrying cannot help. */
  | { readonly kind: 'unauthorized'; readonly mode: HostEndpoint['mode'] }
  /** The host speaks another protocol version; retrying cannot help. */
  | { readonly kind: 'incompatible'; readonly message: string };

/**
 * Reconnect backoff: the first retry comes quickly (a host restarting during a rebuild is
 * back within a second), later ones double up to a ceiling so a host that is gone for good
 * costs one failed socket every few seconds, not a busy loop.
 */
const RETRY_INITIAL_MS = 250;
const RETRY_MAX_MS = 5_000;

const CLIENT = { name: 'grove-ui', version: '0.1.0' } as const;

interface Pending {
  readonly resolve: (result: unknown) => void;
  readonly reject: (error: HostRequestError) => void;
}

type Frame = { id: number | null; result?: unknown; error?: WireError } | { method: string; params: unknown };

/** Receives one terminal's stream notifications (`terminal/output`, `terminal/exited`). */
export type StreamHandler = (notification: AnyStreamNotification) => void;

/**
 * The UI's client of the host: one WebSocket of JSON frames, typed requests, and the
 * state mirror kept in step from notifications. Reconnects with backoff and resyncs the
 * mirror from a fresh snapshot whenever it may have missed a change. Stream notifications
 * (terminal output) bypass the mirror and go to whoever subscribed to that terminal.
 */
export class HostConnection {
  /** Called on every status change. */
  onStatus: ((status: ConnectionStatus) => void) | undefined;

  readonly #endpoint: HostEndpoint;
  readonly #store: HostStore;
  #status: ConnectionStatus = { kind: 'connecting' };
  #socket: WebSocket | null = null;
  #attempt: AbortController | null = null;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #failures = 0;
  #nextId = 1;
  readonly #pending = new Map<number, Pending>();
  /** Notifications held while a resync snapshot is on its way; null when not resyncing. */
  #held: AnyNotification[] | null = null;
  #isStarted = false;
  #isDisposed = false;
  /** Sockets that reached `ready`; the socket counted last. */
  #session = 0;
  #sessionSocket: WebSocket | null = null;
  readonly #streams = new Map<TerminalId, Set<StreamHandler>>();

  constructor(endpoint: HostEndpoint, store: HostStore) {
    this.#endpoint = endpoint;
    this.#store = store;
  }

  get status(): ConnectionStatus {
    return this.#status;
  }

  get mode(): HostEndpoint['mode'] {
    return this.#endpoint.mode;
  }

  /** Opens the first connection; later ones follow by themselves until `dispose`. */
  start(): void {
    if (this.#isStarted) return;
    this.#isStarted = true;
    void this.#connect();
  }

  /** Skips the rest of the backoff wait and tries now. */
  retryNow(): void {
    if (this.#status.kind !== 'reconnecting' || this.#retryTimer === undefined) return;
    clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    void this.#connect();
  }

  /** Closes the socket for good and fails whatever is still waiting for an answer. */
  dispose(): void {
    this.#isDisposed = true;
    clearTimeout(this.#retryTimer);
    this.#attempt?.abort();
    this.#socket?.close(1000, 'client closed');
    this.#socket = null;
    this.#failPending();
  }

  /**
   * Sends one request once the connection is initialized. Rejects with a HostRequestError:
   * the host's error, or at once with `not_connected` when there is no live connection.
   */
  request<M extends MethodName>(method: M, params: ParamsOf<M>): Promise<ResultOf<M>> {
    if (this.#status.kind !== 'ready') {
      return Promise.reject(
        new HostRequestError('not_connected', 'Not connected to the Grove host. Wait until it reconnects, then try again.'),
      );
    }
    return this.#send(method, params);
  }

  /**
   * Calls `handler` with every stream notification of one terminal, in order; returns the
   * unsubscribe function. Output of a terminal nobody subscribes to (a message already on
   * its way when the view closed) is dropped, and the host is told to stop sending it.
   */
  onStream(terminalId: TerminalId, handler: StreamHandler): () => void {
    let handlers = this.#streams.get(terminalId);
    if (!handlers) {
      handlers = new Set();
      this.#streams.set(terminalId, handlers);
    }
    handlers.add(handler);
    return () => {
      handlers.delete(handler);
      if (handlers.size === 0 && this.#streams.get(terminalId) === handlers) this.#streams.delete(terminalId);
    };
  }

  #send<M extends MethodName>(method: M, params: ParamsOf<M>): Promise<ResultOf<M>> {
    const socket = this.#socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) {
      return Promise.reject(new HostRequestError('not_connected', 'Not connected to the Grove host.'));
    }
    const id = this.#nextId++;
    return new Promise<ResultOf<M>>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (result: unknown) => void, reject });
      socket.send(JSON.stringify({ id, method, params }));
    });
  }

  async #connect(): Promise<void> {
    if (this.#isDisposed) return;
    const attempt = new AbortController();
    this.#attempt = attempt;
    let url: string;
    try {
      url = await this.#endpoint.resolve(attempt.signal);
    } catch {
      if (!attempt.signal.aborted) this.#scheduleRetry();
      return;
    }
    if (attempt.signal.aborted) return;

    const socket = new WebSocket(url);
    this.#socket = socket;
    let isOpen = false;
    socket.addEventListener('open', () => {
      isOpen = true;
      void this.#initialize();
    });
    socket.addEventListener('message', (event) => {
      if (typeof event.data === 'string') this.#receive(event.data);
    });
    socket.addEventListener('close', () => {
      if (this.#socket !== socket) return;
      this.#socket = null;
      this.#held = null;
      this.#failPending();
      void this.#afterClose(isOpen);
    });
  }

  async #afterClose(wasOpen: boolean): Promise<void> {
    if (this.#isDisposed || this.#status.kind === 'incompatible') return;
    if (!wasOpen && (await this.#endpoint.wasRefused())) {
      this.#setStatus({ kind: 'unauthorized', mode: this.#endpoint.mode });
      return;
    }
    this.#scheduleRetry();
  }

  #scheduleRetry(): void {
    if (this.#isDisposed) return;
    const delayMs = Math.min(RETRY_INITIAL_MS * 2 ** this.#failures, RETRY_MAX_MS);
    this.#failures += 1;
    this.#setStatus({ kind: 'reconnecting', attempt: this.#failures, delayMs });
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      void this.#connect();
    }, delayMs);
  }

  /** Handshake on a fresh socket, and again on the same socket to resync after a gap. */
  async #initialize(): Promise<void> {
    let result: ResultOf<'host/initialize'>;
    try {
      result = await this.#send('host/initialize', { protocolVersion: PROTOCOL_VERSION, client: CLIENT });
    } catch (error) {
      this.#onInitializeFailed(error);
      return;
    }
    if (result.protocolVersion !== PROTOCOL_VERSION) {
      this.#onIncompatible(`The Grove host speaks protocol ${result.protocolVersion}, this window speaks ${PROTOCOL_VERSION}.`);
      return;
    }
    this.#failures = 0;
    // A resync on the same socket keeps its session: the host still holds its attachments.
    if (this.#sessionSocket !== this.#socket) {
      this.#sessionSocket = this.#socket;
      this.#session += 1;
    }
    this.#adopt(result.state);
    this.#setStatus({ kind: 'ready', host: result.host, session: this.#session });
  }

  #onInitializeFailed(error: unknown): void {
    if (error instanceof HostRequestError && error.code === 'protocol_mismatch') {
      this.#onIncompatible(error.message);
      return;
    }
    // Anything else (the socket dropped, the host failed) is retried on a fresh socket.
    this.#socket?.close(4000, 'initialize failed');
  }

  #onIncompatible(message: string): void {
    this.#setStatus({ kind: 'incompatible', message });
    this.#socket?.close(1000, 'protocol mismatch');
  }

  /** Replaces the mirror with a snapshot, then replays what arrived while it was on its way. */
  #adopt(state: HostState): void {
    const held = this.#held ?? [];
    this.#held = null;
    this.#store.replace(state);
    for (const notification of held) {
      if (this.#store.apply(notification) === 'gap') {
        // The snapshot is older than what followed it: start over on a fresh socket.
        this.#socket?.close(4000, 'resync failed');
        return;
      }
    }
  }

  #resync(first: AnyNotification): void {
    if (this.#held) {
      this.#held.push(first);
      return;
    }
    this.#held = [first];
    void this.#initialize();
  }

  #receive(text: string): void {
    let frame: Frame;
    try {
      frame = JSON.parse(text) as Frame;
    } catch {
      console.error('Grove: ignored a frame that is not JSON', text);
      return;
    }
    if ('method' in frame) {
      this.#onNotification(frame);
      return;
    }
    const pending = frame.id === null ? undefined : this.#pending.get(frame.id);
    if (!pending || frame.id === null) {
      console.error('Grove: the host answered a request this client did not make', frame);
      return;
    }
    this.#pending.delete(frame.id);
    if (frame.error) pending.reject(HostRequestError.fromWire(frame.error));
    else pending.resolve(frame.result);
  }

  #onNotification(frame: { method: string; params: unknown }): void {
    if (isStreamNotification(frame)) {
      this.#onStream(frame);
      return;
    }
    if (!isKnownNotification(frame)) return; // Newer hosts may say more; a rev gap resyncs us.
    if (this.#held) {
      this.#held.push(frame);
      return;
    }
    if (this.#store.apply(frame) === 'gap') this.#resync(frame);
  }

  #onStream(notification: AnyStreamNotification): void {
    const { terminalId } = notification.params;
    const handlers = this.#streams.get(terminalId);
    if (handlers) {
      for (const handler of [...handlers]) handler(notification);
      return;
    }
    if (notification.method === 'terminal/exited') return;
    this.request('terminal/detach', { terminalId }).catch(() => {
      // The connection dropped: the host forgets this client along with it.
    });
  }

  #failPending(): void {
    const error = new HostRequestError(
      'connection_lost',
      'The connection to the Grove host was lost before it answered. Try again once it reconnects.',
    );
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
  }

  #setStatus(status: ConnectionStatus): void {
    this.#status = status;
    this.onStatus?.(status);
  }
}

function isStreamNotification(frame: { method: string; params: unknown }): frame is AnyStreamNotification {
  return (STREAM_METHODS as readonly string[]).includes(frame.method);
}

function isKnownNotification(frame: { method: string; params: unknown }): frame is AnyNotification {
  return (NOTIFICATION_METHODS as readonly string[]).includes(frame.method);
}
