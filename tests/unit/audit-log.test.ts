import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { AuditInput } from '../../extensions/agent-host/src/audit/audit-entry.ts';
import { AuditLog, type AuditLogOptions, auditFile } from '../../extensions/agent-host/src/audit/audit-log.ts';
import { verifyAuditFile } from '../../extensions/agent-host/src/audit/audit-verify.ts';
import { canonicalJson } from '../../extensions/agent-host/src/audit/canonical-json.ts';
import type { ThreadId } from '../../extensions/agent-host/src/protocol/index.ts';
import { tempDir } from '../helpers/temp-dir.ts';

const PROJECT = 'p_0123456789ab';
const THREAD = 't_0123456789ab' as ThreadId;
const GENESIS = `grove-audit-v1:${PROJECT}`;

/** An open log over `dataDir` with a clock that ticks 1 ms per entry from a fixed time; closed with `await using`. */
async function openLog(dataDir: string, options: Partial<AuditLogOptions> = {}): Promise<AuditLog & AsyncDisposable> {
  let time = 1_700_000_000_000;
  const log = disposable(new AuditLog({ dataDir, projectId: PROJECT, now: () => time++, ...options }));
  await log.open();
  return log;
}

/** Closes the log when the test's `await using` scope ends. */
function disposable(log: AuditLog): AuditLog & AsyncDisposable {
  return Object.assign(log, { [Symbol.asyncDispose]: () => log.close() });
}

function toolCall(n: number): AuditInput {
  return { kind: 'tool_call', threadId: THREAD, callId: `c${n}`, tool: 'shell', input: { command: `echo ${n}` } };
}

function sha256(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}

function linesOf(file: string): string[] {
  return readFileSync(file, 'utf8').split('\n').slice(0, -1);
}

/** A log of `count` tool calls, closed, ready to be tampered with. */
async function writtenLog(dataDir: string, count: number): Promise<string> {
  await using log = await openLog(dataDir);
  for (let n = 1; n <= count; n++) await log.append(toolCall(n));
  return log.file;
}

