import type { IPty } from 'node-pty';
import type { TerminalId, ThreadId } from '../protocol/index.ts';
import type { SessionContext } from '../rpc/rpc-session.ts';

/**
 * How much output a terminal keeps for replay (after a reload, a reconnect or a restart),
 * in string characters. 2M is thousands of screens of a build log, at a few MB of memory.
 */
const SCROLLBACK_CHARS = 2 * 1024 * 1024;
/**
 * Flow control (PERFORMANCE.md): pause the shell once the slowest attached client is this
 * far behind what it has rendered. 256K kept keystroke echo at 7–10 ms during a flood, for
 * a 16–20 % throughput cost; a larger window is faster and less responsive.
 */
const HIGH_WATERMARK = 256 * 1024;
/**
 * …and resume it once that client is back within this. Half the window keeps data in
 * flight while the client catches up: at 64K, every pause drained the pipe completely and
 * a client acking each message got 0.43× raw throughput instead of 0.66×.
 */
const LOW_WATERMARK = 128 * 1024;
/**
 * Output is gathered for up to this long before it is sent, so a flood travels as a few
 * large messages instead of one per 4 KB pty read (per-message cost dominated: 10.7 vs
 * 16.5+ MB/s). It adds at most this much to a keystroke's echo, well under a frame.
 */
const COALESCE_MS = 4;
/** …or until this much is waiting: 64K measured best against the window above (32K: 0.60×, 128K: 0.43×). */
const COALESCE_MAX_CHARS = 64 * 1024;

interface Client {
  readonly session: SessionContext;
  /** Position up to which this client has rendered the stream. */
  acked: number;
}

/**
 * One shell of a thread: its pty, its scrollback, the clients attached to it, and the
 * flow control between them. Output is coalesced over a few milliseconds (a build log
 * arrives in thousands of small reads).
 */
export class Terminal {
  readonly id: TerminalId;
  readonly threadId: ThreadId;
  readonly #pty: IPty;
  readonly #clients = new Map<number, Client>();
  #chunks: string[] = [];
  #kept = 0;
  /** Position of the end of the stream: every character ever produced. */
  #seq = 0;
  #pending = '';
  #flushTimer: NodeJS.Timeout | undefined;
  #paused = false;
  #exited: { exitCode: number | null } | null = null;
  #markEnded: () => void = () => {};
  /** Settles when the shell has exited. */
  readonly ended = new Promise<void>((resolve) => {
    this.#markEnded = resolve;
  });
  #dirty = false;
  readonly #onExit: (terminal: Terminal) => void;

  constructor(id: TerminalId, threadId: ThreadId, pty: IPty, history: string, onExit: (terminal: Terminal) => void) {
    this.id = id;
    this.threadId = threadId;
    this.#pty = pty;
    this.#onExit = onExit;
    if (history !== '') this.#keep(history);
    pty.onData((data) => this.#produce(data));
    pty.onExit(({ exitCode, signal }) => {
      this.#flush();
      this.#exited = { exitCode: signal ? null : exitCode };
      for (const client of this.#clients.values()) {
        client.session.stream({ method: 'terminal/exited', params: { terminalId: this.id, exitCode: this.#exited.exitCode } });
      }
      this.#markEnded();
      this.#onExit(this);
    });
  }

  get pid(): number {
    return this.#pty.pid;
  }

  get exited(): { exitCode: number | null } | null {
    return this.#exited;
  }

  /** Whether the scrollback changed since `markSaved`. */
  get isDirty(): boolean {
    return this.#dirty;
  }

  scrollback(): string {
    return this.#chunks.join('');
  }

  markSaved(): void {
    this.#dirty = false;
  }

  /** Attaches a client; what it gets back (the replay) counts as rendered. */
  attach(session: SessionContext): { replay: string; seq: number } {
    this.#flush();
    if (!this.#clients.has(session.id)) {
      this.#clients.set(session.id, { session, acked: this.#seq });
      session.onClose(() => this.detach(session.id));
    }
    return { replay: this.scrollback(), seq: this.#seq };
  }

  detach(sessionId: number): void {
    this.#clients.delete(sessionId);
    this.#regulate();
  }

  ack(sessionId: number, seq: number): void {
    const client = this.#clients.get(sessionId);
    if (client === undefined) return;
    client.acked = Math.max(client.acked, Math.min(seq, this.#seq));
    this.#regulate();
  }

  write(data: string): void {
    if (this.#exited === null) this.#pty.write(data);
  }

  resize(cols: number, rows: number): void {
    if (this.#exited === null) this.#pty.resize(cols, rows);
  }

  /** Hangs up the shell, as closing a terminal window does; the shell passes it to its jobs. */
  hangUp(): void {
    if (this.#exited === null) this.#pty.kill('SIGHUP');
  }

  /** The last resort: the whole process group of the shell. */
  kill(): void {
    if (this.#exited !== null) return;
    try {
      process.kill(-this.#pty.pid, 'SIGKILL');
    } catch {
      this.#pty.kill('SIGKILL');
    }
  }

  #produce(data: string): void {
    this.#pending += data;
    if (this.#pending.length >= COALESCE_MAX_CHARS) this.#flush();
    else this.#flushTimer ??= setTimeout(() => this.#flush(), COALESCE_MS);
  }

  #flush(): void {
    clearTimeout(this.#flushTimer);
    this.#flushTimer = undefined;
    if (this.#pending === '') return;
    const data = this.#pending;
    this.#pending = '';
    const seq = this.#seq;
    this.#keep(data);
    for (const client of this.#clients.values()) {
      client.session.stream({ method: 'terminal/output', params: { terminalId: this.id, seq, data } });
    }
    this.#regulate();
  }

  #keep(data: string): void {
    this.#chunks.push(data);
    this.#kept += data.length;
    this.#seq += data.length;
    this.#dirty = true;
    while (this.#kept > SCROLLBACK_CHARS && this.#chunks.length > 1) {
      this.#kept -= (this.#chunks.shift() as string).length;
    }
  }

  /** Pauses the pty when the slowest attached client is too far behind; resumes when it catches up. */
  #regulate(): void {
    if (this.#exited !== null) return;
    let behind = 0;
    for (const client of this.#clients.values()) behind = Math.max(behind, this.#seq - client.acked);
    if (!this.#paused && behind > HIGH_WATERMARK) {
      this.#paused = true;
      this.#pty.pause();
    } else if (this.#paused && behind <= LOW_WATERMARK) {
      this.#paused = false;
      this.#pty.resume();
    }
  }
}
