import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { keyed } from 'lit/directives/keyed.js';
import { repeat } from 'lit/directives/repeat.js';
import { type ApprovalActions, identicalGroups } from '../approvals.ts';
import { emit } from '../events.ts';
import { icon } from '../icons.ts';
import { screenLines } from '../plain-text.ts';
import { type Approval, checkoutLabel, type TerminalInfo, type Thread, type ThreadId, type ThreadSetup } from '../protocol.ts';
import { shortDuration } from '../relative-time.ts';
import { progressStyles, sharedStyles } from '../styles/shared.ts';
import { offersArchive, STATUS_LOOKS, statusLabel } from '../thread-status.ts';
import type { GroveApproval } from './grove-approval.ts';
import type { TerminalHost } from './grove-terminal.ts';
import type { GroveThreadTerminals } from './grove-thread-terminals.ts';
import './grove-thread-terminals.ts';
import { errorLine, messageOf } from '../error-message.ts';

/** How much of the setup log the view shows; the whole log is in the data dir. */
const SETUP_LINES = 200;
/** Ports a thread has reserved from its `GROVE_PORT` on (the host's block size). */
const PORTS_PER_THREAD = 10;

/**
 * One thread beside the board: title, task, branch, base, worktree, status, its requests
 * waiting for a person (answered here as in the inbox), the setup script's log, and the
 * thread's terminal. It is a region named by the thread's title.
 * Escape (from anywhere in the view but the terminal) or the close button closes it;
 * Shift+Escape steps out of the terminal first.
 *
 * @fires grove-close-thread - The close button was pressed.
 * @fires grove-archive-thread - The Archive button was pressed.
 */
