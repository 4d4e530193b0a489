/**
 * The UI's one door to the shared protocol. Types come from the zod modules with
 * `export type`, so zod never enters the bundle; runtime values come only from the
 * zod-free modules (board.ts, names.ts, version.ts).
 */

export {
  ARCHIVABLE_STATUSES,
  BOARD_COLUMNS,
  type BoardColumn,
  type ThreadStatus,
} from '../../extensions/agent-host/src/protocol/board.ts';
export type {
  HostState,
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
  TerminalId,
} from '../../extensions/agent-host/src/protocol/messages.ts';
export { NOTIFICATION_METHODS, STREAM_METHODS } from '../../extensions/agent-host/src/protocol/names.ts';
export { HOST_EXTENSION_ID, PROTOCOL_VERSION, RELAY_EVENTS } from '../../extensions/agent-host/src/protocol/version.ts';
