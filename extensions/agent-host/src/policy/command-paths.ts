import { resolve, sep } from 'node:path';
import type { Findings } from './decision.ts';
import { about } from './invocation.ts';
import { below, components, isInside, resolveReal } from './real-path.ts';
import type { SecretList } from './secret-list.ts';
import type { ShellWord } from './shell-word.ts';

/**
 * Folders a read-only command may read outside the worktree: the system's programs,
 * libraries and configuration, which any process on the machine can read. Anything else
 * outside the worktree (the home folder above all) is held for a person.
 */
const SYSTEM_READ_ROOTS = [
  '/usr',
  '/bin',
  '/sbin',
  '/lib',
  '/lib32',
  '/lib64',
  '/libx32',
  '/opt',
  '/etc',
  '/dev/null',
  '/dev/zero',
];

/** Files a redirection may write to without asking: they are not files. */
const HARMLESS_WRITE_TARGETS = new Set(['/dev/null', '/dev/stdout', '/dev/stderr']);

/**
 * Names a glob could match that the secrets list covers; a glob matching one of them asks.
 * Matching the pattern against these is static, so it holds however the folder changes
 * before the command runs.
 */
const SECRET_SAMPLES = [
  '.env',
  '.env.local',
  '.envrc',
  'id_rsa',
  'id_ed25519',
  'server.pem',
  'server.key',
  '.npmrc',
  '.netrc',
  '.pgpass',
  '.git-credentials',
  'credentials.json',
  'auth.json',
  'secrets',
  'terraform.tfstate',
];

/** More possible working folders than this (after many `cd`s) and the working folder counts as unknown. */
const MAX_WORKING_FOLDERS = 8;

/**
 * Checks the files shell commands read, and follows `cd`. Because a `cd` in one branch may
 * not run (`false && cd ~`, a subshell), the working folder is kept as the set of folders
 * it might be, and a relative path must pass from each of them.
 */
export class CommandPaths {
  private readonly worktree: string;
  private readonly home: string;
  private readonly secrets: SecretList;
  private cwds: string[] | undefined;

  constructor(worktree: string, cwd: string, home: string, secrets: SecretList) {
    this.worktree = worktree;
    this.home = home;
    this.secrets = secrets;
    this.cwds = [cwd];
  }

  /** A file or folder a command reads. */
  checkRead(word: ShellWord, snippet: string, findings: Findings): void {
    if (word.isProcessSubstitution) return;
    const value = this.expandTilde(word);
    if (value === undefined) {
      findings.ask(about(snippet, `${word.text} names a file only known at run time, so it cannot be checked`));
      return;
    }
    if (value === '-' || value.startsWith('/dev/fd/')) return;
    for (const base of this.basesFor(value, snippet, findings)) {
      const absolute = resolve(base, value);
      if (word.isPattern) this.checkPattern(absolute, value, snippet, findings);
      else this.checkFile(absolute, shownPath(value, absolute), snippet, findings);
    }
  }

  /** A file a redirection writes to; only the null and standard devices pass. */
  checkWrite(word: ShellWord, snippet: string, findings: Findings): void {
    const value = this.expandTilde(word);
    if (value !== undefined && HARMLESS_WRITE_TARGETS.has(value)) return;
    findings.ask(about(snippet, `writes to ${word.text}`));
  }

  /** `cd dir`: the shell may now be in any of the folders it was in, or in dir from any of them. */
  changeDirectory(word: ShellWord | undefined): void {
    if (this.cwds === undefined) return;
    const target = word === undefined ? this.home : this.expandTilde(word);
    if (target === undefined || target === '-' || word?.isPattern) {
      this.cwds = undefined;
      return;
    }
    const next = new Set([...this.cwds, ...this.cwds.map((cwd) => resolve(cwd, target))]);
    this.cwds = next.size > MAX_WORKING_FOLDERS ? undefined : [...next];
  }

  /** A path inside the repository named to git (`HEAD:.env`, a pathspec): only the secrets list applies. */
  checkSecretName(path: string, snippet: string, findings: Findings): void {
    const pattern = this.secrets.match(
      path.split('/').filter((part) => part !== '' && part !== '.'),
      false,
    );
    if (pattern !== undefined)
      findings.deny(
        about(snippet, `reads ${path}, which matches the secret pattern “${pattern}”; secrets stay out of agents' reach`),
      );
  }

  /** The secret a word names, if any (`@.env`, `--env-file=.env`, `~/.aws/credentials`), to say so when a command asks. */
  mentionedSecret(word: ShellWord): string | undefined {
    const value = this.expandTilde(word)
      ?.replace(/^@/, '')
      .replace(/^--?[\w-]*=/, '')
      .replace(/^[A-Za-z_]\w*=@?/, '');
    if (value === undefined || value === '' || value.startsWith('-')) return undefined;
    const absolute = resolve(this.cwds?.[0] ?? this.worktree, value);
    const inside = isInside(absolute, this.worktree);
    const pattern = this.secrets.match(inside ? below(absolute, this.worktree) : components(absolute), !inside);
    return pattern === undefined ? undefined : value;
  }

