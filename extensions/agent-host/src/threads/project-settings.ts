import { join } from 'node:path';
import { z } from 'zod';
import { HostError } from '../host/host-error.ts';
import { readOptional } from '../store/json-file.ts';

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
  /**
   * What the policy does for this project's agents. Read from the main checkout only: an
   * agent can edit the file in its own worktree, and must not loosen its own policy.
   */
  policy: z
    .object({
      /** More secret patterns (gitignore-like: `*.secret`, `config/credentials/`). */
      secrets: z.array(z.string().min(1)).optional(),
      /** Default secret patterns this project lets agents read, by exact name (e.g. `.env*`): explicit on purpose. */
      allowSecrets: z.array(z.string().min(1)).optional(),
      /** `npm run <name>` scripts that run without asking (default: test, lint, typecheck, type-check). */
      projectScripts: z.array(z.string().min(1)).optional(),
      /** Whether agent commands may use the network (default true); false cuts it off in the sandbox. */
      network: z.boolean().optional(),
    })
    .optional(),
});

/** A project's policy settings, as its main checkout's `.grove/settings.json` gives them. */
export type ProjectPolicySettings = NonNullable<z.infer<typeof SettingsSchema>['policy']>;

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
  const root = await readMainCheckoutKey(
    mainCheckout,
    'worktreeRoot',
    "where this project's worktrees go",
    'worktreeRoot must be a folder path',
  );
  return root ?? null;
}

/**
 * The `policy` of the main checkout's `.grove/settings.json` ({} when unset). A file that
 * does not parse is refused: guessing could loosen what the person set.
 */
export async function readPolicySettings(mainCheckout: string): Promise<ProjectPolicySettings> {
  const policy = await readMainCheckoutKey(
    mainCheckout,
    'policy',
    'what this project lets its agents do',
    'see its "policy" key',
  );
  return policy ?? {};
}

type SettingsShape = (typeof SettingsSchema)['shape'];

/** One key of the main checkout's settings, checked alone; a file that does not parse, or a bad value, is a clear error. */
async function readMainCheckoutKey<K extends 'worktreeRoot' | 'policy'>(
  mainCheckout: string,
  key: K,
  what: string,
  hint: string,
): Promise<z.infer<SettingsShape[K]> | undefined> {
  const file = join(mainCheckout, '.grove', 'settings.json');
  const text = await readOptional(file);
  if (text === undefined) return undefined;
  const invalid = (why: string) =>
    new HostError(
      'settings_invalid',
      `${file} is not valid (${why}), so Grove cannot tell ${what}. Fix it (${hint}), then try again.`,
      {
        file,
      },
    );
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw invalid((error as Error).message);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw invalid('it is not a JSON object');
  const parsed = SettingsSchema.shape[key].safeParse((json as Record<string, unknown>)[key]);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw invalid(`${[key, ...(issue?.path ?? [])].join('.')}: ${issue?.message ?? 'bad shape'}`);
  }
  return parsed.data as z.infer<SettingsShape[K]>;
}
