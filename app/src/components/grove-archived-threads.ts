import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { errorLine, messageOf } from '../error-message.ts';
import { emit } from '../events.ts';
import { icon } from '../icons.ts';
import { checkoutLabel, type Thread, type ThreadId } from '../protocol.ts';
import { fullTime, relativeTime } from '../relative-time.ts';
import { sharedStyles } from '../styles/shared.ts';

/**
 * A project's archived threads, folded under the board: one line each, with Restore. A
 * restore's progress and its error show on the thread's own line, where the person is
 * looking; the restored card reaches the board by notification.
 */
@customElement('grove-archived-threads')
export class GroveArchivedThreads extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      :host {
        display: block;
        border-top: 1px solid var(--border);
        background: var(--bg);
      }

      h2 {
        margin: 0;
        font-size: inherit;
        font-weight: inherit;
      }

      .toggle {
        display: flex;
        align-items: center;
        gap: 6px;
        width: 100%;
        height: 36px;
        padding: 0 24px;
        border: 0;
        background: transparent;
        color: var(--fg-muted);
        font-size: var(--text-sm);
        font-weight: 500;
        text-align: left;
        cursor: pointer;
      }

      .toggle:hover {
        color: var(--fg);
      }

      .toggle:focus-visible {
        outline-offset: -2px;
      }

      .toggle .icon {
        width: 12px;
        height: 12px;
        transition: transform 120ms ease;
      }

      .toggle[aria-expanded='true'] .icon {
        transform: rotate(90deg);
      }

      .count {
        min-width: 18px;
        padding: 0 5px;
        border-radius: 999px;
        background: var(--bg-active);
        font-size: var(--text-xs);
        font-weight: 600;
        line-height: 16px;
        text-align: center;
        font-variant-numeric: tabular-nums;
      }

      ul {
        max-height: min(232px, 30vh);
        margin: 0;
        padding: 0 16px 10px;
        overflow-y: auto;
        list-style: none;
      }

      li {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        column-gap: 14px;
        min-height: 38px;
        padding: 4px 8px;
        border-radius: var(--radius);
      }

      li:hover {
        background: var(--bg-hover);
      }

      .title {
        flex: 0 1 auto;
        min-width: 0;
        overflow: hidden;
        color: var(--fg);
        font-weight: 500;
        text-overflow: ellipsis;
        white-space: nowrap;
      }

      .branch {
        display: flex;
        flex: 0 1 auto;
        align-items: center;
        gap: 5px;
        min-width: 0;
        margin-right: auto;
        color: var(--fg-muted);
        font-size: var(--text-xs);
      }

      .branch .icon {
        width: 12px;
        height: 12px;
        color: var(--fg-faint);
      }

      .branch span {
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }

      time {
        color: var(--fg-faint);
        font-size: var(--text-xs);
        white-space: nowrap;
        font-variant-numeric: tabular-nums;
      }

      .btn {
        height: 26px;
        padding: 0 10px;
        font-size: var(--text-sm);
      }

      .btn .icon {
        width: 14px;
        height: 14px;
        color: var(--fg-muted);
      }

      .error {
        flex-basis: 100%;
        margin: 2px 0 4px;
      }
    `,
  ];

  /** This project's archived threads, most recently archived first. */
  @property({ attribute: false }) threads: readonly Thread[] = [];
  @property({ type: Number, attribute: false }) now = Date.now();
  /** Brings a thread's worktree back; rejects with an error whose message a person can act on. */
  @property({ attribute: false }) restoreThread: ((threadId: ThreadId) => Promise<void>) | null = null;

  @state() private isExpanded = false;
  @state() private restoring: ReadonlySet<ThreadId> = new Set();
  @state() private errors: ReadonlyMap<ThreadId, string> = new Map();

  override render() {
    const count = this.threads.length;
    return html`
      <h2>
        <button class="toggle" aria-expanded=${this.isExpanded ? 'true' : 'false'} aria-controls="archived-list"
          @click=${() => {
            this.isExpanded = !this.isExpanded;
          }}>
          ${icon('chevron')}Archived<span class="visually-hidden"> (${count})</span>
          <span class="count" aria-hidden="true">${count}</span>
        </button>
      </h2>
      <ul id="archived-list" aria-label="Archived threads" ?hidden=${!this.isExpanded}>
        ${repeat(
          this.threads,
          (t) => t.id,
          (t) => this.#renderThread(t),
        )}
      </ul>
    `;
  }

  #renderThread(thread: Thread) {
    const archivedAt = thread.snapshot?.takenAt ?? thread.updatedAt;
    const isRestoring = this.restoring.has(thread.id);
    const error = this.errors.get(thread.id);
    return html`<li>
      <span class="title" title=${thread.title}>${thread.title}</span>
      <span class="branch">${icon(thread.branch === null ? 'commit' : 'branch')}<span class="mono">${checkoutLabel(thread)}</span></span>
      <time datetime=${new Date(archivedAt).toISOString()} title=${`Archived ${fullTime(archivedAt)}`}>
        Archived ${relativeTime(archivedAt, this.now)}
      </time>
      <button class="btn" aria-label="Restore ${thread.title}" ?disabled=${isRestoring}
        @click=${() => this.#restore(thread.id)}>
        ${icon('restore')}${isRestoring ? 'Restoring…' : 'Restore'}
      </button>
      <button class="icon-btn" aria-label="Delete ${thread.title}" title="Delete for good" ?disabled=${isRestoring}
        @click=${() => emit(this, 'grove-delete-thread', { threadId: thread.id })}>${icon('trash')}</button>
      ${error ? errorLine(error) : nothing}
    </li>`;
  }

  async #restore(threadId: ThreadId): Promise<void> {
    if (!this.restoreThread || this.restoring.has(threadId)) return;
    this.restoring = new Set([...this.restoring, threadId]);
    this.errors = withoutKey(this.errors, threadId);
    const index = this.threads.findIndex((t) => t.id === threadId);
    const hadFocus = this.shadowRoot?.activeElement != null;
    try {
      await this.restoreThread(threadId);
      await this.updateComplete;
      // The row left with its button: keep keyboard focus in the list, on the next row.
      if (hadFocus && this.shadowRoot?.activeElement == null) {
        const buttons = this.renderRoot.querySelectorAll<HTMLButtonElement>('li .btn');
        buttons[Math.min(index, buttons.length - 1)]?.focus();
      }
    } catch (error) {
      this.errors = new Map([...this.errors, [threadId, messageOf(error)]]);
    } finally {
      this.restoring = new Set([...this.restoring].filter((id) => id !== threadId));
    }
  }
}

function withoutKey<K, V>(map: ReadonlyMap<K, V>, key: K): ReadonlyMap<K, V> {
  return new Map([...map].filter(([k]) => k !== key));
}

declare global {
  interface HTMLElementTagNameMap {
    'grove-archived-threads': GroveArchivedThreads;
  }
}
