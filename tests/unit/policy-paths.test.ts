import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { PathRefusedError } from '../../extensions/agent-host/src/policy/safe-open.ts';
import { SecretList } from '../../extensions/agent-host/src/policy/secret-list.ts';
import { policyFixture } from './policy-fixture.ts';

describe('file paths: confinement to the worktree', () => {
  test('reads and writes inside the worktree are allowed, for existing and new files, with the real path they lead to', async () => {
    await using fx = await policyFixture();
    const file = fx.file('wt/src/a.ts');
    for (const access of ['read', 'write'] as const) {
      expect(fx.engine.checkPath('src/a.ts', { worktree: fx.worktree, access })).toEqual({
        decision: 'allow',
        reasons: [`${access} inside the worktree`],
        resolved: file,
      });
      expect(fx.engine.checkPath('src/new/deep/b.ts', { worktree: fx.worktree, access }).decision).toBe('allow');
      expect(fx.engine.checkPath(join(fx.worktree, 'src', './a.ts'), { worktree: fx.worktree, access }).decision).toBe('allow');
    }
  });

  test('paths outside are refused, compared by component rather than by string prefix', async () => {
    await using fx = await policyFixture();
    fx.file('wt-evil/x');
    fx.file('wt/src/a.ts');
    for (const path of ['../x', '/etc/passwd', `${fx.worktree}-evil/x`, 'src/../../x', '..', '/']) {
      expect(fx.engine.checkPath(path, { worktree: fx.worktree, access: 'read' }), path).toEqual({
        decision: 'deny',
        reasons: [expect.stringMatching(/is outside the thread's worktree/)],
      });
    }
  });

  test('symlinks that lead out are refused; symlinks that stay in are followed', async () => {
    await using fx = await policyFixture();
    fx.file('outside/deep/file');
    fx.file('outside/x');
    fx.file('wt/packages/lib/index.ts');
    symlinkSync(join(fx.base, 'outside', 'deep', 'file'), join(fx.worktree, 'file-link'));
    symlinkSync(join(fx.base, 'outside', 'deep'), join(fx.worktree, 'dir-link'));
    symlinkSync('dir-link', join(fx.worktree, 'chain'));
    symlinkSync(join(fx.base, 'nowhere'), join(fx.worktree, 'dangling'));
    symlinkSync('loop-b', join(fx.worktree, 'loop-a'));
    symlinkSync('loop-a', join(fx.worktree, 'loop-b'));
    symlinkSync('packages/lib', join(fx.worktree, 'lib'));
    const decide = (path: string, access: 'read' | 'write' = 'read') =>
      fx.engine.checkPath(path, { worktree: fx.worktree, access }).decision;

    expect(decide('file-link')).toBe('deny');
    expect(decide('dir-link/file')).toBe('deny');
    expect(decide('chain/new.txt', 'write')).toBe('deny');
    expect(decide('dangling', 'write')).toBe('deny');
    expect(decide('loop-a/x')).toBe('deny');
    // The kernel resolves dir-link before "..": this is outside/x, though it reads like ./x.
    expect(decide('dir-link/../x')).toBe('deny');
    expect(decide('lib/index.ts')).toBe('allow');
    expect(decide('lib/new.ts', 'write')).toBe('allow');
  });

  test('a worktree reached through a symlink (macOS /tmp → /private/tmp) accepts both spellings', async () => {
    await using fx = await policyFixture();
    fx.file('private/wt/src/a.ts');
    symlinkSync(join(fx.base, 'private', 'wt'), join(fx.base, 'linked-wt'));
    const worktree = join(fx.base, 'linked-wt');
    for (const path of ['src/a.ts', join(worktree, 'src/a.ts'), join(fx.base, 'private', 'wt', 'src', 'a.ts')])
      expect(fx.engine.checkPath(path, { worktree, access: 'read' }).decision, path).toBe('allow');
  });

  test('inputs different layers would read differently are refused as written', async () => {
    await using fx = await policyFixture();
    const refusals: Record<string, RegExp> = {
      'a\0b': /NUL byte/,
      'src/%2e%2e/x': /percent-encoded/,
      '\\\\server\\share': /UNC/,
      '//server/share': /UNC/,
      'C:\\Users\\me': /Windows drive/,
      'src\\a.ts': /backslash/,
      '~other/x': /another user/,
      'https://example.invalid/a': /URL/,
      '': /empty/,
    };
    for (const [path, reason] of Object.entries(refusals)) {
      expect(fx.engine.checkPath(path, { worktree: fx.worktree, access: 'read' }), path).toEqual({
        decision: 'deny',
        reasons: [expect.stringMatching(reason)],
      });
    }
    fx.file('wt/src/a.ts');
    expect(fx.engine.checkPath(`file://${fx.worktree}/src/a.ts`, { worktree: fx.worktree, access: 'read' }).decision).toBe(
      'allow',
    );
  });

  test("git's own files are kept for git; writes to files that run later are held", async () => {
    await using fx = await policyFixture();
    const decide = (path: string, access: 'read' | 'write') =>
      fx.engine.checkPath(path, { worktree: fx.worktree, access }).decision;
    expect(decide('.git/HEAD', 'read')).toBe('deny');
    expect(decide('.git', 'write')).toBe('deny');
    expect(decide('sub/.GIT/config', 'read')).toBe('deny');
    expect(decide('.gitignore', 'write')).toBe('allow');
    expect(decide('.github/workflows/ci.yml', 'read')).toBe('allow');
    for (const path of [
      '.github/workflows/ci.yml',
      '.claude/settings.json',
      '.grove/settings.json',
      '.vscode/tasks.json',
      '.husky/pre-commit',
    ])
      expect(decide(path, 'write'), path).toBe('ask');
  });
});

describe('file paths: the secrets list', () => {
  test('defaults cover dotenv files but not their templates, keys, and credentials at any depth and in any case', () => {
    const secrets = SecretList.create();
    const denied = (path: string) => secrets.match(path.split('/'), false) !== undefined;
    for (const path of [
      '.env',
      'a/b/.env.local',
      'prod.env',
      '.ENV.Local',
      '.env.',
      '.env:stream',
      'id_ed25519',
      'x/server.pem',
      'a/.aws/config',
      '.config/gcloud/creds.db',
      '.docker/config.json',
      '.git/config',
      'secrets/x.json',
      'client_secret_123.json',
    ])
      expect(denied(path), path).toBe(true);
    for (const path of [
      '.env.example',
      'apps/.env.local.sample',
      '.env.template',
      'src/env.ts',
      'id_rsa.pub',
      'src/keyboard.ts',
      '.docker/other.json',
      'config.json',
    ])
      expect(denied(path), path).toBe(false);
    expect(secrets.match(['proc', '77', 'environ'], true)).toBe('/proc/*/environ');
    expect(secrets.match(['x', 'proc', '77', 'environ'], true)).toBeUndefined();
  });

  test('projects add patterns, and remove a default only by naming it exactly', async () => {
    await using fx = await policyFixture({
      secrets: { extra: ['*.secret', 'private/**/token.txt'], removeDefaults: ['auth.json'] },
    });
    const decide = (path: string) => fx.engine.checkPath(path, { worktree: fx.worktree, access: 'read' }).decision;
    expect(decide('a/b.secret')).toBe('deny');
    expect(decide('private/x/y/token.txt')).toBe('deny');
    expect(decide('auth.json')).toBe('allow');
    expect(decide('.env')).toBe('deny');
    expect(() => SecretList.create({ removeDefaults: ['.envv'] })).toThrow(/“\.envv” is not one of the default secret patterns/);
    expect(() => SecretList.create({ extra: ['/'] })).toThrow(/not a usable secret pattern/);
  });
});

describe('file paths: opening safely', () => {
  test('an allowed file opens and reads', async () => {
    await using fx = await policyFixture();
    fx.file('wt/src/a.ts', 'export const a = 1;\n');
    const handle = await fx.engine.openPath('src/a.ts', { worktree: fx.worktree, access: 'read' });
    try {
      expect(await handle.readFile('utf8')).toBe('export const a = 1;\n');
    } finally {
      await handle.close();
    }
  });

  test('a file swapped for a symlink between the check and the open is refused', async () => {
    await using fx = await policyFixture();
    const file = fx.file('wt/src/a.ts');
    const secret = fx.file('home/.ssh/id_rsa', 'PRIVATE KEY\n');
    const request = { worktree: fx.worktree, access: 'read' as const };
    const decision = fx.engine.checkPath('src/a.ts', request);
    expect(decision.decision).toBe('allow');

    rmSync(file);
    symlinkSync(secret, file);

    await expect(fx.engine.openChecked(decision, request)).rejects.toThrow(PathRefusedError);
    await expect(fx.engine.openChecked(decision, request)).rejects.toThrow(/replaced by a symlink after it was checked/);
  });

  test('a folder on the way swapped for a symlink is caught from the open descriptor', async () => {
    await using fx = await policyFixture();
    fx.file('wt/src/a.ts', 'inside\n');
    fx.file('outside/src/a.ts', 'outside\n');
    const request = { worktree: fx.worktree, access: 'read' as const };
    const decision = fx.engine.checkPath('src/a.ts', request);
    expect(decision.decision).toBe('allow');

    renameSync(join(fx.worktree, 'src'), join(fx.worktree, 'src-old'));
    symlinkSync(join(fx.base, 'outside', 'src'), join(fx.worktree, 'src'));

    await expect(fx.engine.openChecked(decision, request)).rejects.toThrow(/changed after it was checked/);
  });

  test('a FIFO does not hang the open and is refused', async () => {
    await using fx = await policyFixture();
    mkdirSync(join(fx.worktree, 'src'));
    execFileSync('mkfifo', [join(fx.worktree, 'src', 'pipe')]);
    await expect(fx.engine.openPath('src/pipe', { worktree: fx.worktree, access: 'read' })).rejects.toThrow(/not a regular file/);
  });

  test('a write creates a new file inside, and a refused path is never opened', async () => {
    await using fx = await policyFixture();
    const handle = await fx.engine
      .openPath('src/new.ts', { worktree: fx.worktree, access: 'write', create: true })
      .catch(() => undefined);
    expect(handle).toBeUndefined();
    mkdirSync(join(fx.worktree, 'src'));
    const created = await fx.engine.openPath('src/new.ts', { worktree: fx.worktree, access: 'write', create: true });
    await created.writeFile('x');
    await created.close();
    expect(readFileSync(join(fx.worktree, 'src', 'new.ts'), 'utf8')).toBe('x');
    await expect(fx.engine.openPath('.env', { worktree: fx.worktree, access: 'write', create: true })).rejects.toThrow(
      /secret pattern/,
    );
    expect(() => readFileSync(join(fx.worktree, '.env'))).toThrow(/ENOENT/);
  });
});
