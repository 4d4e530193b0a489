/**
 * Every notification the host sends, by name. Zod-free so the UI can import it;
 * `messages.ts` defines each one's params and is checked against this list.
 */
export const NOTIFICATION_METHODS = [
  'project/added',
  'project/removed',
  'thread/added',
  'thread/updated',
  'thread/removed',
  'approval/added',
  'approval/updated',
  'rule/added',
  'rule/removed',
  'terminal/added',
  'terminal/removed',
] as const;
export type NotificationMethod = (typeof NOTIFICATION_METHODS)[number];

/**
 * High-volume streams (terminal bytes), sent only to the client that asked for them. They
 * carry their own sequence numbers instead of a state `rev`, and never touch the mirror.
 */
export const STREAM_METHODS = ['terminal/output', 'terminal/reset', 'terminal/exited'] as const;
export type StreamMethod = (typeof STREAM_METHODS)[number];
