import { cut } from './approvals.ts';
import { showNotification } from './platform/neutralino.ts';
import type { Approval, ApprovalId } from './protocol.ts';

/** The notification's body shows this much of the command; the inbox shows all of it. */
const BODY_COMMAND_CHARS = 120;

/** One notification replaces the last in a browser, so a burst of requests is one alert, not a stack. */
const NOTIFICATION_TAG = 'grove-approval';

/**
 * Tells which pending requests are new since the last look. The first look only learns
 * what is there: requests already waiting when the page loads are not news.
 */
export class ApprovalArrivals {
  #known: Set<ApprovalId> | null = null;

  /** The requests pending now that were not pending (or not known) at the last call. */
  arrived(approvals: readonly Approval[]): Approval[] {
    const pending = approvals.filter((a) => a.status === 'pending');
    const known = this.#known;
    this.#known = new Set(pending.map((a) => a.id));
    return known === null ? [] : pending.filter((a) => !known.has(a.id));
  }
}

/** What a new request says about itself in an alert: "<thread>: <command>". */
export function arrivalText(approval: Approval, threadTitle: string | undefined): string {
  const what =
    approval.kind === 'commit' ? `commit “${cut(approval.commit?.message ?? '', BODY_COMMAND_CHARS)}”` : approval.command;
  return `${threadTitle ?? 'A removed thread'}: ${cut(what, BODY_COMMAND_CHARS)}`;
}

/**
 * Asks the browser for permission to notify, if it has not been asked. Call it only from a
 * person's action (opening the inbox): browsers ignore or penalise a request made on load.
 */
export function askNotificationPermission(): void {
  if (typeof Notification === 'undefined' || Notification.permission !== 'default') return;
  Notification.requestPermission().catch(() => {
    // Refused or unsupported: the title count and the sidebar still say it.
  });
}

/**
 * Shows an OS notification for new requests: the runtime's in the window, the Notifications
 * API in a browser (only once permitted). `onClick` runs when a browser notification is clicked.
 */
export function notifyArrival(body: string, options: { isWindow: boolean; onClick: () => void }): void {
  const title = 'Grove: approval needed';
  if (options.isWindow) {
    showNotification(title, body).catch((error: unknown) => console.warn('Grove: showNotification', error));
    return;
  }
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
  const notification = new Notification(title, { body, tag: NOTIFICATION_TAG });
  notification.onclick = () => {
    window.focus();
    notification.close();
    options.onClick();
  };
}
