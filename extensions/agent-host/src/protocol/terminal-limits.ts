/**
 * Lines of scrollback a terminal keeps above its screen, on the host (what a reload, a
 * reconnect or a restart brings back) and in the page alike, so a resync from the host
 * never shortens what the page shows. At 120 columns, a full scrollback is ~7 MB.
 * Zod-free, so the UI can import it.
 */
export const TERMINAL_SCROLLBACK_LINES = 5_000;

/** Shells one thread may have at once, numbered 1 to this. */
export const TERMINALS_PER_THREAD = 8;
