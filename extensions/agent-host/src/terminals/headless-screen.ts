// One shell's screen as the host keeps it: a headless xterm, and a shortcut past output that
// is sure to scroll out of it. Used by the screen worker (screen-worker.ts).
import { SerializeAddon } from '@xterm/addon-serialize';
import headless from '@xterm/headless';

/** Characters a flood of text is made of: printable, tab, CR and LF. Anything else may move the cursor or change a mode. */
const NOT_TEXT = /[^\t\n\r\x20-\x7e\xa0-\uffff]/;
/** Colour and style changes (SGR), the only escape sequences text may carry and still be skipped. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: an escape sequence starts with ESC
const SGR = /\x1b\[[0-9;:]*m/g;
/** C1 controls (0x80–0x9f), which xterm reads as escape sequences in one character. */
const EIGHT_BIT_CONTROL = /[\x80-\x9f]/;
/**
 * An escape sequence complete from its ESC: a CSI, an OSC ended by BEL, or a two-character
 * escape (with intermediates, as in `ESC ( B`, or without, as ST `ESC \` that ends every
 * string sequence, but not one that starts a string: `ESC P`, `X`, `[`, `]`, `^`, `_`).
 */
const COMPLETE_ESCAPE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: an escape sequence starts with ESC
  /^\x1b(?:\[[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]|\][^\x07]*\x07|[\x20-\x2f]+[\x30-\x7e]|[\x30-\x4f\x51-\x57\x59\x5a\x5c\x60-\x7e])/;
/**
 * Held text is trimmed once it has this many times the lines that can decide the screen.
 * Trimming joins the held chunks: doing it per chunk would cost more than it saves.
 */
const TRIM_FACTOR = 2;
/** Held text past this many characters (long lines, few line feeds) is parsed rather than held. */
const HOLD_MAX_CHARS = 4 * 1024 * 1024;
/** SGR carried over from skipped text past this length (a stream that never resets its colours) is parsed instead. */
const CARRY_MAX_CHARS = 4096;

/**
 * The screen of one terminal, fed every character its shell writes, in order.
 *
 * Parsing is the host's largest cost during a flood (xterm parses ~26 MB/s here, a shell
 * writes ~35), and most of a flood scrolls out of the scrollback before anyone sees it. So
 * plain text (printable characters, tab, CR, LF and colour changes) is held instead of
 * parsed. Once the held text has more line feeds after a carriage return than the screen and
 * its scrollback hold, plus the screen's height again (the most line feeds the cursor can
 * take to reach the bottom), everything before that carriage return cannot show: it is
 * dropped, and only its colour changes are kept. Held text is parsed before anything that
 * is not plain text, before a resize and before the screen is read, so what it shows is
 * exactly what parsing every character would show (tests/unit/headless-screen.test.ts
 * compares the two on the same streams).
 *
 * The shortcut is taken only where that argument holds: the parser is known to be between
 * escape sequences where the held text begins, and the active buffer scrolls as a whole
 * (no DECSTBM scroll region), as known once every earlier write is parsed.
 */
export class HeadlessScreen {
  readonly #term: headless.Terminal;
  readonly #serializer: SerializeAddon;
  #held: string[] = [];
  #heldChars = 0;
  #heldLineFeeds = 0;
  /** SGR sequences with the same effect as the text skipped since the last parse. */
  #carry = '';
  /** Whether the parser is between escape sequences after everything written and held (false when unsure). */
  #atGround = true;
  /** Writes handed to xterm and not yet parsed. */
  #parsing = 0;
  /** Buffers with a scroll region set (by DECSTBM), as last parsed. */
  readonly #regions = new Set<'normal' | 'alternate'>();
  #skipped = 0;

