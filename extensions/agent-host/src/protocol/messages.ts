import { z } from 'zod';
import { ApprovalIdSchema, ApprovalSchema, RuleIdSchema, RuleSchema } from './approvals.ts';
import { AdoptableWorktreeSchema, ProjectIdSchema, ProjectSchema, ThreadIdSchema, ThreadSchema } from './domain.ts';
import { WireErrorSchema } from './errors.ts';
import type { NotificationMethod, StreamMethod } from './names.ts';
import { HostStateSchema } from './state.ts';
import { TerminalIdSchema, TerminalInfoSchema, TerminalNumberSchema } from './terminals.ts';

const TerminalSizeSchema = { cols: z.number().int().min(2).max(1000), rows: z.number().int().min(1).max(500) };

/**
 * Every request method: its params and its result. Methods are `resource/verb`; wire
 * names follow Codex's app-server protocol (`*Params`, `*Result`).
 */
export const Methods = {
  /** Client → host, first message on a connection: checks versions and returns the whole state. */
  'host/initialize': {
    params: z.object({
      protocolVersion: z.number().int(),
      client: z.object({ name: z.string(), version: z.string() }),
    }),
    result: z.object({
      protocolVersion: z.number().int(),
      host: z.object({ version: z.string(), mode: z.enum(['window', 'serve']) }),
      state: HostStateSchema,
    }),
  },
  /** Client → host: a no-op round trip, to check the connection is alive (e.g. after the machine slept). */
  'host/ping': {
    params: z.object({}),
    result: z.object({ time: z.number() }),
  },
  /** Registers a local git repository (or a folder inside one) as a project. */
  'project/add': {
    params: z.object({ path: z.string().min(1).max(4096) }),
    result: z.object({ project: ProjectSchema }),
  },
  /** Forgets a project. Never touches its files. */
  'project/remove': {
    params: z.object({ projectId: ProjectIdSchema }),
    result: z.object({}),
  },
  /**
   * Lists the project's worktrees made outside Grove that can become threads: not the main
   * checkout, not locked, not missing, and under no thread. Changes nothing.
   */
  'project/worktrees': {
    params: z.object({ projectId: ProjectIdSchema }),
    result: z.object({ worktrees: z.array(AdoptableWorktreeSchema) }),
  },
  /**
   * Makes a thread of one of those worktrees, as it is: no new branch, no setup, nothing in
   * it moved or changed. Its base is the project's default branch. `title` defaults to the
   * branch name (the folder name for a detached HEAD).
   */
  'thread/adopt': {
    params: z.object({
      projectId: ProjectIdSchema,
      path: z.string().min(1).max(4096),
      title: z.string().trim().min(1).max(300).optional(),
    }),
    result: z.object({ thread: ThreadSchema }),
  },
  /** Starts a task: a new branch `grove/<slug>` and its worktree, from `baseRef` (default: the project's default base). */
  'thread/create': {
    params: z.object({
      projectId: ProjectIdSchema,
      title: z.string().trim().min(1).max(300),
      prompt: z.string().max(100_000).default(''),
      baseRef: z.string().trim().min(1).max(255).optional(),
    }),
    result: z.object({ thread: ThreadSchema }),
  },
  /** Counts what archiving (or deleting) a thread would put at stake. Changes nothing. */
  'thread/preflight': {
    params: z.object({ threadId: ThreadIdSchema }),
    result: z.object({
      staged: z.number().int(),
      unstaged: z.number().int(),
      untracked: z.number().int(),
      ignored: z.number().int(),
      unmerged: z.number().int(),
      unpushed: z.number().int().nullable(),
      conflicted: z.number().int(),
    }),
  },
  /** Saves every uncommitted change in a snapshot, then removes the worktree; the branch stays. */
  'thread/archive': {
    params: z.object({ threadId: ThreadIdSchema }),
    result: z.object({ thread: ThreadSchema }),
  },
  /**
   * Attaches to one of the thread's shells (`number`, by default its first running one or
   * 1), starting it in the worktree if it does not run, and returns its screen and
   * scrollback as text that brings a reset terminal to it; new output then arrives as
   * `terminal/output` from `seq` on. A shell started again, also after a host restart,
   * opens below the last one's scrollback.
   */
  'terminal/open': {
    params: z.object({ threadId: ThreadIdSchema, number: TerminalNumberSchema.optional(), ...TerminalSizeSchema }),
    result: z.object({
      terminalId: TerminalIdSchema,
      number: TerminalNumberSchema,
      /** Written to a reset terminal, this is the screen at position `seq` (positions count string characters). */
      replay: z.string(),
      seq: z.number().int(),
      exited: z.object({ exitCode: z.number().int().nullable() }).nullable(),
    }),
  },
  /** Stops sending this client a terminal's output (its view closed); the shell runs on. `terminal/open` attaches again. */
  'terminal/detach': {
    params: z.object({ terminalId: TerminalIdSchema }),
    result: z.object({}),
  },
  /** Types into a terminal (keystrokes, pasted text). */
  'terminal/input': {
    params: z.object({ terminalId: TerminalIdSchema, data: z.string().max(1024 * 1024) }),
    result: z.object({}),
  },
  'terminal/resize': {
    params: z.object({ terminalId: TerminalIdSchema, ...TerminalSizeSchema }),
    result: z.object({}),
  },
  /**
   * Says the client has rendered the stream up to position `seq`. A client more than a window
   * behind is sent nothing until it acks what it was sent, then a `terminal/reset` (flow control).
   */
  'terminal/ack': {
    params: z.object({ terminalId: TerminalIdSchema, seq: z.number().int().nonnegative() }),
    result: z.object({}),
  },
  /**
   * A person's answer to a held action. `approve` runs it (once: an approval is bound to its
   * exact command, cwd and thread); with `editedCommand`, the edited command is checked by
   * the policy again and runs instead. `deny` sends `message` back to the agent.
   * `rememberPrefix` also adds an "always allow" rule for the project (refused for anything
   * destructive, a commit or push, or a deny-listed path).
   */
  'approval/resolve': {
    params: z.object({
      approvalId: ApprovalIdSchema,
      verdict: z.enum(['approve', 'deny']),
      message: z.string().max(4000).optional(),
      editedCommand: z.string().min(1).max(16_384).optional(),
      rememberPrefix: z.array(z.string().min(1)).min(1).max(16).optional(),
    }),
    result: z.object({ approval: ApprovalSchema }),
  },
  /** Approves several pending requests at once; they must be identical (project, kind, command and cwd). */
  'approval/approveAll': {
    params: z.object({ approvalIds: z.array(ApprovalIdSchema).min(1).max(100) }),
    result: z.object({ approvals: z.array(ApprovalSchema) }),
  },
  /** Removes a remembered rule; commands it allowed ask again. */
  'rule/revoke': {
    params: z.object({ ruleId: RuleIdSchema }),
    result: z.object({}),
  },
  /** Stops the shell (and what runs in it). */
  'terminal/close': {
    params: z.object({ terminalId: TerminalIdSchema }),
    result: z.object({}),
  },
  /**
   * Deletes a thread: its worktree, its branch and its record. When work would go with it
   * (uncommitted files, commits not merged or not pushed, a saved snapshot) it refuses with
   * `confirmation_required` unless `confirmBranch` is the branch name, typed by the person.
   * Uncommitted work is still kept in a snapshot ref, the last safety net.
   */
  'thread/delete': {
    params: z.object({ threadId: ThreadIdSchema, confirmBranch: z.string().optional() }),
    result: z.object({}),
  },
  /** Brings an archived thread's worktree back, byte for byte as it was. */
  'thread/restore': {
    params: z.object({ threadId: ThreadIdSchema }),
    result: z.object({ thread: ThreadSchema }),
  },
} as const;

