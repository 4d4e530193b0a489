import { randomBytes } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { spawn } from 'node-pty';
import { errnoCode, HostError } from '../host/host-error.ts';
import { log } from '../host/log.ts';
import { stopGracefully } from '../host/stop-gracefully.ts';
import type { TerminalId, ThreadId } from '../protocol/index.ts';
import type { SessionContext } from '../rpc/rpc-session.ts';
import { writeFileAtomic } from '../store/json-file.ts';
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
 * GROVE_* variables. Scrollback is saved per thread, so after a host restart a new shell
 * opens below the old output.
 */
export class TerminalService {
  readonly #folder: string;
  readonly #threadInfo: (threadId: ThreadId) => ThreadShellInfo;
  readonly #screens: Screens;
  readonly #terminals = new Map<TerminalId, Terminal>();
  /** Scrollback writes in progress, per thread: a new shell's replay waits for them. */
  readonly #saving = new Map<ThreadId, Promise<void>>();
  #saver: NodeJS.Timeout | undefined;

  constructor(folder: string, screenWorker: string, threadInfo: (threadId: ThreadId) => ThreadShellInfo) {
    this.#folder = folder;
    this.#screens = new Screens(screenWorker);
    this.#threadInfo = threadInfo;
  }

  /** Starts saving scrollback in the background. */
  async start(): Promise<void> {
    await mkdir(this.#folder, { recursive: true });
    this.#saver = setInterval(() => void this.#saveDirty(), SAVE_INTERVAL_MS);
    this.#saver.unref();
  }

  /** Attaches `session` to the thread's running shell, starting one (below the saved scrollback) if there is none. */
  async open(threadId: ThreadId, cols: number, rows: number, session: SessionContext) {
    let terminal = [...this.#terminals.values()].find((t) => t.threadId === threadId && t.exited === null);
    if (terminal === undefined) terminal = await this.#spawn(threadId, cols, rows);
    else terminal.resize(cols, rows);
    const { replay, seq } = await terminal.attach(session);
    return { terminalId: terminal.id, replay, seq, exited: terminal.exited };
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

  /** Stops every shell; the host's shutdown. */
  async stopAll(): Promise<void> {
    if (this.#saver !== undefined) clearInterval(this.#saver);
    await this.#stop([...this.#terminals.values()]);
    await this.#screens.stop();
  }

  async #spawn(threadId: ThreadId, cols: number, rows: number): Promise<Terminal> {
    const info = this.#threadInfo(threadId);
    await this.#saving.get(threadId);
    const previous = await this.#readSaved(threadId);
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
    const terminal = new Terminal(id, threadId, pty, this.#screens, { cols, rows }, history, (ended) => {
      void this.#save(ended).then(() => this.#forget(ended));
    });
    this.#terminals.set(id, terminal);
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
    if (this.#terminals.delete(terminal.id)) terminal.dispose();
  }

  async #saveDirty(): Promise<void> {
    for (const terminal of this.#terminals.values()) if (terminal.isDirty) await this.#save(terminal);
  }

  #save(terminal: Terminal): Promise<void> {
    terminal.markSaved();
    const previous = this.#saving.get(terminal.threadId) ?? Promise.resolve();
    const saving = previous
      .then(async () => writeFileAtomic(join(this.#folder, `${terminal.threadId}.log`), await terminal.history()))
      .catch((error) => log.error(`could not save the scrollback of ${terminal.id}`, error));
    this.#saving.set(terminal.threadId, saving);
    void saving.then(() => {
      if (this.#saving.get(terminal.threadId) === saving) this.#saving.delete(terminal.threadId);
    });
    return saving;
  }

  async #readSaved(threadId: ThreadId): Promise<string> {
    try {
      return await readFile(join(this.#folder, `${threadId}.log`), 'utf8');
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') return '';
      throw error;
    }
  }

  #terminal(terminalId: TerminalId): Terminal {
    const terminal = this.#terminals.get(terminalId);
    if (terminal === undefined) {
      throw new HostError('terminal_not_found', 'That terminal is closed. Open the thread’s terminal again.', { terminalId });
    }
    return terminal;
  }
}
