import { z } from 'zod';

/**
 * Stable error codes that cross the wire. Clients branch on the code, never on the
 * message, which is written for a person.
 */
export const ErrorCodeSchema = z.enum([
  // Protocol
  'parse_error',
  'invalid_request',
  'method_not_found',
  'invalid_params',
  'not_initialized',
  'protocol_mismatch',
  'internal',
  // Projects
  'path_not_absolute',
  'path_not_found',
  'not_a_directory',
  'path_not_readable',
  'not_a_git_repository',
  'bare_repository',
  'no_commits',
  'project_exists',
  'project_not_found',
  'project_has_threads',
  'git_not_found',
  'repository_not_trusted',
  // Threads
  'thread_not_found',
  'terminal_not_found',
  'base_ref_not_found',
  'thread_busy',
  'confirmation_required',
  'worktree_conflicts',
  'worktree_missing',
  'worktree_path_taken',
  'snapshot_mismatch',
  'git_failed',
  'settings_invalid',
  'not_a_worktree',
  'worktree_is_main_checkout',
  'worktree_is_thread',
  'worktree_locked',
  'worktree_root_inside_repository',
  'worktree_root_not_writable',
  // approvals
  'approval_not_found',
  'approval_resolved',
  'approvals_differ',
  'rule_refused',
  'rule_not_found',
  'command_denied',
  // Storage
  'disk_full',
  'storage_failed',
  'data_dir_in_use',
  'data_dir_corrupt',
]);
export type ErrorCode = z.infer<typeof ErrorCodeSchema>;

/** An error as it crosses the wire: a stable code, a message a person can act on, and data. */
export const WireErrorSchema = z.object({
  code: ErrorCodeSchema,
  message: z.string(),
  data: z.record(z.string(), z.unknown()).optional(),
});
export type WireError = z.infer<typeof WireErrorSchema>;
