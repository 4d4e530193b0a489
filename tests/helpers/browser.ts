import { existsSync } from 'node:fs';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { tempDir } from './temp-dir.ts';

/** Debian's Chromium (apt-get install chromium); Playwright cannot download its own here. */
const CHROMIUM = process.env.GROVE_CHROMIUM ?? '/usr/bin/chromium';

/** Flags that keep Chromium quiet on a machine without internet (TOOLCHAIN.md). */
const QUIET_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** A real Chromium with a fresh profile, closed when the test's scope ends. */
export async function openBrowser(
  options: { colorScheme?: 'light' | 'dark' } = {},
): Promise<{ context: BrowserContext; page: Page } & AsyncDisposable> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`No Chromium at ${CHROMIUM}. Install it with: sudo apt-get install -y chromium (or set GROVE_CHROMIUM).`);
  }
  const profile = await tempDir('grove-chromium-');
  const context = await chromium.launchPersistentContext(profile.path, {
    executablePath: CHROMIUM,
    headless: true,
    args: QUIET_FLAGS,
    viewport: { width: 1280, height: 800 },
    colorScheme: options.colorScheme ?? 'light',
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  return {
    context,
    page,
    async [Symbol.asyncDispose]() {
      await context.close();
      await profile[Symbol.asyncDispose]();
      if (errors.length > 0) throw new Error(`The page threw: ${errors.join('; ')}`);
    },
  };
}
