import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { HOST_EXTENSION_ID } from '../../extensions/agent-host/src/protocol/index.ts';
import { ROOT } from '../helpers/paths.ts';

const config = JSON.parse(readFileSync(join(ROOT, 'neutralino.config.json'), 'utf8'));

/** The security facts of NEUTRALINO.md, checked against the config we ship. */
describe('neutralino.config.json', () => {
  test('never ships a nativeBlockList (its mere presence disables the allow list)', () => {
    expect(Object.hasOwn(config, 'nativeBlockList')).toBe(false);
  });

  test('allows only the native calls the window and the host use', () => {
    expect([...config.nativeAllowList].sort()).toEqual(
      [
        'app.broadcast',
        'extensions.dispatch',
        'extensions.getStats',
        'os.showFolderDialog',
        'os.showNotification',
        'window.setTitle',
      ].sort(),
    );
  });

  test('hands the token out once, and never writes or injects it', () => {
    expect(config.tokenSecurity).toBe('one-time');
    expect(JSON.stringify(config)).not.toMatch(/exportAuthInfo|injectGlobals|"url":\s*"http/);
  });

  test('starts the built host as the extension the page talks to, and closing the window exits', () => {
    expect(config.enableExtensions).toBe(true);
    expect(config.extensions).toEqual([
      // biome-ignore lint/suspicious/noTemplateCurlyInString: ${NL_PATH} is Neutralino's placeholder, not ours.
      { id: HOST_EXTENSION_ID, command: 'node "${NL_PATH}/extensions/agent-host/dist/grove.mjs" extension' },
    ]);
    expect(config.modes.window.exitProcessOnClose).toBe(true);
  });

  test('pins the runtime version, so `neu update` does not rewrite this file', () => {
    expect(config.cli.binaryVersion).toMatch(/^6\.\d+\.\d+$/);
  });

  test('the window page loads the runtime globals before the app', () => {
    const html = readFileSync(join(ROOT, 'app', 'index.html'), 'utf8');
    const globals = html.search(/<script\s+(vite-ignore\s+)?src="\/__neutralino_globals\.js"><\/script>/);
    expect(globals).toBeGreaterThan(-1);
    expect(globals).toBeLessThan(html.indexOf('type="module"'));
  });
});
