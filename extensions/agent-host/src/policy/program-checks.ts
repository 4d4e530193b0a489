/**
 * Checks of the small programs read-only tools take as their first operand. Each returns
 * why the program is not read-only, or undefined when it is. They fail closed: what they
 * do not understand asks.
 */

/** sed commands that only print, delete from the output, or move text between buffers. */
const SED_PLAIN = new Set(['p', 'P', 'd', 'D', 'n', 'N', 'g', 'G', 'h', 'H', 'x', 'l', '=', 'z', 'F', '{', '}']);

/**
 * A sed script is read-only when every command prints, deletes from the output or moves
 * text between buffers, and no `s` command carries the `w` (write) or `e` (execute) flag.
 * `w`, `W`, `r`, `R`, `e`, and text commands (`a`, `i`, `c`) ask. A regex containing `[`
 * asks too: GNU sed ends it at the first delimiter even inside brackets and BSD sed does
 * not, so the rest of the script would be read differently on the two.
 */
export function sedScriptProblem(script: string): string | undefined {
  let i = 0;
  const at = () => script[i] ?? '';
  const skipBlanks = () => {
    while (at() === ' ' || at() === '\t') i++;
  };
  const readAddress = (): boolean => {
    if (/[0-9]/.test(at())) {
      while (/[0-9~]/.test(at())) i++;
      return true;
    }
    if (at() === '$') {
      i++;
      return true;
    }
    if (at() === '/' || at() === '\\') {
      if (at() === '\\') i++;
      const delimiter = at();
      i++;
      const regex = readDelimited(delimiter);
      if (regex === undefined || regex.includes('[')) return false;
      while (at() === 'I' || at() === 'M') i++;
      return true;
    }
    return true;
  };
  const readDelimited = (delimiter: string): string | undefined => {
    let text = '';
    while (i < script.length && at() !== delimiter) {
      if (at() === '\\') {
        text += at();
        i++;
      }
      text += at();
      i++;
    }
    if (at() !== delimiter) return undefined;
    i++;
    return text;
  };

  while (i < script.length) {
    while (/[\s;]/.test(at()) && i < script.length) i++;
    if (i >= script.length) break;
    if (!readAddress()) return 'its address is a regex Grove does not read the same way as every sed';
    skipBlanks();
    if (at() === ',') {
      i++;
      skipBlanks();
      if (!readAddress()) return 'its address is a regex Grove does not read the same way as every sed';
    }
    skipBlanks();
    if (at() === '!') i++;
    skipBlanks();
    const command = at();
    i++;
    if (command === '{') continue;
    if (SED_PLAIN.has(command)) {
      while (/[0-9]/.test(at())) i++;
    } else if (command === 'q' || command === 'Q') {
      skipBlanks();
      while (/[0-9]/.test(at())) i++;
    } else if (command === '#' || command === ':' || command === 'b' || command === 't' || command === 'T') {
      while (i < script.length && at() !== '\n' && at() !== ';') i++;
    } else if (command === 's' || command === 'y') {
      const delimiter = at();
      if (delimiter === '' || delimiter === '\\' || delimiter === '\n') return 'its s command has no usable delimiter';
      i++;
      const regex = readDelimited(delimiter);
      const replacement = regex === undefined ? undefined : readDelimited(delimiter);
      if (regex === undefined || replacement === undefined) return `its ${command} command is not complete`;
      if (regex.includes('[')) return 'its regex has a bracket, which GNU and BSD sed end differently';
      if (command === 's') {
        const flags = /^[gpiImM0-9]*/.exec(script.slice(i))?.[0] ?? '';
        i += flags.length;
        if (at() === 'w' || at() === 'W' || at() === 'e')
          return `its s command has the “${at()}” flag, which writes a file or runs a command`;
      }
    } else {
      return `sed command “${command}” writes files, reads files or runs commands`;
    }
    skipBlanks();
    if (i < script.length && !/[;\n}#]/.test(at())) return `Grove does not understand “${script.slice(i, i + 10)}” in it`;
  }
  return undefined;
}

/**
 * An awk program is read-only when it cannot run commands (`system`, pipes, `getline` from a
 * command), write files (`print > file`), read the environment (`ENVIRON`) or load
 * extensions (`@load`). A `>` is a comparison unless the program prints, in which case it
 * may be a redirection and asks.
 */
export function awkProgramProblem(program: string): string | undefined {
  const code = program.replaceAll('||', ' ');
  if (/\bsystem\b|\bgetline\b|\bENVIRON\b|\bPROCINFO\b|@|\|/.test(code))
    return 'the awk program can run commands, read the environment or load code';
  if (/\bprintf?\b/.test(code) && /(^|[^>=!<])>(?!=)/.test(code))
    return 'the awk program may redirect its output into a file (print > file)';
  return undefined;
}

/** A jq filter is read-only unless it reads the environment (`env`, `$ENV`, where API keys live) or loads modules. */
export function jqFilterProblem(filter: string): string | undefined {
  if (/\benv\b|\$ENV\b|\$__prog|\bimport\b|\binclude\b/.test(filter))
    return 'the jq filter reads the environment or loads modules';
  return undefined;
}