describe('audit log - the chain', () => {
  test('append - writes {seq, time, prev, hash, entry} lines, chained from the project’s genesis', async () => {
    await using data = await tempDir();
    await using log = await openLog(data.path);
    const first = await log.append({
      kind: 'tool_call',
      threadId: THREAD,
      callId: 'c1',
      tool: 'shell',
      input: { z: 1, a: [true, null, 'x'] },
    });
    const second = await log.append({
      kind: 'decision',
      callId: 'c1',
      action: 'command',
      target: 'ls',
      verdict: 'allow',
      reasons: ['read-only'],
    });

    // The rule, spelled out by hand: sha256(prev + canonical JSON of {seq, time, entry}), keys sorted at every depth.
    const firstHash = sha256(
      `${GENESIS}{"entry":{"callId":"c1","input":{"a":[true,null,"x"],"z":1},"kind":"tool_call","threadId":"${THREAD}","tool":"shell"},"seq":1,"time":1700000000000}`,
    );
    const secondHash = sha256(
      `${firstHash}{"entry":{"action":"command","callId":"c1","kind":"decision","reasons":["read-only"],"target":"ls","verdict":"allow"},"seq":2,"time":1700000000001}`,
    );
    expect([first.hash, second.hash]).toEqual([firstHash, secondHash]);
    expect(log.file).toBe(join(data.path, 'audit', `${PROJECT}.jsonl`));
    expect(linesOf(log.file)).toEqual([
      `{"seq":1,"time":1700000000000,"prev":"${GENESIS}","hash":"${firstHash}","entry":{"callId":"c1","input":{"a":[true,null,"x"],"z":1},"kind":"tool_call","threadId":"${THREAD}","tool":"shell"}}`,
      `{"seq":2,"time":1700000000001,"prev":"${firstHash}","hash":"${secondHash}","entry":{"action":"command","callId":"c1","kind":"decision","reasons":["read-only"],"target":"ls","verdict":"allow"}}`,
    ]);
    expect(statSync(log.file).mode & 0o777).toBe(0o600);
    expect(await verifyAuditFile(log.file, PROJECT)).toEqual({ file: log.file, ok: true, lines: 2 });
  });

  test('open - continues the chain of the file it finds', async () => {
    await using data = await tempDir();
    const file = await writtenLog(data.path, 2);
    const secondHash = (JSON.parse(linesOf(file)[1] as string) as { hash: string }).hash;
    await using log = await openLog(data.path);
    const third = await log.append({ kind: 'rule_change', change: 'added', ruleId: 'r1', rule: { prefix: 'npm test' } });
    expect(third).toMatchObject({ seq: 3, prev: secondHash });
    expect(await verifyAuditFile(file, PROJECT)).toEqual({ file, ok: true, lines: 3 });
  });

  test('redact - every string in an entry is redacted before it is hashed or written', async () => {
    await using data = await tempDir();
    const secret = 'sk-live-0123456789abcdef';
    await using log = await openLog(data.path, { redact: (text) => text.replaceAll(secret, '[redacted]') });
    const record = await log.append({
      kind: 'git_mutation',
      threadId: THREAD,
      operation: 'push',
      args: ['push', `https://x:${secret}@example.com/repo.git`],
      cwd: '/repo',
    });
    await log.append({
      kind: 'tool_call',
      callId: 'c2',
      tool: 'shell',
      input: { env: [{ KEY: secret }], note: `key ${secret}` },
    });
    expect(record.entry).toMatchObject({ args: ['push', 'https://x:[redacted]@example.com/repo.git'] });
    expect(readFileSync(log.file, 'utf8')).not.toContain(secret);
    expect(readFileSync(log.file, 'utf8')).toContain('{"env":[{"KEY":"[redacted]"}],"note":"key [redacted]"}');
    expect(await verifyAuditFile(log.file, PROJECT)).toMatchObject({ ok: true, lines: 2 });
  });

  test('concurrent appends from many promises - one sound chain, in call order, each entry once', async () => {
    await using data = await tempDir();
    await using log = await openLog(data.path);
    const records = await Promise.all(Array.from({ length: 300 }, (_, n) => log.append(toolCall(n))));
    expect(records.map((record) => record.seq)).toEqual(Array.from({ length: 300 }, (_, n) => n + 1));
    const callIds = linesOf(log.file).map((line) => (JSON.parse(line) as { entry: { callId: string } }).entry.callId);
    expect(callIds).toEqual(Array.from({ length: 300 }, (_, n) => `c${n}`));
    expect(await verifyAuditFile(log.file, PROJECT)).toEqual({ file: log.file, ok: true, lines: 300 });
  });

  test('one log per file - a second AuditLog on the same project is refused until the first closes', async () => {
    await using data = await tempDir();
    await using first = await openLog(data.path);
    await expect(openLog(data.path)).rejects.toThrow(/is already open in this process; keep one AuditLog per project/);
    await first.close();
    await expect(first.append(toolCall(1))).rejects.toThrow(/is closed/);
    await using second = await openLog(data.path);
    expect(await second.append(toolCall(1))).toMatchObject({ seq: 1, prev: GENESIS });
  });

  test('auditFile - only a project id names a log, so no path can climb out of the audit folder', () => {
    expect(auditFile('/data', PROJECT)).toBe(`/data/audit/${PROJECT}.jsonl`);
    expect(() => auditFile('/data', '../p_0123456789ab')).toThrow(/is not a project id/);
  });
});

describe('audit log - canonical JSON', () => {
  test('sorts keys at every depth and leaves out undefined values', () => {
    expect(canonicalJson({ b: { d: 1, c: [{ y: 2, x: 'é\n' }] }, a: null, u: undefined })).toBe(
      '{"a":null,"b":{"c":[{"x":"é\\n","y":2}],"d":1}}',
    );
  });

  test('refuses what JSON cannot carry exactly', () => {
    for (const value of [Number.NaN, Infinity, 1n, [undefined], new Date(0), () => 1])
      expect(() => canonicalJson(value), String(value)).toThrow(TypeError);
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(() => canonicalJson(cycle)).toThrow(/cycle/);
  });
});

