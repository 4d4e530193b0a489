import { z } from 'zod';
import { THREAD_STATUSES } from './board.ts';
import { ErrorCodeSchema } from './errors.ts';

/** Identifies a project for its whole life; never reused. */
export const ProjectIdSchema = z
  .string()
  .regex(/^p_[a-z0-9]{10,}$/)
  .brand<'ProjectId'>();
export type ProjectId = z.infer<typeof ProjectIdSchema>;

/** A registered git repository: its main checkout and what Grove knows of it. */
export const ProjectSchema = z.object({
  id: ProjectIdSchema,
  /** Shown in the sidebar; the main checkout's folder name. */
  name: z.string(),
  /** Absolute, real path of the main checkout (never a linked worktree). */
  path: z.string(),
  /** The branch checked out in the main checkout when it was added; the default base for threads. */
  defaultBase: z.string().nullable(),
  /** Epoch milliseconds. */
  addedAt: z.number().int(),
});
export type Project = z.infer<typeof ProjectSchema>;

/** Identifies a thread for its whole life; never reused. */
export const ThreadIdSchema = z
  .string()
  .regex(/^t_[a-z0-9]{10,}$/)
  .brand<'ThreadId'>();
export type ThreadId = z.infer<typeof ThreadIdSchema>;

export const ThreadStatusSchema = z.enum(THREAD_STATUSES);

/** Uncommitted work saved when a thread was archived: what restore puts back. */
export const ThreadSnapshotSchema = z.object({
  /** `refs/grove/snapshots/<thread>/<time>`: keeps the commits alive. */
  ref: z.string(),
  commit: z.string(),
  head: z.string(),
  indexTree: z.string(),
  workTree: z.string(),
  takenAt: z.number().int(),
  /** The status the thread had before it was archived, which restore returns it to. */
  from: ThreadStatusSchema,
});
export type ThreadSnapshot = z.infer<typeof ThreadSnapshotSchema>;

/** The project's setup script as it ran in a new worktree (`.grove/settings.json` → `setup`). */
export const ThreadSetupSchema = z.object({
  state: z.enum(['running', 'succeeded', 'failed']),
  /** The shell command line, as the project's settings give it. */
  command: z.string(),
  exitCode: z.number().int().nullable(),
  startedAt: z.number().int(),
  finishedAt: z.number().int().nullable(),
  /** The last few KB of its output; the whole log is in the data dir. */
  tail: z.string(),
});
export type ThreadSetup = z.infer<typeof ThreadSetupSchema>;

/** What git says of a thread's worktree, refreshed in the background (never with locks git's own commands would need). */
export const ThreadGitSchema = z.object({
  /** False when the worktree folder is gone (deleted by hand): offer restore. */
  present: z.boolean(),
  /** Files that differ from HEAD, staged or not, plus untracked ones (ignored files not counted). */
  changed: z.number().int(),
  /** Commits on the branch that the base ref does not have, and the other way round. */
  ahead: z.number().int(),
  behind: z.number().int(),
  /** The branch checked out now; not the thread's branch if someone switched it by hand; null when detached. */
  head: z.string().nullable(),
  checkedAt: z.number().int(),
});
export type ThreadGit = z.infer<typeof ThreadGitSchema>;

/** One task: its own branch and worktree (and, later, terminal, conversation and model). */
export const ThreadSchema = z.object({
  id: ThreadIdSchema,
  projectId: ProjectIdSchema,
  title: z.string(),
  /** The task for the agent, kept until agents run it. */
  prompt: z.string(),
  /**
   * `grove/<slug>`, unique in the repository; an adopted worktree's own branch; null for an
   * adopted worktree on a detached HEAD (see `adopted.head`).
   */
  branch: z.string().nullable(),
  /** What the branch started from: the ref as typed and the commit it named then. */
  base: z.object({ ref: z.string(), commit: z.string() }),
  worktreePath: z.string(),
  /** First of the ports reserved for this thread (`GROVE_PORT`), so dev servers in parallel threads do not collide. */
  port: z.number().int(),
  status: ThreadStatusSchema,
  setup: ThreadSetupSchema.nullable(),
  /** Null until first checked, and while archived. */
  git: ThreadGitSchema.nullable().default(null),
  /** Set while archived (and kept after restore, for the record). */
  snapshot: ThreadSnapshotSchema.nullable(),
  /**
   * Set when the thread adopted a worktree made outside Grove (`thread/adopt`): Grove made
   * neither its branch nor its folder and ran no setup there. `head` is the commit checked
   * out when it was adopted, which names a detached HEAD.
   */
  adopted: z.object({ head: z.string() }).nullable().default(null),
  /** While approvals hold the thread (`waiting`), the status it goes back to once none does. */
  heldFrom: ThreadStatusSchema.nullable().default(null),
  /** Why the thread is in `error` or `interrupted`, in words a person can act on. */
  problem: z.object({ code: ErrorCodeSchema, message: z.string() }).nullable(),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
});
export type Thread = z.infer<typeof ThreadSchema>;

/** A worktree of a project's repository that no thread owns, as `git worktree list` shows it: one a person can adopt. */
export const AdoptableWorktreeSchema = z.object({
  /** Absolute path, as git records it. */
  path: z.string(),
  /** The branch checked out there; null for a detached HEAD. */
  branch: z.string().nullable(),
  /** The commit checked out there. */
  head: z.string(),
});
export type AdoptableWorktree = z.infer<typeof AdoptableWorktreeSchema>;
