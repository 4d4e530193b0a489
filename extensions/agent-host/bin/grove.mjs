#!/usr/bin/env node
// The `grove` command: checks the Node version, then runs the built host.
import { existsSync } from 'node:fs';

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  process.stderr.write(
    `grove: Node ${process.versions.node} is too old; Grove needs Node 22.12 or newer (24 LTS recommended).\n`,
  );
  process.exit(1);
}
const bundle = new URL('../dist/grove.mjs', import.meta.url);
if (!existsSync(bundle)) {
  process.stderr.write('grove: the host is not built yet. Run `npm run build` in the Grove folder first.\n');
  process.exit(1);
}
await import(bundle.href);
