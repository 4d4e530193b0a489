/**
 * What the host and the inbox agree on about approvals. Zod-free, so the UI can import it.
 */

/** Settled approvals the mirror carries besides every pending one, newest first. */
export const SETTLED_APPROVALS_SHOWN = 100;

/** A word a rule may match: no quotes, `$`, globs, operators, redirections or substitutions. */
const PLAIN_WORD = /^[A-Za-z0-9_./:=@%+,-]+$/;

/**
 * The words of a plain simple command, or undefined when it is anything more. Only plain
 * commands can be covered by an "always allow" rule; anything else always asks.
 */
export function plainCommandWords(command: string): string[] | undefined {
  const words = command.trim().split(/[ \t]+/);
  return words.length > 0 && words.every((w) => PLAIN_WORD.test(w)) ? words : undefined;
}
