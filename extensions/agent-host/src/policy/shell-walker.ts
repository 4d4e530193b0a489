import { basename, dirname, posix } from 'node:path';
import type { CommandPaths } from './command-paths.ts';
import { checkInvocation } from './command-rules.ts';
import { Findings, type PolicyDecision } from './decision.ts';
import { about, type CommandPolicyOptions, type RuleHost } from './invocation.ts';
import type { ShellParser, SyntaxNode } from './shell-parser.ts';
import { evaluateWord, type ShellWord } from './shell-word.ts';
import { findSuspiciousCharacter, isPlainCommandName } from './suspicious-text.ts';
import { isHarmlessVariable } from './variable-names.ts';

/**
 * Longer commands ask. A person cannot review a wall of shell in the inbox either, and the
 * bound keeps a hostile input from costing more than a few milliseconds to parse.
 */
export const MAX_COMMAND_LENGTH = 10_000;

/** `bash -c` inside `eval` inside `sh -c`…: deeper than this asks. Real commands nest once or twice. */
const MAX_NESTING = 4;

/** Folders whose programs are the system's own: `/usr/bin/git` is git, but `./git` or `C:/…/git.exe` is some other program. */
const SYSTEM_BIN_FOLDERS = new Set([
  '/bin',
  '/usr/bin',
  '/usr/local/bin',
  '/sbin',
  '/usr/sbin',
  '/usr/local/sbin',
  '/opt/homebrew/bin',
]);

/** Nodes whose children are statements (plus separators and, for loops and cases, words). */
const STRUCTURE = new Set([
  'program',
  'list',
  'pipeline',
  'subshell',
  'compound_statement',
  'do_group',
  'negated_command',
  'if_statement',
  'elif_clause',
  'else_clause',
  'while_statement',
  'for_statement',
  'case_statement',
  'case_item',
]);

const STATEMENTS = new Set([
  ...STRUCTURE,
  'redirected_statement',
  'command',
  'variable_assignment',
  'variable_assignments',
  'declaration_command',
  'unset_command',
  'function_definition',
  'c_style_for_statement',
  'test_command',
  'comment',
]);

/** Comparison operators that make `[[ … ]]` evaluate both sides as arithmetic. */
const ARITHMETIC_TESTS = new Set(['-eq', '-ne', '-lt', '-le', '-gt', '-ge']);

/**
 * Walks a parsed command and checks every command that would run: each part of a list or
 * pipeline, the insides of subshells, groups, loops and conditions, command and process
 * substitutions, scripts given to `bash -c` and `eval`, and every redirection. Anything it
 * does not recognise asks.
 */
export class ShellWalker implements RuleHost {
  readonly findings = new Findings();
  readonly paths: CommandPaths;
  readonly options: CommandPolicyOptions;
  readonly worktree: string;
  private readonly parser: ShellParser;
  private readonly commands = new Set<string>();
  private depth = 0;

  constructor(parser: ShellParser, worktree: string, options: CommandPolicyOptions, paths: CommandPaths) {
    this.parser = parser;
    this.worktree = worktree;
    this.options = options;
    this.paths = paths;
  }

  result(): PolicyDecision {
    if (!this.findings.isAllowed) return this.findings.result();
    const names = [...this.commands];
    return { decision: 'allow', reasons: [names.length === 0 ? 'it runs no command' : `read-only: ${names.join(', ')}`] };
  }

  script(text: string, snippet: string): void {
    if (this.depth >= MAX_NESTING) return void this.findings.ask(about(snippet, `shells nested more than ${MAX_NESTING} deep`));
    if (text.length > MAX_COMMAND_LENGTH)
      return void this.findings.ask(about(snippet, `the command is longer than ${MAX_COMMAND_LENGTH} characters`));
    const suspicious = findSuspiciousCharacter(text);
    if (suspicious !== undefined)
      return void this.findings.ask(about(snippet, `it contains ${suspicious}, an invisible, control or look-alike character`));
    using parsed = this.parser.parse(text);
    if (parsed.hasError)
      return void this.findings.ask(about(snippet, 'it is not valid bash, so what it would run cannot be told'));
    this.depth++;
    try {
      this.visit(parsed.root);
    } finally {
      this.depth--;
    }
  }

