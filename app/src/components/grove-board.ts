import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { emit } from '../events.ts';
import { icon } from '../icons.ts';
import {
  type AdoptableWorktree,
  BOARD_COLUMNS,
  type BoardColumn,
  type Project,
  type ProjectId,
  type Thread,
  type ThreadId,
} from '../protocol.ts';
import { RelativeClock } from '../relative-time.ts';
import { sharedStyles, viewHeadStyles } from '../styles/shared.ts';
import type { GroveThreadCard } from './grove-thread-card.ts';
import './grove-adopt-worktrees.ts';
import './grove-archived-threads.ts';
import './grove-thread-card.ts';

/** The status colour of each column's dot; one colour per meaning (DESIGN.md §9). */
const COLUMN_COLOURS: Readonly<Record<string, string>> = {
  queued: 'var(--status-queued)',
  running: 'var(--status-running)',
  waiting: 'var(--status-waiting)',
  review: 'var(--status-review)',
  stopped: 'var(--status-error)',
  done: 'var(--status-done)',
};

/** One column's cards, in board order. */
interface ColumnCards {
  readonly column: BoardColumn;
  readonly threads: readonly Thread[];
}

/**
 * One project's board: its header (name, path, default branch, worktrees made outside Grove
 * to adopt, New thread), a column per group of thread statuses, and the archived threads
 * folded underneath. The cards share one Tab stop: arrow keys move between them (up and
 * down in a column, left and right across columns), Home and End jump within a column.
 *
 * @fires grove-new-thread - The New thread button was pressed.
 */
