import { open } from 'node:fs/promises';
import {
  type BreakReason,
  type ChainHead,
  chainStart,
  checkLink,
  genesisProject,
  type LineCheck,
  parseLine,
} from './audit-chain.ts';

/** How much of the file is read at a time; lines are cut out of these chunks. */
const READ_CHUNK = 1024 * 1024;

/** The first line that does not belong where it stands. */
export interface BrokenLink {
  /** 1-based line number in the file. */
  readonly line: number;
  /** The seq that line should carry. */
  readonly seq: number;
  readonly reason: BreakReason;
  /** What was found, in words. */
  readonly detail: string;
}

/** What `grove audit verify` prints for a file, one JSON line each. */
export interface VerifyResult {
  readonly file: string;
  readonly ok: boolean;
  /** Lines in the file, counting a last line without a newline. */
  readonly lines: number;
  readonly firstBroken?: BrokenLink;
}

/**
 * Checks every line of an audit log: JSON, shape, seq continuity, the link to the previous
 * line's hash and the line's own hash, and that the first line starts `projectId`'s chain
 * (when no project is given, the one its first line names). Reports the first line that
 * fails. A last line without a newline is a `torn_tail`: a write cut short by a crash.
 * Reads the file in chunks, so a log of any size verifies in little memory.
 */
export async function verifyAuditFile(file: string, projectId?: string): Promise<VerifyResult> {
  const handle = await open(file, 'r');
  let lines = 0;
  let head: ChainHead | undefined = projectId === undefined ? undefined : chainStart(projectId);
  let firstBroken: BrokenLink | undefined;

  const check = (text: string): void => {
    lines += 1;
    if (firstBroken !== undefined) return;
    const seq = (head?.seq ?? 0) + 1;
    const result = follow(text, head);
    if (result.ok) head = { seq: result.record.seq, hash: result.record.hash };
    else firstBroken = { line: lines, seq, reason: result.reason, detail: result.detail };
  };

  let carry = Buffer.alloc(0);
  try {
    const chunk = Buffer.alloc(READ_CHUNK);
    for (;;) {
      const { bytesRead } = await handle.read(chunk, 0, READ_CHUNK, null);
      if (bytesRead === 0) break;
      let data = Buffer.concat([carry, chunk.subarray(0, bytesRead)]);
      for (let newline = data.indexOf(0x0a); newline !== -1; newline = data.indexOf(0x0a)) {
        check(data.subarray(0, newline).toString('utf8'));
        data = data.subarray(newline + 1);
      }
      carry = Buffer.from(data);
    }
  } finally {
    await handle.close();
  }

  if (carry.length > 0) {
    lines += 1;
    if (firstBroken === undefined) firstBroken = tornTail(carry, lines, head);
  }
  return firstBroken === undefined ? { file, ok: true, lines } : { file, ok: false, lines, firstBroken };
}

/** Checks a line on its own and against the chain so far; the first line fixes the project when none was given. */
function follow(text: string, head: ChainHead | undefined): LineCheck {
  const line = parseLine(text);
  if (!line.ok) return line;
  if (head !== undefined) return checkLink(line.record, head);
  const project = genesisProject(line.record.prev);
  if (project === undefined)
    return {
      ok: false,
      reason: 'genesis_mismatch',
      detail: 'the first line does not start a chain: lines before it are missing',
    };
  return checkLink(line.record, chainStart(project));
}

function tornTail(bytes: Buffer, line: number, head: ChainHead | undefined): BrokenLink {
  const seq = (head?.seq ?? 0) + 1;
  const whole = follow(bytes.toString('utf8'), head);
  const detail = whole.ok
    ? `line ${line} is a whole record without its newline: its write was cut short at the last byte. Grove adds the newline when it next opens this log`
    : `line ${line} ends without a newline after ${bytes.length} bytes: its write was cut short (Grove was stopped mid-write). Grove drops it, and records that it did, when it next opens this log`;
  return { line, seq, reason: 'torn_tail', detail };
}
