import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { openBrowser } from '../helpers/browser.ts';
import { makeRepo } from '../helpers/git-repo.ts';
import { startServe } from '../helpers/host-process.ts';
import { tempDir } from '../helpers/temp-dir.ts';

/** Waits until the locator shows; fails with Playwright's own message naming what it looked for. */
const shown = (locator: Locator) => locator.waitFor({ state: 'visible', timeout: 10_000 });

describe('the board in Chromium, against grove serve', () => {
  test('add a repository, see it on the board, reload and still see it, remove it without touching its files', async () => {
    await using dir = await tempDir();
    const repo = makeRepo(join(dir.path, 'payments-api'));
    await using host = await startServe(join(dir.path, 'data'));
    await using browser = await openBrowser();
    const { page } = browser;

    await page.goto(host.url);
    await shown(page.getByRole('heading', { name: 'Add a git repository to start' }));
    expect(page.url()).toBe(`${host.origin}/`); // the token left the address bar

    await page.getByRole('button', { name: 'Add project', exact: true }).click();
    await page.getByLabel('Repository path').fill(repo);
    await page.getByRole('button', { name: 'Add', exact: true }).click();

    await shown(page.getByRole('button', { name: 'payments-api', exact: true }));
    await shown(page.getByRole('heading', { name: 'payments-api', level: 1 }));
    for (const column of ['Queued', 'Running', 'Waiting for you', 'Review', 'Stopped', 'Done']) {
      await shown(page.getByRole('heading', { name: column, exact: true }));
    }

    await page.reload();
    const card = page.getByRole('button', { name: 'payments-api', exact: true });
    await shown(card);
    expect(await card.getAttribute('aria-current')).toBe('true');

    await page.getByRole('button', { name: 'Remove payments-api', exact: true }).click();
    await page.getByRole('button', { name: 'Remove', exact: true }).click();
    await shown(page.getByRole('heading', { name: 'Add a git repository to start' }));
    expect(readFileSync(join(repo, 'file-0.txt'), 'utf8')).toBe('content 0\n');
  });

  test('a folder that is not a git repository shows the host’s message in the dialog and adds nothing', async () => {
    await using dir = await tempDir();
    const notes = join(dir.path, 'notes');
    mkdirSync(notes);
    await using host = await startServe(join(dir.path, 'data'));
    await using browser = await openBrowser({ colorScheme: 'dark' });
    const { page } = browser;

    await page.goto(host.url);
    await page.getByRole('button', { name: 'Add project', exact: true }).click();
    await page.getByLabel('Repository path').fill(notes);
    await page.keyboard.press('Enter');

    const alert = page.getByRole('alert');
    await shown(alert);
    expect((await alert.textContent())?.trim()).toBe(
      `${notes} is not inside a git repository. Choose a repository's folder, or run git init there and make a first commit.`,
    );
    expect(await page.getByLabel('Repository path').inputValue()).toBe(notes);
    await page.keyboard.press('Escape');
    await page.getByLabel('Repository path').waitFor({ state: 'hidden', timeout: 10_000 });
    await shown(page.getByRole('heading', { name: 'Add a git repository to start' }));
  });

  test('the same page without the token gets the host’s refusal, not the app', async () => {
    await using data = await tempDir();
    await using host = await startServe(data.path);
    await using browser = await openBrowser();
    const response = await browser.page.goto(`${host.origin}/`);
    expect(response?.status()).toBe(401);
    expect(await browser.page.locator('body').textContent()).toContain('Open the full URL that `grove serve` printed');
  });
});
