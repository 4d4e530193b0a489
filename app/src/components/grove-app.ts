import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import { customElement, query, state } from 'lit/decorators.js';
import { ApprovalArrivals, arrivalText, askNotificationPermission, notifyArrival } from '../approval-alerts.ts';
import { type ApprovalActions, pendingApprovals, pendingByThread } from '../approvals.ts';
import { type ConnectionStatus, HostConnection } from '../connection/host-connection.ts';
import { serveEndpoint, windowEndpoint } from '../connection/host-endpoint.ts';
import type { GroveEvents } from '../events.ts';
import { hasModKey, isLetterKey, isTyping } from '../keyboard.ts';
import { isNeutralinoWindow, setWindowTitle } from '../platform/neutralino.ts';
import {
  type Approval,
  checkoutLabel,
  type HostState,
  type ParamsOf,
  type Project,
  type ProjectId,
  type RuleId,
  type Thread,
  type ThreadId,
} from '../protocol.ts';
import { HostStore } from '../state/host-store.ts';
import { sharedStyles } from '../styles/shared.ts';
import { offersArchive } from '../thread-status.ts';
import type { GroveAddProject } from './grove-add-project.ts';
import type { GroveArchiveThread, Preflight } from './grove-archive-thread.ts';
import type { GroveBoard } from './grove-board.ts';
import type { GroveCommandPalette, PaletteAction } from './grove-command-palette.ts';
import type { GroveConfirmRemove } from './grove-confirm-remove.ts';
import type { GroveDeleteThread } from './grove-delete-thread.ts';
import type { GroveInbox } from './grove-inbox.ts';
import type { GroveNewThread } from './grove-new-thread.ts';
import type { GroveSidebar } from './grove-sidebar.ts';
import type { GroveThreadView } from './grove-thread-view.ts';
import './grove-add-project.ts';
import './grove-archive-thread.ts';
import './grove-delete-thread.ts';
import './grove-banner.ts';
import './grove-board.ts';
import './grove-command-palette.ts';
import './grove-confirm-remove.ts';
import './grove-new-thread.ts';
import './grove-sidebar.ts';
import './grove-thread-view.ts';
import './grove-welcome.ts';

/** Where the selected project's id survives a reload. */
const SELECTED_PROJECT_KEY = 'grove.selectedProject';

/**
 * The root element: lays out sidebar and main area, owns the host connection and the state
 * mirror, and turns the children's requests into protocol calls.
 */
