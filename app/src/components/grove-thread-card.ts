import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { messageOf } from '../error-message.ts';
import { emit } from '../events.ts';
import { icon } from '../icons.ts';
import { lastLine } from '../plain-text.ts';
import { checkoutLabel, type Thread, type ThreadId, type ThreadSetup } from '../protocol.ts';
import { fullTime, relativeTime } from '../relative-time.ts';
import { sharedStyles } from '../styles/shared.ts';
import { offersArchive, STATUS_LOOKS, statusLabel } from '../thread-status.ts';

/**
 * One thread on the board: title, branch, last activity, its setup script's progress, and
 * anything that went wrong, in the host's words. The card is an <article> named by its
 * title. The board moves focus between cards with the arrow keys; a click or Enter opens
 * the thread view, Tab reaches the card's actions and Escape steps back out of them.
 *
 * @fires grove-open-thread - The card was clicked, or Enter pressed on it.
 * @fires grove-archive-thread - The Archive action was pressed.
 */
@customElement('grove-thread-card')
export class GroveThreadCard extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      :host {
        display: block;
      }

      article {
        display: flex;
        flex-direction: column;
        gap: 4px;
        padding: 9px 10px 6px;
        border: 1px solid var(--border);
        border-radius: var(--radius);
        background: var(--bg-raised);
        box-shadow: var(--shadow-card);
        cursor: pointer;
        transition: border-color 80ms ease;
      }

      article:hover {
        border-color: var(--border-strong);
      }

      article.is-open {
        border-color: var(--accent);
        box-shadow: 0 0 0 1px var(--accent);
      }

      article:focus-visible {
        outline-offset: 1px;
      }

      .top {
        display: flex;
        align-items: flex-start;
        gap: 7px;
      }

      .dot {
        flex: none;
        width: 7px;
        height: 7px;
        margin-top: 6px;
        border-radius: 50%;
        background: var(--dot);
      }

      .dot.is-busy {
        animation: pulse 1.2s ease-in-out infinite;
      }

      @keyframes pulse {
        50% {
          opacity: 0.35;
        }
      }

      @media (prefers-reduced-motion: reduce) {
        .dot.is-busy {
          animation: none;
        }
      }

      h4 {
        display: -webkit-box;
        margin: 0;
        overflow: hidden;
        font-size: var(--text-md);
        font-weight: 500;
        line-height: 1.4;
        overflow-wrap: anywhere;
        -webkit-box-orient: vertical;
        -webkit-line-clamp: 3;
      }

      .branch {
        display: flex;
        align-items: center;
        gap: 5px;
        min-width: 0;
        color: var(--fg-muted);
        font-size: var(--text-sm);
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

      .figures,
      .warning {
        margin: 1px 0 0;
        color: var(--fg-muted);
        font-size: var(--text-sm);
        font-variant-numeric: tabular-nums;
      }

      .warning {
        color: var(--status-waiting);
      }

      .badge {
        display: inline-flex;
        align-self: flex-start;
        align-items: center;
        gap: 4px;
        margin: 1px 0 0;
        padding: 0 7px 0 5px;
        border-radius: 999px;
        background: color-mix(in srgb, var(--status-waiting) 16%, transparent);
        color: var(--fg);
        font-size: var(--text-xs);
        font-weight: 600;
        line-height: 18px;
        font-variant-numeric: tabular-nums;
      }

      .badge .icon {
        width: 12px;
        height: 12px;
        color: var(--status-waiting);
      }

      .fix {
        display: flex;
        flex-direction: column;
        align-items: flex-start;
        gap: 4px;
        min-width: 0;
      }

      .fix .btn {
        max-width: 100%;
        padding: 2px 8px;
        font-size: var(--text-sm);
      }

      .problem {
        display: -webkit-box;
        margin: 1px 0 0;
        overflow: hidden;
        color: var(--status-error);
        font-size: var(--text-sm);
        line-height: 1.4;
        overflow-wrap: anywhere;
        -webkit-box-orient: vertical;
        -webkit-line-clamp: 3;
      }

      .log {
        margin: 0;
        overflow: hidden;
        color: var(--fg-faint);
        font-size: var(--text-xs);
        text-overflow: ellipsis;
        white-space: nowrap;
      }

      .foot {
        display: flex;
        align-items: center;
        gap: 6px;
        min-height: 22px;
        margin-top: 1px;
        color: var(--fg-faint);
        font-size: var(--text-xs);
        white-space: nowrap;
        font-variant-numeric: tabular-nums;
      }

      .note {
        color: var(--fg-muted);
        font-weight: 500;
      }

      .note.is-problem {
        color: var(--status-error);
      }

      .actions {
        display: flex;
        gap: 2px;
        margin: 0 -4px 0 auto;
        opacity: 0;
        transition: opacity 80ms ease;
      }

      article:hover .actions,
      article:focus-within .actions {
        opacity: 1;
      }

      .actions .icon-btn {
        width: 22px;
        height: 22px;
      }
    `,
  ];

  @property({ attribute: false }) thread: Thread | null = null;
  /** The board's clock, so every card's "2 min ago" moves together. */
  @property({ type: Number, attribute: false }) now = Date.now();
  /** The board has one Tab stop among its cards (a roving tabindex); this card is it. */
  @property({ type: Boolean, attribute: false }) isTabStop = false;
  /** The thread view shows this thread. */
  @property({ type: Boolean, attribute: false }) isOpen = false;
  /** Requests of this thread waiting for a person: a badge says how many. */
  @property({ type: Number, attribute: false }) pendingApprovals = 0;
  /** Brings back a worktree deleted outside Grove (the host re-adds its branch's checkout). */
  @property({ attribute: false }) restoreThread: ((threadId: ThreadId) => Promise<void>) | null = null;

  @state() private isRestoring = false;
  @state() private restoreError = '';

  /** Puts keyboard focus on the card itself. */
  focusCard(): void {
    this.renderRoot.querySelector<HTMLElement>('article')?.focus();
  }

  override render() {
    const thread = this.thread;
    if (!thread) return nothing;
    const look = STATUS_LOOKS[thread.status];
    const tabIndex = this.isTabStop ? 0 : -1;
    const isProblem = thread.status === 'error' || thread.status === 'interrupted';
    const isCreating = thread.status === 'creating';
    const canArchive = offersArchive(thread.status);
    const setup = thread.setup;
    const isSettingUp = isCreating && setup?.state === 'running';
    return html`<article tabindex=${tabIndex} aria-label=${thread.title} class=${this.isOpen ? 'is-open' : ''}
      aria-current=${this.isOpen ? 'true' : nothing} @keydown=${this.#onKeydown} @click=${this.#onClick}>
      <div class="top">
        <span class="dot ${isCreating ? 'is-busy' : ''}" style="--dot: ${look.colour}"></span>
        <h4>${thread.title}</h4>
      </div>
      ${this.pendingApprovals > 0 ? html`<p class="badge">${icon('inbox')}${this.pendingApprovals} to approve</p>` : nothing}
      <div class="branch" title=${checkoutTitle(thread)}>
        ${icon(thread.branch === null ? 'commit' : 'branch')}<span class="mono">${checkoutLabel(thread)}</span>
      </div>
      ${this.#renderGit(thread)}
      ${thread.problem ? html`<p class="problem" title=${thread.problem.message}>${thread.problem.message}</p>` : nothing}
      ${isSettingUp ? html`<p class="log mono" title=${setup.command}>${lastLine(setup.tail) || setup.command}</p>` : nothing}
      ${setup?.state === 'failed' && !isCreating ? html`<p class="problem" title=${setup.tail}>${setupFailure(setup)}</p>` : nothing}
      <div class="foot">
        ${
          look.isNoted
            ? html`<span class="note ${isProblem ? 'is-problem' : ''}">${statusLabel(thread)}</span>`
            : html`<span class="visually-hidden">${look.label},</span>`
        }
        ${
          // While the worktree is being made the last activity is always now; the note says enough.
          isCreating
            ? nothing
            : html`${look.isNoted ? html`<span aria-hidden="true">·</span>` : nothing}
                <time datetime=${new Date(thread.updatedAt).toISOString()} title=${`Last activity ${fullTime(thread.updatedAt)}`}>
                  ${relativeTime(thread.updatedAt, this.now)}
                </time>`
        }
        ${
          canArchive
            ? html`<div class="actions">
                <button class="icon-btn" tabindex=${tabIndex} aria-label="Archive ${thread.title}" title="Archive"
                  @keydown=${this.#onActionKeydown}
                  @click=${() => emit(this, 'grove-archive-thread', { threadId: thread.id })}>${icon('archive')}</button>
              </div>`
            : nothing
        }
      </div>
    </article>`;
  }

  /** What the host's git watcher saw: changed files, ahead/behind, and changes made outside Grove. */
  #renderGit(thread: Thread) {
    const git = thread.git;
    if (!git) return nothing;
    if (!git.present) {
      return html`<p class="problem" role="status">Worktree missing: it was deleted outside Grove.</p>
        <div class="fix">
          <button class="btn" aria-label="Restore worktree of ${thread.title}" ?disabled=${this.isRestoring}
            @click=${() => this.#restore(thread.id)}>${icon('restore')}${this.isRestoring ? 'Restoring…' : 'Restore worktree'}</button>
          ${this.restoreError ? html`<p class="problem" role="alert">${this.restoreError}</p>` : nothing}
        </div>`;
    }
    const figures = [
      git.changed > 0 ? `${git.changed} changed` : '',
      git.ahead > 0 ? `${git.ahead} ahead` : '',
      git.behind > 0 ? `${git.behind} behind ${thread.base.ref}` : '',
    ].filter(Boolean);
    const switched = git.head !== thread.branch;
    return html`${figures.length > 0 ? html`<p class="figures" aria-label="Git: ${figures.join(', ')}">${figures.join(' · ')}</p>` : nothing}
      ${
        switched
          ? html`<p class="warning" title="Switched outside Grove">${git.head === null ? 'Detached HEAD' : html`On <span class="mono">${git.head}</span>, not its branch`}</p>`
          : nothing
      }`;
  }

  async #restore(threadId: ThreadId): Promise<void> {
    if (!this.restoreThread || this.isRestoring) return;
    this.isRestoring = true;
    this.restoreError = '';
    try {
      await this.restoreThread(threadId);
    } catch (error) {
      this.restoreError = messageOf(error);
    } finally {
      this.isRestoring = false;
    }
  }

  readonly #onKeydown = (event: KeyboardEvent): void => {
    if (event.key !== 'Enter' || event.target !== event.currentTarget || !this.thread) return;
    event.preventDefault();
    emit(this, 'grove-open-thread', { threadId: this.thread.id });
  };

  /** A click anywhere on the card but its buttons (and not the end of a text selection) opens it. */
  readonly #onClick = (event: MouseEvent): void => {
    if (!this.thread || event.composedPath().some((node) => node instanceof HTMLButtonElement)) return;
    if (!(getSelection()?.isCollapsed ?? true)) return;
    emit(this, 'grove-open-thread', { threadId: this.thread.id });
  };

  readonly #onActionKeydown = (event: KeyboardEvent): void => {
    if (event.key !== 'Escape') return;
    event.preventDefault();
    this.focusCard();
  };
}

/** "Branch grove/x, from main", and whether the worktree was adopted. */
function checkoutTitle(thread: Thread): string {
  const what = thread.branch === null ? checkoutLabel(thread) : `Branch ${thread.branch}`;
  return `${what}, from ${thread.base.ref}${thread.adopted ? '. Adopted: made outside Grove' : ''}`;
}

function setupFailure(setup: ThreadSetup): string {
  const head = setup.exitCode === null ? 'Setup script did not finish' : `Setup script failed (exit ${setup.exitCode})`;
  const line = lastLine(setup.tail);
  return line ? `${head}: ${line}` : `${head}.`;
}

declare global {
  interface HTMLElementTagNameMap {
    'grove-thread-card': GroveThreadCard;
  }
}