@customElement('grove-thread-view')
export class GroveThreadView extends LitElement {
  static override styles = [
    sharedStyles,
    progressStyles,
    css`
      :host {
        display: flex;
        flex-direction: column;
        min-width: 0;
        min-height: 0;
        border-left: 1px solid var(--border);
        background: var(--bg);
      }

      section {
        display: flex;
        flex: 1;
        flex-direction: column;
        min-height: 0;
      }

      header {
        padding: 10px 16px 12px;
      }

      .bar {
        display: flex;
        align-items: center;
        gap: 8px;
        height: 28px;
        margin-right: -6px;
      }

      .status {
        display: inline-flex;
        align-items: center;
        gap: 7px;
        color: var(--fg-muted);
        font-size: var(--text-sm);
        font-weight: 500;
      }

      .dot {
        width: 8px;
        height: 8px;
        border-radius: 50%;
        background: var(--dot);
        box-shadow: 0 0 0 3px color-mix(in srgb, var(--dot) 18%, transparent);
      }

      .bar .spacer {
        flex: 1;
      }

      .bar .btn {
        height: 26px;
        padding: 0 10px;
        font-size: var(--text-sm);
      }

      .bar .btn .icon {
        width: 14px;
        height: 14px;
        color: var(--fg-muted);
      }

      .bar .icon-btn {
        width: 28px;
        height: 28px;
      }

      h2 {
        margin: 6px 0 0;
        font-size: var(--text-xl);
        font-weight: 600;
        line-height: 1.3;
        letter-spacing: -0.01em;
        overflow-wrap: anywhere;
      }

      h2:focus-visible {
        outline-offset: 3px;
        border-radius: var(--radius-sm);
      }

      .prompt {
        display: -webkit-box;
        margin: 6px 0 0;
        overflow: hidden;
        color: var(--fg-muted);
        white-space: pre-line;
        overflow-wrap: anywhere;
        -webkit-box-orient: vertical;
        -webkit-line-clamp: 3;
      }

      dl {
        display: grid;
        grid-template-columns: 76px minmax(0, 1fr);
        gap: 5px 12px;
        margin: 12px 0 0;
        font-size: var(--text-sm);
      }

      dt {
        color: var(--fg-faint);
      }

      dd {
        display: flex;
        align-items: baseline;
        gap: 6px;
        min-width: 0;
        margin: 0;
        color: var(--fg);
      }

      dd > span {
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
        user-select: text;
      }

      dd .faint {
        flex: none;
        color: var(--fg-faint);
      }

      .problem {
        display: flex;
        gap: 8px;
        margin: 0 16px 12px;
        padding: 9px 12px;
        border: 1px solid var(--alert-border);
        border-radius: var(--radius);
        background: var(--alert-bg);
        color: var(--alert-fg);
        font-size: var(--text-sm);
      }

      .problem .icon {
        margin-top: 1px;
      }

      .problem span {
        overflow-wrap: anywhere;
      }

      details {
        margin: 0 16px 12px;
        border: 1px solid var(--border);
        border-radius: var(--radius);
      }

      summary {
        display: flex;
        align-items: center;
        gap: 8px;
        height: 32px;
        padding: 0 10px;
        color: var(--fg-muted);
        font-size: var(--text-sm);
        cursor: pointer;
        list-style: none;
      }

      summary::-webkit-details-marker {
        display: none;
      }

      summary > .icon {
        width: 12px;
        height: 12px;
        color: var(--fg-faint);
        transition: transform 120ms ease;
      }

      details[open] summary > .icon {
        transform: rotate(90deg);
      }

      summary > span {
        flex: none;
        white-space: nowrap;
      }

      summary strong {
        color: var(--fg);
        font-weight: 500;
      }

      summary strong.is-problem {
        color: var(--status-error);
      }

      summary code {
        min-width: 0;
        overflow: hidden;
        color: var(--fg-faint);
        font-family: var(--font-mono);
        font-size: var(--text-xs);
        text-overflow: ellipsis;
        white-space: nowrap;
      }

      summary:focus-visible {
        outline-offset: -2px;
        border-radius: var(--radius);
      }

      pre {
        max-height: 168px;
        margin: 0;
        padding: 8px 10px;
        overflow: auto;
        border-top: 1px solid var(--border);
        background: var(--terminal-bg);
        color: var(--fg-muted);
        font: var(--text-xs) / 1.5 var(--font-mono);
        white-space: pre-wrap;
        overflow-wrap: anywhere;
        user-select: text;
      }

      .approvals {
        display: flex;
        flex: none;
        flex-direction: column;
        gap: 8px;
        max-height: 55%;
        margin: 0 0 12px;
        padding: 0 16px;
        overflow-y: auto;
      }

      .rule {
        height: 1px;
        margin: 0 0 4px;
        background: var(--border);
      }

      grove-thread-terminals {
        flex: 1;
      }

      .empty {
        display: grid;
        flex: 1;
        place-items: center;
        margin: 4px 12px 12px;
        padding: 24px;
        border: 1px dashed var(--border-strong);
        border-radius: var(--radius);
        color: var(--fg-muted);
        text-align: center;
      }

      .empty > div {
        display: flex;
        flex-direction: column;
        align-items: center;
        gap: 12px;
        max-width: 360px;
      }

      .empty p {
        margin: 0;
      }

      .empty > div > .icon {
        width: 20px;
        height: 20px;
        color: var(--fg-faint);
      }

      .empty .error {
        text-align: left;
      }
    `,
  ];

  @property({ attribute: false }) thread: Thread | null = null;
  /** The host connection, for the terminal. */
  @property({ attribute: false }) terminalHost: TerminalHost | null = null;
  /** The thread's running shells. */
  @property({ attribute: false }) terminals: readonly TerminalInfo[] = [];
  /** The connection's session while it is ready, null while it is down. */
  @property({ attribute: false }) session: number | null = null;
  /** Brings an archived thread back; rejects with an error whose message a person can act on. */
  @property({ attribute: false }) restoreThread: ((threadId: ThreadId) => Promise<void>) | null = null;
  /** This thread's requests waiting for a person, shown on top. */
  @property({ attribute: false }) approvals: readonly Approval[] = [];
  @property({ attribute: false }) approvalActions: ApprovalActions | null = null;
  @property({ attribute: false }) projectName = '';

  @state() private isRestoring = false;
  @state() private restoreError = '';

