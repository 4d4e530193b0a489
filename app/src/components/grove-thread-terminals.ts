import { css, html, LitElement } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { keyed } from 'lit/directives/keyed.js';
import { icon } from '../icons.ts';
import { TERMINALS_PER_THREAD, type TerminalInfo, type ThreadId } from '../protocol.ts';
import { sharedStyles } from '../styles/shared.ts';
import type { GroveTerminal, TerminalHost } from './grove-terminal.ts';
import './grove-terminal.ts';

/**
 * A thread's shells: one terminal on screen, and a button per shell to switch to it, close
 * it, or start another. The list is the host's (`terminals` in its state), so every window
 * shows the same shells. The thread's first shell starts when its view opens; a shell the
 * person closed stays closed until they start one.
 */
@customElement('grove-thread-terminals')
export class GroveThreadTerminals extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      :host {
        display: flex;
        flex: 1;
        flex-direction: column;
        min-height: 0;
      }

      grove-terminal {
        flex: 1;
      }

      .shells {
        display: flex;
        align-items: center;
        gap: 2px;
        min-width: 0;
        overflow-x: auto;
      }

      .shell {
        display: inline-flex;
        align-items: center;
        height: 24px;
        border-radius: var(--radius-sm);
        color: var(--fg-muted);
      }

      .shell.is-current {
        background: var(--bg-hover);
        color: var(--fg);
      }

      .shell button,
      .add {
        display: inline-flex;
        align-items: center;
        height: 24px;
        border: 0;
        background: none;
        color: inherit;
        font: inherit;
        font-size: var(--text-sm);
        cursor: pointer;
      }

      .shell .pick {
        padding: 0 4px 0 8px;
        white-space: nowrap;
      }

      .shell .close,
      .add {
        justify-content: center;
        width: 22px;
        padding: 0;
        border-radius: var(--radius-sm);
        color: var(--fg-faint);
      }

      .shell .close:hover,
      .add:hover:not(:disabled) {
        color: var(--fg);
        background: var(--bg-active, var(--bg-hover));
      }

      .add:disabled {
        cursor: default;
        opacity: 0.4;
      }

      .icon {
        width: 12px;
        height: 12px;
      }

      .none {
        display: grid;
        flex: 1;
        place-items: center;
        color: var(--fg-muted);
      }

      .none > div {
        display: flex;
        flex-direction: column;
        align-items: center;
        gap: 10px;
      }

      .none p {
        margin: 0;
      }
    `,
  ];

  @property({ attribute: false }) threadId: ThreadId | null = null;
  /** The thread's running shells, from the host's state. */
  @property({ attribute: false }) terminals: readonly TerminalInfo[] = [];
  @property({ attribute: false }) host: TerminalHost | null = null;
  @property({ attribute: false }) session: number | null = null;

  /** The shell on screen, or `'none'` once the person closed the last; first the thread's lowest running one, or 1. */
  @state() private current: number | 'none' | null = null;

  @query('grove-terminal') private terminal!: GroveTerminal | null;

  /** Shells closed here: when one goes, the next one is shown instead of a fresh start. */
  readonly #closing = new Set<number>();

  /** Puts keyboard focus in the terminal on screen, or on the button that starts one. */
  override focus(): void {
    if (this.terminal) this.terminal.focus();
    else this.renderRoot.querySelector<HTMLButtonElement>('.none button')?.focus();
  }

  protected override willUpdate(): void {
    for (const number of this.#closing) {
      if (this.terminals.some((t) => t.number === number)) continue;
      this.#closing.delete(number);
      if (this.current === number) this.current = this.#firstRunning() ?? 'none';
    }
    // Pinned, so a shell that exits by itself stays on screen (Enter starts it again).
    this.current ??= this.#firstRunning() ?? 1;
  }

  override render() {
    const shown = this.#shown();
    if (shown === 'none') {
      return html`<div class="none"><div>
        <p>No shell is running in this thread.</p>
        <button class="btn" @click=${() => this.#open(1)}>${icon('terminal')}Start a shell</button>
      </div></div>`;
    }
    const numbers = [...new Set([...this.terminals.map((t) => t.number), shown])].sort((a, b) => a - b);
    const next = freeNumber(numbers);
    return keyed(
      `${this.threadId}:${shown}`,
      html`<grove-terminal .threadId=${this.threadId} .number=${shown} .host=${this.host} .session=${this.session}>
        <div slot="tabs" class="shells" role="group" aria-label="Shells">
          ${numbers.map((number) => this.#renderShell(number, number === shown))}
          <button class="add" aria-label="New shell" title=${next === null ? `A thread has at most ${TERMINALS_PER_THREAD} shells` : 'New shell'}
            ?disabled=${next === null} @click=${() => next !== null && this.#open(next)}>${icon('plus')}</button>
        </div>
      </grove-terminal>`,
    );
  }

  #renderShell(number: number, isCurrent: boolean) {
    const name = `Shell ${number}`;
    return html`<span class="shell ${isCurrent ? 'is-current' : ''}">
      <button class="pick" aria-pressed=${isCurrent ? 'true' : 'false'} @click=${() => this.#open(number)}>${name}</button>
      <button class="close" aria-label="Close ${name}" title="Close ${name}" @click=${() => this.#close(number)}>${icon('close')}</button>
    </span>`;
  }

  /** The number of the shell on screen, or `'none'`. */
  /** The lowest-numbered running shell, or null when none runs. */
  #firstRunning(): number | null {
    return this.terminals.length === 0 ? null : Math.min(...this.terminals.map((t) => t.number));
  }

  #shown(): number | 'none' {
    return this.current ?? 1;
  }

  async #open(number: number): Promise<void> {
    this.current = number;
    await this.updateComplete;
    this.terminal?.focus();
  }

  #close(number: number): void {
    const terminal = this.terminals.find((t) => t.number === number);
    if (terminal === undefined) {
      // Not running (it exited and is still on screen): it just leaves the list.
      if (this.#shown() === number) this.current = this.#firstRunning() ?? 'none';
      return;
    }
    this.#closing.add(number);
    this.host?.request('terminal/close', { terminalId: terminal.id }).catch(() => this.#closing.delete(number));
  }
}

/** The lowest shell number not in use, or null at the limit. */
function freeNumber(numbers: readonly number[]): number | null {
  for (let number = 1; number <= TERMINALS_PER_THREAD; number++) if (!numbers.includes(number)) return number;
  return null;
}

declare global {
  interface HTMLElementTagNameMap {
    'grove-thread-terminals': GroveThreadTerminals;
  }
}
