import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { openBrowser } from '../helpers/browser.ts';
import { servedProject } from '../helpers/served-project.ts';
import { waitFor } from '../helpers/wait-for.ts';

/** Waits until the locator shows; fails with Playwright's own message naming what it looked for. */
const shown = (locator: Locator) => locator.waitFor({ state: 'visible', timeout: 10_000 });

/** The terminal's rendered rows as lines of text, as a person reads them on screen. */
async function screenLines(view: Locator): Promise<string[]> {
  const text = await view.locator('.xterm-rows').innerText();
  return text.split('\n').map((line) => line.replaceAll('\u00a0', ' ').trimEnd());
}

/** Waits until some row of the terminal reads exactly `line`. */
function rowReads(view: Locator, line: string): Promise<true> {
  return waitFor(`a terminal row reading “${line}”`, async () => (await screenLines(view)).includes(line));
}

/** Waits until the screen shows `text`, which may wrap across rows (so spacing is not compared). */
function screenShows(view: Locator, text: string): Promise<true> {
  const squeeze = (s: string) => s.replace(/\s/g, '');
  return waitFor(`the terminal to show “${text}”`, async () =>
    squeeze((await screenLines(view)).join('')).includes(squeeze(text)),
  );
}

/** Clicks the thread's card and waits for its view, with the shell's prompt on screen. */
async function openThreadView(page: Page, title: string): Promise<Locator> {
  await page.getByRole('article', { name: title, exact: true }).click();
  const view = page.getByRole('region', { name: title, exact: true });
  await shown(view);
  await waitFor('the shell’s prompt', async () => (await screenLines(view)).some((line) => line.trim() !== ''));
  return view;
}

async function typeLine(page: Page, text: string): Promise<void> {
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
}

