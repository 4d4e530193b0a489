import type { ReactiveController, ReactiveControllerHost } from 'lit';

/**
 * How often the board redraws relative times. Thirty seconds keeps "2 min ago" at most half
 * a minute behind, for one cheap re-render of the visible cards.
 */
export const RELATIVE_TIME_REFRESH_MS = 30_000;

/**
 * The time a view counts its relative times from: taken when the view connects and every
 * RELATIVE_TIME_REFRESH_MS while it stays connected, each tick one re-render. Setting
 * `now` in `willUpdate` (when records change) needs no extra render.
 */
export class RelativeClock implements ReactiveController {
  now = Date.now();
  readonly #host: ReactiveControllerHost;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(host: ReactiveControllerHost) {
    this.#host = host;
    host.addController(this);
  }

  hostConnected(): void {
    this.#tick();
    this.#timer = setInterval(() => this.#tick(), RELATIVE_TIME_REFRESH_MS);
  }

  hostDisconnected(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #tick(): void {
    this.now = Date.now();
    this.#host.requestUpdate();
  }
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** "just now", "2 min ago", "3 hours ago", "yesterday", "4 days ago", then a date ("Mar 4"). */
export function relativeTime(then: number, now: number): string {
  // A record stamped a moment after the last tick reads as now, never as the future.
  const elapsed = Math.max(0, now - then);
  if (elapsed < MINUTE) return 'just now';
  if (elapsed < HOUR) return `${Math.floor(elapsed / MINUTE)} min ago`;
  if (elapsed < DAY) {
    const hours = Math.floor(elapsed / HOUR);
    return hours === 1 ? '1 hour ago' : `${hours} hours ago`;
  }
  const days = Math.floor(elapsed / DAY);
  if (days === 1) return 'yesterday';
  if (days < 7) return `${days} days ago`;
  const date = new Date(then);
  const sameYear = date.getFullYear() === new Date(now).getFullYear();
  return date.toLocaleDateString(undefined, { month: 'short', day: 'numeric', year: sameYear ? undefined : 'numeric' });
}

/** The full local date and time, for a tooltip beside a relative time. */
export function fullTime(time: number): string {
  return new Date(time).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** "40 ms", "2.5 s", "12 s": how long something took. */
export function shortDuration(ms: number): string {
  if (ms < 1_000) return `${Math.max(1, Math.round(ms))} ms`;
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}
