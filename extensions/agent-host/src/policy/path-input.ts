import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A path as a tool call gave it, made absolute, or the reason it is refused as written. */
export type PathInput =
  | {
      readonly ok: true;
      /** Joined with the base but not normalized: `..` stays for the filesystem to resolve. */
      readonly joined: string;
      /** Lexically normalized, for the checks made before anything is resolved. */
      readonly lexical: string;
    }
  | { readonly ok: false; readonly problem: string };

/** Longer than any real path (Linux PATH_MAX is 4096); beyond it the input is refused unread. */
const MAX_PATH_LENGTH = 4096;

/**
 * Reads a path from a tool call. Forms that different layers would read differently are
 * refused rather than guessed at: percent-escapes (decoded by some layers, not others),
 * Windows drive, UNC and device paths, backslashes, control characters (a NUL byte truncates
 * the path in C). A `file:` URL is turned into its path, and `~` into the home folder.
 */
export function readPathInput(input: string, base: string, home: string): PathInput {
  if (input === '') return { ok: false, problem: 'the path is empty' };
  if (input.length > MAX_PATH_LENGTH) return { ok: false, problem: `the path is longer than ${MAX_PATH_LENGTH} characters` };
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this refuses
  if (/[\u0000-\u001f\u007f]/.test(input)) return { ok: false, problem: 'the path contains a NUL byte or a control character' };

  let path = input;
  if (/^file:/i.test(path)) {
    try {
      path = fileURLToPath(path);
    } catch {
      return { ok: false, problem: 'the file: URL does not name a local file' };
    }
  } else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path)) {
    return { ok: false, problem: 'it is a URL, not a file path' };
  } else if (/%[0-9a-f]{2}/i.test(path)) {
    return { ok: false, problem: 'it looks percent-encoded (%XX): give the plain path' };
  }
  if (/^[\\/]{2}/.test(path)) return { ok: false, problem: 'it is a network (UNC) or device path' };
  if (/^[a-z]:/i.test(path)) return { ok: false, problem: 'it is a Windows drive path' };
  if (path.includes('\\')) return { ok: false, problem: 'it contains a backslash, which Windows reads as a folder separator' };

  if (path === '~' || path.startsWith('~/')) path = home + path.slice(1);
  else if (path.startsWith('~')) return { ok: false, problem: 'another user’s home folder (~name) is not supported' };

  const joined = isAbsolute(path) ? path : `${base}/${path}`;
  return { ok: true, joined, lexical: resolve(joined) };
}
