import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { type ApprovalActions, defaultPrefix, isPlainCommand } from '../approvals.ts';
import { errorLine, messageOf } from '../error-message.ts';
import { emit } from '../events.ts';
import { icon } from '../icons.ts';
import { isTyping } from '../keyboard.ts';
import type { ActionResult, Approval, ApprovalId, ApprovalStatus } from '../protocol.ts';
import { fullTime, relativeTime, shortDuration } from '../relative-time.ts';
import { fieldStyles, sharedStyles } from '../styles/shared.ts';

/** What the item is doing: showing the request, or asking for a denial's message or an edited command. */
type Mode = 'view' | 'deny' | 'edit';

/** How a settled request reads, one colour per meaning. */
const SETTLED_LOOKS: Readonly<Record<Exclude<ApprovalStatus, 'pending'>, { label: string; colour: string }>> = {
  approved: { label: 'Approved, starting', colour: 'var(--status-running)' },
  running: { label: 'Running', colour: 'var(--status-running)' },
  done: { label: 'Done', colour: 'var(--status-done)' },
  failed: { label: 'Failed', colour: 'var(--status-error)' },
  denied: { label: 'Denied', colour: 'var(--fg-faint)' },
  interrupted: { label: 'Interrupted', colour: 'var(--status-error)' },
};

/**
 * One held request, in the inbox or at the top of its thread's view: the literal command
 * (never cut), the folder it runs in and why it waits; for a commit, the message, the
 * staged files and the diff. A pending one offers Approve (A), Deny with a message for the
 * agent (D), Edit then approve (E), approve every identical request (Shift+A), and
 * "always allow" a prefix of the command in its project. A settled one shows what became
 * of it and its output. Refusals show here, in the host's words.
 *
 * @fires grove-open-thread - The thread's title was pressed.
 */
