import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import { customElement, query, state } from 'lit/decorators.js';
import { type ConnectionStatus, HostConnection } from '../connection/host-connection.ts';
import { serveEndpoint, windowEndpoint } from '../connection/host-endpoint.ts';
import type { GroveEvents } from '../events.ts';
import { hasModKey } from '../keyboard.ts';
import { isNeutralinoWindow, setWindowTitle } from '../platform/neutralino.ts';
import type { HostState, Project, ProjectId } from '../protocol.ts';
import { HostStore } from '../state/host-store.ts';
import { sharedStyles } from '../styles/shared.ts';
import type { GroveAddProject } from './grove-add-project.ts';
import type { GroveCommandPalette, PaletteAction } from './grove-command-palette.ts';
import type { GroveConfirmRemove } from './grove-confirm-remove.ts';
import type { GroveSidebar } from './grove-sidebar.ts';
import './grove-add-project.ts';
import './grove-banner.ts';
import './grove-board.ts';
import './grove-command-palette.ts';
import './grove-confirm-remove.ts';
import './grove-sidebar.ts';
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
    `,
  ];

  @state() private status: ConnectionStatus = { kind: 'connecting' };
  @state() private hostState: HostState | null = null;
  @state() private selectedId: ProjectId | null = readSelectedProject();

  @query('grove-add-project') private addDialog!: GroveAddProject;
  @query('grove-confirm-remove') private confirmDialog!: GroveConfirmRemove;
  @query('grove-command-palette') private palette!: GroveCommandPalette;
  @query('grove-sidebar') private sidebar!: GroveSidebar;

  readonly #isWindow = isNeutralinoWindow();
  #connection: HostConnection | null = null;
  #unsubscribe: (() => void) | null = null;
  #windowTitle = '';

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
        .selectedId=${selected?.id ?? null}
        .inboxPending=${this.hostState?.inbox.pending ?? null}
        @grove-select-project=${(e: CustomEvent<GroveEvents['grove-select-project']>) => this.#select(e.detail.projectId)}
        @grove-add-project=${this.#openAddDialog}
        @grove-remove-project=${(e: CustomEvent<GroveEvents['grove-remove-project']>) => this.#confirmRemove(e.detail.projectId)}
        @grove-open-palette=${this.#openPalette}
      ></grove-sidebar>
      <main @grove-add-project=${this.#openAddDialog} @grove-open-palette=${this.#openPalette}
        @grove-retry-connection=${() => this.#connection?.retryNow()}>
        ${this.#renderMain(selected)}
      </main>
      <grove-add-project .canChooseFolder=${this.#isWindow} .addProject=${this.#addProject}></grove-add-project>
      <grove-confirm-remove .removeProject=${this.#removeProject}></grove-confirm-remove>
      <grove-command-palette .actions=${this.#paletteActions(projects)}></grove-command-palette>
    `;
  }

  #renderMain(selected: Project | null) {
    if (!this.hostState) return html`<grove-banner variant="panel" .status=${this.status}></grove-banner>`;
    const banner = this.status.kind === 'ready' ? nothing : html`<grove-banner .status=${this.status}></grove-banner>`;
    if (!selected) return html`${banner}<grove-welcome></grove-welcome>`;
    return html`${banner}<grove-board .project=${selected}></grove-board>`;
  }

  protected override updated(changed: PropertyValues): void {
    if (changed.has('hostState')) this.#syncTitle();
  }

  #selectedProject(): Project | null {
    const projects = this.hostState?.projects ?? [];
    return projects.find((p) => p.id === this.selectedId) ?? projects[0] ?? null;
  }

  #select(projectId: ProjectId): void {
    this.selectedId = projectId;
    try {
      localStorage.setItem(SELECTED_PROJECT_KEY, projectId);
    } catch {
      // Storage can be disabled; the selection then lasts until reload.
    }
  }

  #syncTitle(): void {
    const pending = this.hostState?.inbox.pending ?? 0;
    const title = pending > 0 ? `Grove — ${pending} waiting` : 'Grove';
    if (title === this.#windowTitle) return;
    this.#windowTitle = title;
    document.title = title;
    if (this.#isWindow) setWindowTitle(title).catch((error: unknown) => console.warn('Grove: setTitle', error));
  }

  readonly #onKeydown = (event: KeyboardEvent): void => {
    if (event.key.toLowerCase() !== 'k' || !hasModKey(event) || event.altKey || event.shiftKey) return;
    event.preventDefault();
    // One modal at a time: the palette does not open over a dialog that is asking something.
    if (this.addDialog.isOpen || this.confirmDialog.isOpen) return;
    this.palette.toggle();
  };

  readonly #openAddDialog = (): void => {
    void this.addDialog.show();
  };

  readonly #openPalette = (): void => {
    void this.palette.show();
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
    const current = this.#selectedProject()?.id;
    return [
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
    ];
  }
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
