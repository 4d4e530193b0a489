import { css, html, LitElement, nothing, type TemplateResult } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { errorLine, messageOf } from '../error-message.ts';
import { type IconName, icon } from '../icons.ts';
import { checkoutName, type ResultOf, type Thread, type ThreadId } from '../protocol.ts';
import { dialogFormStyles, dialogStyles, progressStyles, sharedStyles } from '../styles/shared.ts';

export type Preflight = ResultOf<'thread/preflight'>;

/** One consequence of archiving, in plain words. */
interface Stake {
  readonly icon: IconName;
  readonly text: string | TemplateResult;
  /** Something is lost (ignored files) or in the way (conflicts), not merely kept. */
  readonly tone?: 'loss' | 'blocker';
}

/**
 * Confirms archiving a thread. It first asks the host what is at stake (uncommitted files,
 * ignored files, commits not merged) and says it plainly; merge conflicts must be resolved
 * before it can go ahead.
 */
@customElement('grove-archive-thread')
export class GroveArchiveThread extends LitElement {
  static override styles = [
    sharedStyles,
    dialogStyles,
    dialogFormStyles,
    progressStyles,
    css`
      :host {
        display: contents;
      }

      dialog {
        width: min(480px, calc(100vw - 32px));
      }

      h2 {
        overflow-wrap: anywhere;
      }

      ul {
        display: flex;
        flex-direction: column;
        gap: 8px;
        margin: 0;
        padding: 12px 14px;
        border: 1px solid var(--border);
        border-radius: var(--radius);
        background: var(--bg);
        list-style: none;
      }

      li {
        display: flex;
        gap: 9px;
        color: var(--fg);
        line-height: 1.45;
      }

      li .icon {
        margin-top: 1px;
        color: var(--fg-faint);
      }

      li.loss .icon {
        color: var(--status-waiting);
      }

      li.blocker {
        color: var(--status-error);
      }

      li.blocker .icon {
        color: var(--status-error);
      }

      li span {
        overflow-wrap: anywhere;
      }

      .body > .progress {
        display: flex;
        min-height: 44px;
      }
    `,
  ];

  /** Counts what is at stake; changes nothing. */
  @property({ attribute: false }) preflightThread: ((threadId: ThreadId) => Promise<Preflight>) | null = null;
  /** Snapshots and archives; rejects with an error whose message a person can act on. */
  @property({ attribute: false }) archiveThread: ((threadId: ThreadId) => Promise<void>) | null = null;

  @state() private thread: Thread | null = null;
  @state() private preflight: Preflight | null = null;
  @state() private error = '';
  @state() private isBusy = false;

  @query('dialog') private dialog!: HTMLDialogElement;
  @query('button.primary') private confirmButton!: HTMLButtonElement;
  @query('button.cancel') private cancelButton!: HTMLButtonElement;

  /** Which `show` is current, so a late preflight for an earlier thread is dropped. */
  #opened = 0;

