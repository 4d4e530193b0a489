import { z } from 'zod';
import { ApprovalSchema, RuleSchema } from './approvals.ts';
import { ProjectSchema, ThreadSchema } from './domain.ts';
import { TerminalInfoSchema } from './terminals.ts';

/** Everything the UI mirrors: the host sends it whole on initialize, then changes. */
export const HostStateSchema = z.object({
  /** Increases by one with every change notification, so a client can tell it missed one. */
  rev: z.number().int().nonnegative(),
  projects: z.array(ProjectSchema),
  threads: z.array(ThreadSchema),
  /** Every approval still pending, across every thread, and the most recent settled ones. */
  approvals: z.array(ApprovalSchema),
  /** Remembered "always allow this prefix" rules, per project. */
  rules: z.array(RuleSchema),
  /** Every running shell, of every thread. */
  terminals: z.array(TerminalInfoSchema),
  /** Whether agent commands run in the sandbox (bubblewrap) here, and why not when they do not. */
  sandbox: z.object({ available: z.boolean(), reason: z.string().nullable() }),
});
export type HostState = z.infer<typeof HostStateSchema>;
