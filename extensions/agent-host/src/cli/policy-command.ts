import { readFileSync, statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { PolicyDecision } from '../policy/decision.ts';
import type { Access } from '../policy/path-policy.ts';
import { PolicyEngine } from '../policy/policy-engine.ts';
import { CliError } from './cli-error.ts';

/** One line of a `--batch` file. */
type Case = { readonly command: string } | { readonly path: string; readonly access?: Access };

const CASE_SHAPE = '{"command": "ls"} or {"path": "src/a.ts"} (optionally with "access": "write")';

/**
 * `grove policy check`: prints the policy's decision as JSON, `{decision, reasons}`, for one
 * command or path, or one line per case of a batch file, in order. It is how tests and
 * people debugging a rule ask the same engine the host uses. Bad input is one line on
 * stderr and exit code 2: the output is meant for scripts, so no usage text follows it.
 */
export async function policyCommand(argv: readonly string[]): Promise<void> {
  try {
    await check(argv);
  } catch (error) {
    const isArgsError = error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS');
    if (!(error instanceof CliError) && !isArgsError) throw error;
    const hint = isArgsError ? ' (see “grove --help”)' : '';
    process.stderr.write(`grove: ${(error as Error).message}${hint}\n`);
    process.exitCode = error instanceof CliError ? error.exitCode : 2;
  }
}

async function check(argv: readonly string[]): Promise<void> {
  const [verb, ...rest] = argv;
  if (verb !== 'check') throw new CliError(`“grove policy ${verb ?? ''}” is not a command; use “grove policy check”.`, 2);
  const { values } = parseArgs({
    args: rest,
    options: {
      command: { type: 'string' },
      path: { type: 'string' },
      batch: { type: 'string' },
      worktree: { type: 'string' },
      access: { type: 'string' },
    },
  });
  const modes = (['command', 'path', 'batch'] as const).filter((mode) => values[mode] !== undefined);
  if (modes.length !== 1) throw new CliError('grove policy check takes exactly one of --command, --path or --batch.', 2);
  const access = values.access ?? 'read';
  if (access !== 'read' && access !== 'write') throw new CliError(`--access takes “read” or “write”, not “${access}”.`, 2);
  if (values.path !== undefined && values.worktree === undefined)
    throw new CliError('--path needs --worktree DIR: paths are checked against a thread’s worktree.', 2);
  const worktree = values.worktree ?? process.cwd();
  if (!isFolder(worktree)) throw new CliError(`--worktree ${worktree} is not a folder; give the thread’s worktree.`, 2);

  const cases: Case[] =
    values.batch !== undefined
      ? readBatch(values.batch)
      : values.command !== undefined
        ? [{ command: values.command }]
        : [{ path: values.path as string, access }];
  const engine = await PolicyEngine.load();
  const out = cases.map((entry) => JSON.stringify(shape(decide(engine, entry, worktree)))).join('\n');
  process.stdout.write(`${out}\n`);
}

function decide(engine: PolicyEngine, entry: Case, worktree: string): PolicyDecision {
  if ('command' in entry) return engine.checkCommand(entry.command, { worktree });
  return engine.checkPath(entry.path, { worktree, access: entry.access ?? 'read' });
}

/** Only the decision and its reasons: the resolved path is for the host's own use. */
function shape(decision: PolicyDecision): PolicyDecision {
  return { decision: decision.decision, reasons: decision.reasons };
}

/** Every line is validated before any is decided, so a bad file prints an error and nothing else. */
function readBatch(file: string): Case[] {
  let text: string;
  try {
    text = readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read the batch file ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)}).`, 2);
  }
  const cases: Case[] = [];
  for (const [index, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    const entry = parseCase(line);
    if (entry === undefined)
      throw new CliError(`line ${index + 1} of ${file === '-' ? 'the input' : file} is not a case like ${CASE_SHAPE}.`, 2);
    cases.push(entry);
  }
  return cases;
}

function parseCase(line: string): Case | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Record<string, unknown>;
  if (typeof record.command === 'string' && record.path === undefined) return { command: record.command };
  const access = record.access ?? 'read';
  if (typeof record.path === 'string' && record.command === undefined && (access === 'read' || access === 'write'))
    return { path: record.path, access };
  return undefined;
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
