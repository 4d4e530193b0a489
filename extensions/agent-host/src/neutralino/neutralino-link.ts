import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import WebSocket from 'ws';
import { z } from 'zod';

/** What the Neutralino runtime writes to an extension's stdin, then EOF (NEUTRALINO.md). */
export const ConnectInfoSchema = z.object({
  nlPort: z.string().regex(/^\d+$/),
  nlToken: z.string().min(1),
  nlConnectToken: z.string().min(1),
  nlExtensionId: z.string().min(1),
});
export type ConnectInfo = z.infer<typeof ConnectInfoSchema>;

/** How long the runtime has to write its JSON; it does so at once, so a wait means we were started by hand. */
const STDIN_TIMEOUT_MS = 10_000;
/** Native calls answer in milliseconds; a minute means the runtime is gone. */
const CALL_TIMEOUT_MS = 60_000;

/** Reads the connection JSON from stdin; rejects with a clear message if it never comes or is malformed. */
export async function readConnectInfo(input: Readable, timeoutMs = STDIN_TIMEOUT_MS): Promise<ConnectInfo> {
  const chunks: Buffer[] = [];
  const text = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () =>
        reject(
          new Error(
            'No connection JSON arrived on stdin. `grove extension` is started by the Neutralino runtime, not by hand; run `grove` instead.',
          ),
        ),
      timeoutMs,
    );
    input.on('data', (chunk: Buffer) => chunks.push(chunk));
    input.on('end', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
    input.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
  const firstLine = text.trim().split('\n')[0] ?? '';
  let json: unknown;
  try {
    json = JSON.parse(firstLine);
  } catch {
    throw new Error('The Neutralino runtime sent something other than JSON on stdin.');
  }
  const info = ConnectInfoSchema.safeParse(json);
  if (!info.success) {
    throw new Error(
      `The Neutralino runtime's connection JSON lacks ${info.error.issues.map((i) => i.path.join('.')).join(', ')}.`,
    );
  }
  return info.data;
}

type Pending = { resolve(value: unknown): void; reject(error: Error): void; timer: NodeJS.Timeout };

/**
 * The host's connection to the Neutralino runtime: events in, native calls out. When it
 * closes, the runtime is gone and the host must go too (nothing else will tell it).
 */
export class NeutralinoLink {
  readonly #info: ConnectInfo;
  readonly #pending = new Map<string, Pending>();
  #socket: WebSocket | undefined;
  onEvent: (event: string, data: unknown) => void = () => {};
  onClose: () => void = () => {};

  constructor(info: ConnectInfo) {
    this.#info = info;
  }

  /** The runtime's own origin, which serves the window's page. */
  get pageOrigins(): string[] {
    return [`http://127.0.0.1:${this.#info.nlPort}`, `http://localhost:${this.#info.nlPort}`];
  }

  connect(): Promise<void> {
    const { nlPort, nlExtensionId, nlConnectToken } = this.#info;
    const url = `ws://127.0.0.1:${nlPort}?extensionId=${encodeURIComponent(nlExtensionId)}&connectToken=${encodeURIComponent(nlConnectToken)}`;
    const socket = new WebSocket(url);
    this.#socket = socket;
    socket.on('message', (data) => this.#receive(data.toString()));
    // Without a listener, a socket error after the open would throw and take the host
    // down without its cleanup; the 'close' that always follows does the stopping.
    socket.on('error', () => {});
    socket.on('close', () => {
      for (const call of this.#pending.values()) {
        clearTimeout(call.timer);
        call.reject(new Error('The Neutralino runtime closed the connection.'));
      }
      this.#pending.clear();
      this.onClose();
    });
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', (error) =>
        reject(new Error(`Could not connect to the Neutralino runtime on port ${nlPort}: ${error.message}`)),
      );
    });
  }

  /** Calls a native method (it must be in the config's nativeAllowList). */
  call(method: string, data: unknown): Promise<unknown> {
    const socket = this.#socket;
    if (socket === undefined || socket.readyState !== WebSocket.OPEN) {
      return Promise.reject(new Error('The Neutralino runtime is not connected.'));
    }
    const id = randomUUID();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`The Neutralino runtime did not answer ${method}.`));
      }, CALL_TIMEOUT_MS);
      this.#pending.set(id, { resolve, reject, timer });
      socket.send(JSON.stringify({ id, method, accessToken: this.#info.nlToken, data }));
    });
  }

  /** Sends an event to every page (and extension) of the app. */
  broadcast(event: string, data: unknown): Promise<unknown> {
    return this.call('app.broadcast', { event, data });
  }

  close(): void {
    this.#socket?.close();
  }

  #receive(text: string): void {
    let message: { id?: unknown; event?: unknown; data?: unknown };
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    if (typeof message.id === 'string' && this.#pending.has(message.id)) {
      const call = this.#pending.get(message.id) as Pending;
      this.#pending.delete(message.id);
      clearTimeout(call.timer);
      const data = message.data as { error?: { code?: string; message?: string }; returnValue?: unknown } | undefined;
      if (data?.error) call.reject(new Error(`${data.error.code ?? 'NE_ERROR'}: ${data.error.message ?? 'native call failed'}`));
      else call.resolve(data?.returnValue);
      return;
    }
    if (typeof message.event === 'string') this.onEvent(message.event, message.data);
  }
}
