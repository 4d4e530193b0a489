import { Worker } from 'node:worker_threads';
import { log } from '../host/log.ts';
import { TERMINAL_SCROLLBACK_LINES } from '../protocol/terminal-limits.ts';
import type { ScreenReply, ScreenRequest } from './screen-protocol.ts';

/**
 * Lines a resync during a flood carries above the screen. The whole scrollback costs tens
 * of milliseconds to serialize and to draw, and during a flood it is out of date before it
 * lands; the whole of it follows once the output goes quiet.
 */
const FLOOD_RESYNC_LINES = 100;

/**
 * The host's copy of every shell's screen, kept by one worker thread (`screen-worker.ts`).
 * It is what lets a client that fell behind, or one that just attached, be brought up to
 * date with the screen as it is instead of every byte that led there (as mosh and VS
 * Code's pty host do), so a slow page never slows a shell. Started on first use.
 */
export class Screens {
  readonly #workerFile: string;
  #worker: Worker | null = null;
  readonly #screens = new Map<string, Screen>();
  readonly #asked = new Map<number, (data: string) => void>();
  #nextAsk = 1;

  constructor(workerFile: string) {
    this.#workerFile = workerFile;
  }

  /** A new screen for terminal `id`, showing `history` (a previous shell's scrollback) first. */
  open(id: string, cols: number, rows: number, history: string, onParsed: (end: number) => void): Screen {
    const screen = new Screen(id, this, onParsed);
    this.#screens.set(id, screen);
    this.send({ op: 'open', id, cols, rows, scrollback: TERMINAL_SCROLLBACK_LINES, history });
    return screen;
  }

  /** @internal */
  send(request: ScreenRequest): void {
    if (request.op === 'close') this.#screens.delete(request.id);
    this.#start().postMessage(request);
  }

  /** @internal `answer` runs inside the reply's message event, before any later `parsed` is handled. */
  ask(id: string, lines: number | 'history', answer: (data: string) => void): void {
    const ask = this.#nextAsk++;
    this.#asked.set(ask, answer);
    this.send({ op: 'snapshot', id, ask, lines });
  }

  /** Ends the worker; the host is stopping. */
  async stop(): Promise<void> {
    const worker = this.#worker;
    this.#worker = null;
    await worker?.terminate();
  }

  #start(): Worker {
    if (this.#worker) return this.#worker;
    const worker = new Worker(this.#workerFile);
    worker.unref();
    worker.on('message', (reply: ScreenReply) => {
      if (reply.op === 'parsed') {
        this.#screens.get(reply.id)?.parsed(reply.end);
        return;
      }
      const answer = this.#asked.get(reply.ask);
      this.#asked.delete(reply.ask);
      answer?.(reply.data);
    });
    worker.on('error', (error) => log.error('the terminal screen worker failed', error));
    worker.on('exit', () => {
      if (this.#worker !== worker) return;
      // Screens are lost with it: shells run on, and replays show only what comes next.
      this.#worker = null;
      log.error('the terminal screen worker stopped; terminals lose their scrollback until they print again');
      for (const answer of this.#asked.values()) answer('');
      this.#asked.clear();
      for (const screen of this.#screens.values()) screen.lost();
    });
    this.#worker = worker;
    return worker;
  }
}

/** One terminal's screen in the worker. Writes are parsed in order; snapshots come after every write before them. */
export class Screen {
  readonly #id: string;
  readonly #screens: Screens;
  readonly #onParsed: (end: number) => void;
  #lastEnd = 0;

  constructor(id: string, screens: Screens, onParsed: (end: number) => void) {
    this.#id = id;
    this.#screens = screens;
    this.#onParsed = onParsed;
  }

  /** Queues `data`, which ends at stream position `end`; `onParsed(end)` follows once it is in the screen. */
  write(data: string, end: number): void {
    this.#lastEnd = end;
    this.#screens.send({ op: 'write', id: this.#id, data, end });
  }

  resize(cols: number, rows: number): void {
    this.#screens.send({ op: 'resize', id: this.#id, cols, rows });
  }

  /**
   * Hands `answer` what brings a reset terminal to this screen, modes and all, once
   * everything written so far is parsed: the whole scrollback, or only its end while a
   * flood is still running. It runs before any later write is reported parsed.
   */
  snapshot(whole: boolean, answer: (data: string) => void): void {
    this.#screens.ask(this.#id, whole ? TERMINAL_SCROLLBACK_LINES : FLOOD_RESYNC_LINES, answer);
  }

  /** The normal buffer as text with its colours, for the saved scrollback a later shell opens below. */
  history(): Promise<string> {
    return new Promise((resolve) => this.#screens.ask(this.#id, 'history', resolve));
  }

  close(): void {
    this.#screens.send({ op: 'close', id: this.#id });
  }

  /** @internal */
  parsed(end: number): void {
    this.#onParsed(end);
  }

  /** @internal The worker died: count everything as parsed so the shell is not held back. */
  lost(): void {
    this.#onParsed(this.#lastEnd);
  }
}
