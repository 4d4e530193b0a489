/**
 * Characters that make a command read differently from how it runs or how it looks in the
 * inbox: control characters, invisible and zero-width characters, bidirectional overrides
 * (U+202E can show `rm -rf crs` as `rm -rf src`), spaces other than the ASCII space (bash
 * does not split on U+00A0), dash look-alikes (U+2010 in `‐‐hard`) and full-width Latin
 * letters (`ｒｍ`). Ordinary accented or non-Latin text is fine in arguments. Tab and
 * newline are shell syntax and pass.
 */
const SUSPICIOUS_RANGES: readonly (readonly [number, number])[] = [
  [0x00, 0x08],
  [0x0b, 0x1f],
  [0x7f, 0x9f],
  [0xa0, 0xa0],
  [0xad, 0xad],
  [0x34f, 0x34f],
  [0x61c, 0x61c],
  [0x115f, 0x1160],
  [0x1680, 0x1680],
  [0x180e, 0x180e],
  [0x2000, 0x2015],
  [0x2028, 0x202f],
  [0x205f, 0x206f],
  [0x2212, 0x2212],
  [0x2800, 0x2800],
  [0x3000, 0x3000],
  [0x3164, 0x3164],
  [0xfe58, 0xfe58],
  [0xfe63, 0xfe63],
  [0xfeff, 0xfeff],
  [0xff01, 0xff5e],
  [0xffa0, 0xffa0],
  [0xfff0, 0xfffb],
];

/** The first suspicious character as `U+XXXX`, or undefined. */
export function findSuspiciousCharacter(text: string): string | undefined {
  for (const char of text) {
    const code = char.codePointAt(0) as number;
    if (code >= 0x20 && code < 0x7f) continue;
    if (SUSPICIOUS_RANGES.some(([first, last]) => code >= first && code <= last))
      return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  }
  return undefined;
}

/** Command names are plain ASCII: anything else may be a look-alike of a different command. */
export function isPlainCommandName(name: string): boolean {
  for (const char of name) {
    const code = char.codePointAt(0) as number;
    if (code <= 0x20 || code >= 0x7f) return false;
  }
  return true;
}
