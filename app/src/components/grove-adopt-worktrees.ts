import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { errorLine, messageOf } from '../error-message.ts';
import { icon } from '../icons.ts';
import type { AdoptableWorktree, Project, ProjectId, Thread, ThreadId } from '../protocol.ts';
import { dialogFormStyles, dialogStyles, sharedStyles } from '../styles/shared.ts';

/**
 * How often the list is asked for again while the page is visible. Worktrees are made in
 * other terminals with no event Grove could hear; 10 s is one cheap `git worktree list`
 * and soon enough for a person who just made one. Focus and thread changes ask at once.
 */
const REFRESH_MS = 10_000;

/**
 * The board header's "N worktrees made outside Grove — Adopt", and the dialog listing them
 * (branch or detached HEAD, and path) with an Adopt button each. Renders nothing while
 * there are none. An adopted thread's card reaches the board by notification.
 */
@customElement('grove-adopt-worktrees')
export class GroveAdoptWorktrees extends LitElement {
  static override styles = [
    sharedStyles,
    dialogStyles,
    dialogFormStyles,
    css`
      :host {
        display: contents;
      }

      .open {
        color: var(--fg-muted);
        font-size: var(--text-sm);
      }

      .open .icon {
        color: var(--fg-faint);
      }

      dialog {
        width: min(620px, calc(100vw - 32px));
      }

      ul {
        max-height: min(320px, 50vh);
        margin: 0;
        padding: 0;
        overflow-y: auto;
        border: 1px solid var(--border);
        border-radius: var(--radius);
        background: var(--bg);
        list-style: none;
      }

      li {
        display: grid;
        grid-template-columns: minmax(0, 1fr) auto;
        align-items: center;
        column-gap: 12px;
        padding: 8px 12px;
      }

      li + li {
        border-top: 1px solid var(--border);
      }

      .what {
        display: flex;
        flex-direction: column;
        gap: 2px;
        min-width: 0;
      }

      .branch {
        display: flex;
        align-items: center;
        gap: 6px;
        min-width: 0;
        color: var(--fg);
        font-weight: 500;
      }

      .branch .icon {
        width: 14px;
        height: 14px;
        color: var(--fg-faint);
      }

      .branch span,
      .path {
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }

      .path {
        color: var(--fg-muted);
        font-size: var(--text-sm);
        user-select: text;
      }

      .note {
        color: var(--fg-faint);
        font-size: var(--text-xs);
      }

      li .error {
        grid-column: 1 / -1;
      }
    `,
  ];

  @property({ attribute: false }) project: Project | null = null;
  /** Every thread the host knows: when the project's change, the list is asked for again. */
  @property({ attribute: false }) threads: readonly Thread[] = [];
  /** Calls `project/worktrees`. */
  @property({ attribute: false }) listWorktrees: ((projectId: ProjectId) => Promise<readonly AdoptableWorktree[]>) | null = null;
  /** Calls `thread/adopt`; resolves with the new thread's id, rejects with words a person can act on. */
  @property({ attribute: false }) adoptWorktree: ((projectId: ProjectId, path: string) => Promise<ThreadId>) | null = null;
  /** Called once a thread is adopted and the dialog closed, so the board can put focus on its card. */
  @property({ attribute: false }) onAdopted: ((threadId: ThreadId) => void) | null = null;

  @state() private worktrees: readonly AdoptableWorktree[] = [];
  @state() private adopting: string | null = null;
  @state() private errors: ReadonlyMap<string, string> = new Map();

  @query('dialog') private dialog!: HTMLDialogElement;
  @query('button.open') private openButton!: HTMLButtonElement | null;

