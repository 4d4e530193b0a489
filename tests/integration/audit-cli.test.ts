import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, test } from 'vitest';
import { AuditLog, auditFile } from '../../extensions/agent-host/src/audit/audit-log.ts';
import { GROVE_BIN, ROOT } from '../helpers/paths.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { waitFor } from '../helpers/wait-for.ts';

// `grove audit verify` as a user runs it: the built CLI, in its own process.

const PROJECT = 'p_0123456789ab';
const OTHER = 'p_abcdefghij01';

function grove(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(process.execPath, [GROVE_BIN, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk) => (out += chunk));
  child.stderr.on('data', (chunk) => (err += chunk));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, out, err })));
}

/** The JSON lines `grove audit verify` printed. */
function results(out: string): unknown[] {
  return out
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line));
}

async function writeLog(dataDir: string, projectId: string, count: number): Promise<string> {
  const log = new AuditLog({ dataDir, projectId });
  await log.open();
  for (let n = 1; n <= count; n++)
    await log.append({ kind: 'decision', action: 'command', target: `echo ${n}`, verdict: 'allow', reasons: ['read-only'] });
  await log.close();
  return log.file;
}

/** A data dir whose projects.json lists `repo` as PROJECT, as the host writes it. */
function listProject(dataDir: string, repo: string): void {
  const project = { id: PROJECT, name: 'repo', path: realpathSync(repo), defaultBase: 'main', addedAt: 0 };
  writeFileSync(join(dataDir, 'projects.json'), JSON.stringify({ version: 1, projects: [project] }));
}

describe('grove audit verify', () => {
  test('a sound log prints {file, ok, lines} and exits 0, found by data dir, project id, project folder or file', async () => {
    await using dir = await tempDir();
    const data = join(dir.path, 'data');
    const repo = join(dir.path, 'repo');
    mkdirSync(join(repo, 'src'), { recursive: true });
    const file = await writeLog(data, PROJECT, 3);
    const other = await writeLog(data, OTHER, 1);
    listProject(data, repo);
    const sound = { file, ok: true, lines: 3 };

    expect(await grove(['audit', 'verify', '--data-dir', data])).toEqual({
      code: 0,
      out: `${JSON.stringify(sound)}\n${JSON.stringify({ file: other, ok: true, lines: 1 })}\n`,
      err: '',
    });
    for (const args of [
      ['--data-dir', data, '--project', PROJECT],
      ['--data-dir', data, '--project', repo],
      ['--data-dir', data, '--project', join(repo, 'src')],
      [file],
    ]) {
      const run = await grove(['audit', 'verify', ...args]);
      expect({ code: run.code, results: results(run.out) }, args.join(' ')).toEqual({ code: 0, results: [sound] });
    }
    const fromHome = await grove(['audit', 'verify', '--project', PROJECT], { GROVE_HOME: data });
    expect({ code: fromHome.code, results: results(fromHome.out) }).toEqual({ code: 0, results: [sound] });
    expect(await grove(['audit', 'verify', '--data-dir', repo])).toEqual({
      code: 0,
      out: '',
      err: `grove: there are no audit logs in ${join(repo, 'audit')} yet.\n`,
    });
  });

  test('a broken log exits 1 and names its first broken link; the sound ones still print', async () => {
    await using dir = await tempDir();
    const data = join(dir.path, 'data');
    const file = await writeLog(data, PROJECT, 3);
    const other = await writeLog(data, OTHER, 2);
    writeFileSync(file, readFileSync(file, 'utf8').replace('echo 2', 'echo 7'));

    const run = await grove(['audit', 'verify', '--data-dir', data]);

    expect({ code: run.code, results: results(run.out) }).toEqual({
      code: 1,
      results: [
        {
          file,
          ok: false,
          lines: 3,
          firstBroken: {
            line: 2,
            seq: 2,
            reason: 'hash_mismatch',
            detail: expect.stringMatching(/changed after it was written/),
          },
        },
        { file: other, ok: true, lines: 2 },
      ],
    });
  });

  test('bad usage gets a sentence and exit 2', async () => {
    await using dir = await tempDir();
    const data = join(dir.path, 'data');
    const file = await writeLog(data, PROJECT, 1);
    const cases: [string[], RegExp][] = [
      [['audit'], /“grove audit” needs a command: verify/],
      [['audit', 'check'], /“grove audit check” is not a command; use “grove audit verify”/],
      [['audit', 'verify', file, file], /grove audit verify takes one FILE at most/],
      [['audit', 'verify', '--project', PROJECT, file], /Give either a FILE, or --data-dir and --project/],
      [['audit', 'verify', '--colour'], /Unknown option '--colour'/],
      [['audit', 'verify', join(dir.path, 'none.jsonl')], /There is no audit log at .+none\.jsonl/],
      [
        ['audit', 'verify', '--data-dir', data, '--project', OTHER],
        /Project p_abcdefghij01 has no audit log at .+: nothing has been recorded/,
      ],
      [['audit', 'verify', '--data-dir', data, '--project', dir.path], /No project in .+ holds .+\. It has no projects/],
      [
        ['audit', 'verify', '--data-dir', data, '--project', join(dir.path, 'gone')],
        /--project takes a project id \(p_…\) or a project's folder; there is no folder/,
      ],
    ];
    for (const [args, message] of cases) {
      const run = await grove(args);
      expect({ code: run.code, out: run.out }, args.join(' ')).toEqual({ code: 2, out: '' });
      expect(run.err, args.join(' ')).toMatch(new RegExp(`^grove: ${message.source}`));
    }
  });
});

