import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { Approval, Thread } from '../../extensions/agent-host/src/protocol/index.ts';
import { git, makeRepo } from '../helpers/git-repo.ts';
import { startInProcessHost } from '../helpers/in-process-host.ts';
import { RpcClient, RpcError } from '../helpers/rpc-client.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { waitFor } from '../helpers/wait-for.ts';

/** A real repository, a real host in this process, a thread, and a client as the UI would be. */
async function setUp(root: string) {
  const repo = makeRepo(join(root, 'repo'));
  const served = await startInProcessHost(join(root, 'data'));
  const client = await RpcClient.connect(served.rpcUrl);
  await client.initialize();
  const { project } = await client.request('project/add', { path: repo });
  const { thread } = await client.request('thread/create', { projectId: project.id, title: 'Tidy up' });
  await waitFor(
    'the thread to be ready',
    () => served.host.snapshot().threads.find((t) => t.id === thread.id)?.status === 'queued',
  );
  return { served, client, repo, project, thread };
}

/** The latest record of every approval the client was told about, by id. */
function approvalsSeen(client: RpcClient): Map<string, Approval> {
  const seen = new Map<string, Approval>();
  for (const n of client.notifications) {
    if (n.method === 'approval/added' || n.method === 'approval/updated') seen.set(n.params.approval.id, n.params.approval);
  }
  return seen;
}

function pendingFor(client: RpcClient, thread: Thread): Promise<Approval> {
  return waitFor('a pending approval', () =>
    [...approvalsSeen(client).values()].find((a) => a.threadId === thread.id && a.status === 'pending'),
  );
}

