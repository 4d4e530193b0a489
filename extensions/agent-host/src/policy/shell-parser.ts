import { createRequire } from 'node:module';
import { Language, type Node, Parser } from 'web-tree-sitter';

/** A node of the bash syntax tree. Only the policy folder sees tree-sitter's types. */
export type SyntaxNode = Node;

/** A parsed script; `dispose` frees the tree, which lives in WebAssembly memory, not on the JS heap. */
export interface ParsedScript extends Disposable {
  readonly root: SyntaxNode;
  /** True when the parser had to skip or invent tokens: the text is not valid bash as written. */
  readonly hasError: boolean;
}

// Both .wasm files are found through the package resolution of the running file, so they load
// the same way from the sources (tests) and from the esbuild bundle, which does not copy them.
const require = createRequire(import.meta.url);
let language: Promise<Language> | undefined;

function loadLanguage(): Promise<Language> {
  language ??= Parser.init({ locateFile: (file: string) => require.resolve(`web-tree-sitter/${file}`) }).then(() =>
    Language.load(require.resolve('tree-sitter-bash/tree-sitter-bash.wasm')),
  );
  return language;
}

/**
 * Bash parsed by tree-sitter-bash through web-tree-sitter (WebAssembly: no native build, the
 * same on every platform). Loading takes tens of milliseconds once per process; parsing is
 * synchronous after that.
 */
export class ShellParser {
  private readonly parser: Parser;

  private constructor(parser: Parser) {
    this.parser = parser;
  }

  static async load(): Promise<ShellParser> {
    const bash = await loadLanguage();
    const parser = new Parser();
    parser.setLanguage(bash);
    return new ShellParser(parser);
  }

  parse(text: string): ParsedScript {
    const tree = this.parser.parse(text);
    if (tree === null) throw new Error('tree-sitter returned no tree although a language is set');
    return { root: tree.rootNode, hasError: tree.rootNode.hasError, [Symbol.dispose]: () => tree.delete() };
  }
}
