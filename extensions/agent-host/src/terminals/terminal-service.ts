import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { spawn } from 'node-pty';
import { HostError } from '../host/host-error.ts';
import { log } from '../host/log.ts';
import type { StateHub } from '../host/state-hub.ts';
import { stopGracefully } from '../host/stop-gracefully.ts';
import type { TerminalId, TerminalInfo, ThreadId } from '../protocol/index.ts';
import type { SessionContext } from '../rpc/rpc-session.ts';
import { readOptional, writeFileAtomic } from '../store/json-file.ts';
import { Screens } from './screen.ts';
import { Terminal } from './terminal.ts';

/** How often a changed scrollback is saved, so a host killed with -9 still brings most of it back. */
const SAVE_INTERVAL_MS = 2_000;
/** How long a hung-up shell gets to exit before its whole process group is killed. */
const HANGUP_GRACE_MS = 1_500;

/** What a thread's shells need to know about it. */
export interface ThreadShellInfo {
  readonly worktreePath: string;
  readonly env: Record<string, string>;
}

/**
 * The shells of every thread: one node-pty per terminal, in the thread's worktree with its
 * GROVE_* variables, numbered from 1 within the thread. Scrollback is saved per thread and
 * number, so a shell started again under a number (also after a host restart) opens below
 * that number's old output. Shells starting and ending are state changes every client sees.
 */
export class TerminalService {
  readonly #folder: string;
  readonly #threadInfo: (threadId: ThreadId) => ThreadShellInfo;
  readonly #hub: StateHub;
  readonly #screens: Screens;
  readonly #terminals = new Map<TerminalId, Terminal>();
  /** Shells being started, by thread and number: a second open of the same one waits for it. */
  readonly #starting = new Map<string, Promise<Terminal>>();
  /** Scrollback writes in progress, by saved file: a new shell's replay waits for them. */
  readonly #saving = new Map<string, Promise<void>>();
  #saver: NodeJS.Timeout | undefined;

  constructor(folder: string, screenWorker: string, threadInfo: (threadId: ThreadId) => ThreadShellInfo, hub: StateHub) {
    this.#folder = folder;
    this.#screens = new Screens(screenWorker);
    this.#threadInfo = threadInfo;
    this.#hub = hub;
  }

