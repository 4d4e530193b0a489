import { createHash } from 'node:crypto';
import { type FileHandle, mkdir, open } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { HostError } from '../host/host-error.ts';
import { Mutex } from '../host/mutex.ts';
import { ProjectIdSchema } from '../protocol/domain.ts';
import { dataPaths } from '../store/data-dir.ts';
import { type ChainHead, chainHash, chainStart, checkLink, parseLine } from './audit-chain.ts';
import type { AuditEntry, AuditInput, AuditRecord, JsonValue } from './audit-entry.ts';
import { auditStorageError } from './audit-storage-error.ts';
import { canonicalJson } from './canonical-json.ts';

/**
 * How much of the file's end is read at a time when opening, to find the last line. Most
 * lines are well under it; a longer one costs a few more reads, doubling each time.
 */
const TAIL_CHUNK = 64 * 1024;
/** How many characters of a dropped, torn line `log_repaired` keeps, for a person to recognise it. */
const PREVIEW_CHARS = 200;

/**
 * A project's audit log: `<data>/audit/<projectId>.jsonl`. It lives in the data dir, never
 * in a repository or worktree, where an agent could write.
 */
export function auditFile(dataDir: string, projectId: string): string {
  if (!ProjectIdSchema.safeParse(projectId).success) throw new Error(`auditFile: “${projectId}” is not a project id`);
  return join(dataPaths(dataDir).audit, `${projectId}.jsonl`);
}

export interface AuditLogOptions {
  readonly dataDir: string;
  readonly projectId: string;
  /**
   * Takes secrets out of every string in an entry before it is hashed or written; the log
   * must never hold one. The host passes the sandbox's redactor; the default keeps text as is.
   */
  readonly redact?: (text: string) => string;
  /** The clock, epoch milliseconds; tests pin it. */
  readonly now?: () => number;
}

/** What `open()` found at the file's end. */
export type AuditOpenReport =
  /** The file ended with a whole line, or was empty or new. */
  | { readonly kind: 'clean' }
  /** The last record was whole and in the chain, only its newline was missing; the newline was added. */
  | { readonly kind: 'completed'; readonly seq: number }
  /** The last line was cut short; it was dropped, and the `log_repaired` record names its bytes. */
  | { readonly kind: 'repaired'; readonly record: AuditRecord };

/** The files an AuditLog in this process has open: a second writer on one file would fork its chain. */
const openFiles = new Set<string>();

/**
 * An append-only, hash-chained JSONL log of what happened in one project: tool calls,
 * decisions, approvals, rule changes, git mutations. Each line is
 * `{seq, time, prev, hash, entry}`, where `hash` = sha256(prev + canonical JSON of
 * `{seq, time, entry}`) and the first line's `prev` is the project's genesis value
 * (audit-chain.ts). `grove audit verify` checks the chain.
 *
 * Appends are serialized and each is written with O_APPEND and fsync'ed before it resolves,
 * so a resolved append survives a crash. A failed write (a full disk) is undone: the file
 * is cut back to its last whole line, so a later append still continues a sound chain.
 */
export class AuditLog {
  readonly file: string;
  readonly #projectId: string;
  readonly #redact: (text: string) => string;
  readonly #now: () => number;
  readonly #mutex = new Mutex();
  #handle: FileHandle | undefined;
  #state: 'new' | 'open' | 'closed' = 'new';
  #head: ChainHead;
  /** The file's length: where the next line starts, and where a failed write is cut back to. */
  #size = 0;
  /** Set when a failed write could not be undone: appending more would break the chain. */
  #failure: HostError | undefined;

  constructor(options: AuditLogOptions) {
    this.file = auditFile(options.dataDir, options.projectId);
    this.#projectId = options.projectId;
    this.#redact = options.redact ?? ((text) => text);
    this.#now = options.now ?? Date.now;
    this.#head = chainStart(options.projectId);
  }

