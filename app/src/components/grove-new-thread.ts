import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { HostRequestError } from '../connection/host-request-error.ts';
import { errorLine, messageOf } from '../error-message.ts';
import { hasModKey, modKeyLabel } from '../keyboard.ts';
import type { ParamsOf, Project } from '../protocol.ts';
import { dialogFormStyles, dialogStyles, fieldStyles, progressStyles, sharedStyles } from '../styles/shared.ts';

/** The host's limit on a title (thread/create). */
const TITLE_MAX = 300;

/** Which field a host error is about, so it shows under that field. */
type ErrorField = 'title' | 'base' | 'form';

/**
 * The new-thread dialog: title, prompt and base. While the host makes the branch and
 * worktree it says so; a refusal shows inline and every typed value stays. The new card
 * reaches the board by notification, never from here.
 */
@customElement('grove-new-thread')
export class GroveNewThread extends LitElement {
  static override styles = [
    sharedStyles,
    dialogStyles,
    dialogFormStyles,
    fieldStyles,
    progressStyles,
    css`
      :host {
        display: contents;
      }

      dialog {
        width: min(540px, calc(100vw - 32px));
      }

      h2 .project {
        color: var(--fg-muted);
        font-weight: 400;
      }

      .field + .field {
        margin-top: 14px;
      }

      textarea {
        min-height: 96px;
        max-height: 40vh;
      }

      footer .progress {
        margin-right: auto;
      }

      footer .keys {
        display: inline-flex;
        align-items: center;
        gap: 3px;
        margin-right: auto;
        color: var(--fg-faint);
        font-size: var(--text-xs);
      }
    `,
  ];

  /** Asks the host for the thread; rejects with an error whose message a person can act on. */
  @property({ attribute: false }) createThread: ((params: ParamsOf<'thread/create'>) => Promise<void>) | null = null;

  @state() private project: Project | null = null;
  @state() private error: { readonly field: ErrorField; readonly message: string } | null = null;
  @state() private isBusy = false;

  @query('dialog') private dialog!: HTMLDialogElement;
  @query('#title') private titleInput!: HTMLInputElement;
  @query('#prompt') private promptInput!: HTMLTextAreaElement;
  @query('#base') private baseInput!: HTMLInputElement;

  /** Opens the dialog for one project, with empty fields and the project's default base. */
  async show(project: Project): Promise<void> {
    this.project = project;
    this.error = null;
    this.isBusy = false;
    await this.updateComplete;
    this.titleInput.value = '';
    this.promptInput.value = '';
    this.baseInput.value = project.defaultBase ?? '';
    if (!this.dialog.open) this.dialog.showModal();
    this.titleInput.focus();
  }

  get isOpen(): boolean {
    return this.dialog?.open ?? false;
  }

  override render() {
    const project = this.project;
    return html`<dialog aria-labelledby="new-title" @cancel=${this.#onCancel}>
      ${
        project
          ? html`<form novalidate @submit=${this.#onSubmit} @keydown=${this.#onKeydown}>
              <header><h2 id="new-title">New thread <span class="project">in ${project.name}</span></h2></header>
              <div class="body">
                <div class="field">
                  <label for="title">Title</label>
                  <input id="title" name="title" type="text" autocomplete="off" required maxlength=${TITLE_MAX}
                    placeholder="What should get done?"
                    aria-invalid=${this.error?.field === 'title' ? 'true' : 'false'}
                    aria-describedby=${this.error?.field === 'title' ? 'title-error' : nothing}
                    @input=${() => this.#clearError('title')} />
                  ${this.#renderError('title')}
                </div>
                <div class="field">
                  <label for="prompt">Prompt</label>
                  <textarea id="prompt" name="prompt" rows="4" aria-describedby="prompt-hint"
                    placeholder="Describe the task: what to change, where, and how to tell it is done."></textarea>
                  <p id="prompt-hint" class="field-hint">Kept for the agent; agents arrive in a later version.</p>
                </div>
                <div class="field">
                  <label for="base">Base branch or commit</label>
                  <input id="base" class="mono" name="base" type="text" autocomplete="off" spellcheck="false"
                    placeholder="HEAD"
                    aria-invalid=${this.error?.field === 'base' ? 'true' : 'false'}
                    aria-describedby=${this.error?.field === 'base' ? 'base-error' : 'base-hint'}
                    @input=${() => this.#clearError('base')} />
                  ${
                    this.error?.field === 'base'
                      ? this.#renderError('base')
                      : html`<p id="base-hint" class="field-hint">
                          The thread's own <span class="mono">grove/…</span> branch starts here, in a new worktree.
                        </p>`
                  }
                </div>
                ${this.#renderError('form')}
              </div>
              <footer>
                ${
                  this.isBusy
                    ? html`<span class="progress" role="status"><span class="spinner"></span>Creating worktree…</span>`
                    : html`<span class="keys" aria-hidden="true"><kbd>${modKeyLabel}</kbd><kbd>Enter</kbd> to create</span>`
                }
                <button type="button" class="btn" ?disabled=${this.isBusy} @click=${() => this.dialog.close()}>Cancel</button>
                <button type="submit" class="btn primary" ?disabled=${this.isBusy}>Create thread</button>
              </footer>
            </form>`
          : nothing
      }
    </dialog>`;
  }

  #renderError(field: ErrorField) {
    if (this.error?.field !== field) return nothing;
    return errorLine(this.error.message, `${field}-error`);
  }

  #clearError(field: ErrorField): void {
    if (this.error?.field === field) this.error = null;
  }

  /** The worktree is being made: Escape waits for the outcome rather than hiding it. */
  readonly #onCancel = (event: Event): void => {
    if (this.isBusy) event.preventDefault();
  };

  /** Ctrl/Cmd-Enter creates from anywhere in the form, the prompt included. */
  readonly #onKeydown = (event: KeyboardEvent): void => {
    if (event.key !== 'Enter' || !hasModKey(event) || event.isComposing) return;
    event.preventDefault();
    (event.currentTarget as HTMLFormElement).requestSubmit();
  };

  readonly #onSubmit = async (event: SubmitEvent): Promise<void> => {
    event.preventDefault();
    const project = this.project;
    if (!project || !this.createThread || this.isBusy) return;
    const title = this.titleInput.value.trim();
    if (title === '') {
      this.error = { field: 'title', message: 'Give the thread a title: a few words saying what it is for.' };
      this.titleInput.focus();
      return;
    }
    const baseRef = this.baseInput.value.trim();
    this.isBusy = true;
    this.error = null;
    try {
      await this.createThread({
        projectId: project.id,
        title,
        prompt: this.promptInput.value,
        ...(baseRef === '' ? {} : { baseRef }),
      });
      this.dialog.close();
    } catch (error) {
      const message = messageOf(error);
      const field = errorField(error);
      this.error = { field, message };
      await this.updateComplete;
      if (field === 'base') this.baseInput.focus();
      else this.titleInput.focus();
    } finally {
      this.isBusy = false;
    }
  };
}

/** Host errors about the base show under the base field; the rest under the form. */
function errorField(error: unknown): ErrorField {
  return error instanceof HostRequestError && error.code === 'base_ref_not_found' ? 'base' : 'form';
}

declare global {
  interface HTMLElementTagNameMap {
    'grove-new-thread': GroveNewThread;
  }
}
