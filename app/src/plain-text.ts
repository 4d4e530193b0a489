/** Escape sequences (colours, cursor moves) that shells and build tools print. */
const ANSI_ESCAPE = new RegExp(`${String.fromCharCode(27)}(?:\\[[0-9;?]*[ -/]*[@-~]|\\][^\\u0007]*\\u0007|[()][0-9A-Za-z])`, 'g');

/**
 * Terminal output as a person would read it on the screen: escape sequences dropped, and
 * each line reduced to what follows its last carriage return (progress bars redraw a line).
 */
export function screenLines(output: string): string[] {
  return output
    .replace(ANSI_ESCAPE, '')
    .split('\n')
    .map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line).split('\r').pop() ?? '');
}

/** The last non-blank line a script printed, trimmed. */
export function lastLine(output: string): string {
  const lines = screenLines(output);
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]?.trim() ?? '';
    if (line !== '') return line;
  }
  return '';
}
