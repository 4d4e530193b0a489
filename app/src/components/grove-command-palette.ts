import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { type IconName, icon } from '../icons.ts';
import { dialogStyles, sharedStyles } from '../styles/shared.ts';

/** One thing the palette can do. */
export interface PaletteAction {
  /** Stable across renders, so the highlighted row survives an update. */
  readonly id: string;
  readonly label: string;
  /** Muted text on the right: a path, "Current", a consequence. */
  readonly detail?: string;
  readonly icon: IconName;
  readonly run: () => void;
}

/**
 * The command palette (Ctrl/Cmd-K): a filter field over every action. Arrow keys move,
 * Enter runs, Escape closes.
 */
@customElement('grove-command-palette')
export class GroveCommandPalette extends LitElement {
  static override styles = [
    sharedStyles,
    dialogStyles,
    css`
      :host {
        display: contents;
      }

      input:focus-visible {
        outline: none;
      }

      /* The shared dialog card, wider and near the top, as palettes sit. */
      dialog {
        width: min(600px, calc(100vw - 32px));
        max-height: min(460px, calc(100vh - 96px));
        margin: 12vh auto auto;
        overflow: hidden;
      }

      dialog[open] {
        display: flex;
        flex-direction: column;
      }

      dialog::backdrop {
        background: var(--backdrop);
      }

      .search {
        display: flex;
        align-items: center;
        gap: 10px;
        padding: 0 16px;
        border-bottom: 1px solid var(--border);
        color: var(--fg-faint);
      }

      input {
        flex: 1;
        height: 48px;
        border: 0;
        background: transparent;
        color: var(--fg);
        font: 15px var(--font-sans);
        outline: none;
      }

      input::placeholder {
        color: var(--fg-faint);
      }

      ul {
        flex: 1;
        margin: 0;
        padding: 6px;
        overflow-y: auto;
        list-style: none;
      }

      li {
        display: flex;
        align-items: center;
        gap: 10px;
        height: 34px;
        padding: 0 10px;
        border-radius: var(--radius);
        color: var(--fg);
        cursor: pointer;
      }

      li .icon {
        color: var(--fg-faint);
      }

      li[aria-selected='true'] {
        background: var(--accent-soft);
      }

      li[aria-selected='true'] .icon {
        color: var(--accent-text);
      }

      .label {
        flex: none;
        max-width: 60%;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }

      .detail {
        flex: 1;
        min-width: 0;
        overflow: hidden;
        color: var(--fg-faint);
        font-size: var(--text-sm);
        text-align: right;
        text-overflow: ellipsis;
        white-space: nowrap;
      }

      .none {
        margin: 0;
        padding: 20px 16px;
        color: var(--fg-faint);
        text-align: center;
      }

      footer {
        display: flex;
        gap: 16px;
        padding: 8px 16px;
        border-top: 1px solid var(--border);
        color: var(--fg-faint);
        font-size: var(--text-xs);
      }

      footer span {
        display: inline-flex;
        align-items: center;
        gap: 4px;
      }
    `,
  ];

  @property({ attribute: false }) actions: readonly PaletteAction[] = [];

  @state() private filter = '';
  @state() private activeId: string | null = null;

  @query('dialog') private dialog!: HTMLDialogElement;
  @query('input') private input!: HTMLInputElement;

  /** Opens the palette with an empty filter. */
  async show(): Promise<void> {
    this.filter = '';
    this.activeId = null;
    await this.updateComplete;
    this.input.value = '';
    if (!this.dialog.open) this.dialog.showModal();
    this.input.focus();
  }

  get isOpen(): boolean {
    return this.dialog?.open ?? false;
  }

  /** Opens the palette, or closes it when it is open. */
  toggle(): void {
    if (this.dialog?.open) this.dialog.close();
    else void this.show();
  }

  protected override updated(changed: PropertyValues): void {
    if (changed.has('activeId')) {
      this.renderRoot.querySelector('li[aria-selected="true"]')?.scrollIntoView({ block: 'nearest' });
    }
  }

  override render() {
    const matches = this.#matches();
    const active = this.#active(matches);
    return html`<dialog aria-label="Command palette" @click=${this.#onDialogClick}>
      <div class="search">
        ${icon('search')}
        <input role="combobox" aria-label="Search actions and projects" aria-expanded="true"
          aria-controls="palette-list" aria-autocomplete="list"
          aria-activedescendant=${active ? optionId(active) : nothing}
          placeholder="Type a command or a project name…" autocomplete="off" spellcheck="false"
          @input=${this.#onInput} @keydown=${this.#onKeydown} />
      </div>
      <ul id="palette-list" role="listbox" aria-label="Actions" ?hidden=${matches.length === 0}>
        ${repeat(
          matches,
          (a) => a.id,
          (a) => html`<li id=${optionId(a)} role="option" aria-selected=${a === active ? 'true' : 'false'}
            @mousemove=${() => {
              if (this.activeId !== a.id) this.activeId = a.id;
            }}
            @click=${() => this.#run(a)}>
            ${icon(a.icon)}<span class="label">${a.label}</span>
            ${a.detail ? html`<span class="detail">${a.detail}</span>` : nothing}
          </li>`,
        )}
      </ul>
      ${matches.length === 0 ? html`<p class="none" role="status">No action matches “${this.filter}”.</p>` : nothing}
      <footer aria-hidden="true">
        <span><kbd>↑</kbd><kbd>↓</kbd> move</span>
        <span><kbd>Enter</kbd> run</span>
        <span><kbd>Esc</kbd> close</span>
      </footer>
    </dialog>`;
  }

  /** Every word of the filter must appear in the label or the detail, in any order. */
  #matches(): readonly PaletteAction[] {
    const words = this.filter.toLowerCase().split(/\s+/).filter(Boolean);
    if (words.length === 0) return this.actions;
    return this.actions.filter((a) => {
      const text = `${a.label} ${a.detail ?? ''}`.toLowerCase();
      return words.every((w) => text.includes(w));
    });
  }

  #active(matches: readonly PaletteAction[]): PaletteAction | undefined {
    return matches.find((a) => a.id === this.activeId) ?? matches[0];
  }

  readonly #onInput = (event: InputEvent): void => {
    this.filter = (event.target as HTMLInputElement).value;
    this.activeId = null;
  };

  readonly #onKeydown = (event: KeyboardEvent): void => {
    const matches = this.#matches();
    const active = this.#active(matches);
    const index = active ? matches.indexOf(active) : -1;
    const step = ARROW_STEPS[event.key];
    if (step !== undefined) {
      event.preventDefault();
      if (matches.length === 0) return;
      const next = matches[(index + step + matches.length) % matches.length];
      this.activeId = next?.id ?? null;
      return;
    }
    if (event.key === 'Enter' && !event.isComposing) {
      event.preventDefault();
      if (active) this.#run(active);
    }
  };

  /** A click on the backdrop lands on the dialog itself: close. */
  readonly #onDialogClick = (event: MouseEvent): void => {
    if (event.target === this.dialog) this.dialog.close();
  };

  #run(action: PaletteAction): void {
    this.dialog.close();
    action.run();
  }
}

const ARROW_STEPS: Readonly<Record<string, number>> = { ArrowDown: 1, ArrowUp: -1 };

function optionId(action: PaletteAction): string {
  return `option-${action.id.replace(/[^a-zA-Z0-9_-]/g, '-')}`;
}

declare global {
  interface HTMLElementTagNameMap {
    'grove-command-palette': GroveCommandPalette;
  }
}