  /**
   * Opens (or creates) the file and reads its end to continue the chain. A last line cut short
   * by a crash is completed if the record in it is whole, else dropped and the drop recorded.
   * A damaged last whole line is refused (`data_dir_corrupt`), and the file left as it is.
   */
  open(): Promise<AuditOpenReport> {
    return this.#mutex.run(async () => {
      if (this.#state !== 'new') throw new Error(`AuditLog.open: ${this.file} was already opened`);
      if (openFiles.has(this.file))
        throw new Error(`AuditLog.open: ${this.file} is already open in this process; keep one AuditLog per project`);
      openFiles.add(this.file);
      try {
        await mkdir(dirname(this.file), { recursive: true, mode: 0o700 });
        this.#handle = await open(this.file, 'a+', 0o600);
      } catch (error) {
        openFiles.delete(this.file);
        throw auditStorageError(this.file, error);
      }
      try {
        const report = await this.#resume(this.#handle);
        this.#state = 'open';
        return report;
      } catch (error) {
        await this.#handle.close();
        this.#handle = undefined;
        openFiles.delete(this.file);
        throw error;
      }
    });
  }

  /** Records an entry; resolves with its line once the line is on disk. */
  append(entry: AuditInput): Promise<AuditRecord> {
    return this.#mutex.run(() => this.#append(entry));
  }

  /** Closes the file after the appends already asked for; later appends fail. */
  close(): Promise<void> {
    return this.#mutex.run(async () => {
      if (this.#state === 'closed') return;
      const wasOpen = this.#state === 'open';
      this.#state = 'closed';
      if (!wasOpen) return;
      await this.#handle?.close();
      this.#handle = undefined;
      openFiles.delete(this.file);
    });
  }

  async #append(input: AuditInput): Promise<AuditRecord> {
    if (this.#state !== 'open')
      throw new Error(`AuditLog.append: ${this.file} is ${this.#state === 'new' ? 'not open yet' : 'closed'}`);
    if (this.#failure !== undefined) throw this.#failure;
    return this.#record(input);
  }

  async #record(input: AuditEntry): Promise<AuditRecord> {
    const entry = redactStrings(input as unknown as JsonValue, this.#redact) as unknown as AuditEntry;
    const seq = this.#head.seq + 1;
    // Whole milliseconds: `verify` refuses a fractional time, so a sub-millisecond clock must not leak in.
    const time = Math.floor(this.#now());
    const prev = this.#head.hash;
    const hash = chainHash(prev, seq, time, entry);
    // The envelope in reading order; the entry in canonical form, as it was hashed.
    await this.#write(
      `{"seq":${seq},"time":${time},"prev":${JSON.stringify(prev)},"hash":"${hash}","entry":${canonicalJson(entry)}}\n`,
    );
    this.#head = { seq, hash };
    return { seq, time, prev, hash, entry };
  }

  /** Appends bytes and fsyncs them; on failure, cuts the file back so no partial line stays. */
  async #write(text: string): Promise<void> {
    const handle = this.#handle as FileHandle;
    const bytes = Buffer.from(text, 'utf8');
    try {
      // A write may take fewer bytes than asked (a disk filling up); keep going until all are in.
      for (let done = 0; done < bytes.length; ) done += (await handle.write(bytes, done, bytes.length - done)).bytesWritten;
      await handle.sync();
    } catch (error) {
      await this.#undo(handle, error);
      throw auditStorageError(this.file, error);
    }
    this.#size += bytes.length;
  }

  async #undo(handle: FileHandle, cause: unknown): Promise<void> {
    try {
      await handle.truncate(this.#size);
      await handle.sync();
    } catch (undoError) {
      this.#failure = new HostError(
        'storage_failed',
        `Grove could not write the audit log ${this.file}, nor undo the partial write (${String((undoError as Error).message)}), so it records nothing more in it. Restart Grove once the disk is writable; it repairs the log's end when it opens it.`,
        { file: this.file },
        { cause },
      );
    }
  }

  async #resume(handle: FileHandle): Promise<AuditOpenReport> {
    this.#head = chainStart(this.#projectId);
    this.#size = 0;
    const size = (await handle.stat()).size;
    if (size === 0) {
      // A new file: make its name durable too, so a crash cannot lose the whole log.
      await syncFolders([dirname(this.file), dirname(dirname(this.file))]);
      return { kind: 'clean' };
    }
    const tail = await readTail(handle, size);
    if (tail.lastLine !== undefined) {
      const last = parseLine(tail.lastLine);
      if (!last.ok) throw this.#corrupt(last.detail);
      this.#head = { seq: last.record.seq, hash: last.record.hash };
    }
    this.#size = size;
    if (tail.partial === undefined) return { kind: 'clean' };

    const { offset, bytes } = tail.partial;
    const whole = parseLine(bytes.toString('utf8'));
    if (whole.ok && checkLink(whole.record, this.#head).ok) {
      await this.#write('\n');
      this.#head = { seq: whole.record.seq, hash: whole.record.hash };
      return { kind: 'completed', seq: whole.record.seq };
    }
    // The bytes were never acknowledged (their append had not resolved), so dropping them
    // loses nothing a caller was told is recorded; their hash and start stay in the log.
    try {
      await handle.truncate(offset);
      await handle.sync();
    } catch (error) {
      throw auditStorageError(this.file, error);
    }
    this.#size = offset;
    const repaired: AuditEntry = {
      kind: 'log_repaired',
      offset,
      length: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      preview: bytes
        .subarray(0, PREVIEW_CHARS * 4)
        .toString('utf8')
        .slice(0, PREVIEW_CHARS),
    };
    return { kind: 'repaired', record: await this.#record(repaired) };
  }

  #corrupt(detail: string): HostError {
    return new HostError(
      'data_dir_corrupt',
      `The last line of the audit log ${this.file} is damaged: ${detail}. Grove has not changed the file and records nothing more in it. Run “grove audit verify ${this.file}” to see where it breaks, then move the file away; Grove starts a new log in its place.`,
      { file: this.file, projectId: this.#projectId },
    );
  }
}

