import WebSocket from 'ws';
import type {
  AnyNotification,
  MethodName,
  ParamsOf,
  ResultOf,
  WireError,
} from '../../extensions/agent-host/src/protocol/index.ts';
import { PROTOCOL_VERSION } from '../../extensions/agent-host/src/protocol/index.ts';
import { waitFor } from './wait-for.ts';

/** A failed request, as the host described it on the wire. */
export class RpcError extends Error {
  readonly wire: WireError;

  constructor(wire: WireError) {
    super(`${wire.code}: ${wire.message}`);
    this.wire = wire;
  }
}

/** A protocol client over a real WebSocket, for tests and benchmarks. */
export class RpcClient implements AsyncDisposable {
  readonly notifications: AnyNotification[] = [];
  readonly #socket: WebSocket;
  readonly #pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  /** Responses to `sendRaw`: ones whose id is not a pending request's. */
  readonly #rawReplies: unknown[] = [];
  #nextId = 1;

  private constructor(socket: WebSocket) {
    this.#socket = socket;
    socket.on('message', (data) => {
      const message = JSON.parse(data.toString());
      if (typeof message.id === 'number' && this.#pending.has(message.id)) {
        const call = this.#pending.get(message.id);
        this.#pending.delete(message.id);
        if (message.error) call?.reject(new RpcError(message.error));
        else call?.resolve(message.result);
      } else if ('error' in message || 'result' in message) {
        this.#rawReplies.push(message);
      } else {
        this.notifications.push(message);
      }
    });
  }

  /** Connects to `ws://…/rpc`; `headers` lets a test pose as a browser page (Origin) or omit the token. */
  static connect(url: string, headers: Record<string, string> = {}): Promise<RpcClient> {
    const socket = new WebSocket(url, { headers });
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(new RpcClient(socket)));
      socket.once('unexpected-response', (_request, response) => reject(new Error(`HTTP ${response.statusCode}`)));
      socket.once('error', reject);
    });
  }

  request<M extends MethodName>(method: M, params: ParamsOf<M>): Promise<ResultOf<M>> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.#socket.send(JSON.stringify({ id, method, params }));
    });
  }

  /** Sends raw text, for malformed-input tests; resolves with the next message that answers it. */
  async sendRaw(text: string): Promise<unknown> {
    const before = this.#rawReplies.length;
    this.#socket.send(text);
    return waitFor('a reply to a raw message', () => this.#rawReplies[before]);
  }

  initialize(): Promise<ResultOf<'host/initialize'>> {
    return this.request('host/initialize', { protocolVersion: PROTOCOL_VERSION, client: { name: 'grove-tests', version: '0' } });
  }

  get isOpen(): boolean {
    return this.#socket.readyState === WebSocket.OPEN;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    if (this.#socket.readyState === WebSocket.CLOSED) return;
    const closed = new Promise((resolve) => this.#socket.once('close', resolve));
    this.#socket.close();
    await closed;
  }
}
