import type { ITheme } from './xterm.ts';

/**
 * ANSI colours for each scheme (Primer's terminal palettes, which GitHub tunes for contrast
 * on its own light and dark surfaces). xterm's defaults are made for black, and yellow or
 * white text vanishes on a light background.
 */
const ANSI_LIGHT: ITheme = {
  black: '#24292f',
  red: '#cf222e',
  green: '#116329',
  yellow: '#7d4e00',
  blue: '#0969da',
  magenta: '#8250df',
  cyan: '#1b7c83',
  white: '#6e7781',
  brightBlack: '#57606a',
  brightRed: '#a40e26',
  brightGreen: '#1a7f37',
  brightYellow: '#633c01',
  brightBlue: '#218bff',
  brightMagenta: '#a475f9',
  brightCyan: '#3192aa',
  brightWhite: '#8c959f',
};

const ANSI_DARK: ITheme = {
  black: '#484f58',
  red: '#ff7b72',
  green: '#3fb950',
  yellow: '#d29922',
  blue: '#58a6ff',
  magenta: '#bc8cff',
  cyan: '#39c5cf',
  white: '#b1bac4',
  brightBlack: '#6e7681',
  brightRed: '#ffa198',
  brightGreen: '#56d364',
  brightYellow: '#e3b341',
  brightBlue: '#79c0ff',
  brightMagenta: '#d2a8ff',
  brightCyan: '#56d4dd',
  brightWhite: '#f0f6fc',
};

/** The scheme the page follows (the tokens in index.html switch on the same query). */
export const DARK_SCHEME = '(prefers-color-scheme: dark)';

/**
 * xterm's theme for the scheme in force: surface, text, cursor and selection from the
 * `--terminal-*` tokens as `element` sees them, ANSI colours from the palette above.
 */
export function terminalTheme(element: Element): ITheme {
  const style = getComputedStyle(element);
  const token = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  const isDark = matchMedia(DARK_SCHEME).matches;
  const background = token('--terminal-bg', isDark ? '#0e1110' : '#ffffff');
  const foreground = token('--terminal-fg', isDark ? '#e3e8e5' : '#1c2421');
  return {
    ...(isDark ? ANSI_DARK : ANSI_LIGHT),
    background,
    foreground,
    cursor: token('--terminal-cursor', foreground),
    cursorAccent: background,
    selectionBackground: token('--terminal-selection', isDark ? '#4cc28340' : '#1a7f4b33'),
    scrollbarSliderBackground: token('--terminal-scrollbar', isDark ? '#e4eae726' : '#1c242126'),
    scrollbarSliderHoverBackground: token('--terminal-scrollbar-hover', isDark ? '#e4eae740' : '#1c242140'),
    scrollbarSliderActiveBackground: token('--terminal-scrollbar-hover', isDark ? '#e4eae740' : '#1c242140'),
  };
}
