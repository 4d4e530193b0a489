import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import type { ActionOutcome } from '../../extensions/agent-host/src/approvals/tool-executor.ts';
import type { Approval, ThreadId } from '../../extensions/agent-host/src/protocol/index.ts';
import { openBrowser } from '../helpers/browser.ts';
import { git, makeRepo } from '../helpers/git-repo.ts';
import { type InProcessHost, startInProcessHost } from '../helpers/in-process-host.ts';
import { RpcClient } from '../helpers/rpc-client.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { waitFor } from '../helpers/wait-for.ts';

/** Waits until the locator shows; fails with Playwright's own message naming what it looked for. */
const shown = (locator: Locator) => locator.waitFor({ state: 'visible', timeout: 10_000 });
const gone = (locator: Locator) => locator.waitFor({ state: 'detached', timeout: 10_000 });

/** A real repository, the real host in this process, and one thread whose worktree is ready. */
async function threadOnHost(title: string) {
  const dir = await tempDir();
  const repo = makeRepo(join(dir.path, 'payments-api'));
  const served = await startInProcessHost(join(dir.path, 'data'));
  const client = await RpcClient.connect(served.rpcUrl);
  await client.initialize();
  const { project } = await client.request('project/add', { path: repo });
  const { thread } = await client.request('thread/create', { projectId: project.id, title });
  const ready = await waitFor('the thread’s worktree', () =>
    served.host.snapshot().threads.find((t) => t.id === thread.id && t.status === 'queued'),
  );
  return {
    served,
    client,
    repo,
    threadId: thread.id as ThreadId,
    worktree: ready.worktreePath,
    async [Symbol.asyncDispose]() {
      await client[Symbol.asyncDispose]();
      await served[Symbol.asyncDispose]();
      await dir[Symbol.asyncDispose]();
    },
  };
}

/** The pending requests the host holds right now. */
function pending(served: InProcessHost): Approval[] {
  return served.host.snapshot().approvals.filter((a) => a.status === 'pending');
}

/** Waits until the host holds `count` pending requests (the agent's call has reached the inbox). */
function held(served: InProcessHost, count = 1): Promise<Approval[]> {
  return waitFor(`${count} held request(s)`, () => {
    const now = pending(served);
    return now.length === count ? now : undefined;
  });
}

/** The element with keyboard focus, through shadow roots. */
function focusedLabel(page: Page): Promise<string | null> {
  return page.evaluate(() => {
    let active = document.activeElement;
    while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
    return active?.getAttribute('aria-label') ?? active?.textContent ?? null;
  });
}

/** The command shown in the request that has keyboard focus. */
function focusedCommand(page: Page): Promise<string | null> {
  return page.evaluate(() => {
    let active = document.activeElement;
    while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
    return active?.closest('article')?.querySelector('pre')?.textContent ?? null;
  });
}

/**
 * Records OS notifications instead of showing them (headless Chromium has no desktop), and
 * makes the page believe its window is in the background, as when the person is elsewhere.
 */
const BACKGROUND_PAGE = () => {
  const record = { asked: 0, shown: [] as { title: string; body: string | undefined }[] };
  (window as unknown as { notifications: typeof record }).notifications = record;
  let permission: NotificationPermission = 'default';
  class RecordedNotification {
    onclick: (() => void) | null = null;
    static get permission() {
      return permission;
    }
    static async requestPermission() {
      record.asked++;
      permission = 'granted';
      return permission;
    }
    constructor(title: string, options?: NotificationOptions) {
      record.shown.push({ title, body: options?.body });
    }
    close() {}
  }
  Object.defineProperty(window, 'Notification', { value: RecordedNotification });
  Document.prototype.hasFocus = () => false;
};

