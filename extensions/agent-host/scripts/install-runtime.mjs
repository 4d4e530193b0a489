// Fetches the Neutralino runtime into bin/ with `neu update`. Runs after `npm install`.
// Being offline is a warning, never a failed install: Grove still runs in a browser.
// `--force` downloads again even if a runtime is already there.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const neu = fileURLToPath(new URL('node_modules/@neutralinojs/neu/bin/neu.js', `file://${root}`));
const force = process.argv.includes('--force');

const present = existsSync(`${root}bin`) && readdirSync(`${root}bin`).some((name) => name.startsWith('neutralino-'));
if (present && !force) {
  console.log('grove: the Neutralino runtime is already in bin/ (npm run setup:runtime fetches it again).');
  process.exit(0);
}
if (!existsSync(neu)) {
  console.warn('grove: warning: @neutralinojs/neu is not installed (a production install?); skipping the runtime download.');
  process.exit(0);
}
console.log('grove: fetching the Neutralino runtime (neu update)…');
const result = spawnSync(process.execPath, [neu, 'update'], { cwd: root, encoding: 'utf8', timeout: 180_000 });
const fetched = existsSync(`${root}bin`) && readdirSync(`${root}bin`).some((name) => name.startsWith('neutralino-'));
if (result.status === 0 && fetched) {
  console.log('grove: the Neutralino runtime is in bin/.');
  process.exit(0);
}
const why = (result.error?.message ?? `${result.stdout ?? ''}${result.stderr ?? ''}`).trim().split('\n').slice(-3).join('\n  ');
console.warn(
  `grove: warning: could not download the Neutralino runtime (offline, or GitHub unreachable).\n  ${why}\n` +
    'grove: `npm start` will open Grove in your browser instead; run `npm run setup:runtime` when online to get the window.',
);
process.exit(0);