describe('audit verify - tampering', () => {
  const cases: [string, (lines: string[]) => string[], { line: number; seq: number; reason: string }][] = [
    [
      'a field edited',
      (lines) => lines.map((line, i) => (i === 2 ? line.replace('echo 3', 'echo 9') : line)),
      { line: 3, seq: 3, reason: 'hash_mismatch' },
    ],
    [
      'a field edited and its hash recomputed',
      (lines) => lines.map((line, i) => (i === 2 ? rehash(line.replace('echo 3', 'echo 9')) : line)),
      { line: 4, seq: 4, reason: 'prev_mismatch' },
    ],
    ['a line deleted', (lines) => lines.filter((_, i) => i !== 2), { line: 3, seq: 3, reason: 'seq_mismatch' }],
    [
      'two lines swapped',
      (lines) => [lines[0], lines[2], lines[1], lines[3], lines[4]] as string[],
      { line: 2, seq: 2, reason: 'seq_mismatch' },
    ],
    ['the first line deleted', (lines) => lines.slice(1), { line: 1, seq: 1, reason: 'seq_mismatch' }],
    [
      'a line that is not JSON',
      (lines) => [...lines.slice(0, 4), '{"seq":5,', ...lines.slice(4)],
      { line: 5, seq: 5, reason: 'not_json' },
    ],
  ];

  test.each(cases)('%s - reports the first broken link', async (_, tamper, expected) => {
    await using data = await tempDir();
    const file = await writtenLog(data.path, 5);
    writeFileSync(file, `${tamper(linesOf(file)).join('\n')}\n`);
    expect(await verifyAuditFile(file, PROJECT)).toEqual({
      file,
      ok: false,
      lines: expect.any(Number),
      firstBroken: { ...expected, detail: expect.any(String) },
    });
  });

  test('truncated mid-line - a torn tail, not a broken link', async () => {
    await using data = await tempDir();
    const file = await writtenLog(data.path, 5);
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.slice(0, text.length - 30));
    expect(await verifyAuditFile(file, PROJECT)).toEqual({
      file,
      ok: false,
      lines: 5,
      firstBroken: { line: 5, seq: 5, reason: 'torn_tail', detail: expect.stringMatching(/cut short.*Grove drops it/) },
    });
  });

  test('the first line deleted, in a file not named after its project - the chain has no start', async () => {
    await using data = await tempDir();
    const file = await writtenLog(data.path, 3);
    const copy = join(data.path, 'exported.jsonl');
    writeFileSync(copy, `${linesOf(file).slice(1).join('\n')}\n`);
    expect(await verifyAuditFile(copy)).toMatchObject({
      ok: false,
      firstBroken: { line: 1, seq: 1, reason: 'genesis_mismatch', detail: expect.stringMatching(/lines before it are missing/) },
    });
    writeFileSync(copy, readFileSync(file));
    expect(await verifyAuditFile(copy)).toEqual({ file: copy, ok: true, lines: 3 });
  });

  test('a log copied over another project’s file - the genesis does not match', async () => {
    await using data = await tempDir();
    const file = await writtenLog(data.path, 2);
    expect(await verifyAuditFile(file, 'p_otherproject')).toMatchObject({
      ok: false,
      firstBroken: { line: 1, seq: 1, reason: 'genesis_mismatch' },
    });
  });
});

