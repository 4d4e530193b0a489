/**
 * The words to show a person for a failure: an Error's message (the host's, for a refused
 * request), a plain `{message}` object's (what the Neutralino client rejects with), or
 * the value itself.
 */
export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error !== null && 'message' in error) return String(error.message);
  return String(error);
}
