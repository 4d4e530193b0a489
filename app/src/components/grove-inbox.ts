import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { type ApprovalActions, identicalGroups, pendingApprovals, settledApprovals } from '../approvals.ts';
import { errorLine, messageOf } from '../error-message.ts';
import { emit } from '../events.ts';
import { icon } from '../icons.ts';
import { isTyping, listMove } from '../keyboard.ts';
import type { Approval, ApprovalId, HostState, Project, ProjectId, Rule, RuleId, Thread, ThreadId } from '../protocol.ts';
import { fullTime, RelativeClock, relativeTime } from '../relative-time.ts';
import { sharedStyles, viewHeadStyles } from '../styles/shared.ts';
import type { GroveApproval } from './grove-approval.ts';
import './grove-approval.ts';

/** Settled requests shown before "Show more": enough to see what just happened without a long scroll. */
const SETTLED_FIRST = 20;

/** One request in the inbox's list: pending and settled ones are different items, so answering one moves focus on. */
interface Row {
  readonly key: string;
  readonly approval: Approval;
}

/** What every item in one render shares. */
interface ItemContext {
  readonly groups: ReadonlyMap<ApprovalId, readonly ApprovalId[]>;
  /** The row holding the Tab stop. */
  readonly activeKey: string | null;
}

/**
 * One inbox for every thread: what waits for a person (oldest first), what was answered
 * lately, and the "always allow" rules with Revoke. J/K or the arrow keys move between
 * requests; A, D and E act on the focused one (see grove-approval).
 *
 * @fires grove-close-inbox - The close button was pressed.
 * @fires grove-open-thread - A request's thread title was pressed.
 */
@customElement('grove-inbox')
export class GroveInbox extends LitElement {
  static override styles = [
    sharedStyles,
    viewHeadStyles,
    css`
      :host {
        display: flex;
        flex-direction: column;
        min-width: 0;
        min-height: 0;
        background: var(--bg-board);
      }

      h1:focus-visible {
        outline-offset: 3px;
        border-radius: var(--radius-sm);
      }

      .sub {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 4px 14px;
        margin: 0;
        color: var(--fg-muted);
        font-size: var(--text-sm);
      }

      .keys {
        display: inline-flex;
        flex-wrap: wrap;
        gap: 4px 12px;
        color: var(--fg-faint);
        font-size: var(--text-xs);
      }

      .keys span {
        display: inline-flex;
        align-items: center;
        gap: 3px;
      }

      .scroll {
        flex: 1;
        min-height: 0;
        overflow-y: auto;
      }

      .content {
        display: flex;
        flex-direction: column;
        gap: 22px;
        max-width: 920px;
        padding: 18px 24px 32px;
      }

      h2 {
        display: flex;
        align-items: center;
        gap: 8px;
        margin: 0 0 10px;
        color: var(--fg-muted);
        font-size: var(--text-sm);
        font-weight: 600;
      }

      h2 .count {
        min-width: 20px;
        padding: 0 6px;
        border-radius: 999px;
        background: var(--bg-active);
        color: var(--fg-muted);
        font-size: var(--text-xs);
        line-height: 18px;
        text-align: center;
        font-variant-numeric: tabular-nums;
      }

      h2 .count.is-waiting {
        background: var(--status-waiting);
        /* Dark text: white on amber is too faint to read (under 3:1). */
        color: #241800;
      }

      ul {
        display: flex;
        flex-direction: column;
        gap: 8px;
        margin: 0;
        padding: 0;
        list-style: none;
      }

      .settled {
        gap: 6px;
      }

      .empty {
        display: flex;
        gap: 10px;
        margin: 0;
        padding: 14px 16px;
        border: 1px dashed var(--border-strong);
        border-radius: var(--radius-lg);
        color: var(--fg-muted);
        line-height: 1.5;
      }

      .empty .icon {
        margin-top: 2px;
        color: var(--status-done);
      }

      .empty.quiet {
        padding: 10px 14px;
        font-size: var(--text-sm);
      }

      .more {
        align-self: flex-start;
        margin-top: 8px;
        height: 26px;
        font-size: var(--text-sm);
      }

      .rules {
        gap: 0;
        border: 1px solid var(--border);
        border-radius: var(--radius-lg);
        background: var(--bg-raised);
        overflow: hidden;
      }

      .rules li {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 4px 10px;
        padding: 8px 12px;
        border-top: 1px solid var(--border);
      }

      .rules li:first-child {
        border-top: 0;
      }

      .rules code {
        padding: 1px 6px;
        border-radius: var(--radius-sm);
        background: var(--bg-active);
        font: var(--text-sm) var(--font-mono);
        overflow-wrap: anywhere;
      }

      .rules .where {
        color: var(--fg-muted);
        font-size: var(--text-sm);
      }

      .rules time {
        color: var(--fg-faint);
        font-size: var(--text-xs);
      }

      .rules .btn {
        height: 26px;
        margin-left: auto;
        padding: 0 10px;
        font-size: var(--text-sm);
      }

      .rules .error {
        flex-basis: 100%;
      }

      .notice {
        display: flex;
        gap: 8px;
        margin: 0;
        padding: 9px 12px;
        border: 1px solid var(--notice-border);
        border-radius: var(--radius);
        background: var(--notice-bg);
        color: var(--notice-fg);
        font-size: var(--text-sm);
      }

      .notice .icon {
        margin-top: 1px;
      }

      .about {
        margin: -4px 0 10px;
        color: var(--fg-faint);
        font-size: var(--text-sm);
      }
    `,
  ];

