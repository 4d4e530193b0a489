import { request } from 'node:http';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { PROTOCOL_VERSION } from '../../extensions/agent-host/src/protocol/index.ts';
import { makeRepo } from '../helpers/git-repo.ts';
import { startServe } from '../helpers/host-process.ts';
import { RpcClient, type RpcError } from '../helpers/rpc-client.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { waitFor } from '../helpers/wait-for.ts';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw HTTP GET, so tests can set Host, Origin and Cookie as an attacker or a browser would. */
function get(port: number, path: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function refusal(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => 'accepted',
    (error: Error) => error.message,
  );
}

describe('grove serve: who may connect', () => {
  test('a request without the token is refused, with what to do', async () => {
    await using data = await tempDir();
    await using host = await startServe(data.path);
    const reply = await get(host.port, '/');
    expect(reply.status).toBe(401);
    expect(reply.body).toMatch(/Open the full URL that `grove serve` printed/);
    expect(await get(host.port, '/?token=wrong')).toMatchObject({ status: 401 });
    expect(await refusal(RpcClient.connect(`ws://127.0.0.1:${host.port}/rpc`))).toBe('HTTP 401');
    expect(await refusal(RpcClient.connect(`ws://127.0.0.1:${host.port}/rpc?token=wrong`))).toBe('HTTP 401');
  });

  test('the printed URL trades its token for a cookie and serves the UI with a strict CSP', async () => {
    await using data = await tempDir();
    await using host = await startServe(data.path);
    const first = await get(host.port, `/?token=${host.token}`);
    expect(first.status).toBe(303);
    expect(first.headers.location).toBe('/');
    const cookie = String(first.headers['set-cookie']).split(';')[0] ?? '';
    expect(first.headers['set-cookie']?.[0]).toMatch(/HttpOnly; SameSite=Strict/);

    const page = await get(host.port, '/', { Cookie: cookie });
    expect(page.status).toBe(200);
    expect(page.body).toMatch(/<script\s+src="\/__neutralino_globals\.js"><\/script>/);
    expect(page.headers['content-security-policy']).toMatch(/default-src 'self'.*frame-ancestors 'none'/);
    expect(await get(host.port, '/__neutralino_globals.js', { Cookie: cookie })).toMatchObject({ status: 200, body: '' });
    expect(await get(host.port, '/../../../etc/hostname', { Cookie: cookie })).toMatchObject({ status: 404 });
  });

  test('a foreign Host (DNS rebinding) or a foreign Origin is refused even with the token', async () => {
    await using data = await tempDir();
    await using host = await startServe(data.path);
    const auth = { Authorization: `Bearer ${host.token}` };
    expect((await get(host.port, '/', { ...auth, Host: `evil.example:${host.port}` })).status).toBe(403);
    expect((await get(host.port, '/', { ...auth, Origin: 'http://evil.example' })).status).toBe(403);
    expect(await refusal(RpcClient.connect(host.rpcUrl, { Origin: 'http://evil.example' }))).toBe('HTTP 403');
    expect(await refusal(RpcClient.connect(host.rpcUrl, { Host: `attacker.example:${host.port}` }))).toBe('HTTP 403');
    await using own = await RpcClient.connect(host.rpcUrl, { Origin: host.origin });
    expect((await own.initialize()).protocolVersion).toBe(PROTOCOL_VERSION);
  });
});

