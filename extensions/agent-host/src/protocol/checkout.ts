/**
 * How a thread's checkout is named to a person. Kept free of zod so the UI can import it at
 * no bundle cost, and the host words its messages the same way.
 */

/** The part of a thread these names need. */
interface Checkout {
  readonly branch: string | null;
  readonly adopted: { readonly head: string } | null;
  readonly base: { readonly commit: string };
}

/**
 * Its branch, or for an adopted detached HEAD the commit it was adopted at, abbreviated. Also
 * what a person types to delete a thread with work at stake (`thread/delete`'s `confirmBranch`).
 */
export function checkoutName(thread: Checkout): string {
  return thread.branch ?? (thread.adopted?.head ?? thread.base.commit).slice(0, 7);
}

/** "grove/fix-login", or "detached HEAD at 1a2b3c4". */
export function checkoutLabel(thread: Checkout): string {
  return thread.branch ?? `detached HEAD at ${checkoutName(thread)}`;
}