  /** Every request the mirror holds: all pending ones and the recently settled. */
  @property({ attribute: false }) approvals: readonly Approval[] = [];
  @property({ attribute: false }) rules: readonly Rule[] = [];
  @property({ attribute: false }) threads: readonly Thread[] = [];
  @property({ attribute: false }) projects: readonly Project[] = [];
  @property({ attribute: false }) actions: ApprovalActions | null = null;
  /** Whether approved commands run in the sandbox here; when not, the inbox says so above every request. */
  @property({ attribute: false }) sandbox: HostState['sandbox'] | null = null;
  /** `rule/revoke`; rejects with the host's words. */
  @property({ attribute: false }) revokeRule: ((ruleId: RuleId) => Promise<void>) | null = null;

  /** The row holding the list's one Tab stop. */
  @state() private activeKey: string | null = null;
  @state() private showAllSettled = false;
  @state() private revoking: RuleId | null = null;
  @state() private revokeError: { ruleId: RuleId; message: string } | null = null;

  @query('h1') private heading!: HTMLElement | null;

  readonly #clock = new RelativeClock(this);
  /** Where the Tab stop was before an update, so it can stay in place when its row leaves. */
  #activeIndex = 0;
  /** Keyboard focus was on a request that this update removes: it moves to the one taking its place. */
  #refocus = false;

