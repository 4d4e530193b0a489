/**
 * Paths that hold credentials, denied to file tools and to shell commands that read them,
 * inside or outside the worktree. Patterns are matched case-insensitively (on macOS and
 * Windows `.ENV` is `.env`) against path components:
 * - a pattern without `/` matches any one component (`*.pem`, `.ssh`);
 * - `a/b` matches those components in a row anywhere (`.aws/credentials`);
 * - a leading `/` anchors the pattern at the filesystem root (`/proc/*\/environ`);
 * - `*` matches within one component, `**` any number of components;
 * - `!pattern` is an exception: a template such as `.env.example` holds no secrets.
 * A folder that matches denies everything under it.
 */
export const DEFAULT_SECRET_PATTERNS: readonly string[] = [
  // dotenv files, but not the templates projects commit on purpose
  '.env',
  '.env.*',
  '*.env',
  '!.env*.example',
  '!.env*.sample',
  '!.env*.template',
  '!.env*.dist',
  '.envrc',
  // keys and keyrings
  '.ssh',
  '.gnupg',
  '.password-store',
  'id_rsa',
  'id_dsa',
  'id_ecdsa',
  'id_ed25519',
  'id_ecdsa_sk',
  'id_ed25519_sk',
  '*.pem',
  '*.key',
  '*.p12',
  '*.pfx',
  '*.jks',
  '*.keystore',
  '*.ppk',
  '*.kdbx',
  // cloud, registry and tool credentials
  '.aws',
  '.azure',
  '.config/gcloud',
  '.kube',
  '.docker/config.json',
  '.npmrc',
  '.yarnrc',
  '.yarnrc.yml',
  '.pypirc',
  '.gem/credentials',
  '.cargo/credentials',
  '.cargo/credentials.toml',
  '.config/gh/hosts.yml',
  '.git-credentials',
  '.config/git/credentials',
  '.terraform.d/credentials.tfrc.json',
  '.vault-token',
  '.boto',
  '.s3cfg',
  '.netrc',
  '_netrc',
  '.pgpass',
  '.my.cnf',
  '.htpasswd',
  '.codex/auth.json',
  '.claude/.credentials.json',
  'auth.json',
  'credentials.json',
  'client_secret*.json',
  'serviceaccountkey*.json',
  'service-account*.json',
  '*.tfstate',
  '*.tfstate.backup',
  // secrets kept as project files
  'secrets',
  '.secrets',
  'secrets.yml',
  'secrets.yaml',
  'secrets.json',
  'secrets.toml',
  // remote URLs with tokens; writing it is code execution (hooksPath, aliases)
  '.git/config',
  // shell and database histories keep pasted tokens
  '.bash_history',
  '.zsh_history',
  '.psql_history',
  '.mysql_history',
  '.node_repl_history',
  '.python_history',
  // another process's environment holds its API keys
  '/proc/*/environ',
];

/** Changes a project makes to the defaults. Removing a default must be spelled out, pattern by pattern. */
export interface SecretListOptions {
  readonly extra?: readonly string[];
  readonly removeDefaults?: readonly string[];
}

interface CompiledPattern {
  readonly source: string;
  readonly anchored: boolean;
  /** One entry per component: a matcher, or null for `**`. */
  readonly segments: readonly (RegExp | null)[];
}

export class SecretList {
  private readonly denied: readonly CompiledPattern[];
  private readonly exceptions: readonly CompiledPattern[];

  private constructor(patterns: readonly string[]) {
    const compiled = patterns.map((pattern) => ({
      negated: pattern.startsWith('!'),
      pattern: compile(pattern.replace(/^!/, '')),
    }));
    this.denied = compiled.filter((entry) => !entry.negated).map((entry) => entry.pattern);
    this.exceptions = compiled.filter((entry) => entry.negated).map((entry) => entry.pattern);
  }

  static create(options: SecretListOptions = {}): SecretList {
    const removed = new Set(options.removeDefaults ?? []);
    for (const pattern of removed) {
      if (!DEFAULT_SECRET_PATTERNS.includes(pattern))
        throw new Error(`“${pattern}” is not one of the default secret patterns, so it cannot be removed. Check its spelling.`);
    }
    for (const pattern of options.extra ?? []) {
      if (pattern.replace(/^!/, '').replaceAll('/', '') === '')
        throw new Error(`“${pattern}” is not a usable secret pattern: give a file or folder name such as “*.secret”.`);
    }
    return new SecretList([...DEFAULT_SECRET_PATTERNS.filter((pattern) => !removed.has(pattern)), ...(options.extra ?? [])]);
  }

  /**
   * The pattern that denies this path, if any. `components` are the path's parts in order;
   * `fromRoot` says they start at the filesystem root, which anchored patterns need.
   */
  match(components: readonly string[], fromRoot: boolean): string | undefined {
    const names = components.map(variants);
    for (let end = 1; end <= names.length; end++) {
      const hit = this.denied.find((pattern) => endsAt(pattern, names, end, fromRoot));
      if (hit !== undefined && !this.exceptions.some((pattern) => endsAt(pattern, names, end, fromRoot))) return hit.source;
    }
    return undefined;
  }
}

/**
 * The names a component may stand for. Windows drops trailing dots and spaces and reads
 * `name:stream` (`.env::$DATA`) as `name`; matching those forms too closes the tricks without
 * refusing ordinary names.
 */
function variants(component: string): readonly string[] {
  const lower = component.toLowerCase();
  const trimmed = lower.replace(/[. ]+$/, '');
  const beforeStream = lower.split(':')[0]?.replace(/[. ]+$/, '') ?? lower;
  return [...new Set([lower, trimmed, beforeStream].filter((name) => name !== ''))];
}

function compile(pattern: string): CompiledPattern {
  const anchored = pattern.startsWith('/');
  const parts = pattern.split('/').filter((part) => part !== '');
  return {
    source: pattern,
    anchored,
    segments: parts.map((part) => (part === '**' ? null : globToRegExp(part.toLowerCase()))),
  };
}

function globToRegExp(glob: string): RegExp {
  const body = [...glob].map((char) =>
    char === '*' ? '[^/]*' : char === '?' ? '[^/]' : char.replace(/[.+^${}()|[\]\\]/g, '\\$&'),
  );
  return new RegExp(`^${body.join('')}$`);
}

/** Whether the pattern matches a run of components ending just before `end`. */
function endsAt(pattern: CompiledPattern, names: readonly (readonly string[])[], end: number, fromRoot: boolean): boolean {
  if (pattern.anchored) return fromRoot && matchFrom(pattern.segments, 0, names, 0, end);
  for (let start = end - 1; start >= 0; start--) if (matchFrom(pattern.segments, 0, names, start, end)) return true;
  return false;
}

function matchFrom(
  segments: readonly (RegExp | null)[],
  segment: number,
  names: readonly (readonly string[])[],
  index: number,
  end: number,
): boolean {
  if (segment === segments.length) return index === end;
  const matcher = segments[segment];
  if (matcher === null) {
    for (let next = index; next <= end; next++) if (matchFrom(segments, segment + 1, names, next, end)) return true;
    return false;
  }
  if (index >= end || matcher === undefined) return false;
  return (names[index] ?? []).some((name) => matcher.test(name)) && matchFrom(segments, segment + 1, names, index + 1, end);
}
