import { realpathSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { CommandPaths } from './command-paths.ts';
import { ask, type PolicyDecision } from './decision.ts';
import type { CommandPolicyOptions } from './invocation.ts';
import { checkMcpTool, type McpTool, type ReadOnlyMcpTools } from './mcp-policy.ts';
import { type PathDecision, PathPolicy, type PathRequest } from './path-policy.ts';
import type { OpenOptions } from './safe-open.ts';
import { SecretList, type SecretListOptions } from './secret-list.ts';
import { ShellParser } from './shell-parser.ts';
import { ShellWalker } from './shell-walker.ts';

/** A project's policy settings; every field has a safe default. */
export interface PolicySettings {
  /** Extra secret patterns, and defaults removed by name. */
  readonly secrets?: SecretListOptions;
  /** Scripts `npm test` / `npm run <name>` may run without asking. */
  readonly projectScripts?: readonly string[];
  readonly readOnlyMcpTools?: ReadOnlyMcpTools;
  /** The home folder `~` stands for; the user's by default. */
  readonly home?: string;
}

export interface CommandRequest {
  /** The thread's worktree. */
  readonly worktree: string;
  /** Where the command starts, relative to the worktree or absolute; the worktree by default. */
  readonly cwd?: string;
}

/** Check scripts a project usually has; they run the project's own code, which the sandbox confines. */
const DEFAULT_PROJECT_SCRIPTS = ['test', 'lint', 'typecheck', 'type-check'];

/**
 * The one place that decides allow / ask / deny for an agent's shell commands, file paths
 * and MCP tools. Decisions are synchronous and read the filesystem (realpath, lstat), so
 * they describe the disk as it is when asked; `open` re-checks at the moment of use.
 */
export class PolicyEngine {
  private readonly parser: ShellParser;
  private readonly paths: PathPolicy;
  private readonly secrets: SecretList;
  private readonly home: string;
  private readonly commandOptions: CommandPolicyOptions;
  private readonly readOnlyMcpTools: ReadOnlyMcpTools;

  private constructor(parser: ShellParser, settings: PolicySettings) {
    this.parser = parser;
    this.home = settings.home ?? homedir();
    this.secrets = SecretList.create(settings.secrets);
    this.paths = new PathPolicy(this.secrets, this.home);
    this.commandOptions = { projectScripts: settings.projectScripts ?? DEFAULT_PROJECT_SCRIPTS };
    this.readOnlyMcpTools = settings.readOnlyMcpTools ?? 'allow';
  }

  /** Loads the shell parser (WebAssembly, once per process) and compiles the settings; throws on a bad secret pattern. */
  static async load(settings: PolicySettings = {}): Promise<PolicyEngine> {
    return new PolicyEngine(await ShellParser.load(), settings);
  }

  checkCommand(command: string, request: CommandRequest): PolicyDecision {
    let worktree: string;
    let cwd: string;
    try {
      worktree = realpathSync.native(request.worktree);
      cwd = request.cwd === undefined ? worktree : realpathSync.native(resolve(worktree, request.cwd));
    } catch {
      return ask(
        `the worktree ${request.worktree} or the folder ${request.cwd ?? ''} does not exist, so the command cannot be checked`,
      );
    }
    if (command.trim() === '') return ask('the command is empty');
    const walker = new ShellWalker(
      this.parser,
      worktree,
      this.commandOptions,
      new CommandPaths(worktree, cwd, this.home, this.secrets),
    );
    walker.script(command, command);
    return walker.result();
  }

  checkPath(path: string, request: PathRequest): PathDecision {
    return this.paths.check(path, request);
  }

  /** Opens a file for a file tool, refusing what the policy refuses and what changed since the check. */
  openPath(path: string, request: PathRequest & OpenOptions): Promise<FileHandle> {
    return this.paths.open(path, request);
  }

  /** Opens what an earlier `checkPath` allowed, refusing it if the file changed since (a symlink swapped in). */
  openChecked(decision: PathDecision, request: PathRequest & OpenOptions): Promise<FileHandle> {
    return this.paths.openChecked(decision, request);
  }

  checkMcpTool(tool: McpTool): PolicyDecision {
    return checkMcpTool(tool, this.readOnlyMcpTools);
  }
}