  @query('h2') private heading!: HTMLElement | null;
  @query('grove-thread-terminals') private terminal!: GroveThreadTerminals | null;
  @query('pre') private log!: HTMLElement | null;

  /** Puts keyboard focus in the terminal if the thread has one, else on the view's title. */
  async focusTerminal(): Promise<void> {
    await this.updateComplete;
    if (this.terminal) this.terminal.focus();
    else this.heading?.focus();
  }

  /** Puts keyboard focus on the first request waiting, if there is one; says whether there was. */
  async focusApprovals(): Promise<boolean> {
    await this.updateComplete;
    if (this.approvals.length === 0) return false;
    await customElements.whenDefined('grove-approval');
    const first = this.renderRoot.querySelector<GroveApproval>('grove-approval');
    if (!first) return false;
    await first.updateComplete;
    first.focusItem();
    return true;
  }

  /** Puts keyboard focus on the view's title, inside the region. */
  async focusView(): Promise<void> {
    await this.updateComplete;
    this.heading?.focus();
  }

  /** Focus was on a request when the update began; if it is answered and gone, focus moves on. */
  #approvalHadFocus = false;

  protected override willUpdate(changed: PropertyValues<this>): void {
    this.#approvalHadFocus = this.shadowRoot?.activeElement?.localName === 'grove-approval';
    // Loaded when first needed, with the inbox (which holds grove-approval): most views have
    // nothing waiting. One lazy chunk, so the bundler does not split shared code off the entry.
    if (this.approvals.length > 0) void import('./grove-inbox.ts');
    if (changed.get('thread')?.id !== this.thread?.id) {
      this.isRestoring = false;
      this.restoreError = '';
    }
  }

  protected override updated(): void {
    // The log's newest lines matter: keep it scrolled to the end as it grows.
    if (this.log) this.log.scrollTop = this.log.scrollHeight;
    if (this.#approvalHadFocus && !this.shadowRoot?.activeElement) {
      void this.focusApprovals().then((found) => found || this.heading?.focus());
    }
  }

  override render() {
    const thread = this.thread;
    if (!thread) return nothing;
    const look = STATUS_LOOKS[thread.status];
    // A request's cwd is inside this thread's worktree, so every request identical to one of these is among them.
    const groups = identicalGroups(this.approvals);
    return html`<section aria-labelledby="thread-title" @grove-leave-terminal=${() => void this.focusView()}>
      <header>
        <div class="bar">
          <span class="status"><span class="dot" style="--dot: ${look.colour}"></span>${statusLabel(thread)}</span>
          <span class="spacer"></span>
          ${
            offersArchive(thread.status)
              ? html`<button class="btn" @click=${() => emit(this, 'grove-archive-thread', { threadId: thread.id })}>
                  ${icon('archive')}Archive
                </button>`
              : nothing
          }
          ${
            thread.status === 'creating'
              ? nothing
              : html`<button class="btn" aria-label="Delete ${thread.title}" @click=${() => emit(this, 'grove-delete-thread', { threadId: thread.id })}>
                  ${icon('trash')}Delete
                </button>`
          }
          <button class="icon-btn" aria-label="Close thread view" title="Close (Esc)" aria-keyshortcuts="Escape"
            @click=${() => emit(this, 'grove-close-thread', undefined)}>${icon('close')}</button>
        </div>
        <h2 id="thread-title" tabindex="-1">${thread.title}</h2>
        ${thread.prompt.trim() ? html`<p class="prompt" title=${thread.prompt}>${thread.prompt}</p>` : nothing}
        <dl>
          <dt>${thread.branch === null ? 'HEAD' : 'Branch'}</dt>
          <dd><span class="mono" title=${checkoutLabel(thread)}>${checkoutLabel(thread)}</span></dd>
          <dt>Base</dt>
          <dd>
            <span class="mono" title=${thread.base.ref}>${thread.base.ref}</span>
            <span class="faint mono" title=${thread.base.commit}>${thread.base.commit.slice(0, 7)}</span>
          </dd>
          <dt>Worktree</dt>
          <dd>
            <span class="mono" title=${thread.worktreePath}>${thread.worktreePath}</span>
            ${thread.status === 'archived' ? html`<span class="faint">removed while archived</span>` : nothing}
            ${thread.adopted ? html`<span class="faint">adopted, made outside Grove</span>` : nothing}
          </dd>
          <dt>Ports</dt>
          <dd>
            <span class="mono">${thread.port}–${thread.port + PORTS_PER_THREAD - 1}</span>
            <span class="faint">GROVE_PORT</span>
          </dd>
        </dl>
      </header>
      ${
        this.approvals.length > 0
          ? html`<div class="approvals" role="group" aria-label="Waiting for you">
              ${repeat(
                this.approvals,
                (a) => a.id,
                (a) => html`<grove-approval .approval=${a} .threadTitle=${thread.title} .projectName=${this.projectName}
                  .showThread=${false} .identical=${groups.get(a.id) ?? []} .actions=${this.approvalActions}></grove-approval>`,
              )}
            </div>`
          : nothing
      }
      ${thread.problem ? html`<p class="problem">${icon('alert')}<span>${thread.problem.message}</span></p>` : nothing}
      ${thread.setup ? this.#renderSetup(thread.setup) : nothing}
      <div class="rule"></div>
      ${this.#renderTerminal(thread)}
    </section>`;
  }

