/**
 * Every notification the host sends, by name. Zod-free so the UI can import it;
 * `messages.ts` defines each one's params and is checked against this list.
 */
export const NOTIFICATION_METHODS = ['project/added', 'project/removed', 'thread/added', 'thread/updated'] as const;
export type NotificationMethod = (typeof NOTIFICATION_METHODS)[number];
