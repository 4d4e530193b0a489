import type { AnyNotification, NotificationName, NotificationParamsOf } from '../protocol/index.ts';

type WithoutRev<N extends NotificationName> = Omit<NotificationParamsOf<N>, 'rev'>;

/**
 * The one place state changes are announced. Each change gets the next revision number, so
 * a client that mirrors the state can tell when it missed one and ask for a snapshot.
 */
export class StateHub {
  #rev = 0;
  readonly #listeners = new Set<(notification: AnyNotification) => void>();

  get rev(): number {
    return this.#rev;
  }

  /** Announces a change that has already been persisted. */
  publish<N extends NotificationName>(method: N, params: WithoutRev<N>): void {
    this.#rev += 1;
    const notification = { method, params: { ...params, rev: this.#rev } } as unknown as AnyNotification;
    for (const listener of this.#listeners) listener(notification);
  }

  /** Subscribes to every change; returns the unsubscribe function. */
  onNotification(listener: (notification: AnyNotification) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