@customElement('grove-approval')
export class GroveApproval extends LitElement {
  static override styles = [
    sharedStyles,
    fieldStyles,
    css`
      :host {
        display: block;
      }

      article {
        display: flex;
        flex-direction: column;
        gap: 8px;
        padding: 12px 14px;
        border: 1px solid var(--border);
        border-radius: var(--radius-lg);
        background: var(--bg-raised);
        box-shadow: var(--shadow-card);
      }

      article.is-pending {
        border-left: 3px solid var(--status-waiting);
        padding-left: 12px;
      }

      article:focus-visible {
        outline-offset: 1px;
      }

      .head {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 4px 8px;
        min-width: 0;
        color: var(--fg-muted);
        font-size: var(--text-sm);
      }

      .kind {
        display: inline-flex;
        align-items: center;
        gap: 5px;
        padding: 0 7px;
        border-radius: 999px;
        background: color-mix(in srgb, var(--status-waiting) 16%, transparent);
        color: var(--fg);
        font-size: var(--text-xs);
        font-weight: 600;
        line-height: 20px;
      }

      .kind .icon {
        width: 12px;
        height: 12px;
        color: var(--status-waiting);
      }

      .state {
        display: inline-flex;
        align-items: center;
        gap: 6px;
        color: var(--fg);
        font-weight: 600;
      }

      .dot {
        width: 7px;
        height: 7px;
        border-radius: 50%;
        background: var(--dot);
      }

      .thread-link {
        min-width: 0;
        max-width: 100%;
        padding: 0;
        border: 0;
        background: none;
        color: var(--fg);
        font-weight: 500;
        text-align: left;
        overflow-wrap: anywhere;
        cursor: pointer;
      }

      .thread-link:hover {
        color: var(--accent-text);
        text-decoration: underline;
      }

      .faint {
        color: var(--fg-faint);
      }

      .head time {
        margin-left: auto;
        color: var(--fg-faint);
        white-space: nowrap;
      }

      /* The command exactly as it would run: whole, wrapped, never cut. */
      pre.command {
        margin: 0;
        padding: 8px 10px;
        border: 1px solid var(--border);
        border-radius: var(--radius);
        background: var(--terminal-bg);
        color: var(--fg);
        font: var(--text-md) / 1.5 var(--font-mono);
        white-space: pre-wrap;
        overflow-wrap: anywhere;
        user-select: text;
      }

      .settled pre.command {
        padding: 5px 8px;
        color: var(--fg-muted);
        font-size: var(--text-sm);
      }

      .meta {
        margin: 0;
        color: var(--fg-muted);
        font-size: var(--text-sm);
        overflow-wrap: anywhere;
      }

      .meta .mono {
        color: var(--fg);
        user-select: text;
      }

      .reasons {
        margin: 0;
        padding: 0 0 0 18px;
        color: var(--fg-muted);
        font-size: var(--text-sm);
      }

      .reasons li::marker {
        color: var(--status-waiting);
      }

      .label {
        margin: 0 0 3px;
        color: var(--fg-faint);
        font-size: var(--text-xs);
        font-weight: 600;
        letter-spacing: 0.04em;
        text-transform: uppercase;
      }

      .message {
        margin: 0;
        color: var(--fg);
        white-space: pre-wrap;
        overflow-wrap: anywhere;
        user-select: text;
      }

      .files {
        display: grid;
        grid-template-columns: auto minmax(0, 1fr);
        gap: 1px 8px;
        margin: 0;
        padding: 0;
        font: var(--text-sm) / 1.5 var(--font-mono);
        list-style: none;
      }

      details > .files {
        padding: 6px 10px;
        border-top: 1px solid var(--border);
      }

      .files li {
        display: contents;
      }

      .files .st {
        color: var(--fg-faint);
      }

      .files .path {
        overflow-wrap: anywhere;
        user-select: text;
      }

      details {
        border: 1px solid var(--border);
        border-radius: var(--radius);
      }

      summary {
        display: flex;
        align-items: center;
        gap: 6px;
        padding: 4px 8px;
        color: var(--fg-muted);
        font-size: var(--text-sm);
        cursor: pointer;
        list-style: none;
      }

      summary::-webkit-details-marker {
        display: none;
      }

      summary .icon {
        width: 12px;
        height: 12px;
        color: var(--fg-faint);
        transition: transform 120ms ease;
      }

      details[open] summary .icon {
        transform: rotate(90deg);
      }

      summary:focus-visible {
        outline-offset: -2px;
      }

      pre.output,
      pre.diff {
        max-height: 320px;
        margin: 0;
        padding: 6px 0;
        overflow: auto;
        border-top: 1px solid var(--border);
        background: var(--terminal-bg);
        color: var(--fg-muted);
        font: var(--text-xs) / 1.55 var(--font-mono);
        user-select: text;
      }

      pre.output {
        max-height: 240px;
        padding: 6px 10px;
        white-space: pre-wrap;
        overflow-wrap: anywhere;
      }

      pre.diff > span {
        display: block;
        min-width: max-content;
        padding: 0 10px;
      }

      pre.diff .add {
        background: color-mix(in srgb, var(--status-done) 14%, transparent);
        color: var(--fg);
      }

      pre.diff .del {
        background: color-mix(in srgb, var(--status-error) 13%, transparent);
        color: var(--fg);
      }

      pre.diff .hunk {
        color: var(--status-running);
      }

      pre.diff .file {
        color: var(--fg);
        font-weight: 600;
      }

      .rule {
        display: flex;
        flex-direction: column;
        gap: 6px;
      }

      .check {
        display: inline-flex;
        align-items: center;
        gap: 7px;
        margin: 0;
        color: var(--fg-muted);
        font-size: var(--text-sm);
        font-weight: 400;
        cursor: pointer;
      }

      .check input {
        width: 14px;
        height: 14px;
        margin: 0;
        accent-color: var(--accent);
      }

      code {
        padding: 0 4px;
        border-radius: var(--radius-sm);
        background: var(--bg-active);
        color: var(--fg);
        font-family: var(--font-mono);
        font-size: 0.95em;
        overflow-wrap: anywhere;
      }

      .field label {
        margin: 0 0 4px;
        font-size: var(--text-sm);
      }

      .field textarea {
        font-family: var(--font-mono);
      }

      .field input {
        height: 28px;
      }

      .field .field-hint {
        margin: 4px 0 0;
        font-size: var(--text-xs);
      }

      .actions {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 6px;
      }

      .actions .btn {
        height: 28px;
        padding: 0 10px;
        font-size: var(--text-sm);
      }

      .actions kbd {
        min-width: 16px;
        padding: 0 4px;
        border-color: currentColor;
        background: transparent;
        color: inherit;
        line-height: 14px;
        opacity: 0.7;
      }

      .actions .spacer {
        flex: 1;
      }

      .note {
        margin: 0;
        color: var(--fg-muted);
        font-size: var(--text-sm);
        overflow-wrap: anywhere;
      }
    `,
  ];

