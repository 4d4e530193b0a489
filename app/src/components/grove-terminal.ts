import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { StreamHandler } from '../connection/host-connection.ts';
import { messageOf } from '../error-message.ts';
import { emit } from '../events.ts';
import { icon } from '../icons.ts';
import {
  type AnyStreamNotification,
  type MethodName,
  type ParamsOf,
  type ResultOf,
  TERMINAL_SCROLLBACK_LINES,
  type TerminalId,
  type ThreadId,
} from '../protocol.ts';
import { progressStyles, sharedStyles } from '../styles/shared.ts';
import { DARK_SCHEME, terminalTheme } from '../terminal/terminal-theme.ts';
import { type FitAddon, loadXterm, type Terminal } from '../terminal/xterm.ts';

/** What the terminal needs of the host connection (HostConnection provides it). */
export interface TerminalHost {
  request<M extends MethodName>(method: M, params: ParamsOf<M>): Promise<ResultOf<M>>;
  onStream(terminalId: TerminalId, handler: StreamHandler): () => void;
}

/**
 * Acks are batched: at most one in flight, sent once this much more has rendered, or as
 * soon as xterm has caught up with everything received. Against the host's 256K window
 * (it resumes under 128K) that keeps the shell streaming during a flood, for one small
 * message per 32K instead of one per output message.
 */
const ACK_BATCH_CHARS = 32 * 1024;
/**
 * A resize settles this long before xterm reflows and the shell hears of it: dragging the
 * window would otherwise reflow the scrollback and redraw full-screen programs every frame.
 */
const RESIZE_SETTLE_MS = 60;
/** Keystrokes kept while the shell is (re)attaching; a held-down key should not pile up more. */
const TYPE_AHEAD_CHARS = 4096;
/** The protocol's bounds for a terminal size. */
const COLS = { min: 2, max: 1000 };
const ROWS = { min: 1, max: 500 };

const DIM = '\x1b[2m';
const PLAIN = '\x1b[0m';
/** Full reset (RIS): clears the screen, the scrollback and every mode, in order with other writes. */
const FULL_RESET = '\x1bc';

/** Where the terminal stands; the header says it in words. */
type Phase =
  | { readonly kind: 'starting' }
  | { readonly kind: 'live'; readonly cols: number; readonly rows: number }
  | { readonly kind: 'exited'; readonly exitCode: number | null }
  /** The host connection is down; the screen keeps what it showed and comes back on reconnect. */
  | { readonly kind: 'offline' }
  | { readonly kind: 'failed'; readonly message: string };

/**
 * A thread's shell, rendered by xterm.js (loaded on first use). It attaches with
 * `terminal/open` and writes the replay, then the live `terminal/output` stream, never
 * twice over where the two overlap. Acks come from xterm's write callback, so the host
 * pauses the shell rather than flood a page that cannot keep up. It attaches again in each
 * new host session (the host replays the scrollback), and after the shell exits, Enter
 * starts a new one below the old output. Shift+Escape hands focus back to the view around
 * it; every other key goes to the shell.
 *
 * @fires grove-leave-terminal - Shift+Escape was pressed in the terminal.
 */
@customElement('grove-terminal')
export class GroveTerminal extends LitElement {
  static override styles = [
    sharedStyles,
    progressStyles,
    css`
      :host {
        display: flex;
        flex-direction: column;
        min-height: 0;
      }

      .bar {
        display: flex;
        align-items: center;
        gap: 8px;
        height: 32px;
        padding: 0 16px;
        color: var(--fg-muted);
        font-size: var(--text-sm);
      }

      h3 {
        margin: 0;
        color: var(--fg);
        font-size: var(--text-sm);
        font-weight: 600;
      }

      .state {
        display: inline-flex;
        align-items: center;
        gap: 6px;
        color: var(--fg-faint);
      }

      .state.is-problem {
        color: var(--status-error);
      }

      .hint {
        margin-left: auto;
        color: var(--fg-faint);
        font-size: var(--text-xs);
        white-space: nowrap;
      }

      .screen {
        position: relative;
        flex: 1;
        min-height: 0;
        margin: 0 12px 12px;
        padding: 8px 4px 4px 10px;
        border: 1px solid var(--border);
        border-radius: var(--radius);
        background: var(--terminal-bg);
        cursor: text;
      }

      .screen:focus-within {
        border-color: var(--border-strong);
      }

      /* xterm measures this box to fit its grid, so it carries no padding of its own. */
      .xterm-parent {
        width: 100%;
        height: 100%;
      }

      .xterm-parent .xterm {
        height: 100%;
      }

      /* xterm's stylesheet paints the viewport black; the grid rarely fills it to the pixel. */
      .xterm-parent .xterm .xterm-viewport {
        background-color: transparent;
      }

      .xterm .xterm-helper-textarea:focus-visible {
        outline: none;
      }

      .notice {
        position: absolute;
        inset: 0;
        display: grid;
        place-items: center;
        padding: 24px;
        background: var(--terminal-bg);
        border-radius: inherit;
      }

      .notice > div {
        display: flex;
        flex-direction: column;
        align-items: center;
        gap: 10px;
        max-width: 420px;
        text-align: center;
      }

      .notice p {
        margin: 0;
        color: var(--fg-muted);
        overflow-wrap: anywhere;
      }

      .notice .icon {
        width: 18px;
        height: 18px;
        color: var(--status-error);
      }
    `,
  ];

