import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { openBrowser } from '../helpers/browser.ts';
import { git } from '../helpers/git-repo.ts';
import { servedProject } from '../helpers/served-project.ts';
import { waitFor } from '../helpers/wait-for.ts';

/** Waits until the locator shows; fails with Playwright's own message naming what it looked for. */
const shown = (locator: Locator) => locator.waitFor({ state: 'visible', timeout: 10_000 });

describe('adopting a worktree made outside Grove, in Chromium', () => {
  test('the board offers it, the keyboard adopts it, and its card arrives with focus on it; the worktree is untouched', async () => {
    await using served = await servedProject();
    const { repo, dir, host, client } = served;
    const path = join(dir, 'checkout wörk');
    git(repo, 'worktree', 'add', '-q', '-b', 'feature/checkout', path);
    writeFileSync(join(path, 'wip.txt'), 'half done\n');
    await using browser = await openBrowser();
    const { page } = browser;

    await page.goto(host.url);
    await shown(page.getByRole('heading', { name: 'payments-api', level: 1 }));
    const offer = page.getByRole('button', { name: '1 worktree made outside Grove — Adopt', exact: true });
    await shown(offer);
    await offer.focus();
    await page.keyboard.press('Enter');

    const dialog = page.getByRole('dialog', { name: 'Worktrees made outside Grove', exact: true });
    const row = dialog.getByRole('listitem');
    await shown(row.getByText('feature/checkout', { exact: true }));
    await shown(row.getByText(path, { exact: true }));
    // Focus starts on the first Adopt button: Enter adopts.
    await page.keyboard.press('Enter');

    await dialog.waitFor({ state: 'hidden', timeout: 10_000 });
    const card = page
      .getByRole('region', { name: 'Queued', exact: true })
      .getByRole('article', { name: 'feature/checkout', exact: true });
    await shown(card);
    await offer.waitFor({ state: 'detached', timeout: 10_000 });
    await waitFor('focus on the new card', () =>
      page.evaluate(() => {
        let active = document.activeElement;
        while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
        return active?.getAttribute('aria-label') === 'feature/checkout';
      }),
    );

    const { state } = await client.initialize();
    expect(state.threads).toMatchObject([{ title: 'feature/checkout', branch: 'feature/checkout', worktreePath: path }]);
    expect(readFileSync(join(path, 'wip.txt'), 'utf8')).toBe('half done\n');
    expect(git(path, 'status', '--porcelain')).toBe('?? wip.txt\n');
  });

  test('a detached HEAD says so, and a worktree locked after it was listed shows the host’s words on its row', async () => {
    await using served = await servedProject();
    const { repo, dir, host } = served;
    const spike = join(dir, 'spike');
    git(repo, 'worktree', 'add', '-q', '--detach', spike);
    const usb = join(dir, 'usb');
    git(repo, 'worktree', 'add', '-q', '-b', 'on-usb', usb);
    const head = git(repo, 'rev-parse', '--short=7', 'HEAD').trim();
    await using browser = await openBrowser({ colorScheme: 'dark' });
    const { page } = browser;

    await page.goto(host.url);
    await page.getByRole('button', { name: '2 worktrees made outside Grove — Adopt', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Worktrees made outside Grove', exact: true });
    await shown(dialog.getByText(`detached HEAD at ${head}`, { exact: true }));
    await shown(dialog.getByText('No branch: the thread keeps this commit, and Grove makes no branch for it.', { exact: true }));

    git(repo, 'worktree', 'lock', '--reason', 'on a USB disk', usb);
    await dialog.getByRole('button', { name: 'Adopt on-usb', exact: true }).click();
    const alert = dialog.getByRole('alert');
    await shown(alert);
    expect((await alert.textContent())?.trim()).toBe(
      `The worktree ${usb} is locked (“on a USB disk”), so Grove could not archive it later. Unlock it with git worktree unlock, then adopt it.`,
    );

    await dialog.getByRole('button', { name: `Adopt detached HEAD at ${head}`, exact: true }).click();
    const card = page.getByRole('region', { name: 'Queued', exact: true }).getByRole('article', { name: 'spike', exact: true });
    await shown(card);
    await shown(card.getByText(`detached HEAD at ${head}`, { exact: true }));
    // The locked one is not adoptable, so once the list is asked for again it is not offered.
    await shown(dialog.getByRole('status').getByText('No worktree of payments-api is left to adopt.', { exact: true }));
  });
});
