import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Grove Test',
  GIT_AUTHOR_EMAIL: 'test@grove.invalid',
  GIT_COMMITTER_NAME: 'Grove Test',
  GIT_COMMITTER_EMAIL: 'test@grove.invalid',
  GIT_CONFIG_NOSYSTEM: '1',
};

/** Runs real git in `cwd` and returns its stdout. */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: GIT_ENV, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Makes a real repository at `path` on branch `main`, with one commit unless `commits` is 0. */
export function makeRepo(path: string, options: { commits?: number; bare?: boolean } = {}): string {
  mkdirSync(path, { recursive: true });
  git(path, 'init', '--quiet', '--initial-branch=main', ...(options.bare ? ['--bare'] : []));
  if (options.bare) return path;
  for (let i = 0; i < (options.commits ?? 1); i++) {
    writeFileSync(join(path, `file-${i}.txt`), `content ${i}\n`);
    git(path, 'add', '-A');
    git(path, 'commit', '--quiet', '-m', `commit ${i}`);
  }
  return path;
}

/** A repository whose committed `.grove/settings.json` is `settings` (and `.worktreeinclude`, if given). */
export function makeRepoWithSettings(path: string, settings: Record<string, unknown>, include = ''): string {
  const repo = makeRepo(path);
  mkdirSync(join(repo, '.grove'));
  writeFileSync(join(repo, '.grove', 'settings.json'), JSON.stringify(settings));
  if (include) writeFileSync(join(repo, '.worktreeinclude'), include);
  writeFileSync(join(repo, '.gitignore'), '.env\n.env.local\nsecrets/\nnode_modules/\n');
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'settings');
  return repo;
}