  invoke(words: readonly ShellWord[], snippet: string, moreOperands: boolean): void {
    const [first, ...args] = words;
    if (first === undefined) return;
    const value = first.value;
    if (value === undefined)
      return void this.findings.ask(about(snippet, `the command name ${first.text} is only known at run time`));
    if (first.isPattern || first.hasTilde)
      return void this.findings.ask(about(snippet, `the command name ${first.text} is expanded by the shell`));
    if (!isPlainCommandName(value))
      return void this.findings.ask(about(snippet, `the command name ${JSON.stringify(value)} is not plain ASCII`));
    let name = value;
    if (value.includes('/')) {
      const normalized = posix.normalize(value);
      if (!SYSTEM_BIN_FOLDERS.has(dirname(normalized)))
        return void this.findings.ask(about(snippet, `runs the program ${value} by its path`));
      name = basename(normalized);
    }
    this.commands.add(name);
    checkInvocation(this, { name, args, snippet, moreOperands });
  }

  private visit(node: SyntaxNode): void {
    if (STRUCTURE.has(node.type)) return void this.structure(node);
    switch (node.type) {
      case 'comment':
        return;
      case 'command':
        return void this.command(node, []);
      case 'redirected_statement':
        return void this.redirected(node);
      case 'variable_assignment':
        return void this.assignment(node, node.text);
      case 'variable_assignments':
        for (const child of node.namedChildren) this.assignment(child, node.text);
        return;
      case 'test_command':
        return void this.test(node);
      case 'declaration_command':
        return void this.findings.ask(
          about(node.text, 'export, declare, local and readonly change variables later commands see'),
        );
      case 'unset_command':
        return void this.findings.ask(about(node.text, 'unset changes variables later commands see'));
      case 'function_definition':
        return void this.findings.ask(about(node.text, 'defines a function, which can stand in for any command'));
      case 'c_style_for_statement':
        return void this.findings.ask(about(node.text, 'a C-style for loop evaluates arithmetic, which can run code'));
      default:
        return void this.findings.ask(about(node.text, `uses shell syntax (${node.type}) that Grove does not check`));
    }
  }

  private structure(node: SyntaxNode): void {
    if (node.type === 'compound_statement' && node.firstChild?.type === '((') return void this.arithmeticCommand(node);
    for (const child of node.children) {
      if (!child.isNamed) {
        if (child.type === '&')
          this.findings.ask(about(node.text, 'runs a command in the background, where it outlives the check'));
        continue;
      }
      if (STATEMENTS.has(child.type)) this.visit(child);
      else if (child.type === 'variable_name') {
        if (!isHarmlessVariable(child.text))
          this.findings.ask(about(node.text, `the loop sets ${child.text}, which can change what runs`));
      } else this.word(child, node.text);
    }
  }

  private command(node: SyntaxNode, extraArguments: readonly SyntaxNode[]): void {
    const snippet = [node.text, ...extraArguments.map((argument) => argument.text)].join(' ');
    const words: ShellWord[] = [];
    for (let i = 0; i < node.childCount; i++) {
      const child = node.child(i) as SyntaxNode;
      const field = node.fieldNameForChild(i);
      if (child.type === 'variable_assignment') this.assignment(child, snippet, true);
      else if (field === 'name') words.unshift(this.word(child.firstNamedChild ?? child, snippet));
      else if (field === 'argument') words.push(this.word(child, snippet));
      else if (field === 'redirect') this.redirect(child, snippet);
      else if (child.isNamed) this.findings.ask(about(snippet, `uses shell syntax (${child.type}) that Grove does not check`));
    }
    for (const argument of extraArguments) words.push(this.word(argument, snippet));
    this.invoke(words, snippet, false);
  }

  private redirected(node: SyntaxNode): void {
    const extra: SyntaxNode[] = [];
    for (let i = 0; i < node.childCount; i++) {
      const child = node.child(i) as SyntaxNode;
      if (node.fieldNameForChild(i) !== 'redirect' && child.type !== 'herestring_redirect') continue;
      if (child.type === 'heredoc_redirect')
        for (let j = 0; j < child.childCount; j++)
          if (child.fieldNameForChild(j) === 'argument') extra.push(child.child(j) as SyntaxNode);
      this.redirect(child, node.text);
    }
    const body = node.childForFieldName('body');
    if (body?.type === 'command') return void this.command(body, extra);
    if (extra.length > 0) this.findings.ask(about(node.text, 'words after a here-document are not checked'));
    if (body !== null) this.visit(body);
  }

  private redirect(node: SyntaxNode, snippet: string): void {
    switch (node.type) {
      case 'file_redirect':
        return void this.fileRedirect(node, snippet);
      case 'herestring_redirect':
        for (const child of node.namedChildren) this.word(child, snippet);
        return;
      case 'heredoc_redirect':
        return void this.heredoc(node, snippet);
      default:
        return void this.findings.ask(about(snippet, `uses a redirection (${node.type}) that Grove does not check`));
    }
  }

