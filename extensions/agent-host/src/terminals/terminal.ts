import type { IPty } from 'node-pty';
import { log } from '../host/log.ts';
import type { TerminalId, TerminalInfo, ThreadId } from '../protocol/index.ts';
import type { SessionContext } from '../rpc/rpc-session.ts';
import type { Screen, Screens } from './screen.ts';

/**
 * How far a client may fall behind what it was sent (in string characters) before the host
 * stops streaming to it. 256K kept keystroke echo at 7–10 ms during a flood (PERFORMANCE.md).
 * A client past it is sent nothing more until it has caught up, and then the screen as it
 * is by then (a resync), not the bytes it missed: a slow page never slows the shell.
 */
const CLIENT_WINDOW = 256 * 1024;
/** Resyncs of one client come at most this often (30 a second): a flood is unreadable anyway, and the page's CPU is better left to the shell and the host. */
const RESYNC_INTERVAL_MS = 33;
/**
 * Output quiet for this long ends a flood: a client that got short resyncs during it now
 * gets the whole scrollback.
 */
const QUIET_MS = 150;
/**
 * The host parses every byte into its own screen. The shell is paused when the parser is
 * this far behind (the only reason a shell ever waits on Grove), and resumed under the low mark.
 */
const PARSE_HIGH = 1024 * 1024;
const PARSE_LOW = 256 * 1024;
/**
 * Output is gathered for up to this long before it is sent, so a flood travels as a few
 * large messages instead of one per 4 KB pty read (per-message cost dominated: 10.7 vs
 * 16.5+ MB/s). It adds at most this much to a keystroke's echo, well under a frame.
 */
const COALESCE_MS = 4;
/**
 * …or until this much is waiting. Each flush is one message to the screen worker and one
 * parse call: at 256K a 20M flood reached the shell's end in 640–740 ms, at 64K in 740–1,200.
 */
const COALESCE_MAX_CHARS = 256 * 1024;

interface Client {
  readonly session: SessionContext;
  /**
   * `streaming`: sent every output as it comes. `behind`: past its window, sent nothing
   * until it has acked everything it was sent. `resyncing`: a snapshot is being made for it.
   */
  state: 'streaming' | 'behind' | 'resyncing';
  /** Stream position of the end of what it was sent. */
  sent: number;
  /** Stream position up to which it has rendered. */
  acked: number;
  /** Its last resync carried only the end of the scrollback; the whole follows when output goes quiet. */
  partial: boolean;
  lastResync: number;
  timer: NodeJS.Timeout | undefined;
}

/** A reset a client is sent: the screen at stream position `seq`. */
export interface Replay {
  readonly replay: string;
  readonly seq: number;
}

/**
 * One shell of a thread: its pty, the host's copy of its screen, and the clients attached
 * to it. Every byte goes into the screen; clients that keep up get the bytes themselves,
 * clients that fall behind get the screen when they are ready for more.
 */
export class Terminal {
  readonly id: TerminalId;
  readonly threadId: ThreadId;
  readonly number: number;
  readonly #pty: IPty;
  readonly #screen: Screen;
  readonly #clients = new Map<number, Client>();
  /** Position of the end of the stream: every character the shell produced. */
  #seq = 0;
  /** Position up to which the screen has parsed the stream. */
  #parsedSeq = 0;
  /** Output flushed but not yet parsed into the screen, in order: what a resync sends after the snapshot. */
  #unparsed: { start: number; data: string }[] = [];
  #pending = '';
  #flushTimer: NodeJS.Timeout | undefined;
  #quietTimer: NodeJS.Timeout | undefined;
  /** When output was last sent on: a resync while it is recent carries only the end of the scrollback. */
  #lastFlush = 0;
  #paused = false;
  #exited: { exitCode: number | null } | null = null;
  #markEnded: () => void = () => {};
  /** Settles when the shell has exited and every client has been sent its last screen. */
  readonly ended = new Promise<void>((resolve) => {
    this.#markEnded = resolve;
  });
  #dirty = false;
  readonly #onExit: (terminal: Terminal) => void;

