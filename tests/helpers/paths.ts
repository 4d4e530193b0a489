import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The repository root, and the built `grove` command the tests run as a user would. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const GROVE_BIN = fileURLToPath(new URL('../../extensions/agent-host/bin/grove.mjs', import.meta.url));
/** The shared safety corpus, beside the repository (`../shared/corpus`), where the team keeps it. */
export const SHARED_CORPUS = fileURLToPath(new URL('../../../shared/corpus/', import.meta.url));
/**
 * A copy of it in the repository, for a clone that has no `../shared` next to it (a CI
 * machine may not). `tests/unit/policy-corpus.test.ts` fails when the two differ, so the
 * copy cannot drift where the original is there to compare.
 */
export const CORPUS_COPY = fileURLToPath(new URL('../fixtures/corpus/', import.meta.url));
/** The corpus the policy tests load: the shared one when present, else the copy. */
export const CORPUS = existsSync(SHARED_CORPUS) ? SHARED_CORPUS : CORPUS_COPY;
