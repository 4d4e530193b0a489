/** The host's log: one line per event on stderr, which the Neutralino runtime passes through. Never given secrets. */
export const log = {
  info(message: string): void {
    process.stderr.write(`grove ${new Date().toISOString()} ${message}\n`);
  },
  error(message: string, error?: unknown): void {
    const detail = error instanceof Error ? `\n${error.stack ?? error.message}` : error === undefined ? '' : ` ${String(error)}`;
    process.stderr.write(`grove ${new Date().toISOString()} error: ${message}${detail}\n`);
  },
};