describe('the approval inbox in Chromium, against the real host', () => {
  test('a held rm -rf build: notified, badged, counted in the title, shown whole with its reasons; A runs it once', async () => {
    await using setup = await threadOnHost('Clean the build');
    const { served, threadId, worktree } = setup;
    mkdirSync(join(worktree, 'build'));
    writeFileSync(join(worktree, 'build', 'out.js'), 'compiled\n');
    await using browser = await openBrowser();
    const { page } = browser;
    await page.addInitScript(BACKGROUND_PAGE);

    await page.goto(served.url);
    const card = page.getByRole('article', { name: 'Clean the build', exact: true });
    await shown(card);
    expect(await page.title()).toBe('Grove');
    const notifications = () =>
      page.evaluate(() => (window as unknown as { notifications: { asked: number; shown: unknown[] } }).notifications);
    expect(await notifications()).toEqual({ asked: 0, shown: [] }); // never asked on load

    // Opening the inbox is a person's action: the browser is asked once, then.
    await page.keyboard.press('i');
    await shown(page.getByRole('heading', { name: 'Inbox', level: 1 }));
    await shown(page.getByText('Nothing is waiting for you.', { exact: false }));
    expect((await notifications()).asked).toBe(1);
    await page.keyboard.press('Escape');
    await shown(card);

    const outcome = served.host.tools.runCommand({ threadId, command: 'rm -rf build' });
    const [request] = await held(served);
    expect(request?.reasons.length).toBeGreaterThan(0);

    const waiting = page.getByRole('region', { name: 'Waiting for you', exact: true });
    await shown(waiting.getByRole('article', { name: 'Clean the build' }).getByText('1 to approve', { exact: true }));
    await waitFor('the count in the title', async () => (await page.title()) === '(1) Grove');
    await shown(page.getByRole('button', { name: 'Inbox, 1 waiting', exact: true }));
    await waitFor('the OS notification', async () => (await notifications()).shown.length === 1);
    expect((await notifications()).shown).toEqual([{ title: 'Grove: approval needed', body: 'Clean the build: rm -rf build' }]);
    expect(await page.getByRole('status').filter({ hasText: 'Approval needed.' }).textContent()).toBe(
      'Approval needed. Clean the build: rm -rf build',
    );

    await page.getByRole('button', { name: 'Inbox, 1 waiting', exact: true }).click();
    const item = page.getByRole('article', { name: 'Command from Clean the build', exact: true });
    await shown(item);
    expect(await item.getByLabel('Command', { exact: true }).textContent()).toBe('rm -rf build');
    await shown(item.getByText(worktree, { exact: true }));
    const reasons = await item.getByRole('list', { name: 'Why it waits' }).getByRole('listitem').allTextContents();
    expect(reasons).toEqual(request?.reasons);
    await waitFor('focus on the request', async () => (await focusedLabel(page)) === 'Command from Clean the build');

    await page.keyboard.press('a');
    const result = await outcome;
    expect(result).toMatchObject({ status: 'ran', approvalId: request?.id, result: { exitCode: 0 } });
    expect(existsSync(join(worktree, 'build'))).toBe(false);

    const settled = page.getByRole('article', { name: 'Done: command from Clean the build', exact: true });
    await shown(settled);
    await shown(settled.getByText('Done · exit 0', { exact: true }));
    await gone(item);
    await waitFor('the title without a count', async () => (await page.title()) === 'Grove');
    await shown(page.getByRole('button', { name: 'Inbox, 0 waiting', exact: true }));
    // It ran once: nothing was held again, and the request is settled for good.
    expect(served.host.snapshot().approvals.map((a) => a.status)).toEqual(['done']);
  });

  test('a commit shows its message, staged files and diff; D with a message denies it and the agent gets the message', async () => {
    await using setup = await threadOnHost('Write the changelog');
    const { served, threadId, worktree } = setup;
    writeFileSync(join(worktree, 'CHANGELOG.md'), '# Changes\n\n- Faster checkout\n');
    git(worktree, 'add', 'CHANGELOG.md');
    const head = git(worktree, 'rev-parse', 'HEAD');
    await using browser = await openBrowser({ colorScheme: 'dark' });
    const { page } = browser;

    const outcome = served.host.tools.commit({ threadId, message: 'Add the changelog' });
    await held(served);
    await page.goto(served.url);
    await shown(page.getByRole('article', { name: 'Write the changelog', exact: true }).getByText('1 to approve'));
    await page.keyboard.press('i');

    const item = page.getByRole('article', { name: 'Commit from Write the changelog', exact: true });
    await shown(item);
    await shown(item.getByText('Add the changelog', { exact: true }));
    expect(await item.getByRole('list', { name: 'Staged files' }).getByRole('listitem').allTextContents()).toEqual([
      'ACHANGELOG.md',
    ]);
    const diff = item.getByLabel('Staged diff', { exact: true });
    await shown(diff.getByText('+- Faster checkout', { exact: true }));
    expect(await diff.getByText('+- Faster checkout', { exact: true }).getAttribute('class')).toBe('add');
    await waitFor('focus on the request', async () => (await focusedLabel(page)) === 'Commit from Write the changelog');

    await page.keyboard.press('d');
    const message = item.getByLabel('Message to the agent (optional)');
    await shown(message);
    await message.fill('Squash it into the release commit instead.');
    await page.keyboard.press('Enter');

    expect(await outcome).toMatchObject({ status: 'denied', message: 'Squash it into the release commit instead.' });
    const settled = page.getByRole('article', { name: 'Denied: commit from Write the changelog', exact: true });
    await shown(settled.getByText('Told the agent: “Squash it into the release commit instead.”', { exact: true }));
    expect(git(worktree, 'rev-parse', 'HEAD')).toBe(head);
    expect(git(worktree, 'status', '--porcelain')).toBe('A  CHANGELOG.md\n');
  });

  test('E edits the command: one the policy denies is refused in the host’s words and stays pending; a fixed one runs', async () => {
    await using setup = await threadOnHost('Tidy up');
    const { served, threadId, worktree } = setup;
    mkdirSync(join(worktree, 'build'));
    writeFileSync(join(worktree, 'keep.txt'), 'keep\n');
    await using browser = await openBrowser();
    const { page } = browser;

    const outcome = served.host.tools.runCommand({ threadId, command: 'rm -rf build' });
    const [request] = await held(served);
    await page.goto(served.url);
    await shown(page.getByRole('button', { name: 'Inbox, 1 waiting', exact: true }));
    await page.keyboard.press('i');
    const item = page.getByRole('article', { name: 'Command from Tidy up', exact: true });
    await shown(item);
    await waitFor('focus on the request', async () => (await focusedLabel(page)) === 'Command from Tidy up');

    await page.keyboard.press('e');
    const field = item.getByLabel('Edited command', { exact: true });
    await shown(field);
    expect(await field.inputValue()).toBe('rm -rf build');
    await field.fill('cat .env');
    await page.keyboard.press('Enter');

    const alert = item.getByRole('alert');
    await shown(alert);
    expect(await alert.textContent()).toMatch(/^Grove will not run the edited command: Grove’s policy refuses this: .*\.env/);
    expect(pending(served).map((a) => a.id)).toEqual([request?.id]);
    await shown(item);

    await field.fill('rm -rf build/cache');
    await item.getByRole('button', { name: 'Approve edited', exact: true }).click();
    expect(await outcome).toMatchObject({ status: 'ran', result: { exitCode: 0 } });
    const settled = page.getByRole('article', { name: 'Done: command from Tidy up', exact: true });
    await shown(settled.getByText('Edited before approval; the agent asked for rm -rf build', { exact: true }));
    expect(await settled.getByLabel('Command', { exact: true }).textContent()).toBe('rm -rf build/cache');
    expect(existsSync(join(worktree, 'build'))).toBe(true);
  });

  test('two identical requests are approved together with one button; both agents get their run', async () => {
    await using setup = await threadOnHost('Rebuild twice');
    const { served, threadId, worktree } = setup;
    mkdirSync(join(worktree, 'build'));
    await using browser = await openBrowser();
    const { page } = browser;

    const first = served.host.tools.runCommand({ threadId, command: 'rm -rf build' });
    await held(served, 1);
    const second = served.host.tools.runCommand({ threadId, command: 'rm -rf build' });
    const requests = await held(served, 2);
    await page.goto(served.url);
    await shown(page.getByRole('article', { name: 'Rebuild twice', exact: true }).getByText('2 to approve'));
    await page.getByRole('button', { name: 'Inbox, 2 waiting', exact: true }).click();

    const items = page.getByRole('article', { name: 'Command from Rebuild twice', exact: true });
    await waitFor('two requests in the inbox', async () => (await items.count()) === 2);
    await items.first().getByRole('button', { name: 'Approve all 2 identical', exact: true }).click();

    const outcomes: ActionOutcome[] = await Promise.all([first, second]);
    expect(outcomes.map((o) => o.status)).toEqual(['ran', 'ran']);
    expect(outcomes.map((o) => o.approvalId).sort()).toEqual(requests.map((r) => r.id).sort());
    await gone(items.first());
    await waitFor(
      'both settled on screen',
      async () => (await page.getByRole('article', { name: 'Done: command from Rebuild twice', exact: true }).count()) === 2,
    );
    await shown(page.getByText('Nothing is waiting for you.', { exact: false }));
  });

  test('“Always allow make build” adds a rule: the next one runs without asking; a rule for rm is refused; Revoke asks again', async () => {
    await using setup = await threadOnHost('Build it');
    const { served, client, threadId, worktree } = setup;
    writeFileSync(join(worktree, 'Makefile'), 'build:\n\techo built > built.txt\n');
    await using browser = await openBrowser();
    const { page } = browser;
    await page.goto(served.url);
    await shown(page.getByRole('article', { name: 'Build it', exact: true }));
    await page.keyboard.press('i');
    await shown(page.getByText('No rules yet.', { exact: false }));

    // A rule for something destructive: the host refuses it, in its words, and nothing is approved.
    const removal = served.host.tools.runCommand({ threadId, command: 'rm -rf build' });
    const rm = page.getByRole('article', { name: 'Command from Build it', exact: true });
    await shown(rm);
    await rm.getByRole('checkbox').check();
    await shown(rm.getByText('Always allow rm in payments-api', { exact: true }));
    await rm.getByRole('button', { name: 'Approve', exact: true }).click();
    const refusal = rm.getByRole('alert');
    await shown(refusal);
    expect(await refusal.textContent()).toMatch(/^No rule can allow this: “rm” can delete/);
    expect(pending(served)).toHaveLength(1);
    await rm.getByRole('checkbox').uncheck();
    await rm.getByRole('button', { name: 'Approve', exact: true }).click();
    expect(await removal).toMatchObject({ status: 'ran' });

    const build = served.host.tools.runCommand({ threadId, command: 'make build' });
    const item = page.getByRole('article', { name: 'Command from Build it', exact: true });
    await shown(item);
    await item.getByRole('checkbox').check();
    await shown(item.getByText('Always allow make build in payments-api', { exact: true }));
    expect(await item.getByLabel('Commands starting with these words').inputValue()).toBe('make build');
    await item.getByRole('button', { name: 'Approve', exact: true }).click();
    expect(await build).toMatchObject({ status: 'ran', result: { exitCode: 0 } });

    const rules = page.getByRole('list', { name: /^Rules/ });
    await shown(rules.getByText('make build', { exact: true }));
    const [rule] = (await client.initialize()).state.rules;
    expect(rule?.prefix).toEqual(['make', 'build']);
    // Allowed by the rule: it runs at once, never reaching the inbox.
    expect(await served.host.tools.runCommand({ threadId, command: 'make build' })).toMatchObject({
      status: 'ran',
      approvalId: null,
    });

    await rules.getByRole('button', { name: 'Revoke make build in payments-api', exact: true }).click();
    await shown(page.getByText('No rules yet.', { exact: false }));
    expect((await client.initialize()).state.rules).toEqual([]);
    const again = served.host.tools.runCommand({ threadId, command: 'make build' });
    await held(served);
    await shown(page.getByRole('article', { name: 'Command from Build it', exact: true }));
    await page.keyboard.press('Escape');
    await page.keyboard.press('i');
    await waitFor('focus on the request', async () => (await focusedLabel(page)) === 'Command from Build it');
    await page.keyboard.press('d');
    await page.keyboard.press('Enter');
    expect(await again).toMatchObject({ status: 'denied' });
  });

  test('J and K move between requests; a thread’s title opens its view with its requests on top, answered there', async () => {
    await using setup = await threadOnHost('Ship the docs');
    const { served, threadId, worktree } = setup;
    await using browser = await openBrowser();
    const { page } = browser;

    const first = served.host.tools.runCommand({ threadId, command: 'mkdir -p dist' });
    await held(served, 1);
    const second = served.host.tools.runCommand({ threadId, command: 'touch notes.txt' });
    await held(served, 2);
    await page.goto(served.url);
    await shown(page.getByRole('button', { name: 'Inbox, 2 waiting', exact: true }));
    await page.keyboard.press('i');
    await waitFor('focus on the oldest request', async () => (await focusedCommand(page)) === 'mkdir -p dist');
    await page.keyboard.press('j');
    await waitFor('focus on the next request', async () => (await focusedCommand(page)) === 'touch notes.txt');
    await page.keyboard.press('k');
    await waitFor('focus back on the first', async () => (await focusedCommand(page)) === 'mkdir -p dist');

    const inboxItem = page.getByRole('article', { name: 'Command from Ship the docs', exact: true }).first();
    await inboxItem.getByRole('button', { name: 'Ship the docs', exact: true }).click();
    const view = page.getByRole('region', { name: 'Ship the docs', exact: true });
    const requests = view.getByRole('group', { name: 'Waiting for you', exact: true }).getByRole('article');
    await waitFor('both requests on top of the thread view', async () => (await requests.count()) === 2);
    await page.getByRole('heading', { name: 'Inbox', level: 1 }).waitFor({ state: 'detached', timeout: 10_000 });
    await waitFor('focus on the thread’s first request', async () => (await focusedCommand(page)) === 'mkdir -p dist');

    await page.keyboard.press('a');
    expect(await first).toMatchObject({ status: 'ran', result: { exitCode: 0 } });
    expect(existsSync(join(worktree, 'dist'))).toBe(true);
    await waitFor('focus on the request left', async () => (await focusedCommand(page)) === 'touch notes.txt');
    await page.keyboard.press('d');
    await page.keyboard.press('Enter');
    expect(await second).toMatchObject({ status: 'denied' });
    await gone(view.getByRole('group', { name: 'Waiting for you', exact: true }));
    expect(existsSync(join(worktree, 'notes.txt'))).toBe(false);
  });

  test('a command Grove was running when it stopped comes back interrupted, explained, and is not run again', async () => {
    await using dir = await tempDir();
    const repo = makeRepo(join(dir.path, 'payments-api'));
    const data = join(dir.path, 'data');
    let thread: { id: ThreadId; projectId: Approval['projectId']; worktreePath: string } | undefined;
    {
      await using first = await startInProcessHost(data);
      await using client = await RpcClient.connect(first.rpcUrl);
      await client.initialize();
      const { project } = await client.request('project/add', { path: repo });
      const created = await client.request('thread/create', { projectId: project.id, title: 'Migrate the schema' });
      thread = await waitFor('the thread’s worktree', () =>
        first.host.snapshot().threads.find((t) => t.id === created.thread.id && t.status === 'queued'),
      );
    }
    // What a host killed mid-run leaves behind: the request recorded as running (it is marked so before the command starts).
    const at = Date.now() - 60_000;
    const record: Approval = {
      id: 'a_0123456789abcdef' as Approval['id'],
      threadId: thread.id,
      projectId: thread.projectId,
      kind: 'command',
      command: 'mkdir ran-again',
      cwd: thread.worktreePath,
      commit: null,
      reasons: ['`mkdir ran-again`: creates folders'],
      status: 'running',
      decision: { verdict: 'approve', message: null, editedCommand: null, rule: null, at },
      result: null,
      createdAt: at,
      updatedAt: at,
    };
    writeFileSync(join(data, 'approvals', `${record.id}.json`), JSON.stringify(record));

    await using served = await startInProcessHost(data);
    await using browser = await openBrowser();
    const { page } = browser;
    await page.goto(served.url);
    await shown(page.getByRole('button', { name: 'Inbox, 0 waiting', exact: true }));
    await page.keyboard.press('i');
    const item = page.getByRole('article', { name: 'Interrupted: command from Migrate the schema', exact: true });
    await shown(item.getByText('Grove stopped before this finished; it will not run again by itself.', { exact: true }));
    expect(served.host.snapshot().approvals.map((a) => a.status)).toEqual(['interrupted']);
    expect(await page.title()).toBe('Grove');
    expect(existsSync(join(thread.worktreePath, 'ran-again'))).toBe(false);
  });
});
