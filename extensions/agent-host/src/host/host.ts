import { AgentCommands } from '../approvals/agent-command.ts';
import { ApprovalService } from '../approvals/approval-service.ts';
import { ProjectPolicies } from '../approvals/project-policies.ts';
import { ToolExecutor } from '../approvals/tool-executor.ts';
import { AuditLogs } from '../audit/audit-logs.ts';
import { ProjectService } from '../projects/project-service.ts';
import { type HostState, PROTOCOL_VERSION } from '../protocol/index.ts';
import { type Handlers, RpcSession } from '../rpc/rpc-session.ts';
import { redactSecrets } from '../sandbox/redact-secrets.ts';
import { sandboxSupport } from '../sandbox/sandbox-support.ts';
import { AccessGuard } from '../server/access-guard.ts';
import { HostServer } from '../server/host-server.ts';
import { StaticFiles } from '../server/static-files.ts';
import { dataPaths, lockDataDir } from '../store/data-dir.ts';
import { TerminalService } from '../terminals/terminal-service.ts';
import { GitWatcher } from '../threads/git-watcher.ts';
import { ThreadService } from '../threads/thread-service.ts';
import { HostError } from './host-error.ts';
import { log } from './log.ts';
import { ProcessRegistry } from './process-registry.ts';
import { StateHub } from './state-hub.ts';
import { HOST_VERSION } from './version.ts';

export interface HostOptions {
  readonly dataDir: string;
  readonly mode: 'window' | 'serve';
  /** The built UI to serve (`resources/`); may be missing in window mode, where the runtime serves it. */
  readonly resourcesDir: string;
  /** The built terminal screen worker (`dist/screen-worker.mjs`). */
  readonly screenWorker: string;
  readonly port: number;
  /** Listen on every interface instead of loopback only. */
  readonly lan: boolean;
}

export interface HostAddress {
  readonly port: number;
  /** The browser URL, token included. */
  readonly url: string;
  /** The WebSocket URL, without the token. */
  readonly rpcUrl: string;
  readonly token: string;
}

/**
 * The composition root. The constructor starts nothing; `start` takes the data dir, loads
 * state and opens the server, in that order; `stop` undoes them in reverse.
 */
export class Host {
  readonly #options: HostOptions;
  readonly #hub = new StateHub();
  readonly #guard: AccessGuard;
  readonly #projects: ProjectService;
  readonly #threads: ThreadService;
  readonly #terminals: TerminalService;
  readonly #gitWatcher: GitWatcher;
  readonly #approvals: ApprovalService;
  readonly #tools: ToolExecutor;
  /** Each project's audit log, opened on its first entry. */
  readonly #auditLogs: AuditLogs;
  #sandbox: HostState['sandbox'] = { available: false, reason: 'Grove has not checked for bubblewrap yet.' };
  readonly #sessions = new Set<RpcSession>();
  readonly #processes: ProcessRegistry;
  #server: HostServer | undefined;
  #lock: { release(): Promise<void> } | undefined;
  #unsubscribe: (() => void) | undefined;
  #stopping: Promise<void> | undefined;