  /** Every running shell, for the state snapshot. */
  list(): TerminalInfo[] {
    return [...this.#terminals.values()].filter((t) => t.exited === null).map((t) => t.info);
  }

  /** Starts saving scrollback in the background. */
  async start(): Promise<void> {
    await mkdir(this.#folder, { recursive: true });
    this.#saver = setInterval(() => void this.#saveDirty(), SAVE_INTERVAL_MS);
    this.#saver.unref();
  }

  /**
   * Attaches `session` to shell `number` of the thread (by default its first running one, or
   * 1), starting it (below that number's saved scrollback) if it does not run.
   */
  async open(threadId: ThreadId, number: number | undefined, cols: number, rows: number, session: SessionContext) {
    const running = [...this.#terminals.values()].filter((t) => t.threadId === threadId && t.exited === null);
    const wanted = number ?? (running.length === 0 ? 1 : Math.min(...running.map((t) => t.number)));
    let terminal = running.find((t) => t.number === wanted);
    if (terminal === undefined) terminal = await this.#start(threadId, wanted, cols, rows);
    else terminal.resize(cols, rows);
    const { replay, seq } = await terminal.attach(session);
    return { terminalId: terminal.id, number: terminal.number, replay, seq, exited: terminal.exited };
  }

  input(terminalId: TerminalId, data: string): void {
    this.#terminal(terminalId).write(data);
  }

  resize(terminalId: TerminalId, cols: number, rows: number): void {
    this.#terminal(terminalId).resize(cols, rows);
  }

  ack(terminalId: TerminalId, session: SessionContext, seq: number): void {
    this.#terminals.get(terminalId)?.ack(session.id, seq);
  }

  /** Stops streaming a terminal to `session`; a closed terminal has nothing to stop. */
  detach(terminalId: TerminalId, session: SessionContext): void {
    this.#terminals.get(terminalId)?.detach(session.id);
  }

  async close(terminalId: TerminalId): Promise<void> {
    await this.#stop([this.#terminal(terminalId)]);
  }

  /** Stops every shell of a thread (before its worktree is archived) and saves their scrollback. */
  async closeThread(threadId: ThreadId): Promise<void> {
    await this.#stop([...this.#terminals.values()].filter((t) => t.threadId === threadId));
  }

  /** Deletes the saved scrollback of every shell a deleted thread had (its shells were stopped first). */
  async removeSaved(threadId: ThreadId): Promise<void> {
    for (const name of await readdir(this.#folder)) {
      if (name === `${threadId}.log` || (name.startsWith(`${threadId}.`) && name.endsWith('.log'))) {
        await rm(join(this.#folder, name), { force: true });
      }
    }
  }

  /** Stops every shell; the host's shutdown. */
  async stopAll(): Promise<void> {
    if (this.#saver !== undefined) clearInterval(this.#saver);
    await this.#stop([...this.#terminals.values()]);
    await this.#screens.stop();
  }

  /** Starts shell `number` of a thread; two opens of one that is starting get the same shell. */
  #start(threadId: ThreadId, number: number, cols: number, rows: number): Promise<Terminal> {
    const key = `${threadId}.${number}`;
    const pending = this.#starting.get(key);
    if (pending !== undefined) return pending;
    const starting = this.#spawn(threadId, number, cols, rows).finally(() => this.#starting.delete(key));
    this.#starting.set(key, starting);
    return starting;
  }

  async #spawn(threadId: ThreadId, number: number, cols: number, rows: number): Promise<Terminal> {
    const info = this.#threadInfo(threadId);
    const saved = this.#savedFile(threadId, number);
    await this.#saving.get(saved);
    const previous = (await readOptional(saved)) ?? '';
    const history = previous === '' ? '' : `${previous}\r\n\x1b[2m── a new shell ──\x1b[0m\r\n`;
    const shell = process.env.SHELL || '/bin/bash';
    let pty: ReturnType<typeof spawn>;
    try {
      pty = spawn(shell, [], {
        name: 'xterm-256color',
        cols,
        rows,
        cwd: info.worktreePath,
        env: { ...process.env, TERM: 'xterm-256color', COLORTERM: 'truecolor', ...info.env },
      });
    } catch (error) {
      throw new HostError('internal', `Grove could not start ${shell} in ${info.worktreePath}: ${(error as Error).message}`);
    }
    const id = `term_${randomBytes(6).toString('hex')}` as TerminalId;
    // An exited shell leaves the list once its scrollback is saved; the next open starts a new one below it.
    const terminal = new Terminal({ id, threadId, number }, pty, this.#screens, { cols, rows }, history, (ended) => {
      void this.#save(ended).then(() => this.#forget(ended));
    });
    this.#terminals.set(id, terminal);
    this.#hub.publish('terminal/added', { terminal: terminal.info });
    return terminal;
  }

  async #stop(terminals: Terminal[]): Promise<void> {
    const running = terminals.filter((t) => t.exited === null);
    await stopGracefully(
      running.map((t) => ({ ask: () => t.hangUp(), force: () => t.kill(), stopped: t.ended })),
      HANGUP_GRACE_MS,
    );
    for (const terminal of terminals) {
      await this.#save(terminal);
      this.#forget(terminal);
    }
  }

  #forget(terminal: Terminal): void {
    if (!this.#terminals.delete(terminal.id)) return;
    terminal.dispose();
    this.#hub.publish('terminal/removed', { terminalId: terminal.id });
  }

  /** Where shell `number` of a thread keeps its scrollback (the first one's name predates numbers). */
  #savedFile(threadId: ThreadId, number: number): string {
    return join(this.#folder, number === 1 ? `${threadId}.log` : `${threadId}.${number}.log`);
  }

  async #saveDirty(): Promise<void> {
    for (const terminal of this.#terminals.values()) if (terminal.isDirty) await this.#save(terminal);
  }

  #save(terminal: Terminal): Promise<void> {
    terminal.markSaved();
    const file = this.#savedFile(terminal.threadId, terminal.number);
    const previous = this.#saving.get(file) ?? Promise.resolve();
    const saving = previous
      .then(async () => writeFileAtomic(file, await terminal.history()))
      .catch((error) => log.error(`could not save the scrollback of ${terminal.id}`, error));
    this.#saving.set(file, saving);
    void saving.then(() => {
      if (this.#saving.get(file) === saving) this.#saving.delete(file);
    });
    return saving;
  }

  #terminal(terminalId: TerminalId): Terminal {
    const terminal = this.#terminals.get(terminalId);
    if (terminal === undefined) {
      throw new HostError('terminal_not_found', 'That terminal is closed. Open the thread’s terminal again.', { terminalId });
    }
    return terminal;
  }
}
