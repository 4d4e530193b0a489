import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { basename, isAbsolute, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { auditFile } from '../audit/audit-log.ts';
import { verifyAuditFile } from '../audit/audit-verify.ts';
import { errnoCode } from '../host/host-error.ts';
import { type Project, ProjectIdSchema, ProjectSchema } from '../protocol/index.ts';
import { dataPaths, defaultDataDir } from '../store/data-dir.ts';
import { CliError } from './cli-error.ts';

/** A log to verify, and the project whose chain it must start (unknown for a file named otherwise). */
interface Target {
  readonly file: string;
  readonly projectId: string | undefined;
}

/**
 * `grove audit verify [--data-dir DIR] [--project ID|PATH] [FILE]`: checks audit logs' hash
 * chains and prints one JSON line per log, `{file, ok, lines, firstBroken?}`. Exit 0 when
 * every log is sound, 1 when one is broken, 2 on bad usage. Only reads: it can run beside a
 * host that is writing (a write in flight then shows as a `torn_tail`).
 */
export async function auditCommand(argv: readonly string[]): Promise<void> {
  const [verb, ...rest] = argv;
  if (verb !== 'verify')
    throw new CliError(
      verb === undefined
        ? '“grove audit” needs a command: verify.'
        : `“grove audit ${verb}” is not a command; use “grove audit verify”.`,
      2,
    );
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: { 'data-dir': { type: 'string' }, project: { type: 'string' } },
  });
  if (positionals.length > 1) throw new CliError(`grove audit verify takes one FILE at most, not “${positionals[1]}” too.`, 2);
  const [file] = positionals;
  if (file !== undefined && (values.project !== undefined || values['data-dir'] !== undefined))
    throw new CliError('Give either a FILE, or --data-dir and --project to find the log; not both.', 2);

  const dataDir = values['data-dir'] ?? defaultDataDir();
  const targets =
    file !== undefined
      ? [fileTarget(resolve(file))]
      : values.project !== undefined
        ? [await projectTarget(dataDir, values.project)]
        : await everyLog(dataDir);
  if (targets.length === 0) {
    process.stderr.write(`grove: there are no audit logs in ${dataPaths(dataDir).audit} yet.\n`);
    return;
  }
  for (const target of targets) {
    const result = await verifyAuditFile(target.file, target.projectId).catch((error: unknown) => {
      if (errnoCode(error) === 'ENOENT') throw new CliError(`There is no audit log at ${target.file}.`, 2);
      throw new CliError(`cannot read the audit log ${target.file} (${errnoCode(error) ?? String(error)}).`, 2);
    });
    process.stdout.write(`${JSON.stringify(result)}\n`);
    if (!result.ok) process.exitCode = 1;
  }
}

/** A file named `<projectId>.jsonl` must start that project's chain; under another name, the chain its first line names. */
function fileTarget(file: string): Target {
  const name = basename(file, '.jsonl');
  return { file, projectId: ProjectIdSchema.safeParse(name).success ? name : undefined };
}

async function projectTarget(dataDir: string, project: string): Promise<Target> {
  const projectId = ProjectIdSchema.safeParse(project).success ? project : (await projectAt(dataDir, project)).id;
  const file = auditFile(dataDir, projectId);
  if (!(await exists(file)))
    throw new CliError(`Project ${projectId} has no audit log at ${file}: nothing has been recorded for it.`, 2);
  return { file, projectId };
}

/** The project whose main checkout is `path` or holds it. */
async function projectAt(dataDir: string, path: string): Promise<Project> {
  const real = await realpath(resolve(path)).catch(() => {
    throw new CliError(`--project takes a project id (p_…) or a project's folder; there is no folder at ${resolve(path)}.`, 2);
  });
  const projects = await readProjects(dataDir);
  const found = projects.find((project) => {
    const inside = relative(project.path, real);
    return !inside.startsWith('..') && !isAbsolute(inside);
  });
  if (found !== undefined) return found;
  const known = projects.map((project) => `\n  ${project.id}  ${project.path}`).join('');
  throw new CliError(
    `No project in ${dataDir} holds ${real}.${known === '' ? ' It has no projects.' : ` Its projects:${known}`}`,
    2,
  );
}

/** The saved projects, read without touching the file: a host may be running over the same data dir. */
async function readProjects(dataDir: string): Promise<readonly Project[]> {
  const file = dataPaths(dataDir).projects;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return [];
    throw new CliError(`cannot read ${file} (${errnoCode(error) ?? String(error)}).`, 2);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new CliError(`${file} is not JSON; give the project's id (p_…) with --project instead.`, 2);
  }
  const parsed = ProjectSchema.array().safeParse((json as { projects?: unknown } | null)?.projects);
  if (!parsed.success)
    throw new CliError(`${file} does not list projects as Grove writes them; give the project's id (p_…) instead.`, 2);
  return parsed.data;
}

async function everyLog(dataDir: string): Promise<Target[]> {
  const folder = dataPaths(dataDir).audit;
  let names: string[];
  try {
    names = await readdir(folder);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return [];
    throw new CliError(`cannot read ${folder} (${errnoCode(error) ?? String(error)}).`, 2);
  }
  return names
    .filter((name) => name.endsWith('.jsonl'))
    .sort()
    .map((name) => fileTarget(join(folder, name)));
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return false;
    throw new CliError(`cannot read the audit log ${file} (${errnoCode(error) ?? String(error)}).`, 2);
  }
}