export type MethodName = keyof typeof Methods;
export type ParamsOf<M extends MethodName> = z.input<(typeof Methods)[M]['params']>;
export type ResultOf<M extends MethodName> = z.infer<(typeof Methods)[M]['result']>;

/** Every notification the host sends: `resource/pastTense`. Each carries the new state `rev`. */
export const Notifications = {
  /** A project was added (by this or another client). */
  'project/added': z.object({ rev: z.number().int(), project: ProjectSchema }),
  /** A project was removed (by this or another client). */
  'project/removed': z.object({ rev: z.number().int(), projectId: ProjectIdSchema }),
  /** A thread was created (it starts in `creating`). */
  'thread/added': z.object({ rev: z.number().int(), thread: ThreadSchema }),
  /** A thread changed (status, snapshot, problem…): the whole record, replacing the old one. */
  'thread/updated': z.object({ rev: z.number().int(), thread: ThreadSchema }),
  /** A thread was deleted. */
  'thread/removed': z.object({ rev: z.number().int(), threadId: ThreadIdSchema }),
  /** An action was held for a person. */
  'approval/added': z.object({ rev: z.number().int(), approval: ApprovalSchema }),
  /** A held action was answered, started running, or finished: the whole record. */
  'approval/updated': z.object({ rev: z.number().int(), approval: ApprovalSchema }),
  'rule/added': z.object({ rev: z.number().int(), rule: RuleSchema }),
  'rule/removed': z.object({ rev: z.number().int(), ruleId: RuleIdSchema }),
  /** A shell started (by this or another client). */
  'terminal/added': z.object({ rev: z.number().int(), terminal: TerminalInfoSchema }),
  /** A shell ended, and its scrollback is saved. */
  'terminal/removed': z.object({ rev: z.number().int(), terminalId: TerminalIdSchema }),
} as const satisfies Record<NotificationMethod, z.ZodType>;

