/**
 * The UI's one door to the shared protocol. Types come from the zod modules with
 * `export type`, so zod never enters the bundle; runtime values come only from the
 * zod-free modules (board.ts, checkout.ts, names.ts, version.ts).
 */

export { plainCommandWords, SETTLED_APPROVALS_SHOWN } from '../../extensions/agent-host/src/protocol/approval-limits.ts';
export type {
  ActionResult,
  Approval,
  ApprovalId,
  ApprovalStatus,
  Rule,
  RuleId,
} from '../../extensions/agent-host/src/protocol/approvals.ts';
export {
  ARCHIVABLE_STATUSES,
  BOARD_COLUMNS,
  type BoardColumn,
  type ThreadStatus,
} from '../../extensions/agent-host/src/protocol/board.ts';
export { checkoutLabel, checkoutName } from '../../extensions/agent-host/src/protocol/checkout.ts';
export type {
  AdoptableWorktree,
  Project,
  ProjectId,
  Thread,
  ThreadId,
  ThreadSetup,
} from '../../extensions/agent-host/src/protocol/domain.ts';
export type { ErrorCode, WireError } from '../../extensions/agent-host/src/protocol/errors.ts';
export type {
  AnyNotification,
  AnyStreamNotification,
  MethodName,
  ParamsOf,
  ResultOf,
} from '../../extensions/agent-host/src/protocol/messages.ts';
export { NOTIFICATION_METHODS, STREAM_METHODS } from '../../extensions/agent-host/src/protocol/names.ts';
export type { HostState } from '../../extensions/agent-host/src/protocol/state.ts';
export { TERMINAL_SCROLLBACK_LINES, TERMINALS_PER_THREAD } from '../../extensions/agent-host/src/protocol/terminal-limits.ts';
export type { TerminalId, TerminalInfo } from '../../extensions/agent-host/src/protocol/terminals.ts';
export { HOST_EXTENSION_ID, PROTOCOL_VERSION, RELAY_EVENTS } from '../../extensions/agent-host/src/protocol/version.ts';
