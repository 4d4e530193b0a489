/**
 * The protocol version both sides must agree on in `host/initialize`. Bump it on any
 * incompatible change to a schema in this folder.
 */
export const PROTOCOL_VERSION = 4;

/** The Neutralino extension id of the host, as `neutralino.config.json` names it. */
export const HOST_EXTENSION_ID = 'js.grove.agenthost';

/** Relay events between the window and the host (see NEUTRALINO.md: the relay is slow, so it only carries the hand-off). */
export const RELAY_EVENTS = {
  /** Page → host: "tell me where your WebSocket is". */
  hello: 'grove:hello',
  /** Host → pages: `{ url, token }` of the host's direct WebSocket. */
  host: 'grove:host',
} as const;
