import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { errorLine, messageOf } from '../error-message.ts';
import { chooseFolder } from '../platform/neutralino.ts';
import { dialogFormStyles, dialogStyles, fieldStyles, sharedStyles } from '../styles/shared.ts';

/**
 * The add-project dialog: a path field (and, in the window, the system folder picker).
 * The host decides whether the path is a repository; its message shows under the field
 * and the typed path stays for fixing.
 */
@customElement('grove-add-project')
export class GroveAddProject extends LitElement {
  static override styles = [
    sharedStyles,
    dialogStyles,
    dialogFormStyles,
    fieldStyles,
    css`
      :host {
        display: contents;
      }

      .row {
        display: flex;
        gap: 8px;
      }

      input {
        flex: 1;
      }
    `,
  ];

  /** Offers the system folder picker; only the Neutralino window has one. */
  @property({ type: Boolean, attribute: false }) canChooseFolder = false;
  /** Registers the path with the host; rejects with an error whose message a person can act on. */
  @property({ attribute: false }) addProject: ((path: string) => Promise<void>) | null = null;

  @state() private error = '';
  @state() private isBusy = false;

  @query('dialog') private dialog!: HTMLDialogElement;
  @query('input') private input!: HTMLInputElement;

  /** Opens the dialog with an empty field. */
  async show(): Promise<void> {
    this.error = '';
    this.isBusy = false;
    await this.updateComplete;
    this.input.value = '';
    if (!this.dialog.open) this.dialog.showModal();
    this.input.focus();
  }

  get isOpen(): boolean {
    return this.dialog?.open ?? false;
  }

  override render() {
    const hasError = this.error !== '';
    return html`<dialog aria-labelledby="add-title" aria-describedby="add-about">
      <form novalidate @submit=${this.#onSubmit}>
        <header><h2 id="add-title">Add project</h2></header>
        <div class="body">
          <p id="add-about">
            A project is a local git repository, or any folder inside one. Threads work in
            worktrees of their own, so your checkout is never touched.
          </p>
          <label for="path">Repository path</label>
          <div class="row">
            <input id="path" class="mono" name="path" type="text" autocomplete="off" spellcheck="false"
              placeholder="/path/to/repository"
              aria-invalid=${hasError ? 'true' : 'false'}
              aria-describedby=${hasError ? 'path-error' : nothing}
              @input=${() => {
                this.error = '';
              }} />
            ${
              this.canChooseFolder
                ? html`<button type="button" class="btn" ?disabled=${this.isBusy}
                    @click=${this.#onChoose}>Choose folder…</button>`
                : nothing
            }
          </div>
          ${hasError ? errorLine(this.error, 'path-error') : nothing}
        </div>
        <footer>
          <button type="button" class="btn" @click=${() => this.dialog.close()}>Cancel</button>
          <button type="submit" class="btn primary" ?disabled=${this.isBusy}>Add</button>
        </footer>
      </form>
    </dialog>`;
  }

  readonly #onChoose = async (): Promise<void> => {
    const path = await chooseFolder('Choose a git repository');
    if (!path) return;
    this.input.value = path;
    await this.#submit(path);
  };

  readonly #onSubmit = async (event: SubmitEvent): Promise<void> => {
    event.preventDefault();
    await this.#submit(this.input.value.trim());
  };

  async #submit(path: string): Promise<void> {
    if (this.isBusy || !this.addProject) return;
    if (path === '') {
      this.error = 'Enter the path of a git repository.';
      this.input.focus();
      return;
    }
    this.isBusy = true;
    this.error = '';
    try {
      await this.addProject(path);
      this.dialog.close();
    } catch (error) {
      this.error = messageOf(error);
      await this.updateComplete;
      this.input.focus();
    } finally {
      this.isBusy = false;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'grove-add-project': GroveAddProject;
  }
}