export type NotificationName = keyof typeof Notifications;

/** Stream notifications, host → the one client attached; no `rev` (see names.ts). */
export const StreamNotifications = {
  /** Output of a terminal: `data` starts at position `seq` of its stream. */
  'terminal/output': z.object({ terminalId: TerminalIdSchema, seq: z.number().int(), data: z.string() }),
  /**
   * The client fell behind, or holds only the end of the scrollback: reset the terminal and
   * write `data`, and it shows the screen at position `seq`; output continues from there.
   */
  'terminal/reset': z.object({ terminalId: TerminalIdSchema, seq: z.number().int(), data: z.string() }),
  /** The shell ended. */
  'terminal/exited': z.object({ terminalId: TerminalIdSchema, exitCode: z.number().int().nullable() }),
} as const satisfies Record<StreamMethod, z.ZodType>;

export type AnyStreamNotification = {
  [N in StreamMethod]: { method: N; params: z.infer<(typeof StreamNotifications)[N]> };
}[StreamMethod];
export type NotificationParamsOf<N extends NotificationName> = z.infer<(typeof Notifications)[N]>;

/** Client → host. `id` is chosen by the client and echoed in the response. */
export const RequestSchema = z.object({
  id: z.number().int().nonnegative(),
  method: z.string(),
  params: z.unknown().optional(),
});
export type Request = z.infer<typeof RequestSchema>;

/** Host → client, answering one request: a result or an error, never both. */
export const ResponseSchema = z.union([
  z.object({ id: z.number().int(), result: z.unknown() }),
  z.object({ id: z.number().int().nullable(), error: WireErrorSchema }),
]);
export type Response = z.infer<typeof ResponseSchema>;

/** Host → client, unprompted. */
export const NotificationSchema = z.object({ method: z.string(), params: z.unknown() });
export type Notification = z.infer<typeof NotificationSchema>;

/** A typed notification as the client receives it. */
export type AnyNotification = {
  [N in NotificationName]: { method: N; params: NotificationParamsOf<N> };
}[NotificationName];
