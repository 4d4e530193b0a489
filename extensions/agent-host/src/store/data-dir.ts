import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { errnoCode, HostError } from '../host/host-error.ts';

/**
 * Where Grove keeps its data: `$GROVE_HOME`, else the platform's app-data folder
 * (`$XDG_DATA_HOME/grove` or `~/.local/share/grove` on Linux).
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.GROVE_HOME) return env.GROVE_HOME;
  const home = env.HOME ?? homedir();
  switch (platform) {
    case 'darwin':
      return join(home, 'Library', 'Application Support', 'Grove');
    case 'win32':
      return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'Grove');
    default:
      return join(env.XDG_DATA_HOME || join(home, '.local', 'share'), 'grove');
  }
}

/** The files and folders inside a data dir, named once. */
export function dataPaths(dataDir: string) {
  return {
    root: dataDir,
    lock: join(dataDir, 'host.lock'),
    projects: join(dataDir, 'projects.json'),
    threads: join(dataDir, 'threads'),
    worktrees: join(dataDir, 'worktrees'),
    terminals: join(dataDir, 'terminals'),
    /** Approval requests (one JSON file each) and the projects' remembered rules. */
    approvals: join(dataDir, 'approvals'),
    /** One hash-chained audit log per project (`<projectId>.jsonl`), outside every repository an agent can write. */
    audit: join(dataDir, 'audit'),
    /** The process groups the host has running, so the next host can stop them if this one is killed. */
    processes: join(dataDir, 'processes.json'),
  };
}

/**
 * Makes sure one host at a time owns a data dir: two would overwrite each other's state.
 * A lock left by a killed host (its pid is gone) is taken over.
 */
export async function lockDataDir(dataDir: string): Promise<{ release(): Promise<void> }> {
  const { lock } = dataPaths(dataDir);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(lock, 'wx', 0o600);
      await handle.writeFile(JSON.stringify({ pid: process.pid, startedAt: Date.now() }));
      await handle.close();
      return { release: () => rm(lock, { force: true }) };
    } catch (error) {
      if (errnoCode(error) !== 'EEXIST') throw error;
    }
    const owner = await readLockOwner(lock);
    if (owner !== undefined && owner !== process.pid && isAlive(owner)) {
      throw new HostError(
        'data_dir_in_use',
        `Another Grove host (pid ${owner}) is already using ${dataDir}. Close it first, or start this one with --data-dir <another folder>.`,
        { pid: owner, dataDir },
      );
    }
    await rm(lock, { force: true });
  }
  throw new HostError('storage_failed', `Grove could not lock ${dataDir}; check that the folder is writable.`);
}

async function readLockOwner(lock: string): Promise<number | undefined> {
  try {
    const pid = (JSON.parse(await readFile(lock, 'utf8')) as { pid?: unknown }).pid;
    return typeof pid === 'number' ? pid : undefined;
  } catch {
    return undefined; // A torn or empty lock file: its writer died while writing it.
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errnoCode(error) === 'EPERM';
  }
}
