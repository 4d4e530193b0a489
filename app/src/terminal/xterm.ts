import type { FitAddon } from '@xterm/addon-fit';
import type { Terminal } from '@xterm/xterm';

export type { FitAddon } from '@xterm/addon-fit';
/**
 * The only importer of xterm.js. It loads on first use, in its own chunk, so the first
 * bundle stays small (DESIGN.md §10); its stylesheet comes along as text, ready to adopt
 * into a shadow root (a document-level <link> would not reach inside one).
 */
export type { ITheme, Terminal } from '@xterm/xterm';

export interface Xterm {
  readonly Terminal: typeof Terminal;
  readonly FitAddon: typeof FitAddon;
  /** xterm's own CSS (layout of its layers, the hidden input, the selection). */
  readonly styles: CSSStyleSheet;
}

let loading: Promise<Xterm> | undefined;

/** Loads xterm.js once; a failed load (a chunk missing after an update) is tried again next time. */
export function loadXterm(): Promise<Xterm> {
  loading ??= Promise.all([import('@xterm/xterm'), import('@xterm/addon-fit'), import('@xterm/xterm/css/xterm.css?inline')]).then(
    ([xterm, fit, css]) => {
      const styles = new CSSStyleSheet();
      styles.replaceSync(css.default);
      return { Terminal: xterm.Terminal, FitAddon: fit.FitAddon, styles };
    },
    (error: unknown) => {
      loading = undefined;
      throw error;
    },
  );
  return loading;
}
