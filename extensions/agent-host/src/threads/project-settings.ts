import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { errnoCode, HostError } from '../host/host-error.ts';

/** `.grove/settings.json` in a project: what a new worktree needs. Unknown keys are left for later versions. */
const SettingsSchema = z.object({
  /** A shell command run in each new worktree (e.g. `npm ci`), with GROVE_* variables set. */
  setup: z.string().min(1).optional(),
  /** gitignore-style patterns of untracked files to copy from the main checkout (e.g. `.env`). */
  copy: z.array(z.string().min(1)).optional(),
  /**
   * Where this project's new worktrees go: an absolute path, `~/…`, or a path relative to the
   * main checkout (`../payments-api.worktrees` is a folder beside it). Read from the main
   * checkout, since it is needed before a worktree exists (see worktree-location.ts).
   */
  worktreeRoot: z.string().trim().min(1).optional(),
});

export interface ProjectSettings {
  readonly setup: string | null;
  /** From `copy` and from `.worktreeinclude` (the file Codex and Conductor read), merged. */
  readonly copyPatterns: readonly string[];
}

/** Reads a worktree's settings; missing files mean no settings, a broken one is a clear error. */
export async function readProjectSettings(worktree: string): Promise<ProjectSettings> {
  const file = join(worktree, '.grove', 'settings.json');
  const text = await readOptional(file);
  let setup: string | null = null;
  let copy: string[] = [];
  if (text !== undefined) {
    let parsed: z.infer<typeof SettingsSchema>;
    try {
      parsed = SettingsSchema.parse(JSON.parse(text));
    } catch (error) {
      throw new HostError(
        'settings_invalid',
        `.grove/settings.json is not valid (${error instanceof z.ZodError ? (error.issues[0]?.message ?? 'bad shape') : (error as Error).message}). Fix it in the branch; the thread was created without it.`,
      );
    }
    setup = parsed.setup ?? null;
    copy = parsed.copy ?? [];
  }
  const include = (await readOptional(join(worktree, '.worktreeinclude'))) ?? '';
  const fromInclude = include
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  return { setup, copyPatterns: [...copy, ...fromInclude] };
}

/**
 * The `worktreeRoot` of the main checkout's `.grove/settings.json`, or null when unset. Only
 * that key is checked here: a file that does not parse, or a `worktreeRoot` that is not a
 * path, is refused, since guessing would put worktrees somewhere the person did not choose.
 */
export async function readWorktreeRoot(mainCheckout: string): Promise<string | null> {
  const file = join(mainCheckout, '.grove', 'settings.json');
  const text = await readOptional(file);
  if (text === undefined) return null;
  const invalid = (why: string) =>
    new HostError(
      'settings_invalid',
      `${file} is not valid (${why}), so Grove cannot tell where this project's worktrees go. Fix it (worktreeRoot must be a folder path), then try again.`,
      { file },
    );
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw invalid((error as Error).message);
  }
  const parsed = SettingsSchema.pick({ worktreeRoot: true }).safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw invalid(`${issue?.path.join('.') || 'settings'}: ${issue?.message ?? 'bad shape'}`);
  }
  return parsed.data.worktreeRoot ?? null;
}

async function readOptional(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return undefined;
    throw error;
  }
}