/** The file's last whole line (without its newline) and whatever follows it without a newline. */
interface Tail {
  readonly lastLine?: string;
  readonly partial?: { readonly offset: number; readonly bytes: Buffer };
}

async function readTail(handle: FileHandle, size: number): Promise<Tail> {
  for (let span = Math.min(size, TAIL_CHUNK); ; span = Math.min(size, span * 2)) {
    const start = size - span;
    const buffer = Buffer.alloc(span);
    for (let done = 0; done < span; ) {
      const { bytesRead } = await handle.read(buffer, done, span - done, start + done);
      if (bytesRead === 0) throw new Error(`AuditLog: the file shrank while it was read at open`);
      done += bytesRead;
    }
    const lastNewline = buffer.lastIndexOf(0x0a);
    const lineStart = lastNewline <= 0 ? 0 : buffer.lastIndexOf(0x0a, lastNewline - 1) + 1;
    // Read further back until the last whole line begins inside the buffer, or the file does.
    if (start > 0 && (lastNewline === -1 || lineStart === 0)) continue;
    const partial =
      lastNewline === buffer.length - 1
        ? undefined
        : { offset: start + lastNewline + 1, bytes: buffer.subarray(lastNewline + 1) };
    if (lastNewline === -1) return { partial };
    return { lastLine: buffer.subarray(lineStart, lastNewline).toString('utf8'), partial };
  }
}

/** The entry with `redact` applied to every string in it; keys are Grove's own and left alone. */
function redactStrings(value: JsonValue, redact: (text: string) => string): JsonValue {
  if (typeof value === 'string') return redact(value);
  if (Array.isArray(value)) return value.map((item) => redactStrings(item, redact));
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, JsonValue> = {};
  for (const [key, item] of Object.entries(value)) if (item !== undefined) out[key] = redactStrings(item, redact);
  return out;
}

async function syncFolders(folders: readonly string[]): Promise<void> {
  for (const folder of folders) {
    // Some filesystems refuse to fsync a folder; the name is then as durable as they make it.
    const handle = await open(folder, 'r');
    try {
      await handle.sync().catch(() => {});
    } finally {
      await handle.close();
    }
  }
}