describe('a thread’s terminal in Chromium, against grove serve', () => {
  test('typing runs in the thread’s worktree, output shows on screen, and a reload replays it', async () => {
    await using served = await servedProject();
    const { host, client, project } = served;
    const { thread } = await client.request('thread/create', { projectId: project.id, title: 'Fix the login bug' });
    await using browser = await openBrowser();
    const { page } = browser;

    await page.goto(host.url);
    const view = await openThreadView(page, 'Fix the login bug');
    await shown(view.getByText('grove/fix-the-login-bug', { exact: true }));

    await view.locator('.xterm-screen').click();
    await typeLine(page, 'echo hello > a.txt');
    const file = join(thread.worktreePath, 'a.txt');
    await waitFor('a.txt in the worktree', () => existsSync(file) && readFileSync(file, 'utf8') === 'hello\n');

    await typeLine(page, 'echo $((6*7))');
    await rowReads(view, '42');

    await page.reload();
    const again = await openThreadView(page, 'Fix the login bug');
    await rowReads(again, '42');
  });

  test('a flood never freezes the page: Ctrl-C stops `yes` at once and the prompt answers', async () => {
    await using served = await servedProject();
    const { host, client, project } = served;
    await client.request('thread/create', { projectId: project.id, title: 'Flood' });
    await using browser = await openBrowser();
    const { page } = browser;
    await page.goto(host.url);
    const view = await openThreadView(page, 'Flood');
    await view.locator('.xterm-screen').click();

    await typeLine(page, 'yes flood-line');
    await waitFor('the flood on screen', async () => (await screenLines(view)).filter((l) => l === 'flood-line').length > 10);
    // The flood runs on at full speed; the page keeps up with the screen, not with every byte.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await page.keyboard.press('Control+C');
    await typeLine(page, 'echo after-$((6*7))');
    await rowReads(view, 'after-42');

    // What a reload brings back is the screen as it ended, flood lines above the prompt.
    await page.reload();
    const again = await openThreadView(page, 'Flood');
    await rowReads(again, 'after-42');
    expect((await screenLines(again)).filter((l) => l === 'flood-line').length).toBeGreaterThan(5);
  });

  test('a second shell: start it, switch between the two, see each one’s own output, close one', async () => {
    await using served = await servedProject();
    const { host, client, project } = served;
    await client.request('thread/create', { projectId: project.id, title: 'Two at once' });
    await using browser = await openBrowser();
    const { page } = browser;
    await page.goto(host.url);
    const view = await openThreadView(page, 'Two at once');
    const shells = view.getByRole('group', { name: 'Shells', exact: true });
    await view.locator('.xterm-screen').click();
    await typeLine(page, 'echo first-$((40+1))');
    await rowReads(view, 'first-41');

    await shells.getByRole('button', { name: 'New shell', exact: true }).click();
    await shown(shells.getByRole('button', { name: 'Shell 2', pressed: true }));
    // The new shell has focus: typing goes to it.
    await waitFor('the second shell’s prompt', async () => (await screenLines(view)).some((line) => line.trim() !== ''));
    await typeLine(page, 'echo second-$((40+2))');
    await rowReads(view, 'second-42');
    expect(await screenLines(view)).not.toContain('first-41');

    await shells.getByRole('button', { name: 'Shell 1', exact: true }).click();
    await rowReads(view, 'first-41');
    expect(await screenLines(view)).not.toContain('second-42');

    // Another window sees both, and the one closed here goes from it too.
    const other = await browser.context.newPage();
    await other.goto(host.url);
    const otherView = await openThreadView(other, 'Two at once');
    const otherShells = otherView.getByRole('group', { name: 'Shells', exact: true });
    await shown(otherShells.getByRole('button', { name: 'Shell 2', exact: true }));

    await shells.getByRole('button', { name: 'Close Shell 2', exact: true }).click();
    await shells.getByRole('button', { name: 'Shell 2', exact: true }).waitFor({ state: 'detached' });
    await otherShells.getByRole('button', { name: 'Shell 2', exact: true }).waitFor({ state: 'detached' });
    expect((await client.initialize()).state.terminals.map((t) => t.number)).toEqual([1]);

    // Closing the last one leaves none running, until the person starts one.
    await shells.getByRole('button', { name: 'Close Shell 1', exact: true }).click();
    await view.getByRole('button', { name: 'Start a shell', exact: true }).click();
    await rowReads(view, 'first-41');
  });

  test('after the connection drops, the terminal attaches again and shows what it missed, once', async () => {
    await using served = await servedProject('web-client');
    const { host, client, project } = served;
    const { thread } = await client.request('thread/create', { projectId: project.id, title: 'Tidy the imports' });
    await using browser = await openBrowser();
    const { page } = browser;
    // Keep the page's sockets within reach, so the test can drop the connection as a network would.
    await page.addInitScript(() => {
      const sockets: WebSocket[] = [];
      Object.assign(window, { groveSockets: sockets });
      window.WebSocket = class extends WebSocket {
        constructor(url: string | URL, protocols?: string | string[]) {
          super(url, protocols);
          sockets.push(this);
        }
      };
    });

    await page.goto(host.url);
    const view = await openThreadView(page, 'Tidy the imports');
    await view.locator('.xterm-screen').click();
    await typeLine(page, 'echo one-$((0+1))');
    await rowReads(view, 'one-1');

    await page.evaluate(() => {
      for (const socket of (window as unknown as { groveSockets: WebSocket[] }).groveSockets) socket.close();
    });
    await shown(page.getByRole('status').filter({ hasText: 'Reconnecting to the Grove host…' }));
    // Output the page cannot receive while it is away: another client types into the same shell.
    const { terminalId } = await client.request('terminal/open', { threadId: thread.id, cols: 80, rows: 24 });
    await client.request('terminal/input', { terminalId, data: 'echo two-$((1+1))\r' });

    await rowReads(view, 'two-2');
    await typeLine(page, 'echo three-$((1+2))');
    await rowReads(view, 'three-3');
    const lines = await screenLines(view);
    expect(['one-1', 'two-2', 'three-3'].map((line) => lines.filter((l) => l === line).length)).toEqual([1, 1, 1]);
  });

  test('an exited shell says so and Enter starts a new one; an archived thread offers restore instead of a terminal', async () => {
    await using served = await servedProject('web-client');
    const { host, client, project } = served;
    await client.request('thread/create', { projectId: project.id, title: 'Ship the release notes' });
    await using browser = await openBrowser({ colorScheme: 'dark' });
    const { page } = browser;

    await page.goto(host.url);
    const view = await openThreadView(page, 'Ship the release notes');
    await view.locator('.xterm-screen').click();
    await typeLine(page, 'echo before-$((2+3)); exit 3');
    await screenShows(view, '[process exited with code 3] — press Enter to start a new shell');

    // What is typed while the new shell starts reaches it.
    await page.keyboard.press('Enter');
    await typeLine(page, 'echo after-$((3+4))');
    await rowReads(view, 'after-7');
    expect(await screenLines(view)).toContain('before-5');

    await view.getByRole('button', { name: 'Archive', exact: true }).click();
    const confirm = page.getByRole('dialog', { name: 'Archive Ship the release notes?', exact: true });
    await confirm.getByRole('button', { name: 'Archive', exact: true }).click();
    await shown(view.getByText('Archived — restore to open its terminal', { exact: true }));
    expect(await view.locator('.xterm').count()).toBe(0);

    await view.getByRole('button', { name: 'Restore', exact: true }).click();
    await shown(view.locator('.xterm-rows'));
    await rowReads(view, 'after-7');

    // Escape belongs to the shell; Shift+Escape steps out of the terminal, then Escape closes the view.
    await page.keyboard.press('Shift+Escape');
    await page.keyboard.press('Escape');
    await view.waitFor({ state: 'detached', timeout: 10_000 });
  });
});
