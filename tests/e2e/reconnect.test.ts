import { createServer } from 'node:net';
import { join } from 'node:path';
import type { Locator } from 'playwright-core';
import { describe, test } from 'vitest';
import { openBrowser } from '../helpers/browser.ts';
import { makeRepo } from '../helpers/git-repo.ts';
import { startServe } from '../helpers/host-process.ts';
import { RpcClient } from '../helpers/rpc-client.ts';
import { tempDir } from '../helpers/temp-dir.ts';

const shown = (locator: Locator) => locator.waitFor({ state: 'visible', timeout: 15_000 });

/** A port that was free a moment ago, so the restarted host can listen where the page expects it. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('the page when the host goes away', () => {
  test('says it is reconnecting, knows a restarted host’s new token is not its own, and the new URL brings the board back', async () => {
    await using dir = await tempDir();
    const repo = makeRepo(join(dir.path, 'web-client'));
    const dataDir = join(dir.path, 'data');
    const port = String(await freePort());
    await using browser = await openBrowser();
    const { page } = browser;

    {
      await using host = await startServe(dataDir, ['--port', port]);
      await using client = await RpcClient.connect(host.rpcUrl);
      await client.initialize();
      await client.request('project/add', { path: repo });
      await page.goto(host.url);
      await shown(page.getByRole('heading', { name: 'web-client', level: 1 }));
    }
    await shown(page.getByRole('status').filter({ hasText: 'Reconnecting to the Grove host…' }));

    await using restarted = await startServe(dataDir, ['--port', port]);
    await shown(page.getByRole('alert').filter({ hasText: "This page's access token is missing or expired" }));

    await page.goto(restarted.url);
    await shown(page.getByRole('heading', { name: 'web-client', level: 1 }));
  });
});
