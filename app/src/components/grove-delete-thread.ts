import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { HostRequestError } from '../connection/host-request-error.ts';
import { errorLine, messageOf } from '../error-message.ts';
import { checkoutName, type Thread, type ThreadId } from '../protocol.ts';
import { dialogFormStyles, dialogStyles, sharedStyles } from '../styles/shared.ts';

/**
 * Deletes a thread for good. The host decides what is at stake: a thread with nothing to
 * lose goes at once; otherwise the host says what would go, and the person must type the
 * branch name (for a detached HEAD, its commit) before it will.
 */
@customElement('grove-delete-thread')
export class GroveDeleteThread extends LitElement {
  static override styles = [
    sharedStyles,
    dialogStyles,
    dialogFormStyles,
    css`
      :host {
        display: contents;
      }

      h2,
      .stake {
        overflow-wrap: anywhere;
      }

      .stake {
        margin: 0 0 10px;
        color: var(--status-error);
      }

      label {
        display: block;
        margin-bottom: 4px;
        color: var(--fg);
      }

      input {
        width: 100%;
      }
    `,
  ];

  /** Calls `thread/delete`; rejects with the host's error (code `confirmation_required` when a name is needed). */
  @property({ attribute: false }) deleteThread: ((threadId: ThreadId, confirmBranch?: string) => Promise<void>) | null = null;

  @state() private thread: Thread | null = null;
  /** The host's words on what would be lost, once it asked for the branch name. */
  @state() private stake = '';
  @state() private typed = '';
  @state() private error = '';
  @state() private isBusy = false;

  @query('dialog') private dialog!: HTMLDialogElement;
  @query('button.cancel') private cancelButton!: HTMLButtonElement;
  @query('input') private input!: HTMLInputElement | null;

  async show(thread: Thread): Promise<void> {
    this.thread = thread;
    this.stake = '';
    this.typed = '';
    this.error = '';
    this.isBusy = false;
    await this.updateComplete;
    if (!this.dialog.open) this.dialog.showModal();
    this.cancelButton.focus();
  }

  get isOpen(): boolean {
    return this.dialog?.open ?? false;
  }

  override render() {
    const thread = this.thread;
    const needsName = this.stake !== '';
    const name = thread ? checkoutName(thread) : '';
    const canDelete = !this.isBusy && (!needsName || this.typed === name);
    return html`<dialog aria-labelledby="delete-title" @cancel=${(e: Event) => this.isBusy && e.preventDefault()}>
      ${
        thread
          ? html`<form novalidate @submit=${this.#onSubmit}>
              <header><h2 id="delete-title">Delete ${thread.title}?</h2></header>
              <div class="body">
                <p>
                  ${
                    thread.branch === null
                      ? html`Its worktree (a detached HEAD at <span class="mono">${name}</span>) and its record go for good.`
                      : html`Its worktree, its branch <span class="mono">${thread.branch}</span> and its record go for good.`
                  }
                  Archive instead to keep them.
                </p>
                ${
                  needsName
                    ? html`<p class="stake" role="alert">${this.stake}</p>
                        <label for="confirm-branch">Type the ${thread.branch === null ? 'commit' : 'branch name'} to delete it anyway</label>
                        <input id="confirm-branch" class="mono" autocomplete="off" spellcheck="false" placeholder=${name}
                          .value=${this.typed} @input=${(e: InputEvent) => (this.typed = (e.target as HTMLInputElement).value)} />`
                    : nothing
                }
                ${this.error ? errorLine(this.error) : nothing}
              </div>
              <footer>
                <button type="button" class="btn cancel" ?disabled=${this.isBusy} @click=${() => this.dialog.close()}>Cancel</button>
                <button type="submit" class="btn danger" ?disabled=${!canDelete}>${this.isBusy ? 'Deleting…' : needsName ? 'Delete for good' : 'Delete'}</button>
              </footer>
            </form>`
          : nothing
      }
    </dialog>`;
  }

  readonly #onSubmit = async (event: SubmitEvent): Promise<void> => {
    event.preventDefault();
    const thread = this.thread;
    if (!thread || !this.deleteThread || this.isBusy) return;
    this.isBusy = true;
    this.error = '';
    try {
      await this.deleteThread(thread.id, this.stake === '' ? undefined : this.typed);
      this.dialog.close();
    } catch (error) {
      if (error instanceof HostRequestError && error.code === 'confirmation_required') {
        this.stake = error.message;
        await this.updateComplete;
        this.input?.focus();
      } else {
        this.error = messageOf(error);
      }
    } finally {
      this.isBusy = false;
    }
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'grove-delete-thread': GroveDeleteThread;
  }
}
