import { decodeAnsiC } from './ansi-c-string.ts';
import type { SyntaxNode } from './shell-parser.ts';

/** One shell word as the policy sees it: its value when that is fixed before the command runs. */
export interface ShellWord {
  /** The word as written, for messages. */
  readonly text: string;
  /** The value after quote removal; undefined when it depends on variables or substitutions. */
  readonly value: string | undefined;
  /** Unquoted `*`, `?`, `[` or a brace expansion: the shell may turn it into other words. */
  readonly isPattern: boolean;
  /** Starts with an unquoted `~`, which the shell replaces with a home folder. */
  readonly hasTilde: boolean;
  /** The whole word is `<(…)` or `>(…)`: a pipe, not a file on disk. */
  readonly isProcessSubstitution: boolean;
  /** Command and process substitutions inside it: they run too, so they are checked too. */
  readonly substitutions: readonly SyntaxNode[];
  /** Expansions that can run code hidden in a variable's value (`${!x}`, `${x@P}`, arithmetic on variables). */
  readonly problems: readonly string[];
}

interface WordState {
  value: string;
  isDynamic: boolean;
  sawGlob: boolean;
  braceOpen: boolean;
  braceClose: boolean;
  braceList: boolean;
  substitutions: SyntaxNode[];
  problems: string[];
}

/** Evaluates a word node (word, string, raw_string, concatenation, expansion, …) without running anything. */
export function evaluateWord(node: SyntaxNode): ShellWord {
  const state: WordState = {
    value: '',
    isDynamic: false,
    sawGlob: false,
    braceOpen: false,
    braceClose: false,
    braceList: false,
    substitutions: [],
    problems: [],
  };
  visit(node, state);
  const first = node.type === 'concatenation' ? node.firstChild : node;
  return {
    text: node.text,
    value: state.isDynamic ? undefined : state.value,
    isPattern: state.sawGlob || (state.braceOpen && state.braceClose && state.braceList),
    hasTilde: first?.type === 'word' && first.text.startsWith('~'),
    isProcessSubstitution: node.type === 'process_substitution',
    substitutions: state.substitutions,
    problems: state.problems,
  };
}

/** A word made by the policy itself (from `eval`'s or `xargs`' point of view), with a fixed value. */
export function literalWord(value: string): ShellWord {
  return {
    text: value,
    value,
    isPattern: false,
    hasTilde: false,
    isProcessSubstitution: false,
    substitutions: [],
    problems: [],
  };
}

function visit(node: SyntaxNode, state: WordState): void {
  switch (node.type) {
    case 'word':
      return void unquoted(node.text, state);
    case 'number':
      if (node.namedChildCount === 0) return void unquoted(node.text, state);
      return void dynamicParts(node, state);
    case 'raw_string':
      state.value += node.text.slice(1, -1);
      return;
    case 'ansi_c_string': {
      const decoded = decodeAnsiC(node.text.slice(2, -1));
      if (decoded === undefined) {
        state.isDynamic = true;
        state.problems.push(`${node.text} uses an escape Grove does not decode`);
      } else state.value += decoded;
      return;
    }
    case 'string':
      return void doubleQuoted(node, state);
    case 'translated_string':
      for (const child of node.namedChildren) visit(child, state);
      return;
    case 'concatenation':
      for (const child of node.children) visit(child, state);
      return;
    case 'simple_expansion':
      state.isDynamic = true;
      return;
    case 'expansion':
      state.isDynamic = true;
      return void expansion(node, state);
    case 'command_substitution':
    case 'process_substitution':
      state.isDynamic = true;
      state.substitutions.push(node);
      return;
    case 'arithmetic_expansion':
      state.isDynamic = true;
      return void arithmetic(node, state);
    case 'brace_expression':
    case 'extglob_pattern':
      state.value += node.text;
      state.sawGlob = true;
      return;
    default:
      state.isDynamic = true;
      state.problems.push(`${node.text} is shell syntax (${node.type}) that Grove does not evaluate`);
  }
}

/** Unquoted text: backslash escapes are removed, and unescaped glob and brace characters noted. */
function unquoted(text: string, state: WordState): void {
  for (let i = 0; i < text.length; i++) {
    const char = text[i] as string;
    if (char === '\\') {
      const next = text[i + 1];
      i++;
      if (next !== undefined && next !== '\n') state.value += next;
      continue;
    }
    if (char === '*' || char === '?' || char === '[') state.sawGlob = true;
    else if (char === '{') state.braceOpen = true;
    else if (char === '}') state.braceClose = true;
    else if (char === ',' || (char === '.' && text[i + 1] === '.')) state.braceList = true;
    state.value += char;
  }
}

function doubleQuoted(node: SyntaxNode, state: WordState): void {
  const dynamic = node.namedChildren.filter((child) => child.type !== 'string_content');
  if (dynamic.length === 0) {
    // Inside double quotes a backslash escapes only $ ` " \ and a newline.
    state.value += node.text.slice(1, -1).replace(/\\([$`"\\\n])/g, (_, escaped: string) => (escaped === '\n' ? '' : escaped));
    return;
  }
  state.isDynamic = true;
  for (const child of dynamic) visit(child, state);
}

/**
 * `${name}` and its pattern operators only transform a value. Indirection (`${!x}`), the `@`
 * operators (`${x@P}` runs command substitutions found in the value) and a subscript with a
 * non-literal index (evaluated as arithmetic, which can run commands) are refused.
 */
function expansion(node: SyntaxNode, state: WordState): void {
  const text = node.text;
  if (text.startsWith('${!')) state.problems.push(`${text} expands a variable named by another variable`);
  if (/@[A-Za-z]\}$/.test(text)) state.problems.push(`${text} transforms a value in ways that can run code`);
  for (const subscript of node.descendantsOfType('subscript')) {
    const index = subscript.childForFieldName('index');
    if (index !== null && !/^(?:[0-9]+|@|\*)$/.test(index.text))
      state.problems.push(`${text} evaluates an array index as arithmetic, which can run code`);
  }
  dynamicParts(node, state);
}

/** Bash evaluates the value of a variable used in arithmetic as an expression, and `a[$(cmd)]` there runs cmd. */
function arithmetic(node: SyntaxNode, state: WordState): void {
  if (node.descendantsOfType(['variable_name', 'simple_expansion', 'expansion', 'subscript']).length > 0)
    state.problems.push(`${node.text} does arithmetic on variables, whose values can run code`);
  dynamicParts(node, state);
}

/** Collects substitutions nested anywhere inside a node that is dynamic anyway. */
function dynamicParts(node: SyntaxNode, state: WordState): void {
  state.isDynamic = true;
  for (const inner of node.descendantsOfType(['command_substitution', 'process_substitution'])) {
    if (!state.substitutions.some((known) => known.startIndex <= inner.startIndex && inner.endIndex <= known.endIndex))
      state.substitutions.push(inner);
  }
}
