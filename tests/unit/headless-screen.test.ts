// The host's screen skips text that cannot show. These tests hold it to the one promise that
// makes that safe: for any stream, in any chunking, it shows exactly what a real xterm that
// parsed every character shows.
import { SerializeAddon } from '@xterm/addon-serialize';
import headless from '@xterm/headless';
import { describe, expect, it } from 'vitest';
import {
  carriedStyle,
  endsBetweenSequences,
  HeadlessScreen,
  isPlain,
  lastCut,
} from '../../extensions/agent-host/src/terminals/headless-screen.ts';

interface Size {
  cols: number;
  rows: number;
  scrollback: number;
}

type Step = string | { resize: [number, number] };

/** What a real xterm shows after parsing every character: the whole scrollback with modes, and the history form. */
async function reference(size: Size, steps: Step[]): Promise<[string, string]> {
  const term = new headless.Terminal({ ...size, allowProposedApi: true });
  const serializer = new SerializeAddon();
  term.loadAddon(serializer as unknown as headless.ITerminalAddon);
  for (const step of steps) {
    if (typeof step === 'string') term.write(step);
    else term.resize(...step.resize);
  }
  await new Promise<void>((resolve) => term.write('', resolve));
  const shown: [string, string] = [
    serializer.serialize({ scrollback: size.scrollback }),
    serializer.serialize({ excludeModes: true, excludeAltBuffer: true }),
  ];
  term.dispose();
  return shown;
}

