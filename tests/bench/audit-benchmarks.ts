import { appendFileSync, closeSync, fstatSync, fsyncSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import type { AuditInput } from '../../extensions/agent-host/src/audit/audit-entry.ts';
import { AuditLog } from '../../extensions/agent-host/src/audit/audit-log.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { type BenchResult, result } from './harness.ts';

/**
 * How many appends each side makes. Each waits on an fsync, whose speed drifts with whatever
 * else the disk is doing, so the two sides take turns, one append each, and share the drift.
 */
const APPENDS = 1_000;

/** A typical entry: a policy decision on a short command. */
function decision(n: number): AuditInput {
  return {
    kind: 'decision',
    callId: `call-${n}`,
    action: 'command',
    target: `npm test -- --grep "case ${n}"`,
    cwd: '/home/dev/.local/share/grove/worktrees/repo/fix-login',
    verdict: 'allow',
    reasons: ['npm test runs the project’s own test script'],
  };
}

/**
 * Audit appends per second, each awaited (redacted, hashed, serialized, written with
 * O_APPEND, fsync'ed), against appendFileSync + fsyncSync of the very same bytes: what the
 * log adds on top of the disk's own fsync rate.
 */
export async function auditAppends(): Promise<BenchResult> {
  await using dir = await tempDir('grove-bench-audit-');
  const log = new AuditLog({ dataDir: dir.path, projectId: 'p_benchmark01' });
  await log.open();
  const fd = openSync(join(dir.path, 'raw.jsonl'), 'a', 0o600);
  let auditMs = 0;
  let rawMs = 0;
  let bytes = 0;
  try {
    for (let n = 0; n < APPENDS; n++) {
      const started = performance.now();
      await log.append(decision(n));
      auditMs += performance.now() - started;

      // The very bytes the log wrote, read back outside the timing.
      const line = readLastLine(log.file, bytes);
      bytes += line.length;
      const rawStarted = performance.now();
      appendFileSync(fd, line);
      fsyncSync(fd);
      rawMs += performance.now() - rawStarted;
    }
  } finally {
    closeSync(fd);
    await log.close();
  }
  return result('audit appends (fsync each)', (APPENDS * 1000) / auditMs, 'appends/s', {
    baseline: (APPENDS * 1000) / rawMs,
    detail: { appends: APPENDS, bytesPerLine: Math.round(bytes / APPENDS) },
  });
}

/** The bytes of the log from `offset` to its end: the line just appended. */
function readLastLine(file: string, offset: number): Buffer {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const line = Buffer.alloc(size - offset);
    readSync(fd, line, 0, line.length, offset);
    return line;
  } finally {
    closeSync(fd);
  }
}
