import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { PathRefusedError } from '../../extensions/agent-host/src/policy/safe-open.ts';
import { CORPUS, CORPUS_COPY, SHARED_CORPUS } from '../helpers/paths.ts';
import { type PolicyFixture, policyFixture, reportRate } from './policy-fixture.ts';

interface Case {
  readonly input: string;
  readonly why: string;
}

function corpus(name: string): Case[] {
  return JSON.parse(readFileSync(join(CORPUS, name), 'utf8')) as Case[];
}

let fx: PolicyFixture;
beforeAll(async () => {
  fx = await policyFixture();
});
afterAll(async () => {
  await fx[Symbol.asyncDispose]();
});

/** `~` is the fixture's home; other relative paths stay relative to the worktree. */
function pathOf(input: string): string {
  return input === '~' || input.startsWith('~/') ? fx.home + input.slice(1) : input;
}

/** Whether the file tools refuse a path: neither a read nor a write may be allowed. */
function refused(path: string, worktree = fx.worktree): boolean {
  return (['read', 'write'] as const).every((access) => fx.engine.checkPath(path, { worktree, access }).decision !== 'allow');
}

/** Each SCENARIO row of the deny corpus, built with real files and symlinks; true when the path is refused. */
const DENY_SCENARIOS: [RegExp, () => Promise<boolean>][] = [
  [
    /`\/work\/app`, request `\/work\/app-evil\/secret`/,
    async () => {
      const app = join(fx.base, 'work', 'app');
      mkdirSync(app, { recursive: true });
      fx.file('work/app-evil/secret');
      return refused(join(fx.base, 'work', 'app-evil', 'secret'), app);
    },
  ],
  [
    /symlink `link -> ~\/\.ssh`; agent reads `link\/id_rsa`/,
    async () => {
      fx.file('home/.ssh/id_rsa', 'PRIVATE KEY\n');
      symlinkSync(join(fx.home, '.ssh'), join(fx.worktree, 'link'));
      return refused('link/id_rsa');
    },
  ],
  [
    /check passes on `src\/a\.ts`, then a concurrent shell command swaps it for a symlink before open\(\)/,
    async () => {
      const file = fx.file('wt/src/a.ts', 'export {};\n');
      const secret = fx.file('home/.aws/credentials', 'aws_secret_access_key = x\n');
      const request = { worktree: fx.worktree, access: 'read' as const };
      const decision = fx.engine.checkPath('src/a.ts', request);
      if (decision.decision !== 'allow') return false;
      rmSync(file);
      symlinkSync(secret, file);
      const error = await fx.engine.openPath('src/a.ts', request).then(
        async (handle) => {
          await handle.close();
          return undefined;
        },
        (e: unknown) => e,
      );
      // Also the open of the decision taken before the swap: the handle must not reach the secret.
      const late = await fx.engine.openChecked(decision, request).then(
        async (handle) => {
          await handle.close();
          return undefined;
        },
        (e: unknown) => e,
      );
      return error instanceof PathRefusedError && late instanceof PathRefusedError;
    },
  ],
  [
    /writes new file `out\/new\.txt` where `out -> \/tmp\/elsewhere`/,
    async () => {
      mkdirSync(join(fx.base, 'elsewhere'));
      symlinkSync(join(fx.base, 'elsewhere'), join(fx.worktree, 'out'));
      return fx.engine.checkPath('out/new.txt', { worktree: fx.worktree, access: 'write' }).decision !== 'allow';
    },
  ],
];

/** Each SCENARIO row of the allow corpus; true when the paths stay allowed. */
const ALLOW_SCENARIOS: [RegExp, () => Promise<boolean>][] = [
  [
    /worktree root is `\/tmp\/wt` and macOS resolves it to `\/private\/tmp\/wt`/,
    async () => {
      fx.file('private/tmp/wt/src/app.ts');
      symlinkSync(join(fx.base, 'private', 'tmp'), join(fx.base, 'tmp'));
      const worktree = join(fx.base, 'tmp', 'wt');
      const paths = [
        'src/app.ts',
        join(worktree, 'src', 'app.ts'),
        join(fx.base, 'private', 'tmp', 'wt', 'src', 'app.ts'),
        'src/new.ts',
      ];
      return paths.every((path) => fx.engine.checkPath(path, { worktree, access: 'read' }).decision === 'allow');
    },
  ],
  [
    /symlink inside worktree `lib -> \.\/packages\/lib`/,
    async () => {
      fx.file('wt/packages/lib/index.ts');
      symlinkSync('./packages/lib', join(fx.worktree, 'lib'));
      return fx.engine.checkPath('lib/index.ts', { worktree: fx.worktree, access: 'read' }).decision === 'allow';
    },
  ],
];

