import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { CORPUS, GROVE_BIN } from '../helpers/paths.ts';
import { tempDir } from '../helpers/temp-dir.ts';

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the built `grove` with real processes, as a person or a script would. */
function grove(args: readonly string[], options: { cwd?: string; input?: string } = {}): Promise<Run> {
  const child = spawn(process.execPath, [GROVE_BIN, ...args], { cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  child.stdin.end(options.input ?? '');
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

function decisions(stdout: string): { decision: string; reasons: string[] }[] {
  return stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
}

async function worktree() {
  const dir = await tempDir('grove-policy-cli-');
  mkdirSync(join(dir.path, 'src'));
  writeFileSync(join(dir.path, 'src', 'a.ts'), 'export {};\n');
  writeFileSync(join(dir.path, '.env'), 'API_KEY=x\n');
  return dir;
}

describe('grove policy check', () => {
  test('--command prints one JSON decision with its reasons', async () => {
    await using wt = await worktree();
    expect(await grove(['policy', 'check', '--command', 'git status && ls src', '--worktree', wt.path])).toEqual({
      code: 0,
      stdout: '{"decision":"allow","reasons":["read-only: git, ls"]}\n',
      stderr: '',
    });
    const held = await grove(['policy', 'check', '--command', 'git commit -m wip'], { cwd: wt.path });
    expect(held.code).toBe(0);
    expect(decisions(held.stdout)).toEqual([
      { decision: 'ask', reasons: [expect.stringMatching(/every commit is approved by a person/)] },
    ]);
  });

  test('--path checks against the worktree: secrets and escapes are denied', async () => {
    await using wt = await worktree();
    const check = async (path: string, access = 'read') =>
      decisions((await grove(['policy', 'check', '--path', path, '--worktree', wt.path, '--access', access])).stdout)[0]
        ?.decision;
    expect(await check('src/a.ts')).toBe('allow');
    expect(await check('src/new.ts', 'write')).toBe('allow');
    expect(await check('.env')).toBe('deny');
    expect(await check('../elsewhere')).toBe('deny');
  });

  test('--batch answers every case in order, one line each, from a file or stdin', async () => {
    await using wt = await worktree();
    const cases = [
      { command: 'ls' },
      { path: '.env' },
      { command: 'rm -rf src' },
      { path: 'src/a.ts', access: 'write' },
      { command: 'cat .env' },
    ];
    const text = `${cases.map((c) => JSON.stringify(c)).join('\n')}\n\n`;
    const file = join(wt.path, 'cases.jsonl');
    writeFileSync(file, text);
    const expected = ['allow', 'deny', 'ask', 'allow', 'deny'];
    const fromFile = await grove(['policy', 'check', '--batch', file, '--worktree', wt.path]);
    expect(fromFile.code).toBe(0);
    expect(decisions(fromFile.stdout).map((d) => d.decision)).toEqual(expected);
    const fromStdin = await grove(['policy', 'check', '--batch', '-', '--worktree', wt.path], { input: text });
    expect(decisions(fromStdin.stdout).map((d) => d.decision)).toEqual(expected);
  });

  test('the built command holds every destructive corpus command and allows the safe ones', async () => {
    await using wt = await worktree();
    mkdirSync(join(wt.path, 'node_modules', '.bin'), { recursive: true });
    for (const tool of ['tsc', 'eslint']) writeFileSync(join(wt.path, 'node_modules', '.bin', tool), '');
    const load = (name: string) =>
      (JSON.parse(readFileSync(join(CORPUS, name), 'utf8')) as { input: string }[]).map((c) => c.input);
    const run = async (commands: string[]) => {
      const input = commands.map((command) => JSON.stringify({ command })).join('\n');
      const result = await grove(['policy', 'check', '--batch', '-', '--worktree', wt.path], { input });
      expect(result.code).toBe(0);
      return decisions(result.stdout).map((d) => d.decision);
    };
    const destructive = load('commands-destructive.json');
    const held = (await run(destructive)).filter((decision) => decision !== 'allow').length;
    process.stdout.write(`built CLI, commands-destructive.json held or denied: ${held}/${destructive.length}\n`);
    expect(held).toBe(destructive.length);
    const safe = load('commands-safe.json');
    const allowed = (await run(safe)).filter((decision) => decision === 'allow').length;
    process.stdout.write(`built CLI, commands-safe.json allowed: ${allowed}/${safe.length}\n`);
    expect(allowed / safe.length).toBeGreaterThanOrEqual(0.95);
  });

  test('bad input gets one line on stderr, nothing on stdout, and exit code 2', async () => {
    await using wt = await worktree();
    const badLine = join(wt.path, 'bad.jsonl');
    writeFileSync(badLine, '{"command":"ls"}\n{"cmd":"ls"}\n');
    const runs: [string[], RegExp][] = [
      [['policy', 'check', '--path', 'src/a.ts'], /--path needs --worktree DIR/],
      [['policy', 'check', '--batch', join(wt.path, 'missing.jsonl')], /cannot read the batch file .*missing\.jsonl \(ENOENT\)/],
      [['policy', 'check', '--batch', badLine], /line 2 of .*bad\.jsonl is not a case like/],
      [['policy', 'check'], /exactly one of --command, --path or --batch/],
      [['policy', 'check', '--command', 'ls', '--path', 'x', '--worktree', wt.path], /exactly one of/],
      [['policy', 'check', '--command', 'ls', '--worktree', join(wt.path, 'nope')], /is not a folder/],
      [['policy', 'check', '--path', 'x', '--worktree', wt.path, '--access', 'delete'], /--access takes “read” or “write”/],
      [['policy', 'check', '--colour'], /Unknown option '--colour'.*grove --help/],
      [['policy', 'lint'], /“grove policy lint” is not a command/],
    ];
    for (const [args, message] of runs) {
      const run = await grove(args, { cwd: wt.path });
      expect(run, args.join(' ')).toEqual({ code: 2, stdout: '', stderr: expect.stringMatching(message) });
      expect(run.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
    }
  });

  test('--help lists the policy command', async () => {
    const help = await grove(['--help']);
    expect(help.stdout).toMatch(/grove policy check --command '<cmd>' \[--worktree DIR\]/);
  });
});