  @property({ attribute: false }) threadId: ThreadId | null = null;
  /** Which of the thread's shells (from 1); null for the host's choice, its first running one. */
  @property({ attribute: false }) number: number | null = null;
  @property({ attribute: false }) host: TerminalHost | null = null;
  /** The host connection's session while it is ready, null while it is down; each new session attaches again. */
  @property({ attribute: false }) session: number | null = null;

  @state() private phase: Phase = { kind: 'starting' };

  @query('.xterm-parent') private parent!: HTMLElement;

  #term: Terminal | null = null;
  #fit: FitAddon | null = null;
  /** Counts attach attempts; work for an earlier one (a late answer, a write callback) is dropped. */
  #generation = 0;
  #terminalId: TerminalId | null = null;
  #unsubscribe: (() => void) | null = null;
  /** Stream position of the end of what has been handed to xterm. */
  #end = 0;
  /** Stream position xterm has rendered up to (its write callbacks). */
  #rendered = 0;
  #acked = 0;
  #isAcking = false;
  #sentSize = { cols: 0, rows: 0 };
  #resizeTimer: ReturnType<typeof setTimeout> | undefined;
  #observer: ResizeObserver | null = null;
  #wantsFocus = false;
  #typedAhead = '';
  readonly #scheme = matchMedia(DARK_SCHEME);