/**
 * Appends entries of up to 8 MB in a loop, so a SIGKILL can land inside a write that spans
 * many pages and cut it short. Prints how its open went, then appends until it is killed.
 */
const APPENDER = `
const { AuditLog } = await import(process.env.AUDIT_MODULE);
const log = new AuditLog({ dataDir: process.env.DATA_DIR, projectId: process.env.PROJECT_ID });
const report = await log.open();
process.stdout.write(report.kind + '\\n');
for (let n = 0; ; n++) {
  const size = (n * 1048573) % (8 * 1024 * 1024);
  await log.append({ kind: 'tool_call', callId: 'c' + n, tool: 'write', input: { text: String(n % 10).repeat(size) } });
}
`;

describe('grove audit verify after kill -9', () => {
  test('an appender killed mid-loop leaves a sound chain or exactly a torn tail, never a broken middle', async () => {
    await using dir = await tempDir();
    const data = join(dir.path, 'data');
    const file = auditFile(data, PROJECT);
    const env = {
      ...process.env,
      AUDIT_MODULE: pathToFileURL(join(ROOT, 'extensions/agent-host/src/audit/audit-log.ts')).href,
      DATA_DIR: data,
      PROJECT_ID: PROJECT,
    };
    const opens: string[] = [];
    const outcomes: string[] = [];
    for (let round = 0; round < 12; round++) {
      const child = spawn(process.execPath, ['--input-type=module', '-e', APPENDER], {
        env,
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let out = '';
      child.stdout?.on('data', (chunk) => (out += chunk));
      await waitFor('the appender to open the log', () => out.includes('\n'));
      opens.push(out.trim());
      // Let it write a while (a different amount each round), then kill it: on even rounds the
      // instant the file grows again, which lands inside a write and tears it; on odd rounds at
      // the next poll, which mostly lands between writes.
      const target = statSync(file).size + 512 * 1024 * ((round % 4) + 1);
      await waitFor('the appender to write', () => statSync(file).size > target);
      if (round % 2 === 0) killAtGrowth(child, file);
      await kill(child);

      const run = await grove(['audit', 'verify', file]);
      const [result] = results(run.out) as { ok: boolean; lines: number; firstBroken?: { line: number; reason: string } }[];
      if (result?.ok) outcomes.push('sound');
      else {
        expect(result?.firstBroken, `round ${round}: ${run.code} ${run.out}${run.err}`).toMatchObject({
          reason: 'torn_tail',
          line: result?.lines,
        });
        expect(run.code).toBe(1);
        outcomes.push('torn tail');
      }
    }

    // The next open repairs a torn tail; after it, the whole log verifies.
    const log = new AuditLog({ dataDir: data, projectId: PROJECT });
    opens.push((await log.open()).kind);
    await log.close();
    const final = await grove(['audit', 'verify', file]);
    expect({ code: final.code, ok: (results(final.out)[0] as { ok: boolean }).ok }).toEqual({ code: 0, ok: true });
    // Each repair left one log_repaired entry; a round that killed between writes left none.
    const repairs = readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line.includes('"kind":"log_repaired"')).length;
    expect(repairs).toBe(opens.filter((kind) => kind === 'repaired').length);
    console.info(`audit kill -9 rounds: ${outcomes.join(', ')}; opens: ${opens.join(', ')}`);
  });
});

/**
 * Spins on the file's size and sends SIGKILL as soon as it changes. The size grows page by
 * page while a large write is copied in, so the kill usually lands mid-write. Synchronous on
 * purpose: an event-loop turn is longer than the write.
 */
function killAtGrowth(child: ChildProcess, file: string): void {
  const size = statSync(file).size;
  const deadline = Date.now() + 10_000;
  while (statSync(file).size === size && Date.now() < deadline);
  child.kill('SIGKILL');
}

/** SIGKILLs the child, if it is not dead already, and waits for it to be gone. */
async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.on('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}
