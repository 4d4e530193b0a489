import { css, html, LitElement, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { emit } from '../events.ts';
import { groveMark, icon } from '../icons.ts';
import { listMove, modKeyLabel } from '../keyboard.ts';
import type { Project, ProjectId } from '../protocol.ts';
import { sharedStyles } from '../styles/shared.ts';

/**
 * The left column: wordmark, inbox count, and the project list. Arrow keys move between
 * projects (selection follows focus); Delete asks to remove the focused one.
 *
 * @fires grove-select-project - A project was chosen.
 * @fires grove-add-project - The add button was pressed.
 * @fires grove-remove-project - A project's remove button (or Delete) was pressed.
 * @fires grove-open-palette - The command palette button was pressed.
 * @fires grove-open-inbox - The inbox button was pressed.
 */
@customElement('grove-sidebar')
export class GroveSidebar extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      :host {
        display: flex;
        flex-direction: column;
        min-height: 0;
        border-right: 1px solid var(--border);
        background: var(--bg-sidebar);
      }

      .brand {
        display: flex;
        align-items: center;
        gap: 9px;
        height: 52px;
        padding: 0 16px;
        font-size: var(--text-lg);
        font-weight: 650;
        letter-spacing: -0.01em;
      }

      .inbox {
        display: flex;
        align-items: center;
        gap: 8px;
        width: calc(100% - 16px);
        margin: 0 8px 6px;
        padding: 6px 8px;
        border: 0;
        border-radius: var(--radius);
        background: transparent;
        color: var(--fg-muted);
        text-align: left;
        cursor: pointer;
      }

      .inbox:hover {
        background: var(--bg-hover);
        color: var(--fg);
      }

      .inbox[aria-current='page'] {
        background: var(--bg-active);
        color: var(--fg);
      }

      .inbox:focus-visible {
        outline-offset: -2px;
      }

      .count {
        margin-left: auto;
        min-width: 20px;
        padding: 0 6px;
        border-radius: 999px;
        background: var(--bg-active);
        color: var(--fg-muted);
        font-size: var(--text-xs);
        font-weight: 600;
        line-height: 18px;
        text-align: center;
        font-variant-numeric: tabular-nums;
      }

      .inbox.has-pending {
        color: var(--fg);
      }

      .inbox.has-pending .count {
        background: var(--status-waiting);
        /* Dark text: white on amber is too faint to read (under 3:1). */
        color: #241800;
      }

      .section-head {
        display: flex;
        align-items: center;
        justify-content: space-between;
        height: 28px;
        margin-top: 10px;
        padding: 0 10px 0 16px;
      }

      h2 {
        margin: 0;
        color: var(--fg-faint);
        font-size: var(--text-xs);
        font-weight: 600;
        letter-spacing: 0.06em;
        text-transform: uppercase;
      }

      ul {
        flex: 1;
        min-height: 0;
        margin: 0;
        padding: 2px 8px 8px;
        overflow-y: auto;
        list-style: none;
      }

      li {
        position: relative;
        margin-bottom: 1px;
      }

      .project {
        display: flex;
        align-items: center;
        gap: 9px;
        width: 100%;
        padding: 6px 34px 6px 8px;
        border: 0;
        border-radius: var(--radius);
        background: transparent;
        text-align: left;
        cursor: pointer;
      }

      .project:hover {
        background: var(--bg-hover);
      }

      .project[aria-current='true'] {
        background: var(--bg-active);
      }

      .project:focus-visible {
        outline-offset: -2px;
      }

      .avatar {
        display: grid;
        place-items: center;
        flex: none;
        width: 24px;
        height: 24px;
        border-radius: var(--radius-sm);
        background: var(--bg-active);
        color: var(--fg-muted);
        font-size: var(--text-sm);
        font-weight: 600;
        text-transform: uppercase;
      }

      [aria-current='true'] .avatar {
        background: var(--accent);
        color: var(--accent-fg);
      }

      .text {
        display: flex;
        flex-direction: column;
        min-width: 0;
      }

      .name,
      .path {
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }

      .name {
        font-weight: 500;
      }

      .path {
        color: var(--fg-faint);
        font-size: var(--text-xs);
      }

      .remove {
        position: absolute;
        top: 50%;
        right: 6px;
        transform: translateY(-50%);
        opacity: 0;
      }

      li:hover .remove,
      li:has(:focus-visible) .remove {
        opacity: 1;
      }

      /* Where the remove button appears, so the two take turns. */
      .threads {
        position: absolute;
        top: 50%;
        right: 10px;
        transform: translateY(-50%);
        color: var(--fg-faint);
        font-size: var(--text-xs);
        font-weight: 500;
        font-variant-numeric: tabular-nums;
      }

      li:hover .threads,
      li:has(:focus-visible) .threads {
        opacity: 0;
      }

      .empty {
        margin: 4px 16px;
        color: var(--fg-faint);
      }

      .foot {
        margin-top: auto;
        padding: 8px;
        border-top: 1px solid var(--border);
      }

      .palette-btn {
        display: flex;
        align-items: center;
        gap: 8px;
        width: 100%;
        padding: 6px 8px;
        border: 0;
        border-radius: var(--radius);
        background: transparent;
        color: var(--fg-muted);
        cursor: pointer;
      }

      .palette-btn:hover {
        background: var(--bg-hover);
        color: var(--fg);
      }

      .palette-btn kbd {
        margin-left: auto;
      }
    `,
  ];

  /** Null until the host has sent its state: the list is unknown, not empty. */
  @property({ attribute: false }) projects: readonly Project[] | null = null;
  @property({ attribute: false }) selectedId: ProjectId | null = null;
  /** Threads not archived, per project; a project without any is absent. */
  @property({ attribute: false }) liveThreads: ReadonlyMap<ProjectId, number> = new Map();
  /** Approvals waiting across every thread; null until the host has said. */
  @property({ attribute: false }) inboxPending: number | null = null;
  /** The inbox is on screen. */
  @property({ type: Boolean, attribute: false }) isInboxOpen = false;

  /** Moves keyboard focus to the selected project, e.g. after the list changed under it. */
  async focusSelected(): Promise<void> {
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLButtonElement>('.project[aria-current="true"]')?.focus();
  }

  override render() {
    const pending = this.inboxPending;
    return html`
      <div class="brand">${groveMark(22)}<span>Grove</span></div>
      ${
        pending === null
          ? nothing
          : html`<button class="inbox ${pending > 0 ? 'has-pending' : ''}" aria-current=${this.isInboxOpen ? 'page' : 'false'}
              aria-label="Inbox, ${pending} waiting" title="Inbox (I)" aria-keyshortcuts="I"
              @click=${() => emit(this, 'grove-open-inbox', undefined)}>
              ${icon('inbox')}<span>Inbox</span><span class="count">${pending}</span>
            </button>`
      }
      ${this.projects === null ? nothing : this.#renderProjects(this.projects)}
      <div class="foot">
        <button class="palette-btn" @click=${() => emit(this, 'grove-open-palette', undefined)}>
          ${icon('search')}<span>Commands</span><kbd>${modKeyLabel} K</kbd>
        </button>
      </div>
    `;
  }

  #renderProjects(projects: readonly Project[]) {
    return html`
      <div class="section-head">
        <h2 id="projects-heading">Projects</h2>
        ${
          // With no projects the welcome screen holds the one "Add project" button.
          projects.length === 0
            ? nothing
            : html`<button class="icon-btn" aria-label="Add project" title="Add project"
                @click=${() => emit(this, 'grove-add-project', undefined)}>${icon('plus')}</button>`
        }
      </div>
      ${
        projects.length === 0
          ? html`<p class="empty">No projects yet.</p>`
          : html`<ul aria-labelledby="projects-heading" @keydown=${this.#onListKeydown}>
              ${repeat(
                projects,
                (p) => p.id,
                (p) => this.#renderProject(p),
              )}
            </ul>`
      }
    `;
  }

  #renderProject(project: Project) {
    const isSelected = project.id === this.selectedId;
    // Only the selected row is in the Tab order; arrow keys reach the others.
    const tabIndex = isSelected ? 0 : -1;
    const live = this.liveThreads.get(project.id) ?? 0;
    const countId = `threads-${project.id}`;
    return html`<li>
      <button class="project" data-id=${project.id} aria-current=${isSelected ? 'true' : 'false'}
        tabindex=${tabIndex} title=${project.path} aria-describedby=${live > 0 ? countId : nothing}
        @click=${() => emit(this, 'grove-select-project', { projectId: project.id })}>
        <span class="avatar" aria-hidden="true">${project.name.slice(0, 1)}</span>
        <span class="text">
          <span class="name">${project.name}</span>
          <span class="path" aria-hidden="true">${pathTail(project.path)}</span>
        </span>
        ${
          live > 0
            ? html`<span class="threads" id=${countId} aria-hidden="true">${live}<span class="visually-hidden"> live ${live === 1 ? 'thread' : 'threads'}</span></span>`
            : nothing
        }
      </button>
      <button class="icon-btn remove" tabindex=${tabIndex} aria-label="Remove ${project.name}"
        title="Remove ${project.name}"
        @click=${() => emit(this, 'grove-remove-project', { projectId: project.id })}>
        ${icon('close')}
      </button>
    </li>`;
  }

  readonly #onListKeydown = (event: KeyboardEvent): void => {
    const buttons = [...this.renderRoot.querySelectorAll<HTMLButtonElement>('button.project')];
    // The row the key was pressed in, whether on the project itself or its remove button.
    const row = (event.target as Element).closest('li');
    const index = buttons.findIndex((b) => b.parentElement === row);
    if (index === -1) return;
    const target = listMove(event.key, index, buttons.length);
    if (target !== null) {
      event.preventDefault();
      const button = buttons[target];
      button?.focus();
      const id = button?.dataset.id as ProjectId | undefined;
      if (id) emit(this, 'grove-select-project', { projectId: id });
      return;
    }
    if (event.key === 'Delete' || (event.key === 'Backspace' && (event.metaKey || event.ctrlKey))) {
      const id = buttons[index]?.dataset.id as ProjectId | undefined;
      if (!id) return;
      event.preventDefault();
      emit(this, 'grove-remove-project', { projectId: id });
    }
  };
}

/** The last two folders of a path, e.g. `…/code/grove`: enough to tell same-named repos apart. */
function pathTail(path: string): string {
  const parts = path.split(/[\\/]+/).filter(Boolean);
  if (parts.length <= 2) return path;
  return `…/${parts.slice(-2).join('/')}`;
}

declare global {
  interface HTMLElementTagNameMap {
    'grove-sidebar': GroveSidebar;
  }
}
