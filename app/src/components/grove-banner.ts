import { css, html, LitElement, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { ConnectionStatus } from '../connection/host-connection.ts';
import { emit } from '../events.ts';
import { groveMark, icon } from '../icons.ts';
import { sharedStyles } from '../styles/shared.ts';

/**
 * Says where the connection to the host stands when it is not simply working: a strip
 * above the board, or (before the first snapshot, with nothing else to show) a centred
 * panel. Each state is said once, in one place.
 *
 * @fires grove-retry-connection - "Retry now" was pressed.
 */
@customElement('grove-banner')
export class GroveBanner extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      :host {
        display: block;
      }

      :host([variant='panel']) {
        display: grid;
        place-items: center;
        padding: 32px;
      }

      .strip {
        display: flex;
        align-items: center;
        gap: 10px;
        min-height: 38px;
        padding: 6px 24px;
        border-bottom: 1px solid var(--notice-border);
        background: var(--notice-bg);
        color: var(--notice-fg);
      }

      .strip.alert {
        border-color: var(--alert-border);
        background: var(--alert-bg);
        color: var(--alert-fg);
      }

      .strip .btn {
        height: 26px;
        margin-left: auto;
        padding: 0 10px;
        font-size: var(--text-sm);
      }

      .panel {
        display: flex;
        flex-direction: column;
        align-items: center;
        gap: 10px;
        max-width: 460px;
        text-align: center;
      }

      .panel h1 {
        margin: 8px 0 0;
        font-size: var(--text-lg);
        font-weight: 600;
      }

      .panel p {
        margin: 0;
        color: var(--fg-muted);
      }

      .panel.alert h1 {
        color: var(--status-error);
      }

      .spinner {
        width: 14px;
        height: 14px;
        border: 2px solid currentColor;
        border-right-color: transparent;
        border-radius: 50%;
        animation: spin 0.8s linear infinite;
        flex: none;
      }

      @keyframes spin {
        to {
          transform: rotate(360deg);
        }
      }

      @media (prefers-reduced-motion: reduce) {
        .spinner {
          animation: none;
        }
      }

      code {
        font-family: var(--font-mono);
        font-size: 0.92em;
      }
    `,
  ];

  @property({ attribute: false }) status: ConnectionStatus = { kind: 'connecting' };
  /** `strip` above the content, or `panel` when there is no content yet. */
  @property({ reflect: true }) variant: 'strip' | 'panel' = 'strip';

  override render() {
    const message = describe(this.status);
    if (!message) return nothing;
    const role = message.isAlert ? 'alert' : 'status';
    if (this.variant === 'panel') {
      return html`<div class="panel ${message.isAlert ? 'alert' : ''}" role=${role}>
        ${groveMark(36)}
        <h1>${message.title}</h1>
        ${message.detail ? html`<p>${message.detail}</p>` : nothing}
        ${message.canRetry ? this.#retryButton() : nothing}
      </div>`;
    }
    return html`<div class="strip ${message.isAlert ? 'alert' : ''}" role=${role}>
      ${message.isAlert ? icon('alert') : html`<span class="spinner" aria-hidden="true"></span>`}
      <span><strong>${message.title}</strong>${message.detail ? html` ${message.detail}` : nothing}</span>
      ${message.canRetry ? this.#retryButton() : nothing}
    </div>`;
  }

  #retryButton() {
    return html`<button class="btn" @click=${() => emit(this, 'grove-retry-connection', undefined)}>Retry now</button>`;
  }
}

interface Message {
  readonly title: string;
  readonly detail: unknown;
  readonly isAlert: boolean;
  readonly canRetry: boolean;
}

function describe(status: ConnectionStatus): Message | null {
  switch (status.kind) {
    case 'ready':
      return null;
    case 'connecting':
      return { title: 'Connecting to the Grove host…', detail: null, isAlert: false, canRetry: false };
    case 'reconnecting':
      return {
        title: 'Reconnecting to the Grove host…',
        detail: 'Changes cannot be made until it is back.',
        isAlert: false,
        canRetry: true,
      };
    case 'unauthorized':
      return status.mode === 'serve'
        ? {
            title: "This page's access token is missing or expired",
            detail: html`— open the URL that <code>grove serve</code> printed.`,
            isAlert: true,
            canRetry: false,
          }
        : {
            title: 'The Grove host refused this window.',
            detail: 'Quit Grove and start it again.',
            isAlert: true,
            canRetry: false,
          };
    case 'incompatible':
      return {
        title: 'Protocol mismatch: rebuild Grove.',
        detail: html`${status.message} Run <code>npm run build</code> and restart Grove.`,
        isAlert: true,
        canRetry: false,
      };
    default:
      return assertNever(status);
  }
}

function assertNever(value: never): never {
  throw new Error(`Unhandled connection status: ${JSON.stringify(value)}`);
}