  constructor(options: HostOptions) {
    this.#options = options;
    this.#guard = new AccessGuard({ lan: options.lan });
    const paths = dataPaths(options.dataDir);
    this.#processes = new ProcessRegistry(paths.processes);
    this.#projects = new ProjectService(paths.projects, this.#hub);
    this.#threads = new ThreadService(
      { records: paths.threads, worktrees: paths.worktrees },
      this.#hub,
      this.#projects,
      this.#processes,
    );
    this.#terminals = new TerminalService(
      paths.terminals,
      options.screenWorker,
      (threadId) => this.#threads.shellInfo(threadId),
      this.#hub,
    );
    this.#threads.onArchive = (threadId) => this.#terminals.closeThread(threadId);
    this.#gitWatcher = new GitWatcher(this.#threads);
    this.#approvals = new ApprovalService(paths.approvals, this.#hub, this.#threads);
    this.#auditLogs = new AuditLogs(options.dataDir, redactSecrets);
    const policies = new ProjectPolicies();
    const commands = new AgentCommands(options.dataDir, this.#processes, policies);
    this.#tools = new ToolExecutor({
      policy: async (project) => (await policies.current(project)).engine,
      approvals: this.#approvals,
      threads: this.#threads,
      run: (input) => commands.run(input),
      audit: (projectId, entry) => this.#auditLogs.append(projectId, entry),
    });
  }

  /**
   * The API agents act through: shell commands and commits, checked by the policy and held
   * in the inbox when it asks. In-process only; nothing a tool process runs can reach it.
   */
  get tools(): ToolExecutor {
    return this.#tools;
  }

  async start(): Promise<HostAddress> {
    this.#lock = await lockDataDir(this.#options.dataDir);
    // The bubblewrap probe starts a namespace: it runs while the state loads.
    const probing = sandboxSupport();
    try {
      // Before recovery: a setup a killed host left running must not go on writing in a worktree being recovered.
      await this.#processes.stopLeftovers();
      await this.#projects.load();
      await this.#threads.load();
      await this.#threads.recover();
      for (const approval of await this.#approvals.load()) {
        await this.#auditLogs.append(approval.projectId, {
          kind: 'approval',
          threadId: approval.threadId,
          requestId: approval.id,
          outcome: 'interrupted',
        });
      }
      await this.#terminals.start();
      const support = await probing;
      this.#sandbox = support.available ? { available: true, reason: null } : { available: false, reason: support.reason };
      this.#gitWatcher.start();
      this.#unsubscribe = this.#hub.onNotification((notification) => {
        for (const session of this.#sessions) session.notify(notification);
      });
      this.#server = new HostServer({
        guard: this.#guard,
        files: await StaticFiles.load(this.#options.resourcesDir),
        bindAddress: this.#options.lan ? '0.0.0.0' : '127.0.0.1',
        port: this.#options.port,
        onSocket: (socket) => this.#attach(socket),
      });
      const port = await this.#server.listen();
      const token = this.#guard.token;
      return {
        port,
        token,
        url: `http://127.0.0.1:${port}/?token=${token}`,
        rpcUrl: `ws://127.0.0.1:${port}/rpc`,
      };
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  /** Lets the Neutralino window's page (served by the runtime on its own port) connect. */
  trustOrigin(origin: string): void {
    this.#guard.trustOrigin(origin);
  }

  /** Stops everything `start` started, in reverse order. Safe to call more than once. */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      await this.#server?.close();
      await this.#gitWatcher.stop();
      await this.#terminals.stopAll();
      await this.#processes.stopAll();
      await this.#auditLogs.closeAll();
      this.#unsubscribe?.();
      this.#sessions.clear();
      await this.#lock?.release();
    })();
    return this.#stopping;
  }

  snapshot(): HostState {
    return {
      rev: this.#hub.rev,
      projects: [...this.#projects.list()],
      threads: this.#threads.list(),
      approvals: this.#approvals.list(),
      rules: this.#approvals.rules(),
      terminals: this.#terminals.list(),
      sandbox: this.#sandbox,
    };
  }

  #attach(socket: import('ws').WebSocket): void {
    const session = new RpcSession({
      send: (text) => socket.send(text),
      initialize: ({ protocolVersion }) => {
        if (protocolVersion !== PROTOCOL_VERSION) {
          throw new HostError(
            'protocol_mismatch',
            `This page speaks Grove protocol ${protocolVersion}, but the host speaks ${PROTOCOL_VERSION}. Rebuild with npm run build and reload.`,
            { host: PROTOCOL_VERSION, client: protocolVersion },
          );
        }
        return {
          protocolVersion: PROTOCOL_VERSION,
          host: { version: HOST_VERSION, mode: this.#options.mode },
          state: this.snapshot(),
        };
      },
      handlers: this.#handlers(),
      onInternalError: (error, method) => log.error(`${method} failed`, error),
    });
    this.#sessions.add(session);
    socket.on('message', (data, isBinary) => {
      if (isBinary) return socket.close(1003, 'Grove speaks JSON text frames');
      void session.receive(data.toString());
    });
    socket.on('close', () => {
      this.#sessions.delete(session);
      session.close();
    });
    socket.on('error', (error) => log.error('client socket failed', error));
  }

  #handlers(): Handlers {
    return {
      'host/ping': async () => ({ time: Date.now() }),
      'project/add': async ({ path }) => ({ project: await this.#projects.add(path) }),
      'project/remove': async ({ projectId }) => {
        const live = this.#threads.list().filter((t) => t.projectId === projectId && t.status !== 'archived');
        if (live.length > 0) {
          throw new HostError(
            'project_has_threads',
            `This project still has ${live.length} thread(s) with worktrees. Archive them first; their branches stay in the repository.`,
            { threads: live.map((t) => t.id) },
          );
        }
        await this.#projects.remove(projectId);
        return {};
      },
      'project/worktrees': async ({ projectId }) => ({ worktrees: await this.#threads.adoptable(projectId) }),
      'thread/create': async (params) => ({ thread: await this.#threads.create(params) }),
      'thread/adopt': async (params) => ({ thread: await this.#threads.adopt(params) }),
      'thread/preflight': ({ threadId }) => this.#threads.preflight(threadId),
      'thread/archive': async ({ threadId }) => ({ thread: await this.#threads.archive(threadId) }),
      'thread/restore': async ({ threadId }) => ({ thread: await this.#threads.restore(threadId) }),
      'thread/delete': async ({ threadId, confirmBranch }) => {
        await this.#threads.delete(threadId, confirmBranch);
        await this.#terminals.removeSaved(threadId);
        return {};
      },
      'terminal/open': ({ threadId, number, cols, rows }, session) => this.#terminals.open(threadId, number, cols, rows, session),
      'terminal/input': async ({ terminalId, data }) => {
        this.#terminals.input(terminalId, data);
        return {};
      },
      'terminal/resize': async ({ terminalId, cols, rows }) => {
        this.#terminals.resize(terminalId, cols, rows);
        return {};
      },
      'terminal/ack': async ({ terminalId, seq }, session) => {
        this.#terminals.ack(terminalId, session, seq);
        return {};
      },
      'terminal/detach': async ({ terminalId }, session) => {
        this.#terminals.detach(terminalId, session);
        return {};
      },
      'approval/resolve': async (params) => ({ approval: await this.#tools.answer(params) }),
      'approval/approveAll': async ({ approvalIds }) => ({ approvals: await this.#tools.approveAll(approvalIds) }),
      'rule/revoke': async ({ ruleId }) => {
        await this.#tools.revokeRule(ruleId);
        return {};
      },
      'terminal/close': async ({ terminalId }) => {
        await this.#terminals.close(terminalId);
        return {};
      },
    };
  }
}
