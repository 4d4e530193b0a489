import type { z } from 'zod';
import { HostError } from '../host/host-error.ts';
import {
  type AnyNotification,
  type AnyStreamNotification,
  type MethodName,
  Methods,
  type Request,
  RequestSchema,
  type ResultOf,
  type WireError,
} from '../protocol/index.ts';

type ParsedParams<M extends MethodName> = z.infer<(typeof Methods)[M]['params']>;

/** What a handler knows of the client that sent the request. */
export interface SessionContext {
  /** Unique among the host's sessions. */
  readonly id: number;
  /** Sends a stream notification (terminal output) to this client only. */
  stream(notification: AnyStreamNotification): void;
  /** Calls `listener` once when this client disconnects. */
  onClose(listener: () => void): void;
}

/** The host's implementation of every method but `host/initialize`, which the session answers itself. */
export type Handlers = {
  [M in Exclude<MethodName, 'host/initialize'>]: (params: ParsedParams<M>, session: SessionContext) => Promise<ResultOf<M>>;
};

/** Answers `host/initialize`: synchronous, so no change can slip between the snapshot and the first notification. */
export type Initializer = (params: ParsedParams<'host/initialize'>) => ResultOf<'host/initialize'>;

export interface SessionOptions {
  readonly send: (text: string) => void;
  readonly initialize: Initializer;
  readonly handlers: Handlers;
  readonly onInternalError: (error: unknown, method: string) => void;
}

/**
 * One client connection's protocol state, independent of the socket under it: parses and
 * validates requests at the edge, refuses everything before the handshake, maps failures
 * to wire errors, and forwards change notifications only once the client has a snapshot.
 */
let nextSessionId = 1;

export class RpcSession implements SessionContext {
  readonly id = nextSessionId++;
  readonly #options: SessionOptions;
  readonly #closeListeners: (() => void)[] = [];
  #initialized = false;

  constructor(options: SessionOptions) {
    this.#options = options;
  }

  stream(notification: AnyStreamNotification): void {
    if (this.#initialized) this.#options.send(JSON.stringify(notification));
  }

  onClose(listener: () => void): void {
    this.#closeListeners.push(listener);
  }

  /** The client is gone: tells everyone who asked (terminals detach), once. */
  close(): void {
    this.#initialized = false;
    for (const listener of this.#closeListeners.splice(0)) listener();
  }

  /** Handles one text frame from the client. Never throws. */
  async receive(text: string): Promise<void> {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      this.#reply(null, { code: 'parse_error', message: 'The message was not valid JSON.' });
      return;
    }
    const request = RequestSchema.safeParse(json);
    if (!request.success) {
      this.#reply(idOf(json), { code: 'invalid_request', message: 'Expected {id, method, params}.' });
      return;
    }
    await this.#dispatch(request.data);
  }

  /** Sends a change notification, if this client has taken its snapshot. */
  notify(notification: AnyNotification): void {
    if (this.#initialized) this.#options.send(JSON.stringify(notification));
  }

  async #dispatch({ id, method, params }: Request): Promise<void> {
    if (!Object.hasOwn(Methods, method)) {
      this.#reply(id, { code: 'method_not_found', message: `There is no method “${method}”.`, data: { method } });
      return;
    }
    const name = method as MethodName;
    const parsed = Methods[name].params.safeParse(params ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
      this.#reply(id, {
        code: 'invalid_params',
        message: `Invalid params for ${name}${where}: ${issue?.message ?? 'unexpected shape'}.`,
        data: { issues: parsed.error.issues },
      });
      return;
    }
    if (name === 'host/initialize') {
      try {
        const result = this.#options.initialize(parsed.data as ParsedParams<'host/initialize'>);
        this.#options.send(JSON.stringify({ id, result }));
        this.#initialized = true;
      } catch (error) {
        this.#fail(id, name, error);
      }
      return;
    }
    if (!this.#initialized) {
      this.#reply(id, { code: 'not_initialized', message: 'Send host/initialize before any other request.' });
      return;
    }
    try {
      const handler = this.#options.handlers[name] as (p: unknown, session: SessionContext) => Promise<unknown>;
      const result = await handler(parsed.data, this);
      this.#options.send(JSON.stringify({ id, result }));
    } catch (error) {
      this.#fail(id, name, error);
    }
  }

  #fail(id: number, method: string, error: unknown): void {
    if (error instanceof HostError) {
      this.#reply(id, error.toWire());
      return;
    }
    this.#options.onInternalError(error, method);
    this.#reply(id, {
      code: 'internal',
      message: `Grove hit an unexpected error in ${method}. Nothing was changed; the details are in the host's log.`,
    });
  }

  #reply(id: number | null, error: WireError): void {
    this.#options.send(JSON.stringify({ id, error }));
  }
}

function idOf(json: unknown): number | null {
  if (typeof json === 'object' && json !== null && 'id' in json && typeof json.id === 'number') return json.id;
  return null;
}
