/** What `waitFor` keeps polling past: no value yet. An empty string counts, e.g. a file read before it was written. */
type NotYet = undefined | null | false | '';

/** Polls `probe` until it returns a value (not undefined, null, false or ''), or fails after `timeoutMs` naming `what`. */
export async function waitFor<T>(what: string, probe: () => T | Promise<T>, timeoutMs = 10_000): Promise<Exclude<T, NotYet>> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== null && value !== false && value !== '') return value as Exclude<T, NotYet>;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
