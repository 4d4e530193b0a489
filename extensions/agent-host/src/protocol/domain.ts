import { z } from 'zod';

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

/** Everything the UI mirrors: the host sends it whole on initialize, then changes. */
export const HostStateSchema = z.object({
  /** Increases by one with every change notification, so a client can tell it missed one. */
  rev: z.number().int().nonnegative(),
  projects: z.array(ProjectSchema),
  inbox: z.object({
    /** Approval requests waiting for a person, across every thread. */
    pending: z.number().int().nonnegative(),
  }),
});
export type HostState = z.infer<typeof HostStateSchema>;
