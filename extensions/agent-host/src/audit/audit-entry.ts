import type { ThreadId } from '../protocol/index.ts';

// What the audit log records. Plain types rather than zod: entries are made inside the host
// and never cross the wire, and `grove audit verify` checks the chain, not the payloads, so
// a verifier checks logs that hold kinds newer than itself.

/** A value JSON carries exactly; see canonical-json.ts. */
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

interface About {
  /** The thread the entry is about; absent for project-wide entries (a rule change). */
  readonly threadId?: ThreadId;
}

/** An agent asked to run a tool; recorded before the policy decides on it. */
export interface ToolCallEntry extends About {
  readonly kind: 'tool_call';
  readonly callId: string;
  readonly tool: string;
  readonly input: JsonValue;
}

/** The policy's (or a standing rule's) verdict on an action. */
export interface DecisionEntry extends About {
  readonly kind: 'decision';
  /** The tool call decided on, when there is one. */
  readonly callId?: string;
  readonly action: 'command' | 'read' | 'write' | 'mcp_tool' | 'git';
  /** The literal command, path or tool name that was checked. */
  readonly target: string;
  readonly cwd?: string;
  readonly verdict: 'allow' | 'ask' | 'deny';
  readonly reasons: readonly string[];
}

/** A person answered a held request, or a restart found it approved but unfinished. */
export interface ApprovalEntry extends About {
  readonly kind: 'approval';
  readonly requestId: string;
  readonly outcome: 'approved' | 'denied' | 'interrupted';
  /** The command as approved, after any edit. */
  readonly command?: string;
  /** What a denial tells the agent. */
  readonly message?: string;
}

/** A standing rule was added or revoked ("always allow this command prefix in this project"). */
export interface RuleChangeEntry extends About {
  readonly kind: 'rule_change';
  readonly change: 'added' | 'removed';
  readonly ruleId: string;
  readonly rule: JsonValue;
}

/** Grove changed a repository: a commit, a push, a worktree or branch made or removed, a ref moved. */
export interface GitMutationEntry extends About {
  readonly kind: 'git_mutation';
  /** What was done, in words of one name: `commit`, `push`, `worktree_add`, `update_ref`, … */
  readonly operation: string;
  /** git's arguments, exactly as run. */
  readonly args: readonly string[];
  readonly cwd: string;
  /** The ref's object before and after, when a ref moved. */
  readonly before?: string;
  readonly after?: string;
}

/**
 * Written by the log itself when it opened a file whose last line had been cut short (the
 * host was killed mid-write) and dropped that line. It names the bytes dropped.
 */
export interface LogRepairedEntry {
  readonly kind: 'log_repaired';
  /** Where the dropped bytes began: the file's length once they were cut off. */
  readonly offset: number;
  readonly length: number;
  readonly sha256: string;
  /** The dropped bytes' first characters, for a person to recognise them. */
  readonly preview: string;
}

export type AuditEntry = ToolCallEntry | DecisionEntry | ApprovalEntry | RuleChangeEntry | GitMutationEntry | LogRepairedEntry;

/** What callers append: every kind but the log's own notes. */
export type AuditInput = Exclude<AuditEntry, LogRepairedEntry>;

/** One line of the log. `hash` = sha256(prev + canonical JSON of {seq, time, entry}); see audit-chain.ts. */
export interface AuditRecord {
  /** 1 on the first line, then one more on each. */
  readonly seq: number;
  /** Epoch milliseconds. */
  readonly time: number;
  /** The previous line's hash; on the first line, the project's genesis value. */
  readonly prev: string;
  readonly hash: string;
  readonly entry: AuditEntry;
}