@customElement('grove-board')
export class GroveBoard extends LitElement {
  static override styles = [
    sharedStyles,
    viewHeadStyles,
    css`
      :host {
        display: flex;
        flex-direction: column;
        min-width: 0;
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
        /* Long branch names ellipsize inside the card instead of widening the column. */
        min-width: 0;
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

      .cards {
        display: flex;
        flex-direction: column;
        gap: 6px;
        min-height: 0;
        margin: 0;
        padding: 0 8px 8px;
        overflow-y: auto;
        list-style: none;
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
  /** Every thread the host knows; the board shows the selected project's. */
  @property({ attribute: false }) threads: readonly Thread[] = [];
  /** Brings an archived thread back; rejects with an error whose message a person can act on. */
  @property({ attribute: false }) restoreThread: ((threadId: ThreadId) => Promise<void>) | null = null;
  /** Lists the project's worktrees made outside Grove (`project/worktrees`). */
  @property({ attribute: false }) listWorktrees: ((projectId: ProjectId) => Promise<readonly AdoptableWorktree[]>) | null = null;
  /** Adopts one as a thread (`thread/adopt`), resolving with its id. */
  @property({ attribute: false }) adoptWorktree: ((projectId: ProjectId, path: string) => Promise<ThreadId>) | null = null;
  /** The thread the thread view shows, if any; its card is marked. */
  @property({ attribute: false }) openThreadId: ThreadId | null = null;
  /** Requests waiting for a person, per thread: each card's badge. */
  @property({ attribute: false }) pendingApprovals: ReadonlyMap<ThreadId, number> = new Map();

  /** The card that holds the board's one Tab stop. */
  @state() private activeId: ThreadId | null = null;
  /** The clock every relative time on the board reads. */

  readonly #clock = new RelativeClock(this);

  /** The adopt dialog is open and asking something. */
  get isAsking(): boolean {
    return this.renderRoot.querySelector('grove-adopt-worktrees')?.isOpen ?? false;
  }

  /** Moves keyboard focus to one thread's card, e.g. the one just created. */
  async focusThread(threadId: ThreadId): Promise<void> {
    this.activeId = threadId;
    await this.updateComplete;
    this.#card(threadId)?.focusCard();
  }

  /** Moves keyboard focus onto the board: its current card, or the columns when there is none. */
  async focusCards(): Promise<void> {
    await this.updateComplete;
    const active = this.#activeThread(this.#columns());
    if (active) this.#card(active.id)?.focusCard();
    else this.renderRoot.querySelector<HTMLElement>('.columns')?.focus();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    // A thread that just changed reads "just now", not half a tick behind.
    if (changed.has('threads') || changed.has('project')) this.#clock.now = Date.now();
  }

  override render() {
    const project = this.project;
    if (!project) return nothing;
    const threads = this.threads.filter((t) => t.projectId === project.id);
    const columns = this.#columns();
    const active = this.#activeThread(columns);
    const archived = threads
      .filter((t) => t.status === 'archived')
      .sort((a, b) => (b.snapshot?.takenAt ?? b.updatedAt) - (a.snapshot?.takenAt ?? a.updatedAt));
    const hasCards = columns.some((c) => c.threads.length > 0);
    return html`
      <header class="head">
        <div class="head-text">
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
        </div>
        <grove-adopt-worktrees .project=${project} .threads=${this.threads} .listWorktrees=${this.listWorktrees}
          .adoptWorktree=${this.adoptWorktree} .onAdopted=${this.#onAdopted}></grove-adopt-worktrees>
        <button class="btn primary" title="New thread (N)" aria-keyshortcuts="N"
          @click=${() => emit(this, 'grove-new-thread', { projectId: project.id })}>${icon('plus')}New thread</button>
      </header>
      ${threads.length === 0 ? this.#renderIntro(project) : nothing}
      <div class="columns" tabindex=${hasCards ? -1 : 0} role="group" aria-label="Board"
        @keydown=${this.#onKeydown} @focusin=${this.#onFocusin}>
        ${columns.map((c) => this.#renderColumn(c, active?.id))}
      </div>
      ${
        archived.length > 0
          ? html`<grove-archived-threads .threads=${archived} .now=${this.#clock.now}
              .restoreThread=${this.#restore}></grove-archived-threads>`
          : nothing
      }
    `;
  }

  #renderIntro(project: Project) {
    return html`<section class="intro" aria-labelledby="intro-title">
        ${icon('thread')}
        <div>
          <h2 id="intro-title">No threads in ${project.name} yet</h2>
          <p>
            A thread is one task for one agent, in its own git worktree on its own
            <code>grove/…</code> branch${project.defaultBase ? html` off <code>${project.defaultBase}</code>` : nothing},
            with a terminal and a conversation. Your checkout is never touched. Threads move
            across these columns as they run, wait for you and finish. Start one with
            <strong>New thread</strong> or <kbd>N</kbd>.
          </p>
        </div>
      </section>`;
  }

  #renderColumn({ column, threads }: ColumnCards, activeId: ThreadId | undefined) {
    const titleId = `column-${column.id}`;
    return html`<section class="column" aria-labelledby=${titleId}>
      <header>
        <span class="dot" style="--dot: ${COLUMN_COLOURS[column.id] ?? 'var(--status-queued)'}"></span>
        <h3 id=${titleId}>${column.title}</h3>
        <span class="count">${threads.length}<span class="visually-hidden"> ${threads.length === 1 ? 'thread' : 'threads'}</span></span>
      </header>
      ${
        threads.length === 0
          ? html`<p class="hint">${column.hint}</p>`
          : html`<ul class="cards" aria-labelledby=${titleId}>
              ${repeat(
                threads,
                (t) => t.id,
                (t) => html`<li><grove-thread-card data-id=${t.id} .thread=${t} .now=${this.#clock.now}
                  .isTabStop=${t.id === activeId} .isOpen=${t.id === this.openThreadId}
                  .pendingApprovals=${this.pendingApprovals.get(t.id) ?? 0}
                  .restoreThread=${this.restoreThread}></grove-thread-card></li>`,
              )}
            </ul>`
      }
    </section>`;
  }

  /**
   * The selected project's live threads, column by column. Oldest first: the top of Queued
   * is the next to run, and a card keeps its place while it changes.
   */
  #columns(): ColumnCards[] {
    const projectId = this.project?.id;
    const threads = this.threads.filter((t) => t.projectId === projectId).sort((a, b) => a.createdAt - b.createdAt);
    return BOARD_COLUMNS.map((column) => ({ column, threads: threads.filter((t) => column.statuses.includes(t.status)) }));
  }

  /** The card holding the Tab stop: the remembered one while it is on the board, else the first. */
  #activeThread(columns: readonly ColumnCards[]): Thread | undefined {
    const all = columns.flatMap((c) => c.threads);
    return all.find((t) => t.id === this.activeId) ?? all[0];
  }

  #card(threadId: ThreadId): GroveThreadCard | null {
    return this.renderRoot.querySelector<GroveThreadCard>(`grove-thread-card[data-id="${threadId}"]`);
  }

  /** Restores, then, if that emptied the archive and took focus with it, puts focus on the restored card. */
  readonly #restore = async (threadId: ThreadId): Promise<void> => {
    if (!this.restoreThread) return;
    await this.restoreThread(threadId);
    await this.updateComplete;
    const isArchiveEmpty = !this.threads.some((t) => t.projectId === this.project?.id && t.status === 'archived');
    if (isArchiveEmpty && document.activeElement === document.body) await this.focusThread(threadId);
  };

  /** The adopt dialog closed with nothing left to adopt: focus goes to the new card (a task later, once the dialog let go). */
  readonly #onAdopted = (threadId: ThreadId): void => {
    setTimeout(() => void this.focusThread(threadId), 0);
  };

  readonly #onFocusin = (event: FocusEvent): void => {
    const card = cardOf(event);
    if (card?.thread) this.activeId = card.thread.id;
  };

  readonly #onKeydown = (event: KeyboardEvent): void => {
    if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    const card = cardOf(event);
    const threadId = card?.thread?.id;
    if (!threadId) return;
    const columns = this.#columns().filter((c) => c.threads.length > 0);
    const col = columns.findIndex((c) => c.threads.some((t) => t.id === threadId));
    const row = columns[col]?.threads.findIndex((t) => t.id === threadId) ?? -1;
    const target = moveFrom(event.key, col, row, columns);
    if (!target) return;
    event.preventDefault();
    void this.focusThread(target.id);
  };
}

/** The card a keyboard or focus event came from, if any. */
function cardOf(event: Event): GroveThreadCard | undefined {
  return event
    .composedPath()
    .find((node): node is GroveThreadCard => node instanceof Element && node.localName === 'grove-thread-card');
}

/** Where an arrow key (or Home, End) moves from the card at `columns[col].threads[row]`; empty columns are skipped. */
function moveFrom(key: string, col: number, row: number, columns: readonly ColumnCards[]): Thread | undefined {
  const here = columns[col]?.threads;
  if (!here || row < 0) return undefined;
  switch (key) {
    case 'ArrowDown':
      return here[Math.min(row + 1, here.length - 1)];
    case 'ArrowUp':
      return here[Math.max(row - 1, 0)];
    case 'Home':
      return here[0];
    case 'End':
      return here[here.length - 1];
    case 'ArrowLeft':
    case 'ArrowRight': {
      const next = columns[col + (key === 'ArrowLeft' ? -1 : 1)]?.threads;
      return next?.[Math.min(row, next.length - 1)];
    }
    default:
      return undefined;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'grove-board': GroveBoard;
  }
}