  private fileRedirect(node: SyntaxNode, snippet: string): void {
    const operator = node.children.find((child) => !child.isNamed)?.type ?? '';
    const targets = node.children.filter((child) => child.isNamed && child.type !== 'file_descriptor');
    const words = targets.map((target) => this.word(target, snippet));
    if (operator === '<&-' || operator === '>&-') return;
    if (operator === '<&' || operator === '>&') {
      if (words.every((word) => word.value !== undefined && /^(\d+|-)$/.test(word.value))) return;
      for (const word of words) {
        if (operator === '<&') this.paths.checkRead(word, snippet, this.findings);
        else this.paths.checkWrite(word, snippet, this.findings);
      }
      return;
    }
    if (operator === '<') {
      for (const word of words) this.paths.checkRead(word, snippet, this.findings);
      return;
    }
    if (['>', '>>', '>|', '&>', '&>>', '<>'].includes(operator)) {
      for (const word of words) this.paths.checkWrite(word, snippet, this.findings);
      return;
    }
    this.findings.ask(about(snippet, `uses the redirection ${operator || node.text}, which Grove does not check`));
  }

  /** A here-document is data, but an unquoted one expands `$(…)` inside it, and a pipeline or list can follow its start. */
  private heredoc(node: SyntaxNode, snippet: string): void {
    for (let i = 0; i < node.childCount; i++) {
      const child = node.child(i) as SyntaxNode;
      if (!child.isNamed || node.fieldNameForChild(i) === 'argument') continue;
      if (child.type === 'heredoc_start' || child.type === 'heredoc_end') continue;
      if (child.type === 'heredoc_body') {
        for (const part of child.namedChildren) if (part.type !== 'heredoc_content') this.word(part, snippet);
      } else if (child.type.endsWith('_redirect')) this.redirect(child, snippet);
      else if (STATEMENTS.has(child.type)) this.visit(child);
      else this.findings.ask(about(snippet, `uses here-document syntax (${child.type}) that Grove does not check`));
    }
  }

  private assignment(node: SyntaxNode, snippet: string, forCommand = false): void {
    const name = node.childForFieldName('name');
    const value = node.childForFieldName('value');
    if (name === null || name.type !== 'variable_name') {
      this.findings.ask(
        about(snippet, `assigns ${name?.text ?? 'a variable'} in a way Grove does not follow (array index arithmetic)`),
      );
    } else if (!isHarmlessVariable(name.text)) {
      const scope = forCommand ? 'for the command' : 'for the commands after it';
      this.findings.ask(about(snippet, `sets ${name.text} ${scope}, which can change what runs or where it looks`));
    }
    if (value === null) return;
    if (value.type === 'array') for (const element of value.namedChildren) this.word(element, snippet);
    else this.word(value, snippet);
  }

  /** `[ … ]` and `[[ … ]]` only test, but `[[ $x -eq 1 ]]` evaluates $x's value as arithmetic, which can run code. */
  private test(node: SyntaxNode): void {
    for (const comparison of node.descendantsOfType('binary_expression')) {
      const operator = comparison.childForFieldName('operator')?.text ?? '';
      if (!ARITHMETIC_TESTS.has(operator)) continue;
      const sides = [comparison.childForFieldName('left'), comparison.childForFieldName('right')];
      if (sides.some((side) => side !== null && !/^-?\d+$/.test(side.text)))
        this.findings.ask(about(node.text, `${operator} compares values as arithmetic, which can run code hidden in a variable`));
    }
    this.nestedWords(node, node.text);
  }

  private arithmeticCommand(node: SyntaxNode): void {
    if (node.descendantsOfType(['variable_name', 'simple_expansion', 'expansion', 'subscript']).length > 0)
      this.findings.ask(about(node.text, '(( … )) evaluates variables as arithmetic, which can run code'));
    this.nestedWords(node, node.text);
  }

  /** The substitutions and expansions anywhere inside a node that is not itself a word. */
  private nestedWords(node: SyntaxNode, snippet: string): void {
    const inner = node.descendantsOfType(['command_substitution', 'process_substitution', 'expansion', 'arithmetic_expansion']);
    for (const part of inner) {
      const enclosed = inner.some(
        (outer) => outer.id !== part.id && outer.startIndex <= part.startIndex && part.endIndex <= outer.endIndex,
      );
      if (!enclosed) this.word(part, snippet);
    }
  }

  /** Evaluates a word and checks what runs inside it. */
  private word(node: SyntaxNode, snippet: string): ShellWord {
    const word = evaluateWord(node);
    for (const problem of word.problems) this.findings.ask(about(snippet, problem));
    for (const substitution of word.substitutions) {
      for (const child of substitution.namedChildren) {
        if (child.type.endsWith('_redirect')) this.redirect(child, snippet);
        else this.visit(child);
      }
    }
    return word;
  }
}
