/** Apple platforms use ⌘ where everyone else uses Ctrl. */
export const isApple = /Mac|iPhone|iPad/.test(navigator.userAgent);

/** The platform's command modifier, as shown in keyboard hints. */
export const modKeyLabel = isApple ? '⌘' : 'Ctrl';

/** True when `event` holds the platform's command modifier (and not the other one). */
export function hasModKey(event: KeyboardEvent): boolean {
  return isApple ? event.metaKey && !event.ctrlKey : event.ctrlKey && !event.metaKey;
}