  #renderSetup(setup: ThreadSetup) {
    const lines = screenLines(setup.tail);
    while (lines.length > 0 && lines[lines.length - 1]?.trim() === '') lines.pop();
    return html`<details ?open=${setup.state !== 'succeeded'}>
      <summary>${icon('chevron')}<span>${setupSummary(setup)}</span><code title=${setup.command}>${setup.command}</code></summary>
      <pre aria-label="Setup log">${lines.slice(-SETUP_LINES).join('\n') || 'No output.'}</pre>
    </details>`;
  }

  #renderTerminal(thread: Thread) {
    if (thread.status === 'archived') {
      return html`<div class="empty"><div>
        ${icon('archive')}
        <p>Archived — restore to open its terminal</p>
        <button class="btn" ?disabled=${this.isRestoring} @click=${() => this.#restore(thread.id)}>
          ${icon('restore')}${this.isRestoring ? 'Restoring…' : 'Restore'}
        </button>
        ${this.restoreError ? errorLine(this.restoreError) : nothing}
      </div></div>`;
    }
    // The worktree is there once the setup runs: its shell can open beside it.
    if (thread.status === 'creating' && thread.setup === null) {
      return html`<div class="empty"><div>
        <p class="progress" role="status"><span class="spinner"></span>The terminal opens once the worktree is ready.</p>
      </div></div>`;
    }
    // One element per thread: switching threads starts from a clean screen and its own shells.
    return keyed(
      thread.id,
      html`<grove-thread-terminals .threadId=${thread.id} .terminals=${this.terminals} .host=${this.terminalHost}
        .session=${this.session}></grove-thread-terminals>`,
    );
  }

  async #restore(threadId: ThreadId): Promise<void> {
    if (!this.restoreThread || this.isRestoring) return;
    this.isRestoring = true;
    this.restoreError = '';
    try {
      await this.restoreThread(threadId);
      // The button is gone with the notice; the terminal that replaced it takes focus.
      if (this.thread?.id === threadId) await this.focusTerminal();
    } catch (error) {
      if (this.thread?.id === threadId) this.restoreError = messageOf(error);
    } finally {
      this.isRestoring = false;
    }
  }
}

function setupSummary(setup: ThreadSetup) {
  switch (setup.state) {
    case 'running':
      return html`<strong>Setup running…</strong>`;
    case 'succeeded':
      return html`<strong>Setup finished</strong>${setup.finishedAt === null ? '' : ` in ${shortDuration(setup.finishedAt - setup.startedAt)}`}`;
    case 'failed':
      return html`<strong class="is-problem">${
        setup.exitCode === null ? 'Setup did not finish' : `Setup failed (exit ${setup.exitCode})`
      }</strong>`;
    default:
      return setup.state satisfies never;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'grove-thread-view': GroveThreadView;
  }
}
