import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { GROVE_BIN, ROOT } from '../helpers/paths.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { waitFor } from '../helpers/wait-for.ts';

function grove(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, [GROVE_BIN, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (chunk) => (out += chunk));
  child.stderr.on('data', (chunk) => (out += chunk));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, out })));
}

const hasRuntime = existsSync(join(ROOT, 'bin')) && readdirSync(join(ROOT, 'bin')).some((name) => name.startsWith('neutralino-'));

describe('the grove command', () => {
  test('--help and --version', async () => {
    const help = await grove(['--help']);
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/grove serve \[options\]\s+serve Grove to a browser/);
    expect(await grove(['--version'])).toEqual({ code: 0, out: expect.stringMatching(/^\d+\.\d+\.\d+\n$/) });
  });

  test('wrong words get a sentence and the usage, exit 2', async () => {
    for (const args of [['fly'], ['serve', '--port', 'abc'], ['serve', '--colour']]) {
      const run = await grove(args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.out, args.join(' ')).toMatch(/^grove: .+\n\nGrove /);
    }
  });

  test('where no window can open, `grove` says why and serves the browser instead', async () => {
    await using data = await tempDir();
    const env = { ...process.env };
    delete env.DISPLAY;
    delete env.WAYLAND_DISPLAY;
    const child = spawn(process.execPath, [GROVE_BIN, '--no-open', '--data-dir', data.path], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (out += chunk));
    try {
      await waitFor('the fallback to serve mode', () => out.includes('Grove is ready at http://127.0.0.1:'));
      // Which reason depends on whether `npm run setup:runtime` has put a runtime in bin/.
      expect(out).toMatch(
        hasRuntime
          ? /There is no display here \(DISPLAY and WAYLAND_DISPLAY are unset\), so Grove opens in your browser/
          : /The Neutralino runtime is not installed[\s\S]*npm run setup:runtime[\s\S]*opens in your browser/,
      );
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.on('exit', resolve));
    }
  });
});
