/** How far the tail may grow past its share before it is trimmed: fewer copies against a little more memory. */
const TRIM_SLACK_BYTES = 64 * 1024;

/**
 * Collects a stream's output up to a byte limit, keeping its beginning and its end: a
 * command's first lines say what it did, its last ones how it ended (the error, the
 * summary), and the middle of a long log is what a model can most easily do without.
 */
export class OutputCapture {
  readonly #limit: number;
  readonly #head: Buffer[] = [];
  #headBytes = 0;
  /** The latest bytes past the head, at most half the limit (trimmed as it grows). */
  #tail: Buffer[] = [];
  #tailBytes = 0;
  #total = 0;

  /** `limit` bytes are kept in all: the first half from the start, the second half from the end. */
  constructor(limit: number) {
    this.#limit = Math.max(0, Math.floor(limit));
  }

  get truncated(): boolean {
    return this.#total > this.#limit;
  }

  push(chunk: Buffer): void {
    this.#total += chunk.length;
    const headRoom = Math.ceil(this.#limit / 2) - this.#headBytes;
    if (headRoom > 0) {
      const part = chunk.subarray(0, headRoom);
      this.#head.push(part);
      this.#headBytes += part.length;
      chunk = chunk.subarray(part.length);
    }
    if (chunk.length === 0) return;
    this.#tail.push(chunk);
    this.#tailBytes += chunk.length;
    const tailLimit = Math.floor(this.#limit / 2);
    if (this.#tailBytes > tailLimit + TRIM_SLACK_BYTES) this.#trimTail(tailLimit);
  }

  /** The output as text (UTF-8); when over the limit, a line saying how much was left out stands where the middle was. */
  text(): string {
    const tailLimit = Math.floor(this.#limit / 2);
    this.#trimTail(tailLimit);
    const head = Buffer.concat(this.#head).toString('utf8');
    if (!this.truncated) return head + Buffer.concat(this.#tail).toString('utf8');
    const omitted = this.#total - this.#headBytes - this.#tailBytes;
    return `${head}\n[… ${omitted} bytes left out …]\n${Buffer.concat(this.#tail).toString('utf8')}`;
  }

  /** Keeps the last `keep` bytes of the tail. Done in batches, so a flood of small chunks is not copied chunk by chunk. */
  #trimTail(keep: number): void {
    if (this.#tailBytes <= keep) return;
    const all = Buffer.concat(this.#tail);
    const kept = Buffer.from(all.subarray(all.length - keep)); // a copy, so the larger buffer can go
    this.#tail = kept.length === 0 ? [] : [kept];
    this.#tailBytes = kept.length;
  }
}
