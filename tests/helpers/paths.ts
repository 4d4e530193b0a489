import { fileURLToPath } from 'node:url';

/** The repository root, and the built `grove` command the tests run as a user would. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const GROVE_BIN = fileURLToPath(new URL('../../extensions/agent-host/bin/grove.mjs', import.meta.url));
export const CORPUS = fileURLToPath(new URL('../../../shared/corpus/', import.meta.url));