  @property({ attribute: false }) approval: Approval | null = null;
  /** The title of the thread that asked; null once the thread is gone. */
  @property({ attribute: false }) threadTitle: string | null = null;
  @property({ attribute: false }) projectName = '';
  /** Show which thread asked (the inbox does; the thread's own view need not). */
  @property({ type: Boolean, attribute: false }) showThread = true;
  /** The pending requests identical to this one, itself included: more than one offers "Approve all". */
  @property({ attribute: false }) identical: readonly ApprovalId[] = [];
  @property({ attribute: false }) actions: ApprovalActions | null = null;
  /** In a list with one Tab stop (a roving tabindex), whether this item is it. */
  @property({ type: Boolean, attribute: false }) isTabStop = true;
  /** The clock relative times read. */
  @property({ type: Number, attribute: false }) now = Date.now();

  @state() private mode: Mode = 'view';
  @state() private busy: '' | 'approve' | 'deny' | 'all' = '';
  @state() private error = '';
  @state() private remember = false;
  @state() private rulePrefix = '';
  @state() private edited = '';
  @state() private denial = '';

  /** Puts keyboard focus on the item itself, where its one-key actions work. */
  focusItem(): void {
    this.renderRoot.querySelector<HTMLElement>('article')?.focus();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    const previous = changed.get('approval');
    if (changed.has('approval') && previous?.id !== this.approval?.id) {
      this.mode = 'view';
      this.error = '';
      this.remember = false;
      this.edited = this.approval?.command ?? '';
      this.rulePrefix = defaultPrefix(this.edited);
      this.denial = '';
    }
  }

  override render() {
    const approval = this.approval;
    if (!approval) return nothing;
    return approval.status === 'pending' ? this.#renderPending(approval) : this.#renderSettled(approval);
  }