describe('grove serve: the protocol', () => {
  test('refuses requests before the handshake, malformed frames, unknown methods and bad params, each with a code', async () => {
    await using data = await tempDir();
    await using host = await startServe(data.path);
    await using client = await RpcClient.connect(host.rpcUrl);

    const early = await client.request('project/add', { path: '/tmp' }).catch((e: RpcError) => e.wire);
    expect(early).toEqual({ code: 'not_initialized', message: 'Send host/initialize before any other request.' });
    expect(await client.sendRaw('{nope')).toEqual({
      id: null,
      error: { code: 'parse_error', message: 'The message was not valid JSON.' },
    });
    expect(await client.sendRaw('{"id": 7}')).toMatchObject({ id: 7, error: { code: 'invalid_request' } });

    const mismatch = await client
      .request('host/initialize', { protocolVersion: 999, client: { name: 'old', version: '0' } })
      .catch((e: RpcError) => e.wire);
    expect(mismatch).toMatchObject({ code: 'protocol_mismatch', data: { host: PROTOCOL_VERSION, client: 999 } });

    await client.initialize();
    expect(await client.sendRaw('{"id": 8, "method": "thread/fly"}')).toMatchObject({
      id: 8,
      error: { code: 'method_not_found' },
    });
    const bad = await client.request('project/add', { path: '' }).catch((e: RpcError) => e.wire);
    expect(bad).toMatchObject({
      code: 'invalid_params',
      message: expect.stringMatching(/^Invalid params for project\/add at path/),
    });
  });

  test('add and remove reach every client as numbered notifications; the handshake returns the whole state', async () => {
    await using dir = await tempDir();
    const repo = makeRepo(join(dir.path, 'repo'));
    await using host = await startServe(join(dir.path, 'data'));
    await using a = await RpcClient.connect(host.rpcUrl);
    await using b = await RpcClient.connect(host.rpcUrl);
    expect((await a.initialize()).state).toMatchObject({
      rev: 0,
      projects: [],
      threads: [],
      approvals: [],
      rules: [],
      terminals: [],
    });
    await b.initialize();

    const { project } = await a.request('project/add', { path: repo });
    await a.request('project/remove', { projectId: project.id });

    const expected = [
      { method: 'project/added', params: { rev: 1, project } },
      { method: 'project/removed', params: { rev: 2, projectId: project.id } },
    ];
    await waitFor('both notifications at b', () => b.notifications.length === 2);
    expect(b.notifications).toEqual(expected);
    expect(a.notifications).toEqual(expected);
    await using late = await RpcClient.connect(host.rpcUrl);
    expect((await late.initialize()).state).toMatchObject({
      rev: 2,
      projects: [],
      threads: [],
      approvals: [],
      rules: [],
      terminals: [],
    });
  });
});

describe('grove serve: state on disk', () => {
  test('projects survive a restart', async () => {
    await using dir = await tempDir();
    const repo = makeRepo(join(dir.path, 'repo'));
    const dataDir = join(dir.path, 'data');
    let added: unknown;
    {
      await using host = await startServe(dataDir);
      await using client = await RpcClient.connect(host.rpcUrl);
      await client.initialize();
      added = (await client.request('project/add', { path: repo })).project;
    }
    await using host = await startServe(dataDir);
    await using client = await RpcClient.connect(host.rpcUrl);
    expect((await client.initialize()).state.projects).toEqual([added]);
  });

  test('kill -9 in the middle of a burst of adds leaves a list that loads and holds every acknowledged add', async () => {
    await using dir = await tempDir();
    const repos = Array.from({ length: 30 }, (_, i) => makeRepo(join(dir.path, `repo-${i}`)));
    const dataDir = join(dir.path, 'data');
    const acknowledged: string[] = [];
    {
      await using host = await startServe(dataDir);
      await using client = await RpcClient.connect(host.rpcUrl);
      await client.initialize();
      const adds = repos.map((path) =>
        client.request('project/add', { path }).then(
          ({ project }) => acknowledged.push(project.id),
          () => {},
        ),
      );
      await waitFor('a few adds to land', () => acknowledged.length >= 3);
      host.process.kill('SIGKILL');
      await host.exited();
      await Promise.race([Promise.all(adds), new Promise((resolve) => setTimeout(resolve, 500))]);
    }
    expect(acknowledged.length).toBeLessThan(repos.length);
    await using host = await startServe(dataDir);
    await using client = await RpcClient.connect(host.rpcUrl);
    const loaded = (await client.initialize()).state.projects.map((p) => p.id);
    expect(loaded).toEqual(expect.arrayContaining(acknowledged));
  });

  test('a second host on the same data dir is refused with who holds it, and the first keeps working', async () => {
    await using data = await tempDir();
    await using first = await startServe(data.path);
    const second = await startServe(data.path).then(
      () => 'started',
      (error: Error) => error.message,
    );
    expect(second).toMatch(new RegExp(`Another Grove host \\(pid ${first.process.pid}\\) is already using`));
    await using client = await RpcClient.connect(first.rpcUrl);
    await client.initialize();
  });
});