/** The same stream through the host's screen; also how much it skipped and in what order writes were reported. */
async function throughScreen(size: Size, steps: Step[]) {
  const screen = new HeadlessScreen(size.cols, size.rows, size.scrollback, '');
  const reported: number[] = [];
  for (const [i, step] of steps.entries()) {
    if (typeof step === 'string') screen.write(step, () => reported.push(i));
    else screen.resize(...step.resize);
    // The worker gets each write as its own message, with xterm's parsing in between.
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  const whole = await new Promise<string>((resolve) => screen.serialize(size.scrollback, resolve));
  const history = await new Promise<string>((resolve) => screen.serialize('history', resolve));
  const { skipped } = screen;
  screen.dispose();
  return { shown: [whole, history], skipped, reported };
}

/** Splits `text` into chunks of the given sizes, cycling, as pty reads and coalescing would. */
function chunked(text: string, sizes: number[]): string[] {
  const chunks: string[] = [];
  for (let at = 0, i = 0; at < text.length; i++) {
    const size = sizes[i % sizes.length] as number;
    chunks.push(text.slice(at, at + size));
    at += size;
  }
  return chunks;
}

/** A small deterministic generator, so a failure names a seed that reproduces it. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const lines = (count: number, line: (i: number) => string) => Array.from({ length: count }, (_, i) => line(i)).join('');

const SMALL: Size = { cols: 20, rows: 5, scrollback: 30 };
const LARGE: Size = { cols: 120, rows: 40, scrollback: 5000 };

async function expectSame(size: Size, steps: Step[]) {
  const screen = await throughScreen(size, steps);
  expect(screen.shown).toEqual(await reference(size, steps));
  const writes = steps.flatMap((step, i) => (typeof step === 'string' ? [i] : []));
  expect(screen.reported, 'every write is reported, in order').toEqual(writes);
  return screen;
}

describe('HeadlessScreen shows what parsing every character shows', () => {
  it('a `yes` flood, most of it skipped', async () => {
    const flood = lines(60_000, () => 'abcdefghijklmnopqrstuvwxyz\r\n');
    const { skipped } = await expectSame(LARGE, ['$ yes\r\n', ...chunked(flood, [256 * 1024, 4096, 70_001])]);
    expect(skipped).toBeGreaterThan(flood.length * 0.7);
  });

  it('a coloured build log, its colours carried across what was skipped', async () => {
    const log = lines(2000, (i) =>
      i % 7 === 0 ? `\x1b[1;31merror\x1b[0m line ${i}\r\n` : i % 5 === 0 ? `\x1b[42mbg ${i}\r\n` : `\x1b[33m${i}\r\n`,
    );
    const { skipped } = await expectSame(SMALL, chunked(`${log}\x1b[1m`, [3333, 10_000, 1700]));
    expect(skipped).toBeGreaterThan(0);
    // Ends inside a background colour: lines scrolled in take it (xterm's erase attribute).
    await expectSame(SMALL, chunked(`\x1b[44m${lines(300, (i) => `x${i}\r\n`)}`, [500]));
  });

  it('lines longer than the screen, wide characters and tabs', async () => {
    const text = lines(500, (i) => `${'界'.repeat(i % 13)}\t${'w'.repeat((i * 7) % 61)}😀\r\n`);
    const { skipped } = await expectSame(SMALL, chunked(text, [999, 1, 4096]));
    expect(skipped).toBeGreaterThan(0);
  });

  it('line feeds without carriage returns are never skipped (the column carries over)', async () => {
    const text = lines(500, (i) => `${i}\n${i % 9 === 0 ? 'x'.repeat(i % 30) : ''}`);
    const { skipped } = await expectSame(SMALL, chunked(text, [700]));
    expect(skipped).toBe(0);
  });

  it('a scroll region or the alternate screen', async () => {
    const flood = lines(400, (i) => `line ${i}\r\n`);
    const region = await expectSame(SMALL, ['\x1b[2;4r', ...chunked(flood, [512])]);
    expect(region.skipped, 'nothing is skipped inside a scroll region').toBe(0);
    const reset = await expectSame(SMALL, ['\x1b[2;4r', 'a\r\n', '\x1b[r', ...chunked(flood, [512])]);
    expect(reset.skipped, 'once the region is reset, text is skipped again').toBeGreaterThan(0);
    await expectSame(SMALL, ['\x1b[?1049h', ...chunked(flood, [512]), '\x1b[?1049l', ...chunked(flood, [300])]);
    await expectSame(SMALL, ['\x1b[?1049h\x1b[1;3r', ...chunked(flood, [512]), '\x1b[?1049l', ...chunked(flood, [300])]);
  });

  it('an escape sequence split across writes', async () => {
    const flood = lines(300, (i) => `${i}\r\n`);
    // The text after a cut-off CSI or OSC is part of that sequence until it ends.
    await expectSame(SMALL, [`ab\x1b[3`, `2m${flood}`, flood]);
    await expectSame(SMALL, [`ab\x1b]0;title `, flood, `\x07${flood}`]);
    await expectSame(SMALL, [`ab\x1b`, `[1;1H${flood}`]);
    const { skipped } = await expectSame(SMALL, [`\x1b]0;title\x07`, flood]);
    expect(skipped, 'an OSC ended by BEL leaves the parser between sequences').toBeGreaterThan(0);
  });

  it('a resize between writes', async () => {
    const flood = lines(300, (i) => `${i} ${'z'.repeat(i % 25)}\r\n`);
    await expectSame(SMALL, [...chunked(flood, [400]), { resize: [13, 7] }, ...chunked(flood, [800]), { resize: [30, 3] }]);
  });

  it('random streams of text and control sequences, in random chunks', async () => {
    const tokens = [
      'word ',
      'longer-word-that-wraps ',
      '\r\n',
      '\r',
      '\n',
      '\t',
      '界',
      '\x1b[31m',
      '\x1b[0m',
      '\x1b[1;44m',
      '\x1b[m',
      '\x1b[H',
      '\x1b[2J',
      '\x1b[3;5H',
      '\x1b[K',
      '\x1b[2;4r',
      '\x1b[r',
      '\x1b[?1049h',
      '\x1b[?1049l',
      '\x1b[?7l',
      '\x1b[?7h',
      '\b',
      '\x1b]0;t\x07',
      '\x1bc',
    ];
    let skipped = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const next = random(seed);
      const pick = () => tokens[Math.floor(next() * tokens.length)];
      // Floods of text (some long enough to be skipped) between bursts of any token.
      let text = '';
      for (let burst = 0; burst < 80; burst++) {
        const floodLines = Math.floor(next() ** 3 * 300);
        for (let line = 0; line < floodLines; line++) {
          text += 'text '.repeat(Math.floor(next() * 6));
          const end = next();
          text += end < 0.05 ? '\x1b[32m' : end < 0.1 ? '\n' : end < 0.15 ? '\r' : '\r\n';
        }
        for (let i = Math.floor(next() * 9); i > 0; i--) text += pick();
      }
      const sizes = Array.from({ length: 7 }, () => 1 + Math.floor(next() * 3000));
      const size = { cols: 10 + (seed % 15), rows: 3 + (seed % 6), scrollback: seed % 4 === 0 ? 0 : 10 + seed };
      const steps: Step[] = chunked(text, sizes);
      if (seed % 3 === 0) steps.splice(Math.floor(steps.length / 2), 0, { resize: [size.cols + 3, size.rows + 1] });
      const screen = await throughScreen(size, steps);
      expect(screen.shown, `seed ${seed}`).toEqual(await reference(size, steps));
      skipped += screen.skipped;
    }
    expect(skipped, 'the streams took the shortcut').toBeGreaterThan(0);
  });
});

describe('the pieces of the shortcut', () => {
  it('plain text is printable characters, tab, CR, LF and SGR only', () => {
    expect(isPlain('abc\t界😀\r\n\x1b[1;38;5;208m\x1b[m')).toBe(true);
    for (const other of ['\b', '\x07', '\x1b[H', '\x1b[2J', '\x1b]0;t\x07', '\x9b1m', '\x7f', '\x0b', '\x1b[?25lm', '\x1b'])
      expect(isPlain(`ok${other}`), JSON.stringify(other)).toBe(false);
  });

  it('cuts at the last CR with enough line feeds after it', () => {
    expect(lastCut('a\r\nb\r\nc\r\n', 2)).toBe(4);
    expect(lastCut('a\nb\nc\n', 2)).toBe(-1);
    expect(lastCut('a\r\nb\r\n', 3)).toBe(-1);
  });

  it('carries the colour changes from the last full reset', () => {
    expect(carriedStyle('a\x1b[1mb\x1b[0;31mc\x1b[42md')).toBe('\x1b[0;31m\x1b[42m');
    expect(carriedStyle('\x1b[1m\x1b[4m')).toBe('\x1b[1m\x1b[4m');
    expect(carriedStyle('\x1b[1m\x1b[m\x1b[4m')).toBe('\x1b[m\x1b[4m');
    expect(carriedStyle('plain')).toBe('');
  });

  it('knows the parser is between sequences only when the last escape is complete', () => {
    expect(endsBetweenSequences('x\x1b[1;2Hy', false)).toBe(true);
    expect(endsBetweenSequences('x\x1b]0;t\x07y', false)).toBe(true);
    expect(endsBetweenSequences('x\x1bP1$r\x1b\\', false)).toBe(true);
    expect(endsBetweenSequences('x\x1b(B', false)).toBe(true);
    expect(endsBetweenSequences('x\x1b[1;2', true)).toBe(false);
    expect(endsBetweenSequences('x\x1b]0;title', true)).toBe(false);
    expect(endsBetweenSequences('x\x1bP', true)).toBe(false);
    expect(endsBetweenSequences('x\x9b1m', true)).toBe(false);
    expect(endsBetweenSequences('x\by', true)).toBe(true);
    expect(endsBetweenSequences('x\by', false)).toBe(false);
  });
});
