import { html, nothing, type TemplateResult } from 'lit';
import { icon } from './icons.ts';

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

/** A failure shown where it happened, announced at once: icon and words (styled by `.error` in sharedStyles). */
export function errorLine(message: string, id?: string): TemplateResult {
  return html`<p id=${id ?? nothing} class="error" role="alert">${icon('alert')}<span>${message}</span></p>`;
}