describe('audit log - a torn last line (the host killed mid-write)', () => {
  test('a cut-short line is dropped, and a log_repaired entry names the bytes', async () => {
    await using data = await tempDir();
    const file = await writtenLog(data.path, 3);
    const sound = readFileSync(file);
    const torn = Buffer.from('{"seq":4,"time":1700000000003,"prev":"ab');
    appendFileSync(file, torn);

    await using log = disposable(new AuditLog({ dataDir: data.path, projectId: PROJECT, now: () => 1_700_000_000_100 }));
    const report = await log.open();

    const thirdHash = (JSON.parse(linesOf(file)[2] as string) as { hash: string }).hash;
    expect(report).toEqual({
      kind: 'repaired',
      record: {
        seq: 4,
        time: 1_700_000_000_100,
        prev: thirdHash,
        hash: expect.stringMatching(/^[0-9a-f]{64}$/),
        entry: {
          kind: 'log_repaired',
          offset: sound.length,
          length: torn.length,
          sha256: sha256(torn),
          preview: torn.toString(),
        },
      },
    });
    expect(readFileSync(file).subarray(0, sound.length)).toEqual(sound);
    expect(await log.append(toolCall(5))).toMatchObject({ seq: 5 });
    expect(await verifyAuditFile(file, PROJECT)).toEqual({ file, ok: true, lines: 5 });
  });

  test('a torn first line leaves a log that starts with log_repaired', async () => {
    await using data = await tempDir();
    mkdirSync(join(data.path, 'audit'));
    const file = auditFile(data.path, PROJECT);
    writeFileSync(file, '{"seq":1,"ti');
    await using log = disposable(new AuditLog({ dataDir: data.path, projectId: PROJECT }));
    expect(await log.open()).toMatchObject({
      kind: 'repaired',
      record: { seq: 1, prev: GENESIS, entry: { offset: 0, length: 12 } },
    });
    expect(await verifyAuditFile(file, PROJECT)).toEqual({ file, ok: true, lines: 1 });
  });

  test('a whole record that lacks only its newline is kept, and the newline added', async () => {
    await using data = await tempDir();
    const file = await writtenLog(data.path, 3);
    const sound = readFileSync(file);
    writeFileSync(file, sound.subarray(0, sound.length - 1));
    expect(await verifyAuditFile(file, PROJECT)).toMatchObject({
      ok: false,
      firstBroken: { line: 3, reason: 'torn_tail', detail: expect.stringMatching(/whole record without its newline/) },
    });

    await using log = disposable(new AuditLog({ dataDir: data.path, projectId: PROJECT }));
    expect(await log.open()).toEqual({ kind: 'completed', seq: 3 });
    expect(readFileSync(file)).toEqual(sound);
    expect(await log.append(toolCall(4))).toMatchObject({ seq: 4 });
    expect(await verifyAuditFile(file, PROJECT)).toEqual({ file, ok: true, lines: 4 });
  });

  test('a damaged last whole line is refused, and the file left as it was', async () => {
    await using data = await tempDir();
    const file = await writtenLog(data.path, 3);
    const lines = linesOf(file);
    lines[2] = (lines[2] as string).replace('echo 3', 'echo 9');
    const damaged = `${lines.join('\n')}\n{"seq":4,"ti`;
    writeFileSync(file, damaged);

    const log = new AuditLog({ dataDir: data.path, projectId: PROJECT });
    await expect(log.open()).rejects.toMatchObject({
      code: 'data_dir_corrupt',
      message: expect.stringMatching(
        /^The last line of the audit log .+ is damaged: its hash does not match .+Grove has not changed the file/,
      ),
    });
    expect(readFileSync(file, 'utf8')).toBe(damaged);
    await expect(log.append(toolCall(4))).rejects.toThrow(/not open yet/);
    // The file is not held: a fixed log can be opened in its place.
    writeFileSync(file, '');
    await using fresh = await openLog(data.path);
    expect(await fresh.append(toolCall(1))).toMatchObject({ seq: 1 });
  });
});

// A real full disk: a small tmpfs. Mounting needs root, which CI and these machines have, as
// the other full-disk tests (project-service, thread-crash) require.
describe('audit log - a full disk', () => {
  test('append fails with disk_full, leaves no partial line, and the chain continues once there is room', async () => {
    await using dir = await tempDir();
    const data = join(dir.path, 'data');
    mkdirSync(data);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', data]);
    try {
      await using log = await openLog(data);
      await log.append(toolCall(1));
      const before = readFileSync(log.file);
      const filler = join(data, 'filler');
      fillDisk(filler);

      const big: AuditInput = { kind: 'tool_call', callId: 'big', tool: 'write', input: { text: 'x'.repeat(32 * 1024) } };
      await expect(log.append(big)).rejects.toMatchObject({
        code: 'disk_full',
        message: expect.stringMatching(
          /is full, so Grove could not add to the audit log .+ Nothing was recorded; free some space/,
        ),
      });
      expect(readFileSync(log.file)).toEqual(before);

      rmSync(filler);
      expect(await log.append(big)).toMatchObject({ seq: 2 });
      expect(await verifyAuditFile(log.file, PROJECT)).toEqual({ file: log.file, ok: true, lines: 2 });
    } finally {
      execFileSync('umount', [data]);
    }
  });
});

/** A line with a field changed and its own hash recomputed, as a tamperer who knows the rule would. */
function rehash(line: string): string {
  const record = JSON.parse(line) as { seq: number; time: number; prev: string; entry: unknown };
  const hash = sha256(`${record.prev}${canonicalJson({ seq: record.seq, time: record.time, entry: record.entry })}`);
  return JSON.stringify({ ...record, hash });
}

function fillDisk(file: string): void {
  try {
    for (;;) writeFileSync(file, Buffer.alloc(4096), { flag: 'a' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  }
}
