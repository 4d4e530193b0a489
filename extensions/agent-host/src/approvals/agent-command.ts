import { homedir } from 'node:os';
import { join } from 'node:path';
import { git } from '../git/git.ts';
import type { ProcessRegistry } from '../host/process-registry.ts';
import type { PolicyEngine } from '../policy/policy-engine.ts';
import type { ActionResult, Project, Thread } from '../protocol/index.ts';
import { redactSecrets } from '../sandbox/redact-secrets.ts';
import { runCommand } from '../sandbox/run-command.ts';
import { dataPaths } from '../store/data-dir.ts';
import type { ProjectPolicies } from './project-policies.ts';

/** Credentials in the home folder no agent command needs: hidden in the sandbox. */
const HOME_SECRETS = [
  '.ssh',
  '.gnupg',
  '.aws',
  '.azure',
  '.kube',
  '.docker/config.json',
  '.config/gcloud',
  '.config/gh',
  '.git-credentials',
  '.netrc',
  '.pgpass',
  '.npmrc',
  '.pypirc',
  '.cargo/credentials.toml',
];

/** Names worth asking the policy about when looking for secrets in a worktree; the policy has the last word. */
const SECRET_LOOKING =
  /(^|\/)(\.env[^/]*|\.envrc|\.netrc|\.pgpass|\.npmrc|\.pypirc|id_[a-z0-9]+|[^/]*\.(pem|key|p12|pfx)|credentials[^/]*)$/i;

/**
 * Runs an agent's command for a thread: in the sandbox where there is one, with the
 * allowlisted environment, Grove's own data and the person's credentials hidden, and the
 * output's secrets redacted before anything (the agent, the inbox) sees it.
 */
export class AgentCommands {
  readonly #dataDir: string;
  readonly #processes: ProcessRegistry;
  readonly #policies: ProjectPolicies;
  readonly #gitDirs = new Map<string, Promise<string>>();

  constructor(dataDir: string, processes: ProcessRegistry, policies: ProjectPolicies) {
    this.#dataDir = dataDir;
    this.#processes = processes;
    this.#policies = policies;
  }

  async run(input: {
    command: string;
    cwd: string;
    thread: Thread;
    project: Project;
    signal?: AbortSignal | undefined;
  }): Promise<ActionResult> {
    const { thread, project } = input;
    const { settings, engine } = await this.#policies.current(project);
    const result = await runCommand({
      command: input.command,
      worktree: thread.worktreePath,
      cwd: input.cwd,
      repositoryGitDir: await this.#gitDir(project.path),
      denyPaths: [
        ...this.#groveData(),
        ...HOME_SECRETS.map((p) => join(homedir(), p)),
        ...(await this.#worktreeSecrets(thread, engine)),
      ],
      network: settings.network ?? true,
      signal: input.signal,
      threadEnvironment: {
        GROVE_THREAD_ID: thread.id,
        GROVE_WORKTREE: thread.worktreePath,
        GROVE_BRANCH: thread.branch ?? '',
        GROVE_PORT: String(thread.port),
      },
      processes: this.#processes,
    });
    return {
      exitCode: result.exitCode,
      signal: result.signal,
      output: redactSecrets(result.output),
      truncated: result.truncated,
      sandboxed: result.sandboxed,
      unsandboxedReason: result.unsandboxedReason,
      durationMs: result.durationMs,
    };
  }

  /** Everything of Grove's own in the data dir but the worktrees: state, approvals, the audit log, saved scrollback. */
  #groveData(): string[] {
    const { root: _root, worktrees: _worktrees, ...paths } = dataPaths(this.#dataDir);
    return Object.values(paths);
  }

  #gitDir(repository: string): Promise<string> {
    let dir = this.#gitDirs.get(repository);
    if (dir === undefined) {
      dir = git(repository, ['rev-parse', '--path-format=absolute', '--git-common-dir']).then((out) => out.trim());
      this.#gitDirs.set(repository, dir);
      dir.catch(() => this.#gitDirs.delete(repository));
    }
    return dir;
  }

  /** Files in the worktree the policy refuses to let anyone read (`.env`, keys…): hidden from the command too. */
  async #worktreeSecrets(thread: Thread, policy: PolicyEngine): Promise<string[]> {
    // An untracked folder is listed once (`--directory`), not file by file: node_modules stays one line.
    const listed = await git(thread.worktreePath, ['ls-files', '-z', '--cached', '--others', '--directory']).catch(() => '');
    const candidates = listed.split('\0').filter((path) => path !== '' && SECRET_LOOKING.test(path));
    if (candidates.length === 0) return [];
    return candidates
      .filter((path) => policy.checkPath(path, { worktree: thread.worktreePath, access: 'read' }).decision === 'deny')
      .map((path) => join(thread.worktreePath, path));
  }
}
