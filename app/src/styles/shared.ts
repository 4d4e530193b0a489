import { css } from 'lit';

/**
 * Styles every Grove element adopts: box model, buttons, fields, keyboard hints and the
 * focus ring. Colours and sizes come from the tokens on :root in index.html.
 */
export const sharedStyles = css`
  :host {
    box-sizing: border-box;
  }

  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }

  :focus-visible {
    outline: 2px solid var(--focus);
    outline-offset: 2px;
  }

  button {
    font: inherit;
    color: inherit;
  }

  .btn {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: 6px;
    height: 30px;
    padding: 0 12px;
    border: 1px solid var(--border-strong);
    border-radius: var(--radius);
    background: var(--bg-raised);
    color: var(--fg);
    font-size: var(--text-md);
    font-weight: 500;
    white-space: nowrap;
    cursor: pointer;
    transition: background-color 80ms ease, border-color 80ms ease;
  }

  .btn:hover {
    background: var(--bg-hover);
  }

  .btn:disabled {
    opacity: 0.55;
    cursor: default;
  }

  .btn.primary {
    border-color: transparent;
    background: var(--accent);
    color: var(--accent-fg);
  }

  .btn.primary:hover:not(:disabled) {
    background: var(--accent-hover);
  }

  .btn.danger {
    border-color: transparent;
    background: var(--danger);
    color: var(--danger-fg);
  }

  .btn.danger:hover:not(:disabled) {
    background: var(--danger-hover);
  }

  .icon-btn {
    display: inline-grid;
    place-items: center;
    width: 24px;
    height: 24px;
    padding: 0;
    border: 0;
    border-radius: var(--radius-sm);
    background: transparent;
    color: var(--fg-muted);
    cursor: pointer;
  }

  .icon-btn:hover {
    background: var(--bg-active);
    color: var(--fg);
  }

  svg.icon {
    width: 16px;
    height: 16px;
    flex: none;
    fill: none;
    stroke: currentColor;
    stroke-width: 1.6;
    stroke-linecap: round;
    stroke-linejoin: round;
  }

  kbd {
    display: inline-block;
    min-width: 18px;
    padding: 0 5px;
    border: 1px solid var(--border-strong);
    border-bottom-width: 2px;
    border-radius: var(--radius-sm);
    background: var(--bg-raised);
    color: var(--fg-muted);
    font: 500 var(--text-xs) / 16px var(--font-sans);
    text-align: center;
  }

  /* A failure in words beside what failed (errorLine in error-message.ts); paths and commands wrap anywhere. */
  .error {
    display: flex;
    gap: 6px;
    margin: 0;
    color: var(--status-error);
    font-size: var(--text-sm);
  }

  .error .icon {
    margin-top: 1px;
  }

  .error span {
    overflow-wrap: anywhere;
  }

  .mono {
    font-family: var(--font-mono);
    font-size: 0.95em;
  }

  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
`;

/** The native <dialog> every Grove dialog is built on: centred card, dimmed backdrop. */
export const dialogStyles = css`
  dialog {
    width: min(480px, calc(100vw - 32px));
    padding: 0;
    border: 1px solid var(--border);
    border-radius: var(--radius-lg);
    background: var(--bg-raised);
    color: var(--fg);
    box-shadow: var(--shadow-dialog);
  }

  dialog::backdrop {
    background: var(--backdrop);
  }

  dialog[open] {
    animation: dialog-in 120ms ease-out;
  }

  @keyframes dialog-in {
    from {
      opacity: 0;
      transform: translateY(4px) scale(0.99);
    }
  }

  @media (prefers-reduced-motion: reduce) {
    dialog[open] {
      animation: none;
    }
  }
`;

/** The parts of a form dialog: title, body, and the footer with its buttons. */
export const dialogFormStyles = css`
  form {
    margin: 0;
  }

  header {
    padding: 18px 20px 0;
  }

  h2 {
    margin: 0;
    font-size: var(--text-lg);
    font-weight: 600;
  }

  .body {
    padding: 10px 20px 18px;
    color: var(--fg-muted);
  }

  .body p {
    margin: 0 0 12px;
  }

  footer {
    display: flex;
    justify-content: flex-end;
    gap: 8px;
    padding: 12px 20px;
    border-top: 1px solid var(--border);
    background: var(--bg-sidebar);
    border-radius: 0 0 var(--radius-lg) var(--radius-lg);
  }

  .error {
    margin: 8px 0 0;
  }
`;

/** Labelled text fields in a dialog: label above, field, an optional hint or error below. */
export const fieldStyles = css`
  label {
    display: block;
    margin: 4px 0 6px;
    color: var(--fg);
    font-weight: 500;
  }

  input,
  textarea {
    width: 100%;
    min-width: 0;
    border: 1px solid var(--border-strong);
    border-radius: var(--radius);
    background: var(--bg);
    color: var(--fg);
    font: var(--text-md) / 1.45 var(--font-sans);
  }

  input {
    height: 32px;
    padding: 0 10px;
  }

  textarea {
    display: block;
    padding: 7px 10px;
    resize: vertical;
  }

  input.mono {
    font-family: var(--font-mono);
  }

  input::placeholder,
  textarea::placeholder {
    color: var(--fg-faint);
  }

  input:focus-visible,
  textarea:focus-visible {
    outline: 2px solid var(--focus);
    outline-offset: -1px;
    border-color: transparent;
  }

  input[aria-invalid='true'],
  textarea[aria-invalid='true'] {
    border-color: var(--status-error);
    outline-color: var(--status-error);
  }

  .field-hint,
  .body .field-hint {
    margin: 5px 0 0;
    color: var(--fg-faint);
    font-size: var(--text-sm);
  }

  .body .error {
    margin: 6px 0 0;
  }
`;

/** The header of a main view (the board, the inbox): its title, and a line about it below. */
export const viewHeadStyles = css`
  .head {
    display: flex;
    align-items: center;
    gap: 16px;
    padding: 14px 24px;
    border-bottom: 1px solid var(--border);
    background: var(--bg);
  }

  .head .head-text {
    display: flex;
    flex: 1;
    flex-direction: column;
    gap: 3px;
    min-width: 0;
  }

  .head h1 {
    margin: 0;
    font-size: var(--text-lg);
    font-weight: 600;
    letter-spacing: -0.005em;
  }
`;

/** A quiet "working on it" line: a small spinner and what is happening, announced politely. */
export const progressStyles = css`
  .progress {
    display: inline-flex;
    align-items: center;
    gap: 8px;
    color: var(--fg-muted);
    font-size: var(--text-sm);
  }

  .spinner {
    width: 12px;
    height: 12px;
    flex: none;
    border: 1.6px solid var(--border-strong);
    border-top-color: var(--accent);
    border-radius: 50%;
    animation: spin 700ms linear infinite;
  }

  @keyframes spin {
    to {
      transform: rotate(360deg);
    }
  }

  @media (prefers-reduced-motion: reduce) {
    .spinner {
      animation-duration: 2s;
    }
  }
`;
