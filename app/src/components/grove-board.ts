import { css, html, LitElement, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { icon } from '../icons.ts';
import { BOARD_COLUMNS, type BoardColumn, type Project } from '../protocol.ts';
import { sharedStyles } from '../styles/shared.ts';

/** The status colour of each column's dot; one colour per meaning (DESIGN.md §9). */
const COLUMN_COLOURS: Readonly<Record<string, string>> = {
  queued: 'var(--status-queued)',
  running: 'var(--status-running)',
  waiting: 'var(--status-waiting)',
  review: 'var(--status-review)',
  stopped: 'var(--status-error)',
  done: 'var(--status-done)',
};

/**
 * One project's board: its header (name, path, default branch) and a column per group of
 * thread statuses. Threads arrive in a later protocol version; until then every column
 * says what will land in it.
 */
@customElement('grove-board')
export class GroveBoard extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      :host {
        display: flex;
        flex-direction: column;
        min-width: 0;
      }

      .head {
        display: flex;
        flex-direction: column;
        gap: 3px;
        padding: 14px 24px 14px;
        border-bottom: 1px solid var(--border);
        background: var(--bg);
      }

      h1 {
        margin: 0;
        font-size: var(--text-lg);
        font-weight: 600;
        letter-spacing: -0.005em;
      }

      .meta {
        display: flex;
        align-items: center;
        gap: 14px;
        min-width: 0;
        color: var(--fg-muted);
        font-size: var(--text-sm);
      }

      .meta > span {
        display: inline-flex;
        align-items: center;
        gap: 5px;
        min-width: 0;
      }

      .meta .path {
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
        user-select: text;
      }

      .meta .icon {
        width: 14px;
        height: 14px;
        color: var(--fg-faint);
      }

      .branch {
        flex: none;
      }

      .detached {
        font-style: italic;
      }

      .intro {
        display: flex;
        gap: 12px;
        margin: 16px 24px 0;
        padding: 12px 14px;
        border: 1px solid var(--border);
        border-radius: var(--radius-lg);
        background: var(--bg);
        max-width: 880px;
      }

      .intro > .icon {
        width: 18px;
        height: 18px;
        margin-top: 1px;
        color: var(--accent-text);
      }

      .intro h2 {
        margin: 0 0 2px;
        font-size: var(--text-md);
        font-weight: 600;
      }

      .intro p {
        margin: 0;
        color: var(--fg-muted);
      }

      code {
        padding: 0 4px;
        border-radius: var(--radius-sm);
        background: var(--bg-active);
        font-family: var(--font-mono);
        font-size: 0.92em;
      }

      .columns {
        display: flex;
        flex: 1;
        gap: 12px;
        min-height: 0;
        padding: 16px 24px 20px;
        overflow: auto hidden;
      }

      .columns:focus-visible {
        outline-offset: -2px;
      }

      .column {
        display: flex;
        /* Six columns fit side by side from about 1,330 px wide (the window opens at 1,360); narrower windows scroll. */
        flex: 1 0 160px;
        flex-direction: column;
        max-width: 340px;
        min-height: 0;
        border-radius: var(--radius-lg);
        background: var(--bg-column);
      }

      .column header {
        display: flex;
        align-items: center;
        gap: 8px;
        height: 38px;
        padding: 0 12px;
      }

      .dot {
        width: 8px;
        height: 8px;
        border-radius: 50%;
        background: var(--dot);
        box-shadow: 0 0 0 3px color-mix(in srgb, var(--dot) 18%, transparent);
      }

      h3 {
        margin: 0;
        font-size: var(--text-md);
        font-weight: 600;
      }

      .column .count {
        color: var(--fg-faint);
        font-size: var(--text-sm);
        font-variant-numeric: tabular-nums;
      }

      .hint {
        margin: 0 8px 8px;
        padding: 14px 12px;
        border: 1px dashed var(--border-strong);
        border-radius: var(--radius);
        color: var(--fg-faint);
        font-size: var(--text-sm);
        line-height: 1.5;
      }
    `,
  ];

  @property({ attribute: false }) project: Project | null = null;

  override render() {
    const project = this.project;
    if (!project) return nothing;
    return html`
      <header class="head">
        <h1>${project.name}</h1>
        <div class="meta">
          <span class="path mono" title=${project.path}>${icon('folder')}${project.path}</span>
          <span class="branch" title="Default base for new threads">
            ${icon('branch')}${
              project.defaultBase === null
                ? html`<span class="detached">detached HEAD</span>`
                : html`<span class="mono">${project.defaultBase}</span>`
            }
          </span>
        </div>
      </header>
      <section class="intro" aria-labelledby="intro-title">
        ${icon('thread')}
        <div>
          <h2 id="intro-title">No threads in ${project.name} yet</h2>
          <p>
            A thread is one task for one agent, in its own git worktree on its own
            <code>grove/…</code> branch${project.defaultBase ? html` off <code>${project.defaultBase}</code>` : nothing},
            with a terminal and a conversation. Your checkout is never touched. Threads move
            across these columns as they run, wait for you and finish.
          </p>
        </div>
      </section>
      <div class="columns" tabindex="0" role="group" aria-label="Board">
        ${BOARD_COLUMNS.map((column) => this.#renderColumn(column))}
      </div>
    `;
  }

  #renderColumn(column: BoardColumn) {
    const titleId = `column-${column.id}`;
    return html`<section class="column" aria-labelledby=${titleId}>
      <header>
        <span class="dot" style="--dot: ${COLUMN_COLOURS[column.id] ?? 'var(--status-queued)'}"></span>
        <h3 id=${titleId}>${column.title}</h3>
        <span class="count">0<span class="visually-hidden"> threads</span></span>
      </header>
      <p class="hint">${column.hint}</p>
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'grove-board': GroveBoard;
  }
}
