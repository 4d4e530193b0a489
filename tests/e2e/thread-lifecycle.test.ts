import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { branchOf } from '../helpers/branch-of.ts';
import { openBrowser } from '../helpers/browser.ts';
import { git, makeRepo } from '../helpers/git-repo.ts';
import { startServe } from '../helpers/host-process.ts';
import { RpcClient } from '../helpers/rpc-client.ts';
import { servedProject } from '../helpers/served-project.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { waitFor } from '../helpers/wait-for.ts';

/** Waits until the locator shows; fails with Playwright's own message naming what it looked for. */
const shown = (locator: Locator) => locator.waitFor({ state: 'visible', timeout: 15_000 });

describe('a thread’s whole life in Chromium, as issue 3 describes it', () => {
  test('spawn, type into its terminal, see the card count the change, archive, restore, and find the file', async () => {
    await using dir = await tempDir();
    const repo = makeRepo(join(dir.path, 'payments-api'));
    await using host = await startServe(join(dir.path, 'data'));
    await using browser = await openBrowser();
    const { page } = browser;

    // Spawn it from the board, as a person would.
    await page.goto(host.url);
    await page.getByRole('button', { name: 'Add project', exact: true }).click();
    await page.getByLabel('Repository path').fill(repo);
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByRole('button', { name: 'New thread', exact: true }).click();
    await page.getByLabel('Title', { exact: true }).fill('Say hello');
    await page.getByRole('button', { name: 'Create thread', exact: true }).click();
    const card = page
      .getByRole('region', { name: 'Queued', exact: true })
      .getByRole('article', { name: 'Say hello', exact: true });
    await shown(card);

    // Its terminal: a real shell in its worktree.
    await card.click();
    const view = page.getByRole('region', { name: 'Say hello', exact: true });
    await shown(view);
    await waitFor('the shell’s prompt', async () => (await view.locator('.xterm-rows').innerText()).trim() !== '');
    await view.locator('.xterm-screen').click();
    await page.keyboard.type('echo hello > a.txt');
    await page.keyboard.press('Enter');

    // The card counts the change (the host's git watcher, every 2 s).
    await shown(card.getByText('1 changed', { exact: true }));

    // Archive: the preflight says the file is kept; the worktree goes.
    await card.getByRole('button', { name: 'Archive Say hello', exact: true }).click();
    const confirm = page.getByRole('dialog', { name: 'Archive Say hello?', exact: true });
    await shown(confirm.getByText('1 untracked file will be saved in a snapshot and come back on restore.', { exact: true }));
    await confirm.getByRole('button', { name: 'Archive', exact: true }).click();
    await card.waitFor({ state: 'detached', timeout: 15_000 });
    await using client = await RpcClient.connect(host.rpcUrl);
    const worktree = (await client.initialize()).state.threads[0]?.worktreePath ?? '';
    expect(existsSync(worktree)).toBe(false);

    // Restore: the file is back, byte for byte.
    await page.getByRole('button', { name: 'Archived (1)', exact: true }).click();
    await page.getByRole('button', { name: 'Restore Say hello', exact: true }).click();
    await shown(card);
    expect(readFileSync(join(worktree, 'a.txt'), 'utf8')).toBe('hello\n');
  });

  test('a worktree deleted outside Grove shows as missing on its card, and comes back from there', async () => {
    await using served = await servedProject();
    const { host, client, project } = served;
    const { thread } = await client.request('thread/create', { projectId: project.id, title: 'Fragile' });
    await using browser = await openBrowser({ colorScheme: 'dark' });
    const { page } = browser;
    await page.goto(host.url);
    const card = page.getByRole('article', { name: 'Fragile', exact: true });
    await shown(card);

    rmSync(thread.worktreePath, { recursive: true, force: true });

    await shown(card.getByText('Worktree missing: it was deleted outside Grove.', { exact: true }));
    await card.getByRole('button', { name: 'Restore worktree of Fragile', exact: true }).click();
    await card
      .getByText('Worktree missing: it was deleted outside Grove.', { exact: true })
      .waitFor({ state: 'detached', timeout: 15_000 });
    expect(existsSync(join(thread.worktreePath, 'file-0.txt'))).toBe(true);
  });

  test('delete: a clean thread goes at once; one with work at stake waits for its branch name', async () => {
    await using served = await servedProject();
    const { repo, host, client, project } = served;
    const clean = (await client.request('thread/create', { projectId: project.id, title: 'Clean' })).thread;
    const busy = (await client.request('thread/create', { projectId: project.id, title: 'Busy' })).thread;
    writeFileSync(join(busy.worktreePath, 'draft.txt'), 'idea\n');
    await using browser = await openBrowser();
    const { page } = browser;
    await page.goto(host.url);

    await page.getByRole('article', { name: 'Clean', exact: true }).click();
    await page.getByRole('button', { name: 'Delete Clean', exact: true }).click();
    await page.getByRole('dialog', { name: 'Delete Clean?' }).getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByRole('article', { name: 'Clean', exact: true }).waitFor({ state: 'detached', timeout: 15_000 });
    expect(git(repo, 'branch', '--list', branchOf(clean)).trim()).toBe('');

    await page.getByRole('article', { name: 'Busy', exact: true }).click();
    await page.getByRole('button', { name: 'Delete Busy', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete Busy?' });
    await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
    await shown(
      dialog.getByText(
        'Deleting “Busy” would throw away 1 uncommitted file(s). Type the branch name grove/busy to delete it anyway.',
      ),
    );
    const forGood = dialog.getByRole('button', { name: 'Delete for good', exact: true });
    await dialog.getByLabel('Type the branch name to delete it anyway').fill('grove/bus');
    expect(await forGood.isDisabled()).toBe(true);
    await dialog.getByLabel('Type the branch name to delete it anyway').fill('grove/busy');
    await forGood.click();
    await page.getByRole('article', { name: 'Busy', exact: true }).waitFor({ state: 'detached', timeout: 15_000 });
    expect(existsSync(busy.worktreePath)).toBe(false);
    expect(git(repo, 'branch', '--list', branchOf(busy)).trim()).toBe('');
  });
});
