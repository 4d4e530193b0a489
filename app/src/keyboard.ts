/** Apple platforms use ⌘ where everyone else uses Ctrl. */
export const isApple = /Mac|iPhone|iPad/.test(navigator.userAgent);

/** The platform's command modifier, as shown in keyboard hints. */
export const modKeyLabel = isApple ? '⌘' : 'Ctrl';

/** True when `event` holds the platform's command modifier (and not the other one). */
export function hasModKey(event: KeyboardEvent): boolean {
  return isApple ? event.metaKey && !event.ctrlKey : event.ctrlKey && !event.metaKey;
}

/** True when the key goes into a text field (or editable text), so a one-letter shortcut must not act on it. */
export function isTyping(event: KeyboardEvent): boolean {
  const target = event.composedPath()[0];
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || target.localName === 'textarea' || target.localName === 'select') return true;
  return target instanceof HTMLInputElement && !['checkbox', 'radio', 'button', 'submit', 'reset'].includes(target.type);
}

/** A single letter pressed alone (no modifier, not held down): a one-key shortcut like N or I. */
export function isLetterKey(event: KeyboardEvent, letter: string): boolean {
  return (
    event.key.toLowerCase() === letter && !event.ctrlKey && !event.metaKey && !event.altKey && !event.shiftKey && !event.repeat
  );
}

/**
 * Where a list's focus moves for `key` from `index` among `length` items: arrows, Home and
 * End (and `j`/`k` where the list takes letters), or null for a key that moves nothing.
 */
export function listMove(key: string, index: number, length: number, options: { letters?: boolean } = {}): number | null {
  if (length === 0) return null;
  const down = key === 'ArrowDown' || (options.letters === true && key === 'j');
  const up = key === 'ArrowUp' || (options.letters === true && key === 'k');
  if (down) return Math.min(index + 1, length - 1);
  if (up) return Math.max(index - 1, 0);
  if (key === 'Home') return 0;
  if (key === 'End') return length - 1;
  return null;
}
