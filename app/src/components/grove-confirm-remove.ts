import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { errorLine, messageOf } from '../error-message.ts';
import type { Project, ProjectId } from '../protocol.ts';
import { dialogFormStyles, dialogStyles, sharedStyles } from '../styles/shared.ts';

/** Confirms removing a project, saying plainly that its files on disk stay as they are. */
@customElement('grove-confirm-remove')
export class GroveConfirmRemove extends LitElement {
  static override styles = [
    sharedStyles,
    dialogStyles,
    dialogFormStyles,
    css`
      :host {
        display: contents;
      }

      dialog {
        width: min(440px, calc(100vw - 32px));
      }

      .path {
        display: block;
        padding: 6px 8px;
        border-radius: var(--radius-sm);
        background: var(--bg-active);
        color: var(--fg);
        overflow-wrap: anywhere;
      }
    `,
  ];

  /** Asks the host to forget the project; rejects with an error whose message a person can act on. */
  @property({ attribute: false }) removeProject: ((projectId: ProjectId) => Promise<void>) | null = null;

  @state() private project: Project | null = null;
  @state() private error = '';
  @state() private isBusy = false;

  @query('dialog') private dialog!: HTMLDialogElement;
  @query('button.danger') private confirmButton!: HTMLButtonElement;

  /** Opens the dialog for one project. */
  async show(project: Project): Promise<void> {
    this.project = project;
    this.error = '';
    this.isBusy = false;
    await this.updateComplete;
    if (!this.dialog.open) this.dialog.showModal();
    this.confirmButton.focus();
  }

  get isOpen(): boolean {
    return this.dialog?.open ?? false;
  }

  override render() {
    const project = this.project;
    return html`<dialog aria-labelledby="remove-title" aria-describedby="remove-about">
      ${
        project
          ? html`<form novalidate @submit=${this.#onSubmit}>
              <header><h2 id="remove-title">Remove ${project.name} from Grove?</h2></header>
              <div class="body" id="remove-about">
                <p>Grove forgets this project. Files on disk are not touched: the repository stays where it is.</p>
                <span class="path mono">${project.path}</span>
                ${this.error ? errorLine(this.error) : nothing}
              </div>
              <footer>
                <button type="button" class="btn" @click=${() => this.dialog.close()}>Cancel</button>
                <button type="submit" class="btn danger" ?disabled=${this.isBusy}>Remove</button>
              </footer>
            </form>`
          : nothing
      }
    </dialog>`;
  }

  readonly #onSubmit = async (event: SubmitEvent): Promise<void> => {
    event.preventDefault();
    const project = this.project;
    if (!project || !this.removeProject || this.isBusy) return;
    this.isBusy = true;
    this.error = '';
    try {
      await this.removeProject(project.id);
      this.dialog.close();
    } catch (error) {
      this.error = messageOf(error);
    } finally {
      this.isBusy = false;
    }
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'grove-confirm-remove': GroveConfirmRemove;
  }
}
