const SIMPLE_ESCAPES: Record<string, string> = {
  a: '\x07',
  b: '\b',
  e: '\x1b',
  E: '\x1b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
  "'": "'",
  '"': '"',
  '?': '?',
};

/**
 * The value of the inside of a bash `$'…'` string, with its escapes decoded as bash's manual
 * lists them (`\x72` is `r`, `\162` is `r`, `\u0072` is `r`), so `$'\x72m'` is seen as `rm`.
 * Undefined for an escape this does not know, so an odd one is never guessed.
 */
export function decodeAnsiC(inner: string): string | undefined {
  let out = '';
  for (let i = 0; i < inner.length; i++) {
    const char = inner[i] as string;
    if (char !== '\\') {
      out += char;
      continue;
    }
    const next = inner[i + 1];
    if (next === undefined) return undefined;
    const simple = SIMPLE_ESCAPES[next];
    if (simple !== undefined) {
      out += simple;
      i++;
      continue;
    }
    const numeric = /^(?:([0-7]{1,3})|x([0-9a-fA-F]{1,2})|u([0-9a-fA-F]{1,4})|U([0-9a-fA-F]{1,8})|c(.))/.exec(inner.slice(i + 1));
    if (numeric === null) return undefined;
    const [whole, octal, hex, unicode, wide, control] = numeric;
    let code: number;
    if (octal !== undefined) code = Number.parseInt(octal, 8) & 0xff;
    else if (hex !== undefined) code = Number.parseInt(hex, 16);
    else if (unicode !== undefined || wide !== undefined) code = Number.parseInt((unicode ?? wide) as string, 16);
    else code = (control as string).charCodeAt(0) & 0x1f;
    if (code > 0x10ffff) return undefined;
    out += String.fromCodePoint(code);
    i += whole.length;
  }
  return out;
}
