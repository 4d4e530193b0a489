import { z } from 'zod';
import { ProjectIdSchema, ThreadIdSchema } from './domain.ts';

/** Identifies an approval request for its whole life; never reused. */
export const ApprovalIdSchema = z
  .string()
  .regex(/^a_[a-z0-9]{10,}$/)
  .brand<'ApprovalId'>();
export type ApprovalId = z.infer<typeof ApprovalIdSchema>;

/** Identifies a remembered rule ("always allow this command prefix in this project"). */
export const RuleIdSchema = z
  .string()
  .regex(/^r_[a-z0-9]{10,}$/)
  .brand<'RuleId'>();
export type RuleId = z.infer<typeof RuleIdSchema>;

/**
 * Where a held action stands. `pending` waits for a person, with no timeout. `approved` and
 * `running` are on their way; a host that stops while one is in either comes back with it
 * `interrupted`, never re-run by itself. `done` and `failed` ran; `denied` did not.
 */
export const APPROVAL_STATUSES = ['pending', 'approved', 'running', 'done', 'failed', 'denied', 'interrupted'] as const;
export const ApprovalStatusSchema = z.enum(APPROVAL_STATUSES);
export type ApprovalStatus = z.infer<typeof ApprovalStatusSchema>;

/** A commit waiting for a person: what `git commit` would record. */
export const ApprovalCommitSchema = z.object({
  message: z.string(),
  /** The staged files, as `git diff --cached --name-status` lists them. */
  files: z.array(z.string()),
  /** The staged diff, cut at a size a person can read in the inbox. */
  diff: z.string(),
  diffTruncated: z.boolean(),
});

/** What running an approved (or allowed) action gave: exit status and its output, secrets redacted. */
export const ActionResultSchema = z.object({
  exitCode: z.number().int().nullable(),
  signal: z.string().nullable(),
  /** stdout and stderr as they interleaved, capped, with known secret formats redacted. */
  output: z.string(),
  truncated: z.boolean(),
  /** Whether it ran inside the sandbox (bubblewrap); the reason when not. */
  sandboxed: z.boolean(),
  unsandboxedReason: z.string().nullable(),
  durationMs: z.number(),
});
export type ActionResult = z.infer<typeof ActionResultSchema>;

/** How a person answered. */
export const ApprovalDecisionSchema = z.object({
  verdict: z.enum(['approve', 'deny']),
  /** For a denial, what goes back to the agent. */
  message: z.string().nullable(),
  /** The command as the person edited it before approving (re-checked by the policy first). */
  editedCommand: z.string().nullable(),
  /** The rule the person added with this approval, if any. */
  rule: RuleIdSchema.nullable(),
  at: z.number().int(),
});

/** An action held for a person: a shell command or a commit, bound to its exact command, cwd and thread. */
export const ApprovalSchema = z.object({
  id: ApprovalIdSchema,
  threadId: ThreadIdSchema,
  projectId: ProjectIdSchema,
  kind: z.enum(['command', 'commit']),
  /** The literal command as asked; for a commit, the `git commit` Grove will run. */
  command: z.string(),
  /** Absolute folder it runs in (inside the thread's worktree). */
  cwd: z.string(),
  commit: ApprovalCommitSchema.nullable(),
  /** Why the policy held it, in words. */
  reasons: z.array(z.string()),
  status: ApprovalStatusSchema,
  decision: ApprovalDecisionSchema.nullable(),
  result: ActionResultSchema.nullable(),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
});
export type Approval = z.infer<typeof ApprovalSchema>;

/**
 * "Always allow this command prefix in this project": a simple command whose first words
 * are exactly `prefix` runs without asking. Never made for a destructive command, a commit
 * or push, or one touching a deny-listed path; shown in the inbox and revocable.
 */
export const RuleSchema = z.object({
  id: RuleIdSchema,
  projectId: ProjectIdSchema,
  prefix: z.array(z.string().min(1)).min(1).max(16),
  /** The approval it was added with. */
  from: ApprovalIdSchema.nullable(),
  createdAt: z.number().int(),
});
export type Rule = z.infer<typeof RuleSchema>;