  /** After `popd` or `cd -`: the working folder can no longer be told. */
  forgetDirectory(): void {
    this.cwds = undefined;
  }

  /** Whether an existing or future path is inside the worktree, for `git -C` and the like. */
  isInWorktree(word: ShellWord): boolean {
    const value = this.expandTilde(word);
    if (value === undefined || word.isPattern || this.cwds === undefined) return false;
    return this.cwds.every((cwd) => {
      const resolution = resolveReal(resolve(cwd, value));
      return resolution.ok && isInside(resolution.real, this.worktree);
    });
  }

  private expandTilde(word: ShellWord): string | undefined {
    const value = word.value;
    if (value === undefined || !word.hasTilde) return value;
    if (value === '~' || value.startsWith('~/')) return this.home + value.slice(1);
    return undefined;
  }

  private basesFor(value: string, snippet: string, findings: Findings): readonly string[] {
    if (value.startsWith('/')) return ['/'];
    if (this.cwds !== undefined) return this.cwds;
    findings.ask(about(snippet, `reads ${value} relative to a folder only known at run time (after cd)`));
    return [];
  }

  private checkFile(absolute: string, shown: string, snippet: string, findings: Findings): void {
    this.checkSecret(absolute, shown, snippet, findings);
    const resolution = resolveReal(absolute);
    if (!resolution.ok) {
      findings.ask(about(snippet, `${shown} cannot be checked: ${resolution.problem}`));
      return;
    }
    if (resolution.real !== absolute) this.checkSecret(resolution.real, shown, snippet, findings);
    if (isInside(resolution.real, this.worktree)) return;
    if (SYSTEM_READ_ROOTS.some((root) => isInside(resolution.real, root))) return;
    findings.ask(about(snippet, `reads ${shown}, outside the worktree`));
  }

  /** A glob: its fixed folder is checked as a path, and its pattern against names the secrets list covers. */
  private checkPattern(absolute: string, shown: string, snippet: string, findings: Findings): void {
    const parts = components(absolute);
    const firstGlob = parts.findIndex(hasGlob);
    if (firstGlob === -1) return void this.checkFile(absolute, absolute, snippet, findings);
    const folder = `${sep}${parts.slice(0, firstGlob).join(sep)}`;
    const rest = parts.slice(firstGlob);
    if (rest.includes('..')) {
      findings.ask(about(snippet, `${shown} climbs out of a glob with “..”`));
      return;
    }
    this.checkFile(folder, folder, snippet, findings);
    for (const sample of SECRET_SAMPLES) {
      const candidate = rest.map((part) => (!hasGlob(part) ? part : globMatches(part, sample) ? sample : undefined));
      if (candidate.some((part) => part === undefined)) continue;
      const path = [...components(folder), ...(candidate as string[])];
      const inside = isInside(folder, this.worktree);
      const names = inside ? below(`${sep}${path.join(sep)}`, this.worktree) : path;
      if (this.secrets.match(names, !inside) !== undefined) {
        findings.ask(about(snippet, `${shown} could match secret files such as ${sample}`));
        return;
      }
    }
  }

  private checkSecret(absolute: string, shown: string, snippet: string, findings: Findings): void {
    const inside = isInside(absolute, this.worktree);
    const names = inside ? below(absolute, this.worktree) : components(absolute);
    const pattern = this.secrets.match(names, !inside);
    if (pattern !== undefined)
      findings.deny(
        about(snippet, `reads ${shown}, which matches the secret pattern “${pattern}”; secrets stay out of agents' reach`),
      );
  }
}

/** The path as the command wrote it, with where it leads when that differs. */
function shownPath(value: string, absolute: string): string {
  return value === absolute ? value : `${value} (${absolute})`;
}

function hasGlob(part: string): boolean {
  return /[*?[{]/.test(part);
}

/**
 * Whether a glob component could match a name: `*`, `?` and `[…]` as the shell reads them,
 * braces as any text; a leading dot must be matched literally, as bash does by default.
 */
function globMatches(glob: string, name: string): boolean {
  if (name.startsWith('.') && !glob.startsWith('.')) return false;
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i] as string;
    if (char === '*' || char === '{' || char === '}' || char === ',') source += '.*';
    else if (char === '?') source += '.';
    else if (char === '[') {
      const close = glob.indexOf(']', i + 2);
      if (close === -1) source += '\\[';
      else {
        source += `[${glob
          .slice(i + 1, close)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\')}]`;
        i = close;
      }
    } else source += char.replace(/[.+^$()|\\]/g, '\\$&');
  }
  try {
    return new RegExp(`^${source}$`, 'i').test(name);
  } catch {
    return true;
  }
}
