import { createHash } from 'node:crypto';
import type { AuditRecord } from './audit-entry.ts';
import { canonicalJson } from './canonical-json.ts';

// The chain rule, shared by the writer (audit-log.ts) and the verifier (audit-verify.ts) so
// the two cannot drift apart.

const GENESIS_PREFIX = 'grove-audit-v1:';

/**
 * The `prev` of a project's first line. It names the project, so a log copied over another
 * project's file, or lines spliced in from another project's log, do not verify.
 */
export function genesis(projectId: string): string {
  return `${GENESIS_PREFIX}${projectId}`;
}

/** The project a genesis value names, or undefined if `prev` is not one. */
export function genesisProject(prev: string): string | undefined {
  return prev.startsWith(GENESIS_PREFIX) ? prev.slice(GENESIS_PREFIX.length) : undefined;
}

/**
 * A line's hash: sha256 over the previous line's hash followed by the canonical JSON of
 * `{seq, time, entry}`, in hex. It covers the line's meaning, not its bytes: a line
 * re-serialized with other spacing or key order still verifies, an edited value does not.
 */
export function chainHash(prev: string, seq: number, time: number, entry: unknown): string {
  return createHash('sha256').update(prev).update(canonicalJson({ seq, time, entry })).digest('hex');
}

/** Why a line does not belong where it stands; the codes `grove audit verify` prints. */
export type BreakReason =
  | 'not_json'
  | 'bad_shape'
  | 'seq_mismatch'
  | 'genesis_mismatch'
  | 'prev_mismatch'
  | 'hash_mismatch'
  | 'torn_tail';

export type LineCheck =
  | { readonly ok: true; readonly record: AuditRecord }
  | { readonly ok: false; readonly reason: BreakReason; readonly detail: string };

const HASH = /^[0-9a-f]{64}$/;

/**
 * Parses one line (without its newline) and checks it on its own: JSON, the record's shape,
 * and that its hash matches its content. Its place in the chain is `checkLink`'s job.
 */
export function parseLine(text: string): LineCheck {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return broken('not_json', `it is not JSON (${(error as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return broken('bad_shape', 'it is not a JSON object');
  const { seq, time, prev, hash, entry } = value as Record<string, unknown>;
  if (!Number.isSafeInteger(seq) || (seq as number) < 1) return broken('bad_shape', '“seq” is not a whole number from 1');
  if (!Number.isSafeInteger(time)) return broken('bad_shape', '“time” is not a whole number of milliseconds');
  if (typeof prev !== 'string') return broken('bad_shape', '“prev” is not a string');
  if (typeof hash !== 'string' || !HASH.test(hash)) return broken('bad_shape', '“hash” is not 64 hex digits');
  if (
    typeof entry !== 'object' ||
    entry === null ||
    Array.isArray(entry) ||
    typeof (entry as { kind?: unknown }).kind !== 'string'
  )
    return broken('bad_shape', '“entry” is not an object with a “kind”');
  const expected = chainHash(prev, seq as number, time as number, entry);
  if (hash !== expected)
    return broken('hash_mismatch', 'its hash does not match its content: the line was changed after it was written');
  return { ok: true, record: value as AuditRecord };
}

/** Where the chain stands after a line: what the next line must carry. */
export interface ChainHead {
  readonly seq: number;
  readonly hash: string;
}

/** The head before the first line of a project's log. */
export function chainStart(projectId: string): ChainHead {
  return { seq: 0, hash: genesis(projectId) };
}

/** Checks that a record, sound on its own, follows `head`: the next seq, and the previous line's hash. */
export function checkLink(record: AuditRecord, head: ChainHead): LineCheck {
  if (record.seq !== head.seq + 1)
    return broken('seq_mismatch', `it has seq ${record.seq} where ${head.seq + 1} was due: a line was removed, added or moved`);
  if (record.prev === head.hash) return { ok: true, record };
  if (head.seq === 0)
    return broken(
      'genesis_mismatch',
      `the first line starts the chain of “${record.prev}”, not “${head.hash}”: it is another project's log`,
    );
  return broken('prev_mismatch', "its “prev” is not the previous line's hash: the previous line was changed or replaced");
}

function broken(reason: BreakReason, detail: string): LineCheck {
  return { ok: false, reason, detail };
}
