import { z } from 'zod';
import { ThreadIdSchema } from './domain.ts';
import { TERMINALS_PER_THREAD } from './terminal-limits.ts';

/** Identifies one shell of a thread while the host runs. */
export const TerminalIdSchema = z
  .string()
  .regex(/^term_[a-z0-9]{8,}$/)
  .brand<'TerminalId'>();
export type TerminalId = z.infer<typeof TerminalIdSchema>;

/**
 * A thread's shells are numbered from 1. The number outlives the shell: opening that number
 * again starts a new shell below the last one's saved scrollback, also after a restart.
 */
export const TerminalNumberSchema = z.number().int().min(1).max(TERMINALS_PER_THREAD);

/** A shell that is running. */
export const TerminalInfoSchema = z.object({
  id: TerminalIdSchema,
  threadId: ThreadIdSchema,
  number: TerminalNumberSchema,
});
export type TerminalInfo = z.infer<typeof TerminalInfoSchema>;
