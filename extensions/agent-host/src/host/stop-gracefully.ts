/** Something that can be asked to stop, made to stop, and tells when it has. */
export interface Stoppable {
  /** Asks it to stop (SIGTERM, SIGHUP). */
  ask(): void;
  /** Makes it stop (SIGKILL). */
  force(): void;
  /** Settles once it has stopped. */
  readonly stopped: Promise<void>;
}

/**
 * Asks every one to stop, waits up to `graceMs`, then forces the rest: the one shutdown
 * sequence for setup scripts, shells and anything else the host starts.
 */
export async function stopGracefully(items: readonly Stoppable[], graceMs: number): Promise<void> {
  if (items.length === 0) return;
  const all = Promise.all(items.map((item) => item.stopped));
  for (const item of items) item.ask();
  let timer: NodeJS.Timeout | undefined;
  const grace = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), graceMs);
  });
  const outcome = await Promise.race([all, grace]);
  clearTimeout(timer);
  if (outcome !== 'timeout') return;
  for (const item of items) item.force();
  await all;
}
