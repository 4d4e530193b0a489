import { realpathSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { resolve } from 'node:path';
import { deny, Findings, type PolicyDecision } from './decision.ts';
import { readPathInput } from './path-input.ts';
import { below, components, isInside, resolveReal } from './real-path.ts';
import { type OpenOptions, openChecked } from './safe-open.ts';
import type { SecretList } from './secret-list.ts';

export type Access = 'read' | 'write';

export interface PathRequest {
  /** The thread's worktree; relative paths are relative to it. */
  readonly worktree: string;
  readonly access: Access;
}

/** A path decision; an allowed one carries the real path that was checked, for `open`. */
export interface PathDecision extends PolicyDecision {
  readonly resolved?: string;
}

/**
 * Places in a worktree whose files run later without asking: agent and editor settings with
 * hooks and tasks, git hooks and attributes, CI. A write there is held for a person; reading
 * them is fine.
 */
const RUNS_LATER: readonly (readonly string[])[] = [
  ['.grove'],
  ['.claude'],
  ['.vscode'],
  ['.idea'],
  ['.husky'],
  ['.devcontainer'],
  ['.github', 'workflows'],
  ['.gitattributes'],
  ['.gitmodules'],
];

/**
 * Decides file reads and writes for a thread: confined to its worktree by real path, compared
 * component by component, checked before and after symlinks are resolved, with the secrets
 * deny-list applied to both forms and git's own files kept for the gated git tools.
 */
export class PathPolicy {
  private readonly secrets: SecretList;
  private readonly home: string;

  constructor(secrets: SecretList, home: string) {
    this.secrets = secrets;
    this.home = home;
  }

  check(input: string, request: PathRequest): PathDecision {
    const shown = JSON.stringify(input);
    const root = lexicalAndReal(request.worktree);
    if (root === undefined) return deny(`the worktree ${request.worktree} does not exist, so no path in it can be checked`);
    const parsed = readPathInput(input, root.lexical, this.home);
    if (!parsed.ok) return deny(`${shown} is refused: ${parsed.problem}`);

    const findings = new Findings();
    // Before resolution: the path as written must stay inside (the worktree's own name or its real one).
    const lexicalBase = [root.lexical, root.real].find((base) => isInside(parsed.lexical, base));
    if (lexicalBase === undefined) findings.deny(`${shown} is outside the thread's worktree`);
    this.checkNames(shown, parsed.lexical, lexicalBase, findings);

    // After resolution: every symlink followed, the real path must still be inside.
    const resolution = resolveReal(parsed.joined);
    if (!resolution.ok) {
      findings.deny(`${shown} is refused: ${resolution.problem}`);
      return findings.result();
    }
    const inside = isInside(resolution.real, root.real);
    if (!inside && lexicalBase !== undefined)
      findings.deny(`${shown} leads outside the worktree through a symlink (to ${resolution.real})`);
    this.checkNames(shown, resolution.real, inside ? root.real : undefined, findings);

    if (request.access === 'write' && inside) {
      const relative = below(resolution.real, root.real).map((part) => part.toLowerCase());
      const place = RUNS_LATER.find((prefix) => prefix.every((part, index) => relative[index] === part));
      if (place !== undefined)
        findings.ask(`${shown} is in ${place.join('/')}, whose files run later (hooks, tasks, CI): a person reviews this write`);
    }
    if (!findings.isAllowed) return findings.result();
    return { decision: 'allow', reasons: [`${request.access} inside the worktree`], resolved: resolution.real };
  }

  /** Opens a path the policy allows, refusing if it is swapped for a symlink or another file after the check. */
  async open(input: string, request: PathRequest & OpenOptions): Promise<FileHandle> {
    return openChecked(this.check(input, request), request, (real) => this.check(real, request));
  }

  /** Opens what an earlier `check` allowed; the file is verified again once open. */
  async openChecked(decision: PathDecision, request: PathRequest & OpenOptions): Promise<FileHandle> {
    return openChecked(decision, request, (real) => this.check(real, request));
  }

  /** Secrets and git metadata, by the components below the worktree, or by the whole path outside it. */
  private checkNames(shown: string, path: string, base: string | undefined, findings: Findings): void {
    const parts = base === undefined ? components(path) : below(path, base);
    const secret = this.secrets.match(parts, base === undefined);
    if (secret !== undefined)
      findings.deny(
        `${shown} matches the secret pattern “${secret}”: secrets stay out of agents' reach; ask the person for what you need`,
      );
    if (base !== undefined && parts.some((part) => part.toLowerCase() === '.git'))
      findings.deny(`${shown} is inside git's own files (.git): use git commands, which go through the policy`);
  }
}

function lexicalAndReal(worktree: string): { lexical: string; real: string } | undefined {
  try {
    return { lexical: resolve(worktree), real: realpathSync.native(worktree) };
  } catch {
    return undefined;
  }
}