async function scenario(table: [RegExp, () => Promise<boolean>][], input: string): Promise<boolean> {
  const builder = table.find(([pattern]) => pattern.test(input));
  if (builder === undefined) throw new Error(`no builder for the corpus scenario “${input}”: add one to this test`);
  return builder[1]();
}

// Where ../shared is there to compare with, the repository's copy must be the same files.
test.skipIf(!existsSync(SHARED_CORPUS))(
  'the corpus copy in tests/fixtures matches ../shared/corpus (skipped where ../shared is absent)',
  () => {
    const names = readdirSync(SHARED_CORPUS).sort();
    expect(readdirSync(CORPUS_COPY).sort()).toEqual(names);
    for (const name of names) {
      expect(
        readFileSync(join(CORPUS_COPY, name), 'utf8'),
        `${name} differs: copy ../shared/corpus into tests/fixtures/corpus`,
      ).toBe(readFileSync(join(SHARED_CORPUS, name), 'utf8'));
    }
  },
);

describe('the policy against ../shared/corpus', () => {
  test('every destructive command asks or is denied (100 %)', () => {
    const cases = corpus('commands-destructive.json');
    const allowed = cases.filter((c) => fx.engine.checkCommand(c.input, { worktree: fx.worktree }).decision === 'allow');
    reportRate('commands-destructive.json, held or denied', cases.length - allowed.length, cases.length);
    expect(allowed.map((c) => c.input)).toEqual([]);
  });

  test('safe commands run without asking (at least 95 %)', () => {
    const cases = corpus('commands-safe.json');
    const held = cases
      .map((c) => ({ input: c.input, ...fx.engine.checkCommand(c.input, { worktree: fx.worktree }) }))
      .filter((d) => d.decision !== 'allow');
    const rate = reportRate('commands-safe.json, allowed', cases.length - held.length, cases.length);
    for (const d of held) process.stdout.write(`  still held: ${d.input} (${d.reasons.join('; ')})\n`);
    expect(rate).toBeGreaterThanOrEqual(0.95);
  });

  test('every deny path is refused (100 %), scenarios built as real files and symlinks', async () => {
    const cases = corpus('paths-deny.json');
    const missed: string[] = [];
    for (const c of cases) {
      let ok: boolean;
      if (c.input.startsWith('SCENARIO:')) ok = await scenario(DENY_SCENARIOS, c.input);
      else if (c.input.includes('<main-repo>')) {
        // Another thread's git metadata, in a main checkout beside this worktree.
        const main = join(fx.base, 'main-repo');
        const path = c.input.replace('<main-repo>', main).replace('<other-id>', 'other-thread');
        fx.file(path.slice(fx.base.length + 1));
        ok = refused(path);
      } else {
        // Where the name is a possible file name, make it real, so the check meets the file.
        if (!c.input.startsWith('~') && !c.input.startsWith('/') && !/[\0\\%:]/.test(c.input) && !c.input.endsWith('/'))
          fx.file(`wt/${c.input}`);
        ok = refused(pathOf(c.input));
      }
      if (!ok) missed.push(c.input);
    }
    reportRate('paths-deny.json, refused', cases.length - missed.length, cases.length);
    expect(missed).toEqual([]);
  });

  test('allowed paths stay allowed (at least 95 %)', async () => {
    const cases = corpus('paths-allow.json');
    const held: string[] = [];
    for (const c of cases) {
      let ok: boolean;
      const viaCommand = /^(.+) \(read via `(.+)`\)$/.exec(c.input);
      if (c.input.startsWith('SCENARIO:')) ok = await scenario(ALLOW_SCENARIOS, c.input);
      else if (viaCommand !== null) {
        // Reading git's files through git is allowed; the file tools keep out of .git.
        const command = viaCommand[2] as string;
        ok = fx.engine.checkCommand(command, { worktree: fx.worktree }).decision === 'allow';
      } else {
        fx.file(`wt/${c.input}`);
        ok = fx.engine.checkPath(c.input, { worktree: fx.worktree, access: 'read' }).decision === 'allow';
      }
      if (!ok) held.push(c.input);
    }
    const rate = reportRate('paths-allow.json, allowed', cases.length - held.length, cases.length);
    for (const input of held) process.stdout.write(`  still held: ${input}\n`);
    expect(rate).toBeGreaterThanOrEqual(0.95);
  });
});