  override connectedCallback(): void {
    super.connectedCallback();
    this.#scheme.addEventListener('change', this.#onSchemeChange);
    // Moved in the document: attach again, as a fresh element would.
    if (this.hasUpdated) void this.#attach();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#scheme.removeEventListener('change', this.#onSchemeChange);
    this.#generation += 1;
    this.#detach();
    this.#observer?.disconnect();
    this.#observer = null;
    clearTimeout(this.#resizeTimer);
    this.#term?.dispose();
    this.#term = null;
    this.#fit = null;
    this.#terminalId = null;
  }

  /** Puts keyboard focus in the terminal, now or as soon as it has loaded. */
  override focus(): void {
    if (this.#term) this.#term.focus();
    else this.#wantsFocus = true;
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (!changed.has('session') && !changed.has('threadId') && !changed.has('number') && !changed.has('host')) return;
    if (this.session === null) {
      this.#detach();
      if (this.phase.kind !== 'failed') this.phase = { kind: 'offline' };
      return;
    }
    void this.#attach();
  }

  override render() {
    return html`<div class="bar">
        <h3 id="terminal-title">Terminal</h3>
        <slot name="tabs"></slot>
        ${this.#renderState()}
        <span class="hint"><kbd>⇧</kbd> <kbd>Esc</kbd> leaves the terminal</span>
      </div>
      <div class="screen" role="group" aria-labelledby="terminal-title" @click=${() => this.#term?.focus()}>
        <div class="xterm-parent"></div>
        ${
          this.phase.kind === 'failed'
            ? html`<div class="notice" role="alert"><div>
                ${icon('alert')}<p>${this.phase.message}</p>
                <button class="btn" @click=${() => void this.#attach()}>Try again</button>
              </div></div>`
            : nothing
        }
      </div>`;
  }

  #renderState() {
    switch (this.phase.kind) {
      case 'starting':
        return html`<span class="state progress" role="status"><span class="spinner"></span>Starting…</span>`;
      case 'live':
        return html`<span class="state mono" title="Columns × rows">${this.phase.cols} × ${this.phase.rows}</span>`;
      case 'exited':
        return html`<span class="state" role="status">Exited${this.phase.exitCode === null ? '' : ` (code ${this.phase.exitCode})`}</span>`;
      case 'offline':
        // The banner above the board says why and offers a retry; this only marks the screen as stale.
        return html`<span class="state">Disconnected</span>`;
      case 'failed':
        return html`<span class="state is-problem">Not available</span>`;
      default:
        return assertNever(this.phase);
    }
  }

  /** Attaches to the thread's shell (starting one if none runs) and shows its scrollback, then its live output. */
  async #attach(): Promise<void> {
    const { host, threadId, number, session } = this;
    if (!host || !threadId || session === null) return;
    const generation = ++this.#generation;
    this.#detach();
    this.phase = { kind: 'starting' };
    let term: Terminal;
    try {
      term = await this.#ensureXterm();
    } catch (error) {
      if (generation === this.#generation) {
        this.phase = {
          kind: 'failed',
          message: `Grove could not load its terminal (${messageOf(error)}). Reload the page to try again.`,
        };
      }
      return;
    }
    if (generation !== this.#generation) return;
    const size = this.#fitSize(term);
    let opened: ResultOf<'terminal/open'>;
    try {
      opened = await host.request('terminal/open', { threadId, ...(number === null ? {} : { number }), ...size });
    } catch (error) {
      if (generation === this.#generation) {
        this.phase = { kind: 'failed', message: messageOf(error) };
        this.#typedAhead = '';
      }
      return;
    }
    // A later attempt owns the screen now; the connection acks whatever this one is sent.
    if (generation !== this.#generation) return;

    const { terminalId, replay, seq, exited } = opened;
    // Subscribe before anything else can run: output after the answer starts at `seq`.
    this.#unsubscribe = host.onStream(terminalId, (n) => this.#onStream(generation, n));
    this.#terminalId = terminalId;
    // The host counts the replay as rendered: the screen as it is, never what this one showed before.
    this.#reset(generation, replay, seq);
    this.#acked = seq;
    this.#sentSize = size;
    if (exited) {
      this.#showExited(exited.exitCode);
    } else {
      this.phase = { kind: 'live', ...size };
      this.#refit();
      this.#sendInput(this.#typedAhead);
    }
    this.#typedAhead = '';
  }

  /** Stops listening to the current shell; it runs on, and the host stops sending its output here. */
  #detach(): void {
    if (this.#unsubscribe === null) return;
    this.#unsubscribe();
    this.#unsubscribe = null;
    const terminalId = this.#terminalId;
    if (terminalId && this.host) this.host.request('terminal/detach', { terminalId }).catch(ignore);
  }

  async #ensureXterm(): Promise<Terminal> {
    if (this.#term) return this.#term;
    const xterm = await loadXterm();
    if (this.#term) return this.#term;
    const root = this.shadowRoot;
    if (root && !root.adoptedStyleSheets.includes(xterm.styles)) {
      root.adoptedStyleSheets = [...root.adoptedStyleSheets, xterm.styles];
    }
    const style = getComputedStyle(this);
    const term = new xterm.Terminal({
      fontFamily: style.getPropertyValue('--font-mono').trim() || 'monospace',
      fontSize: 13,
      lineHeight: 1.2,
      scrollback: TERMINAL_SCROLLBACK_LINES,
      theme: terminalTheme(this),
      cursorBlink: false,
      cursorInactiveStyle: 'outline',
      macOptionIsMeta: true,
    });
    const fit = new xterm.FitAddon();
    term.loadAddon(fit);
    term.open(this.parent);
    term.onData(this.#onData);
    term.attachCustomKeyEventHandler(this.#onKey);
    this.#term = term;
    this.#fit = fit;
    this.#observer = new ResizeObserver(() => {
      clearTimeout(this.#resizeTimer);
      this.#resizeTimer = setTimeout(() => this.#refit(), RESIZE_SETTLE_MS);
    });
    this.#observer.observe(this.parent);
    if (this.#wantsFocus) {
      this.#wantsFocus = false;
      term.focus();
    }
    return term;
  }

  /** Fits xterm's grid to its box and returns the size, within the protocol's bounds. */
  #fitSize(term: Terminal): { cols: number; rows: number } {
    if (this.#fit?.proposeDimensions()) this.#fit.fit();
    return { cols: clamp(term.cols, COLS.min, COLS.max), rows: clamp(term.rows, ROWS.min, ROWS.max) };
  }

  /** Refits after the box changed size, and tells the shell if its grid did. */
  #refit(): void {
    const term = this.#term;
    const terminalId = this.#terminalId;
    if (!term) return;
    const size = this.#fitSize(term);
    if (!terminalId || this.phase.kind !== 'live') return;
    if (size.cols === this.#sentSize.cols && size.rows === this.#sentSize.rows) return;
    this.#sentSize = size;
    this.phase = { kind: 'live', ...size };
    this.host?.request('terminal/resize', { terminalId, ...size }).catch(ignore);
  }

  #onStream(generation: number, notification: AnyStreamNotification): void {
    if (generation !== this.#generation) return;
    switch (notification.method) {
      case 'terminal/output': {
        const { seq, data } = notification.params;
        const end = seq + data.length;
        if (end <= this.#end) return; // Already on screen (the replay covered it).
        const fresh = seq < this.#end ? data.slice(this.#end - seq) : data;
        this.#end = end;
        this.#write(generation, fresh, end);
        return;
      }
      case 'terminal/reset':
        this.#reset(generation, notification.params.data, notification.params.seq);
        return;
      case 'terminal/exited':
        this.#showExited(notification.params.exitCode);
        return;
      default:
        assertNever(notification);
    }
  }

  /** Replaces the whole screen and scrollback with `data`, the screen at stream position `seq`. */
  #reset(generation: number, data: string, seq: number): void {
    this.#end = seq;
    this.#rendered = Math.min(this.#rendered, seq);
    this.#write(generation, FULL_RESET + data, seq);
  }

  /** Hands `data` to xterm; once it has rendered, everything up to `end` may be acked. */
  #write(generation: number, data: string, end: number): void {
    this.#term?.write(data, () => {
      if (generation !== this.#generation) return;
      this.#rendered = Math.max(this.#rendered, end);
      this.#ack();
    });
  }

  #ack(): void {
    const terminalId = this.#terminalId;
    if (this.#isAcking || !terminalId || !this.host) return;
    const behind = this.#rendered - this.#acked;
    if (behind <= 0) return;
    // More is on its way into xterm: wait for a batch, or for it to catch up.
    if (behind < ACK_BATCH_CHARS && this.#rendered < this.#end) return;
    const seq = this.#rendered;
    this.#acked = seq;
    this.#isAcking = true;
    this.host
      .request('terminal/ack', { terminalId, seq })
      .catch(ignore)
      .finally(() => {
        this.#isAcking = false;
        // Whatever rendered meanwhile (for this shell or the one that replaced it) is acked now.
        this.#ack();
      });
  }

  #showExited(exitCode: number | null): void {
    this.phase = { kind: 'exited', exitCode };
    const term = this.#term;
    if (!term) return;
    const what = exitCode === null ? 'process ended by a signal' : `process exited with code ${exitCode}`;
    // After everything already written, on a line of its own.
    term.write('', () => {
      const newline = term.buffer.active.cursorX === 0 ? '' : '\r\n';
      term.write(`${newline}${DIM}[${what}] — press Enter to start a new shell${PLAIN}\r\n`);
    });
  }

  readonly #onData = (data: string): void => {
    switch (this.phase.kind) {
      case 'exited':
        if (data === '\r') void this.#attach();
        return;
      case 'starting':
        // Typed while the shell is (re)attaching: it goes in once the shell is there.
        this.#typedAhead = (this.#typedAhead + data).slice(-TYPE_AHEAD_CHARS);
        return;
      case 'live':
        this.#sendInput(data);
        return;
      default:
        return;
    }
  };

  #sendInput(data: string): void {
    const terminalId = this.#terminalId;
    if (data === '' || !terminalId) return;
    this.host?.request('terminal/input', { terminalId, data }).catch(ignore);
  }

  /** Shift+Escape leaves the terminal; Escape alone sends the same byte, so the shell loses nothing. */
  readonly #onKey = (event: KeyboardEvent): boolean => {
    if (event.key !== 'Escape' || !event.shiftKey || event.ctrlKey || event.altKey || event.metaKey) return true;
    if (event.type === 'keydown') {
      event.preventDefault();
      this.#term?.blur();
      emit(this, 'grove-leave-terminal', undefined);
    }
    return false;
  };

  readonly #onSchemeChange = (): void => {
    if (this.#term) this.#term.options.theme = terminalTheme(this);
  };
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, Math.floor(value) || min));
}

function ignore(): void {
  // Input, acks and resizes fail only when the connection dropped; the next session attaches afresh.
}

function assertNever(value: never): never {
  throw new Error(`Unhandled terminal state: ${JSON.stringify(value)}`);
}

declare global {
  interface HTMLElementTagNameMap {
    'grove-terminal': GroveTerminal;
  }
}
