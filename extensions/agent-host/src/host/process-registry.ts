import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import { stopGracefully } from './stop-gracefully.ts';

/**
 * How long a child gets between SIGTERM and SIGKILL when the host stops: enough for a
 * setup script or shell to flush and exit, short enough that quitting feels immediate.
 */
const STOP_GRACE_MS = 2_000;

/**
 * The one owner of every process the host starts (setup scripts now; shells, MCP servers
 * and agent tools later). Each runs in its own process group, so stopping it stops what it
 * started too; `stopAll` is the last step of the host's shutdown, so nothing outlives it.
 */
export class ProcessRegistry {
  readonly #children = new Set<ChildProcess>();

  /** Spawns `command` in a new process group and tracks it until it exits. */
  spawn(command: string, args: readonly string[], options: SpawnOptions): ChildProcess {
    const child = spawn(command, args, { ...options, detached: true });
    this.#children.add(child);
    child.once('exit', () => this.#children.delete(child));
    child.once('error', () => this.#children.delete(child));
    return child;
  }

  get size(): number {
    return this.#children.size;
  }

  /** Stops every tracked process group: SIGTERM, then SIGKILL for any still there after the grace period. */
  async stopAll(): Promise<void> {
    await stopGracefully(
      [...this.#children].map((child) => ({
        ask: () => signalGroup(child, 'SIGTERM'),
        force: () => signalGroup(child, 'SIGKILL'),
        stopped: new Promise<void>((resolve) =>
          child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve()),
        ),
      })),
      STOP_GRACE_MS,
    );
  }
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is already gone.
  }
}
