import { z } from 'zod';
import { HostStateSchema, ProjectIdSchema, ProjectSchema } from './domain.ts';
import { WireErrorSchema } from './errors.ts';

/**
 * Every request method: its params and its result. Methods are `resource/verb`; wire
 * names follow Codex's app-server protocol (`*Params`, `*Result`).
 */
export const Methods = {
  /** Client → host, first message on a connection: checks versions and returns the whole state. */
  'host/initialize': {
    params: z.object({
      protocolVersion: z.number().int(),
      client: z.object({ name: z.string(), version: z.string() }),
    }),
    result: z.object({
      protocolVersion: z.number().int(),
      host: z.object({ version: z.string(), mode: z.enum(['window', 'serve']) }),
      state: HostStateSchema,
    }),
  },
  /** Client → host: a no-op round trip, to check the connection is alive (e.g. after the machine slept). */
  'host/ping': {
    params: z.object({}),
    result: z.object({ time: z.number() }),
  },
  /** Registers a local git repository (or a folder inside one) as a project. */
  'project/add': {
    params: z.object({ path: z.string().min(1).max(4096) }),
    result: z.object({ project: ProjectSchema }),
  },
  /** Forgets a project. Never touches its files. */
  'project/remove': {
    params: z.object({ projectId: ProjectIdSchema }),
    result: z.object({}),
  },
} as const;

export type MethodName = keyof typeof Methods;
export type ParamsOf<M extends MethodName> = z.input<(typeof Methods)[M]['params']>;
export type ResultOf<M extends MethodName> = z.infer<(typeof Methods)[M]['result']>;

/** Every notification the host sends: `resource/pastTense`. Each carries the new state `rev`. */
export const Notifications = {
  /** A project was added (by this or another client). */
  'project/added': z.object({ rev: z.number().int(), project: ProjectSchema }),
  /** A project was removed (by this or another client). */
  'project/removed': z.object({ rev: z.number().int(), projectId: ProjectIdSchema }),
} as const;

export type NotificationName = keyof typeof Notifications;
export type NotificationParamsOf<N extends NotificationName> = z.infer<(typeof Notifications)[N]>;

/** Client → host. `id` is chosen by the client and echoed in the response. */
export const RequestSchema = z.object({
  id: z.number().int().nonnegative(),
  method: z.string(),
  params: z.unknown().optional(),
});
export type Request = z.infer<typeof RequestSchema>;

/** Host → client, answering one request: a result or an error, never both. */
export const ResponseSchema = z.union([
  z.object({ id: z.number().int(), result: z.unknown() }),
  z.object({ id: z.number().int().nullable(), error: WireErrorSchema }),
]);
export type Response = z.infer<typeof ResponseSchema>;

/** Host → client, unprompted. */
export const NotificationSchema = z.object({ method: z.string(), params: z.unknown() });
export type Notification = z.infer<typeof NotificationSchema>;

/** A typed notification as the client receives it. */
export type AnyNotification = {
  [N in NotificationName]: { method: N; params: NotificationParamsOf<N> };
}[NotificationName];