  /** Puts keyboard focus on the first request waiting, or on the title when none is. */
  async focusFirst(): Promise<void> {
    await this.updateComplete;
    const first = this.#rows()[0];
    if (first?.approval.status === 'pending') {
      this.activeKey = first.key;
      await this.updateComplete;
      this.#item(first.key)?.focusItem();
      return;
    }
    this.heading?.focus();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('approvals')) this.#clock.now = Date.now();
    // Read before the DOM changes: an answered request's item is about to go, and focus with it.
    const hadFocus = this.shadowRoot?.activeElement?.localName === 'grove-approval';
    const rows = this.#rows();
    const index = rows.findIndex((r) => r.key === this.activeKey);
    if (index !== -1) {
      this.#activeIndex = index;
      return;
    }
    // The row with the Tab stop left (answered, or gone): the one now in its place takes it.
    this.activeKey = rows[Math.min(this.#activeIndex, rows.length - 1)]?.key ?? null;
    this.#refocus = hadFocus;
  }

  protected override updated(): void {
    if (!this.#refocus) return;
    this.#refocus = false;
    if (this.shadowRoot?.activeElement) return;
    const item = this.activeKey === null ? null : this.#item(this.activeKey);
    if (item) void item.updateComplete.then(() => item.focusItem());
    else this.heading?.focus();
  }

  override render() {
    const pending = pendingApprovals(this.approvals);
    const settled = settledApprovals(this.approvals);
    const groups = identicalGroups(pending);
    const threadCount = new Set(pending.map((a) => a.threadId)).size;
    const shownSettled = this.showAllSettled ? settled : settled.slice(0, SETTLED_FIRST);
    const context: ItemContext = { groups, activeKey: this.activeKey };
    return html`<header class="head">
        <div class="head-text">
          <h1 id="inbox-title" tabindex="-1">Inbox</h1>
          <p class="sub">
            <span>${
              pending.length === 0
                ? 'Nothing waiting'
                : `${pending.length} waiting across ${threadCount} ${threadCount === 1 ? 'thread' : 'threads'}`
            }</span>
            <span class="keys" aria-hidden="true">
              <span><kbd>J</kbd><kbd>K</kbd> move</span>
              <span><kbd>A</kbd> approve</span>
              <span><kbd>D</kbd> deny</span>
              <span><kbd>E</kbd> edit</span>
              <span><kbd>Esc</kbd> back</span>
            </span>
          </p>
        </div>
        <button class="icon-btn" aria-label="Close inbox" title="Close (Esc)" aria-keyshortcuts="Escape"
          @click=${() => emit(this, 'grove-close-inbox', undefined)}>${icon('close')}</button>
      </header>
      <div class="scroll" @keydown=${this.#onKeydown} @focusin=${this.#onFocusin}>
        <div class="content">
          ${
            this.sandbox && !this.sandbox.available
              ? html`<p class="notice" role="note">${icon('alert')}<span>Approved commands run without a sandbox here, under the
                  same policy${this.sandbox.reason ? html`: ${this.sandbox.reason}` : '.'}</span></p>`
              : nothing
          }
          <section aria-labelledby="pending-title">
            <h2 id="pending-title">Waiting for you
              <span class="count ${pending.length > 0 ? 'is-waiting' : ''}">${pending.length}</span></h2>
            ${
              pending.length === 0
                ? html`<p class="empty">${icon('inbox')}<span>Nothing is waiting for you. When an agent wants to commit, or to
                    run a command Grove cannot prove safe, it stops and waits here until you answer. Nothing times out.</span></p>`
                : html`<ul aria-labelledby="pending-title">
                    ${repeat(
                      pending,
                      (a) => a.id,
                      (a) => html`<li>${this.#renderItem({ key: `p:${a.id}`, approval: a }, context)}</li>`,
                    )}
                  </ul>`
            }
          </section>
          ${settled.length > 0 ? this.#renderSettled(settled, shownSettled, context) : nothing}
          ${this.#renderRules()}
        </div>
      </div>`;
  }

  #renderSettled(settled: readonly Approval[], shown: readonly Approval[], context: ItemContext) {
    return html`<section aria-labelledby="settled-title">
      <h2 id="settled-title">Recently answered <span class="count">${settled.length}</span></h2>
      <ul class="settled" aria-labelledby="settled-title">
        ${repeat(
          shown,
          (a) => a.id,
          (a) => html`<li>${this.#renderItem({ key: `s:${a.id}`, approval: a }, context)}</li>`,
        )}
      </ul>
      ${
        shown.length < settled.length
          ? html`<button class="btn more" @click=${() => {
              this.showAllSettled = true;
            }}>Show ${settled.length - shown.length} more</button>`
          : nothing
      }
    </section>`;
  }

  #renderItem(row: Row, context: ItemContext) {
    const a = row.approval;
    return html`<grove-approval data-key=${row.key} .approval=${a} .threadTitle=${this.#thread(a.threadId)?.title ?? null}
      .projectName=${this.#projectName(a.projectId)} .identical=${context.groups.get(a.id) ?? []}
      .actions=${this.actions} .isTabStop=${row.key === context.activeKey} .now=${this.#clock.now}></grove-approval>`;
  }

  #renderRules() {
    const rules = [...this.rules].sort(
      (a, b) => this.#projectName(a.projectId).localeCompare(this.#projectName(b.projectId)) || a.createdAt - b.createdAt,
    );
    return html`<section aria-labelledby="rules-title">
      <h2 id="rules-title" tabindex="-1">Rules <span class="count">${rules.length}</span></h2>
      <p class="about">Commands starting with these words run without asking, in their project only.</p>
      ${
        rules.length === 0
          ? html`<p class="empty quiet">No rules yet. Tick “Always allow” when you approve a command to add one; it shows here,
              and Revoke takes it back.</p>`
          : html`<ul class="rules" aria-labelledby="rules-title">
              ${repeat(
                rules,
                (r) => r.id,
                (r) => this.#renderRule(r),
              )}
            </ul>`
      }
    </section>`;
  }

  #renderRule(rule: Rule) {
    const words = rule.prefix.join(' ');
    const project = this.#projectName(rule.projectId);
    const error = this.revokeError?.ruleId === rule.id ? this.revokeError.message : '';
    return html`<li data-id=${rule.id}>
      <code>${words}</code>
      <span class="where">in ${project}</span>
      <time datetime=${new Date(rule.createdAt).toISOString()} title="Added ${fullTime(rule.createdAt)}">
        added ${relativeTime(rule.createdAt, this.#clock.now)}
      </time>
      <button class="btn" aria-label="Revoke ${words} in ${project}" ?disabled=${this.revoking !== null}
        @click=${() => this.#revoke(rule.id)}>${this.revoking === rule.id ? 'Revoking…' : 'Revoke'}</button>
      ${error ? errorLine(error) : nothing}
    </li>`;
  }

  /** Every request in the order the list shows them: pending first, then the settled ones on screen. */
  #rows(): Row[] {
    const settled = settledApprovals(this.approvals);
    return [
      ...pendingApprovals(this.approvals).map((a) => ({ key: `p:${a.id}`, approval: a })),
      ...(this.showAllSettled ? settled : settled.slice(0, SETTLED_FIRST)).map((a) => ({ key: `s:${a.id}`, approval: a })),
    ];
  }