  #timer: ReturnType<typeof setInterval> | undefined;
  /** Which request is current, so a late answer for another project is dropped. */
  #asked = 0;

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('focus', this.#refresh);
    this.#timer = setInterval(() => {
      if (document.visibilityState === 'visible') this.#refresh();
    }, REFRESH_MS);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('focus', this.#refresh);
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('project') && changed.get('project')?.id !== this.project?.id) this.worktrees = [];
  }

  protected override updated(changed: PropertyValues<this>): void {
    const before = changed.get('threads') as readonly Thread[] | undefined;
    const threadsChanged = changed.has('threads') && paths(before ?? [], this.project) !== paths(this.threads, this.project);
    if (changed.has('project') || changed.has('listWorktrees') || threadsChanged) this.#refresh();
  }

  override render() {
    const count = this.worktrees.length;
    const project = this.project;
    if (!project) return nothing;
    const noun = count === 1 ? 'worktree' : 'worktrees';
    return html`
      ${
        count > 0
          ? html`<button class="btn open" aria-haspopup="dialog" @click=${this.#show}>
              ${icon('branch')}${count} ${noun} made outside Grove — Adopt
            </button>`
          : nothing
      }
      <dialog aria-labelledby="adopt-title" aria-describedby="adopt-about" @cancel=${this.#onCancel} @close=${this.#onClose}>
        <form method="dialog" novalidate>
          <header><h2 id="adopt-title">Worktrees made outside Grove</h2></header>
          <div class="body">
            <p id="adopt-about">
              Adopting makes a thread of a worktree as it is: same folder, same branch, nothing
              moved, copied or run. Archive and restore then work as for any thread.
            </p>
            ${
              count === 0
                ? html`<p role="status">No worktree of ${project.name} is left to adopt.</p>`
                : html`<ul aria-label="Worktrees of ${project.name} without a thread">
                    ${repeat(
                      this.worktrees,
                      (w) => w.path,
                      (w) => this.#renderWorktree(project, w),
                    )}
                  </ul>`
            }
          </div>
          <footer>
            <button class="btn cancel" value="close" ?disabled=${this.adopting !== null}>Close</button>
          </footer>
        </form>
      </dialog>
    `;
  }

  #renderWorktree(project: Project, worktree: AdoptableWorktree) {
    const name = worktree.branch ?? `detached HEAD at ${worktree.head.slice(0, 7)}`;
    const isAdopting = this.adopting === worktree.path;
    const error = this.errors.get(worktree.path);
    return html`<li>
      <div class="what">
        <span class="branch">${icon(worktree.branch === null ? 'commit' : 'branch')}<span class="mono" title=${name}>${name}</span></span>
        <span class="path mono" title=${worktree.path}>${worktree.path}</span>
        ${
          worktree.branch === null
            ? html`<span class="note">No branch: the thread keeps this commit, and Grove makes no branch for it.</span>`
            : nothing
        }
      </div>
      <button type="button" class="btn" aria-label="Adopt ${name}" ?disabled=${this.adopting !== null}
        @click=${() => this.#adopt(project, worktree)}>${isAdopting ? 'Adopting…' : 'Adopt'}</button>
      ${error ? errorLine(error) : nothing}
    </li>`;
  }

  get isOpen(): boolean {
    return this.dialog?.open ?? false;
  }

  readonly #show = async (): Promise<void> => {
    this.errors = new Map();
    await this.updateComplete;
    if (!this.dialog.open) this.dialog.showModal();
    this.renderRoot.querySelector<HTMLButtonElement>('li .btn')?.focus();
  };

  /** Asks the host for the list again; failures (host away, project gone) leave the last answer. */
  readonly #refresh = (): void => {
    const project = this.project;
    if (!project || !this.listWorktrees) return;
    const asked = ++this.#asked;
    this.listWorktrees(project.id).then(
      (worktrees) => {
        if (asked === this.#asked && !this.adopting) this.worktrees = worktrees;
      },
      (error: unknown) => console.warn('Grove: project/worktrees', error),
    );
  };

  async #adopt(project: Project, worktree: AdoptableWorktree): Promise<void> {
    if (!this.adoptWorktree || this.adopting !== null) return;
    this.adopting = worktree.path;
    this.errors = new Map([...this.errors].filter(([path]) => path !== worktree.path));
    const index = this.worktrees.indexOf(worktree);
    try {
      const threadId = await this.adoptWorktree(project.id, worktree.path);
      this.worktrees = this.worktrees.filter((w) => w.path !== worktree.path);
      // Answers that came while adopting were dropped: ask again (answered once this one is done).
      this.#refresh();
      await this.updateComplete;
      if (this.worktrees.length === 0) {
        this.dialog.close();
        this.onAdopted?.(threadId);
        return;
      }
      // The row left with its button: keep keyboard focus in the list, on the next row.
      const buttons = this.renderRoot.querySelectorAll<HTMLButtonElement>('li .btn');
      buttons[Math.min(index, buttons.length - 1)]?.focus();
    } catch (error) {
      this.errors = new Map([...this.errors, [worktree.path, messageOf(error)]]);
    } finally {
      this.adopting = null;
    }
  }

  /** While adopting, Escape waits for the outcome rather than hiding it. */
  readonly #onCancel = (event: Event): void => {
    if (this.adopting !== null) event.preventDefault();
  };

  /** Closed: focus goes back to the header button (gone when nothing is left to adopt) and the list is asked for again. */
  readonly #onClose = (): void => {
    this.openButton?.focus();
    this.#refresh();
  };
}

/** The worktree paths of a project's threads, as one comparable string. */
function paths(threads: readonly Thread[], project: Project | null): string {
  return threads
    .filter((t) => t.projectId === project?.id)
    .map((t) => t.worktreePath)
    .sort()
    .join('\n');
}

declare global {
  interface HTMLElementTagNameMap {
    'grove-adopt-worktrees': GroveAdoptWorktrees;
  }
}