@customElement('grove-app')
export class GroveApp extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      :host {
        display: grid;
        grid-template-columns: var(--sidebar-width) minmax(0, 1fr);
        height: 100vh;
        overflow: hidden;
      }

      main {
        display: flex;
        flex-direction: column;
        min-width: 0;
        min-height: 0;
        background: var(--bg-board);
      }

      main > :last-child {
        flex: 1;
        min-height: 0;
      }

      .workspace {
        display: grid;
        grid-template-columns: minmax(0, 1fr);
      }

      /* The thread view takes a terminal's worth of width (80 columns from a 1,440 px window); the board scrolls sideways beside it. */
      .workspace.has-view {
        grid-template-columns: minmax(0, 1fr) clamp(480px, 56%, 960px);
      }

      .workspace > * {
        min-height: 0;
      }
    `,
  ];

  @state() private status: ConnectionStatus = { kind: 'connecting' };
  @state() private hostState: HostState | null = null;
  @state() private selectedId: ProjectId | null = readSelectedProject();
  /** The thread shown beside the board, if any. */
  @state() private openThreadId: ThreadId | null = null;
  /** The inbox replaces the board while open. */
  @state() private isInboxOpen = false;
  /** Said politely to screen readers when a request arrives. */
  @state() private announcement = '';

  @query('grove-add-project') private addDialog!: GroveAddProject;
  @query('grove-confirm-remove') private confirmDialog!: GroveConfirmRemove;
  @query('grove-new-thread') private newThreadDialog!: GroveNewThread;
  @query('grove-archive-thread') private archiveDialog!: GroveArchiveThread;
  @query('grove-delete-thread') private deleteDialog!: GroveDeleteThread;
  @query('grove-command-palette') private palette!: GroveCommandPalette;
  @query('grove-sidebar') private sidebar!: GroveSidebar;
  /** Absent while the welcome screen or the connection panel is showing. */
  @query('grove-board') private board!: GroveBoard | null;
  @query('grove-thread-view') private threadView!: GroveThreadView | null;
  @query('grove-inbox') private inbox!: GroveInbox | null;

  readonly #isWindow = isNeutralinoWindow();
  #connection: HostConnection | null = null;
  #unsubscribe: (() => void) | null = null;
  #windowTitle = '';
  readonly #arrivals = new ApprovalArrivals();

  override connectedCallback(): void {
    super.connectedCallback();
    const store = new HostStore();
    const connection = new HostConnection(this.#isWindow ? windowEndpoint() : serveEndpoint(), store);
    this.#unsubscribe = store.subscribe(() => {
      this.hostState = store.state;
    });
    connection.onStatus = (status) => {
      this.status = status;
    };
    this.#connection = connection;
    window.addEventListener('keydown', this.#onKeydown);
    connection.start();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('keydown', this.#onKeydown);
    this.#unsubscribe?.();
    this.#connection?.dispose();
    this.#connection = null;
  }

  override render() {
    const projects = this.hostState?.projects ?? [];
    const selected = this.#selectedProject();
    return html`
      <grove-sidebar
        .projects=${this.hostState?.projects ?? null}
        .liveThreads=${liveThreadCounts(this.hostState?.threads ?? [])}
        .selectedId=${selected?.id ?? null}
        .inboxPending=${this.hostState ? pendingCount(this.hostState.approvals) : null}
        .isInboxOpen=${this.isInboxOpen}
        @grove-open-inbox=${this.#openInbox}
        @grove-select-project=${(e: CustomEvent<GroveEvents['grove-select-project']>) => this.#select(e.detail.projectId)}
        @grove-add-project=${this.#openAddDialog}
        @grove-remove-project=${(e: CustomEvent<GroveEvents['grove-remove-project']>) => this.#confirmRemove(e.detail.projectId)}
        @grove-open-palette=${this.#openPalette}
      ></grove-sidebar>
      <main @grove-add-project=${this.#openAddDialog} @grove-open-palette=${this.#openPalette}
        @grove-retry-connection=${() => this.#connection?.retryNow()}
        @grove-new-thread=${this.#openNewThread}
        @grove-archive-thread=${(e: CustomEvent<GroveEvents['grove-archive-thread']>) => this.#confirmArchive(e.detail.threadId)}
        @grove-delete-thread=${(e: CustomEvent<GroveEvents['grove-delete-thread']>) => this.#confirmDelete(e.detail.threadId)}
        @grove-open-thread=${(e: CustomEvent<GroveEvents['grove-open-thread']>) => this.#openThread(e.detail.threadId)}
        @grove-close-thread=${this.#closeThread}
        @grove-close-inbox=${this.#closeInbox}
        @keydown=${this.#onMainKeydown}>
        ${this.#renderMain(selected)}
      </main>
      <grove-add-project .canChooseFolder=${this.#isWindow} .addProject=${this.#addProject}></grove-add-project>
      <grove-confirm-remove .removeProject=${this.#removeProject}></grove-confirm-remove>
      <grove-new-thread .createThread=${this.#createThread}></grove-new-thread>
      <grove-archive-thread .preflightThread=${this.#preflightThread} .archiveThread=${this.#archiveThread}></grove-archive-thread>
      <grove-delete-thread .deleteThread=${this.#deleteThread}></grove-delete-thread>
      <grove-command-palette .actions=${this.#paletteActions(projects)}></grove-command-palette>
      <p class="visually-hidden" role="status" aria-live="polite">${this.announcement}</p>
    `;
  }

  #renderMain(selected: Project | null) {
    if (!this.hostState) return html`<grove-banner variant="panel" .status=${this.status}></grove-banner>`;
    const banner = this.status.kind === 'ready' ? nothing : html`<grove-banner .status=${this.status}></grove-banner>`;
    if (this.isInboxOpen) {
      const { approvals, rules, threads, projects, sandbox } = this.hostState;
      return html`${banner}<grove-inbox .approvals=${approvals} .rules=${rules} .threads=${threads} .projects=${projects}
        .sandbox=${sandbox} .actions=${this.#approvalActions} .revokeRule=${this.#revokeRule}></grove-inbox>`;
    }
    if (!selected) return html`${banner}<grove-welcome></grove-welcome>`;
    const open = this.#shownThread(selected);
    return html`${banner}<div class="workspace ${open ? 'has-view' : ''}">
      <grove-board .project=${selected} .threads=${this.hostState.threads} .openThreadId=${open?.id ?? null}
        .pendingApprovals=${pendingByThread(this.hostState.approvals)}
        .restoreThread=${this.#restoreThread} .listWorktrees=${this.#listWorktrees} .adoptWorktree=${this.#adoptWorktree}></grove-board>
      ${
        open
          ? html`<grove-thread-view .thread=${open} .terminalHost=${this.#connection}
              .terminals=${this.hostState.terminals.filter((t) => t.threadId === open.id)}
              .session=${this.status.kind === 'ready' ? this.status.session : null}
              .approvals=${pendingApprovals(this.hostState.approvals).filter((a) => a.threadId === open.id)}
              .approvalActions=${this.#approvalActions} .projectName=${selected.name}
              .restoreThread=${this.#restoreThread}></grove-thread-view>`
          : nothing
      }
    </div>`;
  }

  /** The thread in the thread view: the one asked for, while it belongs to the project on screen. */
  #shownThread(selected: Project): Thread | null {
    const thread = this.hostState?.threads.find((t) => t.id === this.openThreadId);
    return thread && thread.projectId === selected.id ? thread : null;
  }

  protected override willUpdate(changed: PropertyValues): void {
    // Before render, so the announcement goes out with this update rather than causing another.
    if (changed.has('hostState') && this.hostState) this.#alertArrivals(this.#arrivals.arrived(this.hostState.approvals));
  }

  protected override updated(changed: PropertyValues): void {
    if (changed.has('hostState')) this.#syncTitle();
  }

  /** New requests: said politely to screen readers, and an OS notification when the window is not focused. */
  #alertArrivals(arrived: readonly Approval[]): void {
    const first = arrived[0];
    if (!first) return;
    const text = arrivalText(first, this.hostState?.threads.find((t) => t.id === first.threadId)?.title);
    const more = arrived.length > 1 ? ` (and ${arrived.length - 1} more)` : '';
    this.announcement = `Approval needed. ${text}${more}`;
    if (document.hasFocus()) return;
    notifyArrival(`${text}${more}`, { isWindow: this.#isWindow, onClick: this.#openInbox });
  }

  #selectedProject(): Project | null {
    const projects = this.hostState?.projects ?? [];
    return projects.find((p) => p.id === this.selectedId) ?? projects[0] ?? null;
  }

  #select(projectId: ProjectId): void {
    if (projectId !== this.selectedId) this.openThreadId = null;
    this.isInboxOpen = false;
    this.selectedId = projectId;
    try {
      localStorage.setItem(SELECTED_PROJECT_KEY, projectId);
    } catch {
      // Storage can be disabled; the selection then lasts until reload.
    }
  }

  #syncTitle(): void {
    const pending = pendingCount(this.hostState?.approvals ?? []);
    const title = pending > 0 ? `(${pending}) Grove` : 'Grove';
    if (title === this.#windowTitle) return;
    this.#windowTitle = title;
    document.title = title;
    if (this.#isWindow) setWindowTitle(title).catch((error: unknown) => console.warn('Grove: setTitle', error));
  }

  readonly #onKeydown = (event: KeyboardEvent): void => {
    if (event.key === 'Escape' && this.isInboxOpen && !event.defaultPrevented && !hasModifier(event)) {
      // From anywhere, focus included on the page itself (after a rule's row went); not from over a dialog.
      if (this.#isAsking() || this.palette.isOpen) return;
      event.preventDefault();
      this.#closeInbox();
      return;
    }
    if (isLetterKey(event, 'i') && !isTyping(event)) {
      if (this.#isAsking() || this.palette.isOpen || !this.hostState) return;
      event.preventDefault();
      this.#openInbox();
      return;
    }
    if (isLetterKey(event, 'n') && !isTyping(event)) {
      if (this.#isAsking() || this.palette.isOpen || !this.#selectedProject()) return;
      event.preventDefault();
      this.#openNewThread();
      return;
    }
    if (event.key.toLowerCase() !== 'k' || !hasModKey(event) || event.altKey || event.shiftKey) return;
    event.preventDefault();
    // One modal at a time: the palette does not open over a dialog that is asking something.
    if (this.#isAsking()) return;
    this.palette.toggle();
  };

  /** Escape closes the thread view, from the board or the view (the terminal keeps its own Escape). */
  readonly #onMainKeydown = (event: KeyboardEvent): void => {
    if (event.key !== 'Escape' || event.defaultPrevented || event.shiftKey || event.ctrlKey || event.altKey || event.metaKey) {
      return;
    }
    if (!this.openThreadId || this.isInboxOpen) return;
    event.preventDefault();
    this.#closeThread();
  };

  /**
   * Shows a thread beside its project's board, with keyboard focus in its terminal; coming
   * from the inbox, on its first request waiting.
   */
  async #openThread(threadId: ThreadId): Promise<void> {
    const thread = this.hostState?.threads.find((t) => t.id === threadId);
    const fromInbox = this.isInboxOpen;
    if (thread && thread.projectId !== this.#selectedProject()?.id) this.#select(thread.projectId);
    this.isInboxOpen = false;
    this.openThreadId = threadId;
    await this.updateComplete;
    if (fromInbox && (await this.threadView?.focusApprovals())) return;
    await this.threadView?.focusTerminal();
  }

  /** Shows the inbox in place of the board, focus on its first request. Asks once to notify (a person's action). */
  readonly #openInbox = async (): Promise<void> => {
    if (!this.#isWindow) askNotificationPermission();
    // Loaded on first use, in its own chunk: the first screen does not wait for it.
    const loaded = import('./grove-inbox.ts');
    this.isInboxOpen = true;
    await loaded;
    await this.updateComplete;
    await this.inbox?.focusFirst();
  };

  /** Back to the board, focus on its cards. */
  readonly #closeInbox = (): void => {
    this.isInboxOpen = false;
    void this.updateComplete.then(() => this.board?.focusCards());
  };

  /** Closes the thread view and puts keyboard focus back on the thread's card. */
  readonly #closeThread = (): void => {
    const threadId = this.openThreadId;
    this.openThreadId = null;
    if (threadId) void this.board?.focusThread(threadId);
  };

  /** A dialog is open and asking something. */
  #isAsking(): boolean {
    return (
      this.addDialog.isOpen ||
      this.confirmDialog.isOpen ||
      this.newThreadDialog.isOpen ||
      this.archiveDialog.isOpen ||
      (this.board?.isAsking ?? false)
    );
  }

  readonly #openAddDialog = (): void => {
    void this.addDialog.show();
  };

  readonly #openPalette = (): void => {
    void this.palette.show();
  };

  /** Opens the new-thread dialog for the project on screen. */
  readonly #openNewThread = (): void => {
    const project = this.#selectedProject();
    if (project) void this.newThreadDialog.show(project);
  };

  #confirmDelete(threadId: ThreadId): void {
    const thread = this.hostState?.threads.find((t) => t.id === threadId);
    if (thread) void this.deleteDialog.show(thread);
  }

  /** Deletes a thread; it leaves the board by notification. */
  readonly #deleteThread = async (threadId: ThreadId, confirmBranch?: string): Promise<void> => {
    await this.#requireConnection().request(
      'thread/delete',
      confirmBranch === undefined ? { threadId } : { threadId, confirmBranch },
    );
  };

  #confirmArchive(threadId: ThreadId): void {
    const thread = this.hostState?.threads.find((t) => t.id === threadId);
    if (thread) void this.archiveDialog.show(thread);
  }

  /** Creates a thread; its card arrives by notification, and focus follows it there. */
  readonly #createThread = async (params: ParamsOf<'thread/create'>): Promise<void> => {
    const { thread } = await this.#requireConnection().request('thread/create', params);
    // The dialog closes once this resolves and hands focus back to its opener; take it after that.
    setTimeout(() => void this.board?.focusThread(thread.id), 0);
  };

  readonly #listWorktrees = async (projectId: ProjectId) =>
    (await this.#requireConnection().request('project/worktrees', { projectId })).worktrees;

  /** Adopts a worktree made outside Grove; its card arrives by notification. */
  readonly #adoptWorktree = async (projectId: ProjectId, path: string): Promise<ThreadId> =>
    (await this.#requireConnection().request('thread/adopt', { projectId, path })).thread.id;

  readonly #approvalActions: ApprovalActions = {
    resolve: async (params) => {
      await this.#requireConnection().request('approval/resolve', params);
    },
    approveAll: async (approvalIds) => {
      await this.#requireConnection().request('approval/approveAll', { approvalIds: [...approvalIds] });
    },
  };

  /** Removes an "always allow" rule; it leaves the list by notification. */
  readonly #revokeRule = async (ruleId: RuleId): Promise<void> => {
    await this.#requireConnection().request('rule/revoke', { ruleId });
  };

  readonly #preflightThread = async (threadId: ThreadId): Promise<Preflight> =>
    this.#requireConnection().request('thread/preflight', { threadId });

  /** Archives a thread; its card leaves the board by notification, and focus stays on the board. */
  readonly #archiveThread = async (threadId: ThreadId): Promise<void> => {
    await this.#requireConnection().request('thread/archive', { threadId });
    setTimeout(() => void this.board?.focusCards(), 0);
  };

  /** Restores a thread; its card comes back by notification, and the archived list handles focus. */
  readonly #restoreThread = async (threadId: ThreadId): Promise<void> => {
    await this.#requireConnection().request('thread/restore', { threadId });
  };

  #confirmRemove(projectId: ProjectId): void {
    const project = this.hostState?.projects.find((p) => p.id === projectId);
    if (project) void this.confirmDialog.show(project);
  }

  /** Adds a project and shows it; the mirror learns of it from the host, never from here. */
  readonly #addProject = async (path: string): Promise<void> => {
    const connection = this.#requireConnection();
    const { project } = await connection.request('project/add', { path });
    this.#select(project.id);
  };

  /** Removes a project; if it was on screen, its neighbour takes its place. */
  readonly #removeProject = async (projectId: ProjectId): Promise<void> => {
    const connection = this.#requireConnection();
    const wasSelected = this.#selectedProject()?.id === projectId;
    const before = this.hostState?.projects ?? [];
    const index = before.findIndex((p) => p.id === projectId);
    await connection.request('project/remove', { projectId });
    if (wasSelected) {
      const rest = before.filter((p) => p.id !== projectId);
      const neighbour = rest[Math.min(index, rest.length - 1)];
      if (neighbour) this.#select(neighbour.id);
    }
    // The confirmation closes once this resolves and its opener is gone: put focus back
    // on the list after that (a task later), not before.
    setTimeout(() => void this.sidebar?.focusSelected(), 0);
  };

  #requireConnection(): HostConnection {
    if (!this.#connection) throw new Error('grove-app is not connected to the document');
    return this.#connection;
  }

  #paletteActions(projects: readonly Project[]): PaletteAction[] {
    const selected = this.#selectedProject();
    const current = selected?.id;
    const newThread: PaletteAction[] = selected
      ? [{ id: 'new-thread', label: 'New thread…', detail: `In ${selected.name}`, icon: 'thread', run: this.#openNewThread }]
      : [];
    const threads = (this.hostState?.threads ?? []).filter((t) => t.projectId === current);
    const open = threads
      .filter((t) => t.status !== 'archived')
      .map(
        (t): PaletteAction => ({
          id: `open:${t.id}`,
          label: `Open ${t.title}`,
          detail: checkoutLabel(t),
          icon: 'thread',
          run: () => void this.#openThread(t.id),
        }),
      );
    // The cards' own actions, for the project on screen.
    const archive = threads
      .filter((t) => offersArchive(t.status))
      .map(
        (t): PaletteAction => ({
          id: `archive:${t.id}`,
          label: `Archive ${t.title}…`,
          detail: checkoutLabel(t),
          icon: 'archive',
          run: () => this.#confirmArchive(t.id),
        }),
      );
    const pending = pendingCount(this.hostState?.approvals ?? []);
    const inbox: PaletteAction = {
      id: 'inbox',
      label: 'Open inbox',
      detail: pending > 0 ? `${pending} waiting` : 'Nothing waiting',
      icon: 'inbox',
      run: () => void this.#openInbox(),
    };
    return [
      inbox,
      ...newThread,
      ...open,
      { id: 'add', label: 'Add project…', icon: 'plus', run: this.#openAddDialog },
      ...projects.map(
        (p): PaletteAction => ({
          id: `switch:${p.id}`,
          label: `Switch to ${p.name}`,
          detail: p.id === current ? 'Current' : p.path,
          icon: 'arrowRight',
          run: () => {
            this.#select(p.id);
            void this.updateComplete.then(() => this.sidebar.focusSelected());
          },
        }),
      ),
      ...projects.map(
        (p): PaletteAction => ({
          id: `remove:${p.id}`,
          label: `Remove ${p.name}…`,
          detail: 'Files stay on disk',
          icon: 'trash',
          run: () => this.#confirmRemove(p.id),
        }),
      ),
      ...archive,
    ];
  }
}

function hasModifier(event: KeyboardEvent): boolean {
  return event.shiftKey || event.ctrlKey || event.altKey || event.metaKey;
}

/** Requests waiting for a person, across every thread. */
function pendingCount(approvals: readonly Approval[]): number {
  return approvals.reduce((n, a) => (a.status === 'pending' ? n + 1 : n), 0);
}

/** Threads not archived, per project: what the sidebar counts. */
function liveThreadCounts(threads: readonly Thread[]): ReadonlyMap<ProjectId, number> {
  const counts = new Map<ProjectId, number>();
  for (const t of threads) if (t.status !== 'archived') counts.set(t.projectId, (counts.get(t.projectId) ?? 0) + 1);
  return counts;
}

function readSelectedProject(): ProjectId | null {
  try {
    return localStorage.getItem(SELECTED_PROJECT_KEY) as ProjectId | null;
  } catch {
    return null;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'grove-app': GroveApp;
  }
}