describe('the approval inbox and the tool executor', () => {
  test('a read-only command runs at once, in the sandbox, and nothing waits in the inbox', async () => {
    await using dir = await tempDir();
    const { served, client, thread } = await setUp(dir.path);
    await using _s = served;
    await using _c = client;
    const outcome = await served.host.tools.runCommand({ threadId: thread.id, command: 'ls' });
    expect(outcome.status).toBe('ran');
    if (outcome.status !== 'ran') return;
    expect(outcome.result.exitCode).toBe(0);
    expect(outcome.result.output).toContain('file-0.txt');
    expect(outcome.result.sandboxed).toBe(true);
    expect(approvalsSeen(client).size).toBe(0);
  });

  test('rm -rf build is held, the thread waits, and approving runs it once in the sandbox', async () => {
    await using dir = await tempDir();
    const { served, client, thread } = await setUp(dir.path);
    await using _s = served;
    await using _c = client;
    mkdirSync(join(thread.worktreePath, 'build'));
    writeFileSync(join(thread.worktreePath, 'build', 'out.js'), 'built\n');

    const running = served.host.tools.runCommand({ threadId: thread.id, command: 'rm -rf build' });
    const held = await pendingFor(client, thread);
    expect(held.command).toBe('rm -rf build');
    expect(held.cwd).toBe(thread.worktreePath);
    expect(held.reasons.join(' ')).not.toBe('');
    await waitFor(
      'the thread to wait',
      () => served.host.snapshot().threads.find((t) => t.id === thread.id)?.status === 'waiting',
    );
    expect(existsSync(join(thread.worktreePath, 'build'))).toBe(true);

    await client.request('approval/resolve', { approvalId: held.id, verdict: 'approve' });
    const outcome = await running;
    expect(outcome).toMatchObject({ status: 'ran', approvalId: held.id, result: { exitCode: 0, sandboxed: true } });
    expect(existsSync(join(thread.worktreePath, 'build'))).toBe(false);
    await waitFor('the request to be done', () => approvalsSeen(client).get(held.id)?.status === 'done');
    expect(served.host.snapshot().threads.find((t) => t.id === thread.id)?.status).toBe('queued');

    // Used once: a second answer is refused.
    await expect(client.request('approval/resolve', { approvalId: held.id, verdict: 'approve' })).rejects.toMatchObject({
      wire: { code: 'approval_resolved' },
    });
  });

  test('a denied commit sends the person’s words back and commits nothing', async () => {
    await using dir = await tempDir();
    const { served, client, thread } = await setUp(dir.path);
    await using _s = served;
    await using _c = client;
    writeFileSync(join(thread.worktreePath, 'notes.txt'), 'draft\n');
    git(thread.worktreePath, 'add', 'notes.txt');
    const head = git(thread.worktreePath, 'rev-parse', 'HEAD').trim();

    const committing = served.host.tools.commit({ threadId: thread.id, message: 'Add notes' });
    const held = await pendingFor(client, thread);
    expect(held.kind).toBe('commit');
    expect(held.commit?.files).toEqual(['A\tnotes.txt']);
    expect(held.commit?.diff).toContain('+draft');
    await client.request('approval/resolve', {
      approvalId: held.id,
      verdict: 'deny',
      message: 'Not yet: squash it with the tests.',
    });
    expect(await committing).toMatchObject({ status: 'denied', message: 'Not yet: squash it with the tests.' });
    expect(git(thread.worktreePath, 'rev-parse', 'HEAD').trim()).toBe(head);
  });

  test('an approved commit is made by Grove and recorded in the audit log', async () => {
    await using dir = await tempDir();
    const { served, client, thread, project } = await setUp(dir.path);
    await using _s = served;
    await using _c = client;
    writeFileSync(join(thread.worktreePath, 'notes.txt'), 'final\n');
    git(thread.worktreePath, 'add', 'notes.txt');
    const committing = served.host.tools.commit({ threadId: thread.id, message: 'Add notes' });
    const held = await pendingFor(client, thread);
    await client.request('approval/resolve', { approvalId: held.id, verdict: 'approve' });
    expect(await committing).toMatchObject({ status: 'ran', result: { exitCode: 0 } });
    expect(git(thread.worktreePath, 'log', '-1', '--format=%s').trim()).toBe('Add notes');

    const lines = readFileSync(join(dir.path, 'data', 'audit', `${project.id}.jsonl`), 'utf8')
      .trim()
      .split('\n');
    const kinds = lines.map((line) => JSON.parse(line).entry.kind);
    expect(kinds).toEqual(['tool_call', 'decision', 'approval', 'git_mutation']);
  });

  test('a commit is refused while a merge someone planted is in progress', async () => {
    await using dir = await tempDir();
    const { served, client, thread } = await setUp(dir.path);
    await using _s = served;
    await using _c = client;
    writeFileSync(join(thread.worktreePath, 'notes.txt'), 'x\n');
    git(thread.worktreePath, 'add', 'notes.txt');
    const head = git(thread.worktreePath, 'rev-parse', 'HEAD').trim();
    writeFileSync(
      git(thread.worktreePath, 'rev-parse', '--path-format=absolute', '--git-path', 'MERGE_HEAD').trim(),
      `${head}\n`,
    );
    const outcome = await served.host.tools.commit({ threadId: thread.id, message: 'Sneaky merge' });
    expect(outcome).toMatchObject({ status: 'denied', approvalId: null });
    expect(outcome.status === 'denied' && outcome.message).toContain('MERGE_HEAD');
    expect(approvalsSeen(client).size).toBe(0);
  });

  test('a project’s policy comes from its main checkout: more secrets, defaults it lets go, and the network switch', async () => {
    await using dir = await tempDir();
    const { served, client, thread, repo } = await setUp(dir.path);
    await using _s = served;
    await using _c = client;
    const setPolicy = (policy: unknown) => {
      mkdirSync(join(repo, '.grove'), { recursive: true });
      writeFileSync(join(repo, '.grove', 'settings.json'), JSON.stringify({ policy }));
    };
    writeFileSync(join(thread.worktreePath, '.env'), 'DEBUG=from-dotenv\n');
    writeFileSync(join(thread.worktreePath, 'app.secret'), 'hidden\n');
    const run = (command: string) => served.host.tools.runCommand({ threadId: thread.id, command });

    // By default .env is a secret, app.secret is not.
    expect((await run('cat .env')).status).toBe('denied');
    expect(await run('cat app.secret')).toMatchObject({ status: 'ran', result: { output: 'hidden\n' } });

    // An agent editing its own worktree's settings changes nothing.
    mkdirSync(join(thread.worktreePath, '.grove'), { recursive: true });
    writeFileSync(join(thread.worktreePath, '.grove', 'settings.json'), JSON.stringify({ policy: { allowSecrets: ['.env'] } }));
    expect((await run('cat .env')).status).toBe('denied');

    // The main checkout's settings do: a project secret, and a default named explicitly to let go.
    setPolicy({ secrets: ['*.secret'], allowSecrets: ['.env', '*.env'] });
    expect((await run('cat app.secret')).status).toBe('denied');
    expect(await run('cat .env')).toMatchObject({ status: 'ran', result: { output: 'DEBUG=from-dotenv\n' } });

    // Network off: inside the sandbox not even the host's loopback answers.
    // The sandboxed reader hangs up after five bytes; a reset from it is not this test's concern.
    const server = createServer((socket) => socket.on('error', () => {}).end('hello\n'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const connect = `exec 3<>/dev/tcp/127.0.0.1/${port} && head -c 5 <&3`;
      const answer = async () => {
        const running = run(connect);
        const held = await pendingFor(client, thread);
        await client.request('approval/resolve', { approvalId: held.id, verdict: 'approve' });
        return running;
      };
      expect(await answer()).toMatchObject({ status: 'ran', result: { exitCode: 0, output: 'hello' } });
      setPolicy({ network: false });
      const cut = await answer();
      expect(cut.status === 'ran' && cut.result.exitCode).not.toBe(0);
    } finally {
      server.close();
    }

    // A settings file that does not parse is refused in words, not guessed around.
    writeFileSync(join(repo, '.grove', 'settings.json'), '{ "policy": { "network": "sometimes" } }');
    await expect(run('ls')).rejects.toMatchObject({ code: 'settings_invalid' });
  });

  test('an edited command is checked again: one the policy refuses stays pending with the reason', async () => {
    await using dir = await tempDir();
    const { served, client, thread } = await setUp(dir.path);
    await using _s = served;
    await using _c = client;
    const running = served.host.tools.runCommand({ threadId: thread.id, command: 'rm -rf build' });
    const held = await pendingFor(client, thread);

    const refused = await client
      .request('approval/resolve', { approvalId: held.id, verdict: 'approve', editedCommand: 'cat .git/config ~/.ssh/id_rsa' })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(RpcError);
    expect(refused).toMatchObject({ wire: { code: 'command_denied' } });
    expect(approvalsSeen(client).get(held.id)?.status).toBe('pending');

    await client.request('approval/resolve', { approvalId: held.id, verdict: 'approve', editedCommand: 'rm -rf build-cache' });
    const outcome = await running;
    expect(outcome.status).toBe('ran');
    expect(approvalsSeen(client).get(held.id)?.decision?.editedCommand).toBe('rm -rf build-cache');
  });

  test('"always allow this prefix" lets the same kind of command run, never a destructive one, and can be revoked', async () => {
    await using dir = await tempDir();
    const { served, client, thread } = await setUp(dir.path);
    await using _s = served;
    await using _c = client;
    writeFileSync(join(thread.worktreePath, 'Makefile'), 'hello:\n\t@echo made-$$((6*7))\n');

    const first = served.host.tools.runCommand({ threadId: thread.id, command: 'make hello' });
    const held = await pendingFor(client, thread);
    await client.request('approval/resolve', { approvalId: held.id, verdict: 'approve', rememberPrefix: ['make'] });
    expect(await first).toMatchObject({ status: 'ran', result: { exitCode: 0 } });
    const rule = await waitFor('the rule', () => served.host.snapshot().rules[0]);
    expect(rule.prefix).toEqual(['make']);

    const again = await served.host.tools.runCommand({ threadId: thread.id, command: 'make hello' });
    expect(again.status).toBe('ran');
    expect(again.reasons.join(' ')).toContain('always allows');

    // No rule for rm, whatever the person ticks.
    const removing = served.host.tools.runCommand({ threadId: thread.id, command: 'rm Makefile' });
    const rmHeld = await pendingFor(client, thread);
    await expect(
      client.request('approval/resolve', { approvalId: rmHeld.id, verdict: 'approve', rememberPrefix: ['rm'] }),
    ).rejects.toMatchObject({ wire: { code: 'rule_refused' } });
    await client.request('approval/resolve', { approvalId: rmHeld.id, verdict: 'deny' });
    expect((await removing).status).toBe('denied');

    await client.request('rule/revoke', { ruleId: rule.id });
    const asksAgain = served.host.tools.runCommand({ threadId: thread.id, command: 'make hello' });
    const heldAgain = await pendingFor(client, thread);
    await client.request('approval/resolve', { approvalId: heldAgain.id, verdict: 'deny', message: 'enough' });
    expect(await asksAgain).toMatchObject({ status: 'denied', message: 'enough' });
  });

  test('identical requests are approved together; different ones are refused together', async () => {
    await using dir = await tempDir();
    const { served, client, thread } = await setUp(dir.path);
    await using _s = served;
    await using _c = client;
    const a = served.host.tools.runCommand({ threadId: thread.id, command: 'touch made-by-both' });
    const b = served.host.tools.runCommand({ threadId: thread.id, command: 'touch made-by-both' });
    const c = served.host.tools.runCommand({ threadId: thread.id, command: 'touch other' });
    const pending = await waitFor('three pending', () => {
      const all = [...approvalsSeen(client).values()].filter((x) => x.status === 'pending');
      return all.length === 3 ? all : undefined;
    });
    const same = pending.filter((x) => x.command === 'touch made-by-both').map((x) => x.id);
    const other = pending.find((x) => x.command === 'touch other')?.id;
    await expect(client.request('approval/approveAll', { approvalIds: [...same, other as never] })).rejects.toMatchObject({
      wire: { code: 'approvals_differ' },
    });
    await client.request('approval/approveAll', { approvalIds: same });
    expect((await a).status).toBe('ran');
    expect((await b).status).toBe('ran');
    await client.request('approval/resolve', { approvalId: other as never, verdict: 'deny' });
    expect((await c).status).toBe('denied');
  });

  test('after a restart a pending request is pending again, and one left running comes back interrupted, never re-run', async () => {
    await using dir = await tempDir();
    const first = await setUp(dir.path);
    const { thread } = first;
    void first.served.host.tools.runCommand({ threadId: thread.id, command: 'touch after-restart' });
    const held = await pendingFor(first.client, thread);
    await first.client[Symbol.asyncDispose]();
    await first.served[Symbol.asyncDispose]();

    // A request a killed host left running: what its record says on disk.
    const runningFile = join(dir.path, 'data', 'approvals', 'a_0000000000running.json');
    writeFileSync(
      runningFile,
      JSON.stringify({ ...held, id: 'a_0000000000running', command: 'touch must-not-run', status: 'running' }),
    );

    await using served = await startInProcessHost(join(dir.path, 'data'));
    await using client = await RpcClient.connect(served.rpcUrl);
    const { state } = await client.initialize();
    expect(state.approvals.find((a) => a.id === held.id)?.status).toBe('pending');
    expect(state.approvals.find((a) => a.id === 'a_0000000000running')?.status).toBe('interrupted');
    expect(state.threads.find((t) => t.id === thread.id)?.status).toBe('waiting');

    // No agent waits for it now: the person's approval runs it, and the result waits on the record.
    await client.request('approval/resolve', { approvalId: held.id, verdict: 'approve' });
    await waitFor('the request to be done', () => approvalsSeen(client).get(held.id)?.status === 'done');
    expect(existsSync(join(thread.worktreePath, 'after-restart'))).toBe(true);
    expect(existsSync(join(thread.worktreePath, 'must-not-run'))).toBe(false);
  });
});