  #renderPending(a: Approval) {
    const kind = a.kind === 'commit' ? 'Commit' : 'Command';
    const tabIndex = this.isTabStop ? 0 : -1;
    return html`<article class="is-pending" tabindex=${tabIndex} aria-label="${kind} from ${this.threadTitle ?? 'a removed thread'}"
      aria-keyshortcuts="A D${a.kind === 'command' ? ' E' : ''}" @keydown=${this.#onKeydown}>
      <div class="head">
        <span class="kind">${icon(a.kind === 'commit' ? 'commit' : 'terminal')}${kind}</span>
        ${this.#renderOrigin(a)}
        ${this.#renderTime(a.createdAt, 'Asked')}
      </div>
      ${
        a.kind === 'commit' && a.commit
          ? html`<div>
              <p class="label">Message</p>
              <p class="message">${a.commit.message}</p>
            </div>`
          : html`<pre class="command" aria-label="Command">${a.command}</pre>`
      }
      <p class="meta">in <span class="mono">${a.cwd}</span></p>
      ${
        a.reasons.length > 0
          ? html`<ul class="reasons" aria-label="Why it waits">${a.reasons.map((r) => html`<li>${r}</li>`)}</ul>`
          : nothing
      }
      ${a.kind === 'commit' && a.commit ? this.#renderStaged(a.commit) : nothing}
      ${this.mode === 'edit' ? this.#renderEditor() : nothing}
      ${this.mode === 'deny' ? this.#renderDenial() : nothing}
      ${a.kind === 'command' && this.mode !== 'deny' && isPlainCommand(this.mode === 'edit' ? this.edited : a.command) ? this.#renderRule() : nothing}
      <div class="actions">${this.#renderActions(a, tabIndex)}</div>
      ${this.error ? errorLine(this.error) : nothing}
    </article>`;
  }

  #renderOrigin(a: Approval) {
    const project = html`<span class="faint">${this.projectName}</span>`;
    if (!this.showThread) return project;
    const title =
      this.threadTitle === null
        ? html`<span>A removed thread</span>`
        : html`<button class="thread-link" tabindex=${this.isTabStop ? 0 : -1} title="Open this thread"
            @click=${() => emit(this, 'grove-open-thread', { threadId: a.threadId })}>${this.threadTitle}</button>`;
    return html`${title}<span class="faint" aria-hidden="true">·</span>${project}`;
  }

  #renderTime(time: number, verb: string) {
    return html`<time datetime=${new Date(time).toISOString()} title="${verb} ${fullTime(time)}">${relativeTime(time, this.now)}</time>`;
  }

  /** A commit's staged files and diff. */
  #renderStaged(commit: NonNullable<Approval['commit']>) {
    const fileCount = `${commit.files.length} staged ${commit.files.length === 1 ? 'file' : 'files'}`;
    return html`<details open>
        <summary tabindex=${this.isTabStop ? 0 : -1}>${icon('chevron')}${fileCount}</summary>
        <ul class="files" aria-label="Staged files">
          ${commit.files.map((line) => {
            const [status = '', ...paths] = line.split('\t');
            return html`<li><span class="st">${status}</span><span class="path">${paths.join(' → ')}</span></li>`;
          })}
        </ul>
      </details>
      <details open>
        <summary tabindex=${this.isTabStop ? 0 : -1}>${icon('chevron')}Diff${commit.diffTruncated ? html` <span class="faint">(cut; the commit holds all of it)</span>` : nothing}</summary>
        <pre class="diff" aria-label="Staged diff">${diffLines(commit.diff)}</pre>
      </details>`;
  }

  #renderEditor() {
    return html`<div class="field">
      <label for="edited">Edited command</label>
      <textarea id="edited" rows=${Math.min(8, this.edited.split('\n').length + 1)} spellcheck="false" autocomplete="off"
        .value=${this.edited} @input=${(e: InputEvent) => {
          this.edited = (e.target as HTMLTextAreaElement).value;
          if (!this.remember) this.rulePrefix = defaultPrefix(this.edited);
        }}
        @keydown=${this.#onFieldKeydown}></textarea>
      <p class="field-hint">Grove checks the edited command again before it runs. Enter approves it, Shift+Enter adds a line, Esc cancels.</p>
    </div>`;
  }

  #renderDenial() {
    return html`<div class="field">
      <label for="denial">Message to the agent <span class="faint">(optional)</span></label>
      <textarea id="denial" rows="2" .value=${this.denial} placeholder="Why not, and what to do instead"
        @input=${(e: InputEvent) => {
          this.denial = (e.target as HTMLTextAreaElement).value;
        }}
        @keydown=${this.#onFieldKeydown}></textarea>
      <p class="field-hint">Enter denies, Shift+Enter adds a line, Esc cancels.</p>
    </div>`;
  }

  #renderRule() {
    const words = this.rulePrefix.trim() || '…';
    return html`<div class="rule">
      <label class="check">
        <input type="checkbox" .checked=${this.remember} tabindex=${this.isTabStop ? 0 : -1}
          @change=${(e: Event) => {
            this.remember = (e.target as HTMLInputElement).checked;
          }} />
        <span>Always allow <code>${words}</code> in ${this.projectName}</span>
      </label>
      ${
        this.remember
          ? html`<div class="field">
              <label for="prefix">Commands starting with these words</label>
              <input id="prefix" class="mono" spellcheck="false" autocomplete="off" .value=${this.rulePrefix}
                @input=${(e: InputEvent) => {
                  this.rulePrefix = (e.target as HTMLInputElement).value;
                }}
                @keydown=${this.#onFieldKeydown} />
              <p class="field-hint">They will run without asking in ${this.projectName}. The rule is listed in the inbox, where you can revoke it.</p>
            </div>`
          : nothing
      }
    </div>`;
  }

  #renderActions(a: Approval, tabIndex: number) {
    const busy = this.busy !== '';
    if (this.mode === 'deny') {
      return html`<button class="btn danger" tabindex=${tabIndex} ?disabled=${busy} @click=${() => this.#deny()}>
          ${this.busy === 'deny' ? 'Denying…' : 'Deny'}
        </button>
        <button class="btn" tabindex=${tabIndex} ?disabled=${busy} @click=${() => this.#setMode('view')}>Cancel</button>`;
    }
    if (this.mode === 'edit') {
      return html`<button class="btn primary" tabindex=${tabIndex} ?disabled=${busy || this.edited.trim() === ''}
          @click=${() => this.#approve()}>${this.busy === 'approve' ? 'Approving…' : 'Approve edited'}</button>
        <button class="btn" tabindex=${tabIndex} ?disabled=${busy} @click=${() => this.#setMode('view')}>Cancel</button>`;
    }
    const count = this.identical.length;
    return html`<button class="btn primary" tabindex=${tabIndex} ?disabled=${busy} aria-keyshortcuts="A"
        @click=${() => this.#approve()}>${this.busy === 'approve' ? 'Approving…' : html`Approve <kbd aria-hidden="true">A</kbd>`}</button>
      <button class="btn" tabindex=${tabIndex} ?disabled=${busy} aria-keyshortcuts="D"
        @click=${() => this.#setMode('deny')}>Deny… <kbd aria-hidden="true">D</kbd></button>
      ${
        a.kind === 'command'
          ? html`<button class="btn" tabindex=${tabIndex} ?disabled=${busy} aria-keyshortcuts="E"
              @click=${() => this.#setMode('edit')}>Edit <kbd aria-hidden="true">E</kbd></button>`
          : nothing
      }
      ${
        count > 1
          ? html`<span class="spacer"></span>
            <button class="btn" tabindex=${tabIndex} ?disabled=${busy} aria-keyshortcuts="Shift+A"
              title="Approve every pending request identical to this one (Shift+A)"
              @click=${() => this.#approveAll()}>${this.busy === 'all' ? 'Approving…' : `Approve all ${count} identical`}</button>`
          : nothing
      }`;
  }

  #renderSettled(a: Approval) {
    const look = SETTLED_LOOKS[a.status as Exclude<ApprovalStatus, 'pending'>];
    const decision = a.decision;
    const ran = decision?.editedCommand ?? a.command;
    const tabIndex = this.isTabStop ? 0 : -1;
    return html`<article class="settled" tabindex=${tabIndex} aria-label="${look.label}: ${a.kind === 'commit' ? 'commit' : 'command'} from ${this.threadTitle ?? 'a removed thread'}">
      <div class="head">
        <span class="state"><span class="dot" style="--dot: ${look.colour}"></span>${settledLabel(a, look.label)}</span>
        ${this.#renderOrigin(a)}
        ${this.#renderTime(a.updatedAt, 'Last change')}
      </div>
      <pre class="command" aria-label="Command">${a.kind === 'commit' ? `git commit: ${a.commit?.message ?? ''}` : ran}</pre>
      ${
        decision?.editedCommand
          ? html`<p class="note">Edited before approval; the agent asked for <code>${a.command}</code></p>`
          : nothing
      }
      ${decision?.rule ? html`<p class="note">Approved with a new rule: commands starting the same way run without asking.</p>` : nothing}
      ${
        a.status === 'denied'
          ? html`<p class="note">${decision?.message ? html`Told the agent: “${decision.message}”` : 'Denied without a message.'}</p>`
          : nothing
      }
      ${
        a.status === 'interrupted'
          ? html`<p class="note">Grove stopped before this finished; it will not run again by itself.</p>`
          : nothing
      }
      ${a.result ? this.#renderResult(a.result) : nothing}
    </article>`;
  }

  #renderResult(result: ActionResult) {
    const facts = [
      shortDuration(result.durationMs),
      result.sandboxed ? 'sandboxed' : `not sandboxed${result.unsandboxedReason ? ` (${result.unsandboxedReason})` : ''}`,
      result.truncated ? 'output cut' : '',
    ].filter(Boolean);
    return html`<details>
      <summary tabindex=${this.isTabStop ? 0 : -1}>${icon('chevron')}Output <span class="faint">· ${facts.join(' · ')}</span></summary>
      <pre class="output">${result.output || 'No output.'}</pre>
    </details>`;
  }

  async #setMode(mode: Mode): Promise<void> {
    if (this.busy) return;
    this.mode = mode;
    this.error = '';
    await this.updateComplete;
    const field = mode === 'deny' ? '#denial' : mode === 'edit' ? '#edited' : null;
    if (field) {
      const input = this.renderRoot.querySelector<HTMLTextAreaElement>(field);
      input?.focus();
      if (mode === 'edit') input?.setSelectionRange(input.value.length, input.value.length);
    } else {
      this.focusItem();
    }
  }

  async #approve(): Promise<void> {
    const a = this.approval;
    if (!a || !this.actions || this.busy) return;
    const params: Parameters<ApprovalActions['resolve']>[0] = { approvalId: a.id, verdict: 'approve' };
    if (this.mode === 'edit') {
      if (this.edited.trim() === '') return;
      params.editedCommand = this.edited;
    }
    const command = this.mode === 'edit' ? this.edited : a.command;
    if (this.remember && a.kind === 'command' && isPlainCommand(command)) {
      const words = this.rulePrefix.trim().split(/\s+/).filter(Boolean);
      if (words.length === 0) {
        this.error = 'Type the words the rule starts with, or untick “Always allow”.';
        return;
      }
      params.rememberPrefix = words;
    }
    await this.#run('approve', () => this.actions?.resolve(params));
  }

  async #deny(): Promise<void> {
    const a = this.approval;
    if (!a || !this.actions || this.busy) return;
    const message = this.denial.trim();
    await this.#run('deny', () =>
      this.actions?.resolve({ approvalId: a.id, verdict: 'deny', ...(message === '' ? {} : { message }) }),
    );
  }

  async #approveAll(): Promise<void> {
    if (!this.actions || this.busy || this.identical.length < 2) return;
    const ids = this.identical;
    await this.#run('all', () => this.actions?.approveAll(ids));
  }

  /** Runs one answer; a refusal stays on the item, which is still pending. */
  async #run(busy: 'approve' | 'deny' | 'all', answer: () => Promise<void> | undefined): Promise<void> {
    this.busy = busy;
    this.error = '';
    try {
      await answer();
    } catch (error) {
      this.error = messageOf(error);
    } finally {
      this.busy = '';
    }
  }

  readonly #onKeydown = (event: KeyboardEvent): void => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || event.repeat) return;
    if (event.key === 'Escape' && (this.mode !== 'view' || isTyping(event))) {
      // Escape steps back out: from the denial or the edit to the request, from the rule's words to the item.
      event.preventDefault();
      void this.#setMode('view');
      return;
    }
    // While asking for a denial's message or an edit, only that form's own keys act: a stray A must not approve.
    if (isTyping(event) || this.mode !== 'view') return;
    const kind = this.approval?.kind;
    const action = shortcut(event.key, kind === 'command');
    if (!action) return;
    event.preventDefault();
    if (action === 'approve') void this.#approve();
    else if (action === 'approveAll') void this.#approveAll();
    else void this.#setMode(action);
  };

  /** In the message, edit and prefix fields: Enter answers, Shift+Enter is a new line, Escape steps back. */
  readonly #onFieldKeydown = (event: KeyboardEvent): void => {
    if (event.key !== 'Enter' || event.shiftKey || event.isComposing) return;
    event.preventDefault();
    if (this.mode === 'deny') void this.#deny();
    else void this.#approve();
  };
}

/** The one-key action a key asks for, if any. */
function shortcut(key: string, isCommand: boolean): 'approve' | 'approveAll' | 'deny' | 'edit' | undefined {
  switch (key) {
    case 'a':
      return 'approve';
    case 'A':
      return 'approveAll';
    case 'd':
      return 'deny';
    case 'e':
      return isCommand ? 'edit' : undefined;
    default:
      return undefined;
  }
}

/** "Done · exit 0", "Failed · exit 2", "Failed · SIGKILL": how it ended, in the header. */
function settledLabel(a: Approval, label: string): string {
  const result = a.result;
  if (!result || (a.status !== 'done' && a.status !== 'failed')) return label;
  if (result.signal) return `${label} · ${result.signal}`;
  return result.exitCode === null ? label : `${label} · exit ${result.exitCode}`;
}

/** A unified diff, one span per line, coloured by what the line is. */
function diffLines(diff: string) {
  const lines = diff.endsWith('\n') ? diff.slice(0, -1).split('\n') : diff.split('\n');
  return lines.map((line) => html`<span class=${diffClass(line)}>${line || ' '}</span>`);
}

function diffClass(line: string): string {
  if (line.startsWith('diff ') || line.startsWith('+++ ') || line.startsWith('--- ')) return 'file';
  if (line.startsWith('@@')) return 'hunk';
  if (line.startsWith('+')) return 'add';
  if (line.startsWith('-')) return 'del';
  return '';
}

declare global {
  interface HTMLElementTagNameMap {
    'grove-approval': GroveApproval;
  }
}
