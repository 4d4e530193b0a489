import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { openBrowser } from '../helpers/browser.ts';
import { makeRepo, makeRepoWithSettings } from '../helpers/git-repo.ts';
import { startServe } from '../helpers/host-process.ts';
import { RpcClient } from '../helpers/rpc-client.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { waitFor } from '../helpers/wait-for.ts';

/** Waits until the locator shows; fails with Playwright's own message naming what it looked for. */
const shown = (locator: Locator) => locator.waitFor({ state: 'visible', timeout: 10_000 });
const gone = (locator: Locator) => locator.waitFor({ state: 'detached', timeout: 10_000 });

describe('threads on the board in Chromium, against grove serve', () => {
  test('create a thread, archive it with an untracked file, see the worktree go, restore it byte for byte', async () => {
    await using dir = await tempDir();
    const repo = makeRepo(join(dir.path, 'payments-api'));
    await using host = await startServe(join(dir.path, 'data'));
    await using client = await RpcClient.connect(host.rpcUrl);
    await client.initialize();
    await client.request('project/add', { path: repo });
    await using browser = await openBrowser();
    const { page } = browser;

    await page.goto(host.url);
    await shown(page.getByRole('heading', { name: 'payments-api', level: 1 }));
    await page.getByRole('button', { name: 'New thread', exact: true }).click();
    await page.getByLabel('Title', { exact: true }).fill('Fix the login bug');
    expect(await page.getByLabel('Base branch or commit', { exact: true }).inputValue()).toBe('main');
    await page.getByRole('button', { name: 'Create thread', exact: true }).click();

    const queued = page.getByRole('region', { name: 'Queued', exact: true });
    const card = queued.getByRole('article', { name: 'Fix the login bug', exact: true });
    await shown(card);
    await shown(card.getByText('grove/fix-the-login-bug', { exact: true }));
    await page.getByRole('dialog', { name: 'New thread in payments-api' }).waitFor({ state: 'hidden' });

    const { state } = await client.initialize();
    const worktree = state.threads[0]?.worktreePath ?? '';
    expect(existsSync(worktree)).toBe(true);
    writeFileSync(join(worktree, 'a.txt'), 'hello\n');

    await page.getByRole('button', { name: 'Archive Fix the login bug', exact: true }).click();
    const confirm = page.getByRole('dialog', { name: 'Archive Fix the login bug?', exact: true });
    await shown(confirm.getByText('1 untracked file will be saved in a snapshot and come back on restore.', { exact: true }));
    await shown(confirm.getByText('Branch grove/fix-the-login-bug stays.', { exact: true }));
    await confirm.getByRole('button', { name: 'Archive', exact: true }).click();
    await confirm.waitFor({ state: 'hidden', timeout: 10_000 });

    await gone(card);
    expect(existsSync(worktree)).toBe(false);
    await page.getByRole('button', { name: 'Archived (1)', exact: true }).click();
    await page.getByRole('button', { name: 'Restore Fix the login bug', exact: true }).click();

    await shown(card);
    expect(readFileSync(join(worktree, 'a.txt'), 'utf8')).toBe('hello\n');
  });

  test('while its setup runs, the thread view shows the setup’s log and a shell that works', async () => {
    await using dir = await tempDir();
    const gate = join(dir.path, 'gate');
    const repo = makeRepoWithSettings(join(dir.path, 'payments-api'), {
      setup: `echo installing; while [ ! -e "${gate}" ]; do sleep 0.05; done; echo installed`,
    });
    await using host = await startServe(join(dir.path, 'data'));
    await using client = await RpcClient.connect(host.rpcUrl);
    await client.initialize();
    const { project } = await client.request('project/add', { path: repo });
    const { thread } = await client.request('thread/create', { projectId: project.id, title: 'Install first' });
    await using browser = await openBrowser();
    const { page } = browser;

    await page.goto(host.url);
    await page.getByRole('article', { name: 'Install first', exact: true }).click();
    const view = page.getByRole('region', { name: 'Install first', exact: true });
    await shown(view.getByText('Setup running…', { exact: true }));
    await shown(view.getByText('Running setup…', { exact: true }));
    await shown(view.getByText('installing', { exact: true }));
    const rows = view.locator('.xterm-rows');
    await waitFor('the shell’s prompt', async () => (await rows.innerText()).trim() !== '');
    await view.locator('.xterm-screen').click();
    await page.keyboard.type('echo typed > during-setup.txt');
    await page.keyboard.press('Enter');
    await waitFor('the shell to run it', () => existsSync(join(thread.worktreePath, 'during-setup.txt')));

    writeFileSync(gate, '');
    await shown(view.getByText('Setup finished', { exact: false }));
    await shown(page.getByRole('region', { name: 'Queued', exact: true }).getByRole('article', { name: 'Install first' }));
    expect(await rows.innerText()).toContain('echo typed > during-setup.txt');
  });

  test('a base that does not exist shows the host’s message in the dialog, keeps what was typed and adds no card', async () => {
    await using dir = await tempDir();
    const repo = makeRepo(join(dir.path, 'web-client'));
    await using host = await startServe(join(dir.path, 'data'));
    await using client = await RpcClient.connect(host.rpcUrl);
    await client.initialize();
    await client.request('project/add', { path: repo });
    await using browser = await openBrowser({ colorScheme: 'dark' });
    const { page } = browser;

    await page.goto(host.url);
    await shown(page.getByRole('heading', { name: 'web-client', level: 1 }));
    await page.keyboard.press('n');
    await page.getByLabel('Title', { exact: true }).fill('Ship the release notes');
    await page.getByLabel('Base branch or commit', { exact: true }).fill('release/9');
    await page.getByRole('button', { name: 'Create thread', exact: true }).click();

    const alert = page.getByRole('alert');
    await shown(alert);
    expect((await alert.textContent())?.trim()).toBe(
      'There is no branch, tag or commit “release/9” in web-client. Pick an existing base.',
    );
    expect(await page.getByLabel('Title', { exact: true }).inputValue()).toBe('Ship the release notes');
    expect(await page.getByLabel('Base branch or commit', { exact: true }).inputValue()).toBe('release/9');
    expect(await page.getByRole('article').count()).toBe(0);
  });
});
