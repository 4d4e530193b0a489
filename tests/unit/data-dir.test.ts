import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { defaultDataDir, lockDataDir } from '../../extensions/agent-host/src/store/data-dir.ts';
import { tempDir } from '../helpers/temp-dir.ts';

describe('data dir', () => {
  test('GROVE_HOME wins; otherwise each platform has its app-data folder', () => {
    expect(defaultDataDir({ GROVE_HOME: '/g', HOME: '/h' }, 'linux')).toBe('/g');
    expect(defaultDataDir({ HOME: '/h' }, 'linux')).toBe('/h/.local/share/grove');
    expect(defaultDataDir({ HOME: '/h', XDG_DATA_HOME: '/x' }, 'linux')).toBe('/x/grove');
    expect(defaultDataDir({ HOME: '/h' }, 'darwin')).toBe('/h/Library/Application Support/Grove');
    expect(defaultDataDir({ HOME: '/h', APPDATA: '/a' }, 'win32')).toBe('/a/Grove');
  });

  test('a lock held by a live process is refused with who holds it', async () => {
    await using dir = await tempDir();
    const holder = spawn('sleep', ['30']);
    try {
      writeFileSync(join(dir.path, 'host.lock'), JSON.stringify({ pid: holder.pid, startedAt: 0 }));
      await expect(lockDataDir(dir.path)).rejects.toMatchObject({
        code: 'data_dir_in_use',
        message: `Another Grove host (pid ${holder.pid}) is already using ${dir.path}. Close it first, or start this one with --data-dir <another folder>.`,
      });
    } finally {
      holder.kill();
    }
  });

  test('a lock left by a dead process, or a torn one, is taken over', async () => {
    await using dir = await tempDir();
    const dead = spawn('true');
    await new Promise((resolve) => dead.on('exit', resolve));
    for (const stale of [JSON.stringify({ pid: dead.pid }), '{"pi']) {
      writeFileSync(join(dir.path, 'host.lock'), stale);
      const lock = await lockDataDir(dir.path);
      expect(JSON.parse(readFileSync(join(dir.path, 'host.lock'), 'utf8')).pid).toBe(process.pid);
      await lock.release();
    }
  });
});