  constructor(
    { id, threadId, number }: TerminalInfo,
    pty: IPty,
    screens: Screens,
    size: { cols: number; rows: number },
    history: string,
    onExit: (terminal: Terminal) => void,
  ) {
    this.id = id;
    this.threadId = threadId;
    this.number = number;
    this.#pty = pty;
    this.#onExit = onExit;
    this.#screen = screens.open(id, size.cols, size.rows, history, (end) => this.#parsed(end));
    this.#dirty = history !== '';
    pty.onData((data) => this.#produce(data));
    pty.onExit(({ exitCode, signal }) => {
      this.#flush();
      clearTimeout(this.#quietTimer);
      // Once everything is parsed, a client that is behind gets the last screen before the news.
      this.#screen.snapshot(true, (last) => {
        const exited = { exitCode: signal ? null : exitCode };
        this.#exited = exited;
        for (const client of this.#clients.values()) {
          clearTimeout(client.timer);
          if (client.state !== 'streaming' || client.partial) this.#sendReset(client, this.#catchUp(client, last, true));
          client.session.stream({ method: 'terminal/exited', params: { terminalId: this.id, exitCode: exited.exitCode } });
        }
        this.#markEnded();
        this.#onExit(this);
      });
    });
  }

  get info(): TerminalInfo {
    return { id: this.id, threadId: this.threadId, number: this.number };
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

  markSaved(): void {
    this.#dirty = false;
  }

  /** The scrollback as text with its colours, once everything produced so far is parsed: what a later shell opens below. */
  async history(): Promise<string> {
    if (!this.#closed) this.#lastHistory = await this.#screen.history();
    return this.#lastHistory;
  }

  #lastHistory = '';
  #closed = false;

  /** Attaches a client: it gets the whole screen now, then the live stream from `seq` on. */
  attach(session: SessionContext): Promise<Replay> {
    let client = this.#clients.get(session.id);
    if (client === undefined) {
      client = { session, state: 'resyncing', sent: 0, acked: 0, partial: false, lastResync: 0, timer: undefined };
      this.#clients.set(session.id, client);
      session.onClose(() => this.detach(session.id));
    }
    const attaching = client;
    attaching.state = 'resyncing';
    clearTimeout(attaching.timer);
    return new Promise((resolve) => {
      this.#screen.snapshot(true, (screen) => {
        const replay = this.#catchUp(attaching, screen, true);
        // The replay counts as rendered: live output streams at once (or the next snapshot follows).
        attaching.acked = replay.seq;
        resolve(replay);
        this.#maybeResync(attaching);
      });
    });
  }

  detach(sessionId: number): void {
    const client = this.#clients.get(sessionId);
    if (client === undefined) return;
    clearTimeout(client.timer);
    this.#clients.delete(sessionId);
  }

  ack(sessionId: number, seq: number): void {
    const client = this.#clients.get(sessionId);
    if (client === undefined) return;
    client.acked = Math.max(client.acked, Math.min(seq, client.sent));
    this.#maybeResync(client);
  }