  constructor(cols: number, rows: number, scrollback: number, history: string) {
    this.#term = new headless.Terminal({ cols, rows, scrollback, allowProposedApi: true });
    this.#serializer = new SerializeAddon();
    // The addon's types name the browser Terminal; the headless one has the same buffer API.
    this.#term.loadAddon(this.#serializer as unknown as headless.ITerminalAddon);
    this.#term.parser.registerCsiHandler({ final: 'r' }, (params) => {
      const [top = 0, bottom = 0] = params;
      const whole = top === 0 || top === 1 ? bottom === 0 || (typeof bottom === 'number' && bottom >= this.#term.rows) : false;
      const buffer = this.#term.buffer.active.type;
      if (whole) this.#regions.delete(buffer);
      else this.#regions.add(buffer);
      return false;
    });
    if (history !== '') this.#parse(history);
  }

  /** Characters skipped so far without being parsed. */
  get skipped(): number {
    return this.#skipped;
  }

  /** Adds `data` to the screen; `done` runs once it counts as in it (parsed, or held to be parsed before the screen is read). */
  write(data: string, done: () => void): void {
    const plain = isPlain(data);
    if (plain && (this.#held.length > 0 || this.#atGround)) {
      this.#hold(data);
      // Reported after the writes before it, which may still be parsing.
      if (this.#parsing > 0) this.#term.write('', done);
      else done();
      return;
    }
    this.#release();
    if (!plain) this.#atGround = endsBetweenSequences(data, this.#atGround);
    this.#parse(data, done);
  }

  resize(cols: number, rows: number): void {
    if (cols === this.#term.cols && rows === this.#term.rows) return;
    this.#release();
    this.#term.resize(cols, rows);
  }

  /** The screen once everything written so far is parsed: modes and the last `lines` of scrollback, or for `history` the normal buffer alone. */
  serialize(lines: number | 'history', answer: (data: string) => void): void {
    this.#release();
    this.#term.write('', () =>
      answer(
        lines === 'history'
          ? this.#serializer.serialize({ excludeModes: true, excludeAltBuffer: true })
          : this.#serializer.serialize({ scrollback: lines }),
      ),
    );
  }

  dispose(): void {
    this.#held = [];
    this.#term.dispose();
  }

  #parse(data: string, done?: () => void): void {
    this.#parsing += 1;
    this.#term.write(data, () => {
      this.#parsing -= 1;
      done?.();
      // A trim put off until the scroll region was known.
      if (this.#parsing === 0) this.#maybeTrim();
    });
  }

  #hold(data: string): void {
    this.#held.push(data);
    this.#heldChars += data.length;
    this.#heldLineFeeds += countLineFeeds(data);
    this.#maybeTrim();
    if (this.#heldChars > HOLD_MAX_CHARS) this.#release();
  }

  #maybeTrim(): void {
    if (this.#heldLineFeeds > TRIM_FACTOR * this.#deciding()) this.#trim();
  }

  /** Line feeds after a carriage return that push every earlier line out of the buffer (see the class comment). */
  #deciding(): number {
    const { rows } = this.#term;
    return rows + rows + (this.#term.options.scrollback ?? 0) + 1;
  }

  #trim(): void {
    // The scroll region is known only once everything written before is parsed.
    if (this.#parsing > 0 || this.#regions.has(this.#term.buffer.active.type)) return;
    const text = this.#held.join('');
    const cut = lastCut(text, this.#deciding());
    if (cut <= 0) {
      this.#held = [text];
      return;
    }
    const carry = carriedStyle(this.#carry + text.slice(0, cut));
    if (carry.length > CARRY_MAX_CHARS) {
      this.#held = [text];
      this.#release();
      return;
    }
    this.#carry = carry;
    this.#skipped += cut;
    const kept = text.slice(cut);
    this.#held = [kept];
    this.#heldChars = kept.length;
    this.#heldLineFeeds = countLineFeeds(kept);
  }

  /** Parses what is held, after the colour changes of what was skipped. */
  #release(): void {
    if (this.#held.length === 0) return;
    const text = this.#carry + this.#held.join('');
    this.#held = [];
    this.#heldChars = 0;
    this.#heldLineFeeds = 0;
    this.#carry = '';
    this.#parse(text);
  }
}

/** Text that is only printable characters, tab, CR, LF and SGR sequences. */
export function isPlain(data: string): boolean {
  if (!NOT_TEXT.test(data)) return true;
  return !NOT_TEXT.test(data.replace(SGR, ''));
}

function countLineFeeds(text: string): number {
  let count = 0;
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) count += 1;
  return count;
}

/**
 * The latest position in `text` that is a carriage return followed by at least `lineFeeds`
 * line feeds: everything before it can be skipped. -1 when there is none.
 */
export function lastCut(text: string, lineFeeds: number): number {
  let at = text.length;
  for (let seen = 0; seen < lineFeeds; seen++) {
    at = text.lastIndexOf('\n', at - 1);
    if (at === -1) return -1;
  }
  return text.lastIndexOf('\r', at);
}

/** SGR sequences with the same effect as every one in `text`: those from the last that starts by resetting everything. */
export function carriedStyle(text: string): string {
  const sequences = text.match(SGR);
  if (sequences === null) return '';
  let from = 0;
  for (let i = sequences.length - 1; i >= 0; i--) {
    const first = (sequences[i] as string).slice(2, -1).split(';')[0];
    if (first === '' || first === '0') {
      from = i;
      break;
    }
  }
  return sequences.slice(from).join('');
}

/**
 * Whether xterm's parser is between escape sequences after `data`, which is not plain text,
 * when it was (`before`) or may not have been before it. True only when the last escape in
 * `data` begins a sequence that `data` completes: a CSI, an OSC ended by BEL, or a
 * two-character escape (which includes ST, the end of every string sequence). 8-bit
 * controls leave it unsure.
 */
export function endsBetweenSequences(data: string, before: boolean): boolean {
  if (EIGHT_BIT_CONTROL.test(data)) return false;
  const last = data.lastIndexOf('\x1b');
  if (last === -1) return before;
  return COMPLETE_ESCAPE.test(data.slice(last));
}
