import { lstatSync, realpathSync } from 'node:fs';
import { isAbsolute, join, sep } from 'node:path';

/** Where a path really leads, as far as the filesystem can say today. */
export type Resolution =
  | {
      readonly ok: true;
      /** The real path of the deepest existing ancestor, plus the missing components after it. */
      readonly real: string;
      /** Whether the whole path exists (nothing was appended to an ancestor). */
      readonly exists: boolean;
    }
  | { readonly ok: false; readonly problem: string };

/** Upper bound on missing components walked back over; deeper paths are refused rather than probed forever. */
const MAX_MISSING_COMPONENTS = 64;

/**
 * Resolves `path` (absolute, not normalized) the way the kernel would: symlinks first, then
 * `..`. Lexical normalization would turn `link/..` into `.` even when `link` points elsewhere,
 * so the raw path is given to realpath, and for a file that does not exist yet, the deepest
 * existing ancestor is resolved and the missing names are appended.
 */
export function resolveReal(path: string): Resolution {
  if (!isAbsolute(path)) throw new Error(`resolveReal needs an absolute path, got ${path}`);
  const missing: string[] = [];
  // `a//b` and `a/b/` mean `a/b`; only `..` needs the filesystem to decide.
  let current = path.length > 1 ? path.replace(/\/{2,}/g, '/').replace(/\/$/, '') : path;
  for (;;) {
    try {
      const real = realpathSync.native(current);
      return { ok: true, real: missing.length === 0 ? real : join(real, ...missing.reverse()), exists: missing.length === 0 };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ELOOP') return { ok: false, problem: 'it runs into a symlink loop' };
      if (code === 'ENOTDIR') return { ok: false, problem: 'a part of it that should be a folder is a file' };
      if (code === 'EACCES') return { ok: false, problem: 'a folder on the way cannot be read' };
      if (code !== 'ENOENT') return { ok: false, problem: `it cannot be resolved (${code ?? String(error)})` };
    }
    const cut = current.lastIndexOf(sep);
    const name = current.slice(cut + 1);
    const parent = current.slice(0, Math.max(cut, 1));
    if (name === '' || parent === current) return { ok: false, problem: 'no part of it exists' };
    if (name === '..' || name === '.')
      return { ok: false, problem: `it uses “${name}” after a folder that does not exist, which the kernel would refuse` };
    if (isDanglingLink(current))
      return { ok: false, problem: `“${name}” is a symlink to something that does not exist; writing would create its target` };
    if (missing.length >= MAX_MISSING_COMPONENTS) return { ok: false, problem: 'too many of its folders do not exist' };
    missing.push(name);
    current = parent;
  }
}

function isDanglingLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/** The parts of a normalized absolute path, root excluded. */
export function components(path: string): string[] {
  return path.split(sep).filter((part) => part !== '');
}

/**
 * Whether `child` is `parent` or inside it, compared component by component: `/work/app-evil`
 * is not inside `/work/app`, although the string starts with it. Both must be normalized.
 */
export function isInside(child: string, parent: string): boolean {
  const outer = components(parent);
  const inner = components(child);
  return inner.length >= outer.length && outer.every((part, index) => inner[index] === part);
}

/** The components of `child` below `parent`; only meaningful when `isInside(child, parent)`. */
export function below(child: string, parent: string): string[] {
  return components(child).slice(components(parent).length);
}