  #item(key: string): GroveApproval | null {
    return this.renderRoot.querySelector<GroveApproval>(`grove-approval[data-key="${key}"]`);
  }

  #thread(threadId: ThreadId): Thread | undefined {
    return this.threads.find((t) => t.id === threadId);
  }

  #projectName(projectId: ProjectId): string {
    return this.projects.find((p) => p.id === projectId)?.name ?? 'a removed project';
  }

  async #revoke(ruleId: RuleId): Promise<void> {
    if (!this.revokeRule || this.revoking) return;
    this.revoking = ruleId;
    this.revokeError = null;
    const buttons = () => [...this.renderRoot.querySelectorAll<HTMLButtonElement>('.rules .btn')];
    const index = buttons().findIndex((b) => b.closest('li')?.dataset.id === ruleId);
    try {
      await this.revokeRule(ruleId);
      // Its row (and the focused button) went: focus the row now in its place, or the heading.
      await this.updateComplete;
      const rest = buttons();
      (rest[Math.min(index, rest.length - 1)] ?? this.renderRoot.querySelector<HTMLElement>('#rules-title'))?.focus();
    } catch (error) {
      this.revokeError = { ruleId, message: messageOf(error) };
    } finally {
      this.revoking = null;
    }
  }

  readonly #onFocusin = (event: FocusEvent): void => {
    const item = event.composedPath().find((n): n is GroveApproval => n instanceof Element && n.localName === 'grove-approval');
    const key = item?.dataset.key;
    if (key) this.activeKey = key;
  };

  /** J/K, the arrow keys, Home and End move between requests, from anywhere in one but a text field. */
  readonly #onKeydown = (event: KeyboardEvent): void => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || event.shiftKey || isTyping(event)) return;
    // Arrow keys move between requests only from inside one; J and K from anywhere in the inbox.
    const inItem = event.composedPath().some((n) => n instanceof Element && n.localName === 'grove-approval');
    if (!inItem && event.key !== 'j' && event.key !== 'k') return;
    const rows = this.#rows();
    const index = rows.findIndex((r) => r.key === this.activeKey);
    const target = listMove(event.key, index, rows.length, { letters: true });
    if (target === null) return;
    event.preventDefault();
    const key = rows[target]?.key;
    if (!key) return;
    this.activeKey = key;
    void this.updateComplete.then(() => {
      const item = this.#item(key);
      item?.focusItem();
      item?.scrollIntoView({ block: 'nearest' });
    });
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'grove-inbox': GroveInbox;
  }
}
