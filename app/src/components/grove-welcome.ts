import { css, html, LitElement } from 'lit';
import { customElement } from 'lit/decorators.js';
import { emit } from '../events.ts';
import { groveMark, icon } from '../icons.ts';
import { modKeyLabel } from '../keyboard.ts';
import { sharedStyles } from '../styles/shared.ts';

/**
 * The first screen, when no project is registered: says what Grove does and offers the
 * one next step.
 *
 * @fires grove-add-project - The add button was pressed.
 */
@customElement('grove-welcome')
export class GroveWelcome extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      :host {
        display: grid;
        place-items: center;
        padding: 32px;
        overflow: auto;
      }

      .card {
        display: flex;
        flex-direction: column;
        align-items: center;
        max-width: 440px;
        text-align: center;
      }

      h1 {
        margin: 18px 0 8px;
        font-size: var(--text-xl);
        font-weight: 600;
        letter-spacing: -0.01em;
      }

      p {
        margin: 0 0 22px;
        color: var(--fg-muted);
        font-size: 14px;
        line-height: 1.55;
      }

      .btn.primary {
        height: 34px;
        padding: 0 16px;
      }

      .hints {
        display: flex;
        gap: 20px;
        margin-top: 28px;
        color: var(--fg-faint);
        font-size: var(--text-sm);
      }

      .hints span {
        display: inline-flex;
        align-items: center;
        gap: 6px;
      }
    `,
  ];

  override render() {
    return html`<div class="card">
      ${groveMark(48)}
      <h1>Add a git repository to start</h1>
      <p>
        Grove runs each task as a thread in its own git worktree and branch, so many agents can
        work on one repository at once without touching your checkout.
      </p>
      <button class="btn primary" @click=${() => emit(this, 'grove-add-project', undefined)}>
        ${icon('plus')}Add project
      </button>
      <div class="hints">
        <span><kbd>${modKeyLabel}</kbd><kbd>K</kbd> Command palette: every action, by keyboard</span>
      </div>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'grove-welcome': GroveWelcome;
  }
}
