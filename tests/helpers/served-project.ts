import { join } from 'node:path';
import type { Project } from '../../extensions/agent-host/src/protocol/index.ts';
import { makeRepo } from './git-repo.ts';
import { type ServedHost, startServe } from './host-process.ts';
import { RpcClient } from './rpc-client.ts';
import { tempDir } from './temp-dir.ts';

/** A temp folder holding a real repository, a `grove serve` host over a data dir beside it, a client, and the repository added as a project. */
export interface ServedProject extends AsyncDisposable {
  readonly dir: string;
  readonly repo: string;
  readonly host: ServedHost;
  readonly client: RpcClient;
  readonly project: Project;
}

/** Everything a thread test starts from; all of it goes (client, host, folder) when the test's scope ends. */
export async function servedProject(repoName = 'payments-api'): Promise<ServedProject> {
  const dir = await tempDir();
  const repo = makeRepo(join(dir.path, repoName));
  const host = await startServe(join(dir.path, 'data'));
  const client = await RpcClient.connect(host.rpcUrl);
  await client.initialize();
  const { project } = await client.request('project/add', { path: repo });
  return {
    dir: dir.path,
    repo,
    host,
    client,
    project,
    async [Symbol.asyncDispose]() {
      await client[Symbol.asyncDispose]();
      await host[Symbol.asyncDispose]();
      await dir[Symbol.asyncDispose]();
    },
  };
}