  write(data: string): void {
    if (this.#exited === null) this.#pty.write(data);
  }

  resize(cols: number, rows: number): void {
    if (this.#exited !== null) return;
    this.#pty.resize(cols, rows);
    this.#screen.resize(cols, rows);
  }

  /** Hangs up the shell, as closing a terminal window does; the shell passes it to its jobs. */
  hangUp(): void {
    if (this.#exited === null) this.#pty.kill('SIGHUP');
  }

  /** The last resort: the whole process group of the shell. Logged, since what ran there had no chance to clean up. */
  kill(): void {
    if (this.#exited !== null) return;
    log.error(
      `the shell of thread ${this.threadId} did not exit after a hang-up; killing its process group (“${this.#pty.process}” was in the foreground)`,
    );
    try {
      process.kill(-this.#pty.pid, 'SIGKILL');
    } catch {
      this.#pty.kill('SIGKILL');
    }
  }

  /** Frees the screen; after the last save (a later `history()` gives that save's text). */
  dispose(): void {
    for (const client of this.#clients.values()) clearTimeout(client.timer);
    this.#clients.clear();
    clearTimeout(this.#quietTimer);
    this.#closed = true;
    this.#screen.close();
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
    const start = this.#seq;
    const end = start + data.length;
    this.#seq = end;
    this.#lastFlush = performance.now();
    this.#dirty = true;
    this.#unparsed.push({ start, data });
    this.#screen.write(data, end);
    if (!this.#paused && end - this.#parsedSeq > PARSE_HIGH) {
      this.#paused = true;
      this.#pty.pause();
    }
    for (const client of this.#clients.values()) {
      if (client.state !== 'streaming') continue;
      if (end - client.acked > CLIENT_WINDOW) {
        client.state = 'behind';
        continue;
      }
      client.sent = end;
      client.session.stream({ method: 'terminal/output', params: { terminalId: this.id, seq: start, data } });
    }
    clearTimeout(this.#quietTimer);
    this.#quietTimer = setTimeout(() => {
      for (const client of this.#clients.values()) this.#maybeResync(client);
    }, QUIET_MS);
  }

  #parsed(end: number): void {
    this.#parsedSeq = end;
    let done = 0;
    while (done < this.#unparsed.length && (this.#unparsed[done] as { start: number }).start < end) done += 1;
    if (done > 0) this.#unparsed.splice(0, done);
    if (this.#paused && this.#exited === null && this.#seq - end < PARSE_LOW) {
      this.#paused = false;
      this.#pty.resume();
    }
  }

  /** A client that has caught up with everything it was sent gets the screen, if it is behind or holds only part of it. */
  #maybeResync(client: Client): void {
    if (client.state === 'resyncing' || client.timer !== undefined || client.acked < client.sent) return;
    if (client.state === 'streaming' && !(client.partial && this.#isQuiet())) return;
    const wait = Math.max(0, client.lastResync + RESYNC_INTERVAL_MS - performance.now());
    client.timer = setTimeout(() => {
      client.timer = undefined;
      if (!this.#clients.has(client.session.id) || this.#exited !== null) return;
      client.state = 'resyncing';
      const whole = this.#isQuiet();
      this.#screen.snapshot(whole, (screen) => {
        if (this.#clients.get(client.session.id) === client && client.state === 'resyncing') {
          this.#sendReset(client, this.#catchUp(client, screen, whole));
          // Nothing new was parsed since its last ack: no ack will come for this one.
          this.#maybeResync(client);
        }
      });
    }, wait);
  }

  #isQuiet(): boolean {
    return performance.now() - this.#lastFlush >= QUIET_MS;
  }

  #sendReset(client: Client, { replay, seq }: Replay): void {
    client.session.stream({ method: 'terminal/reset', params: { terminalId: this.id, seq, data: replay } });
  }

  /**
   * Brings `client` to `screen`, a snapshot, which shows the stream up to the first chunk
   * still unparsed (the snapshot's reply comes right after the last chunk it includes).
   * Output the parser has not reached yet is not sent along: resending it would cost the
   * page more than it saves. A client left short of the end stays `behind`, and its next
   * ack brings the next snapshot; once the parser has caught up, it streams again.
   */
  #catchUp(client: Client, screen: string, whole: boolean): Replay {
    const seq = this.#unparsed[0]?.start ?? this.#seq;
    client.state = seq === this.#seq ? 'streaming' : 'behind';
    client.sent = seq;
    client.partial = !whole;
    client.lastResync = performance.now();
    return { replay: screen, seq };
  }
}