  /** Opens the dialog for one thread and asks the host what archiving it would put at stake. */
  async show(thread: Thread): Promise<void> {
    const opened = ++this.#opened;
    this.thread = thread;
    this.preflight = null;
    this.error = '';
    this.isBusy = false;
    await this.updateComplete;
    if (!this.dialog.open) this.dialog.showModal();
    this.cancelButton.focus();
    if (!this.preflightThread) return;
    try {
      const preflight = await this.preflightThread(thread.id);
      if (opened !== this.#opened) return;
      this.preflight = preflight;
      await this.updateComplete;
      // Ready to confirm: Enter now archives, unless the person already moved on.
      if (preflight.conflicted === 0 && this.shadowRoot?.activeElement === this.cancelButton) this.confirmButton.focus();
    } catch (error) {
      if (opened !== this.#opened) return;
      this.error = messageOf(error);
    }
  }

  get isOpen(): boolean {
    return this.dialog?.open ?? false;
  }

  override render() {
    const thread = this.thread;
    const preflight = this.preflight;
    const canArchive = preflight !== null && preflight.conflicted === 0 && !this.isBusy;
    return html`<dialog aria-labelledby="archive-title" aria-describedby="archive-about" @cancel=${this.#onCancel}>
      ${
        thread
          ? html`<form novalidate @submit=${this.#onSubmit}>
              <header><h2 id="archive-title">Archive ${thread.title}?</h2></header>
              <div class="body">
                <p id="archive-about">
                  The worktree is removed and the thread leaves the board. Restore brings it back
                  exactly as it is now.
                </p>
                ${
                  preflight
                    ? html`<ul aria-label="What archiving does">
                        ${stakes(thread, preflight).map(
                          (s) => html`<li class=${s.tone ?? ''}>${icon(s.icon)}<span>${s.text}</span></li>`,
                        )}
                      </ul>`
                    : this.error
                      ? nothing
                      : html`<p class="progress" role="status"><span class="spinner"></span>Checking the worktree…</p>`
                }
                ${this.error ? errorLine(this.error) : nothing}
              </div>
              <footer>
                <button type="button" class="btn cancel" ?disabled=${this.isBusy} @click=${() => this.dialog.close()}>Cancel</button>
                <button type="submit" class="btn primary" ?disabled=${!canArchive}>${this.isBusy ? 'Archiving…' : 'Archive'}</button>
              </footer>
            </form>`
          : nothing
      }
    </dialog>`;
  }

  /** While archiving, Escape waits for the outcome rather than hiding it. */
  readonly #onCancel = (event: Event): void => {
    if (this.isBusy) event.preventDefault();
  };

  readonly #onSubmit = async (event: SubmitEvent): Promise<void> => {
    event.preventDefault();
    const thread = this.thread;
    if (!thread || !this.archiveThread || this.isBusy || !this.preflight || this.preflight.conflicted > 0) return;
    this.isBusy = true;
    this.error = '';
    try {
      await this.archiveThread(thread.id);
      this.dialog.close();
    } catch (error) {
      this.error = messageOf(error);
    } finally {
      this.isBusy = false;
    }
  };
}

/** What archiving this thread does, one plain sentence per consequence. */
function stakes(thread: Thread, p: Preflight): Stake[] {
  const list: Stake[] = [];
  if (p.conflicted > 0) {
    list.push({
      icon: 'alert',
      tone: 'blocker',
      text: `${count(p.conflicted, 'file')} ${p.conflicted === 1 ? 'has' : 'have'} merge conflicts. Resolve them (or abort the merge) in the worktree first, then archive.`,
    });
  }
  const changes = changesSentence(p);
  // With conflicts on screen, "nothing to save" would read as a contradiction; say nothing instead.
  if (changes !== null || p.conflicted === 0)
    list.push({ icon: 'snapshot', text: changes ?? 'No uncommitted changes: there is nothing to save.' });
  if (p.ignored > 0) {
    list.push({
      icon: 'trash',
      tone: 'loss',
      text: `${count(p.ignored, 'ignored file')} (build output, .env…) will be deleted with the worktree.`,
    });
  }
  if (p.unmerged > 0) {
    list.push({
      icon: 'commit',
      text: html`${count(p.unmerged, 'commit')} not merged into <span class="mono">${thread.base.ref}</span>.`,
    });
  }
  if (p.unpushed !== null && p.unpushed > 0) list.push({ icon: 'commit', text: `${count(p.unpushed, 'commit')} not pushed.` });
  list.push(
    thread.branch === null
      ? {
          icon: 'commit',
          text: html`No branch (detached HEAD at <span class="mono">${checkoutName(thread)}</span>): the snapshot keeps its commits.`,
        }
      : { icon: 'branch', text: html`Branch <span class="mono">${thread.branch}</span> stays.` },
  );
  return list;
}

/** What the snapshot will keep, or null when there is nothing uncommitted (conflicts aside). */
function changesSentence(p: Preflight): string | null {
  const parts = [
    p.staged > 0 ? `${p.staged} staged` : '',
    p.unstaged > 0 ? `${p.unstaged} changed` : '',
    p.untracked > 0 ? `${p.untracked} untracked` : '',
  ].filter(Boolean);
  if (parts.length === 0) return null;
  const total = p.staged + p.unstaged + p.untracked;
  return `${joinWords(parts)} ${total === 1 ? 'file' : 'files'} will be saved in a snapshot and come back on restore.`;
}

/** "a", "a and b", "a, b and c". */
function joinWords(words: readonly string[]): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

/** "1 commit", "3 commits". */
function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

declare global {
  interface HTMLElementTagNameMap {
    'grove-archive-thread': GroveArchiveThread;
  }
}
