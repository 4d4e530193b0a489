import { randomBytes } from 'node:crypto';
import { realpath, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import { inspectRepository } from '../git/repository-inspector.ts';
import { errnoCode, HostError } from '../host/host-error.ts';
import { Mutex } from '../host/mutex.ts';
import type { StateHub } from '../host/state-hub.ts';
import { type Project, type ProjectId, ProjectSchema } from '../protocol/index.ts';
import { readJson, removeStaleTemps, writeJsonAtomic } from '../store/json-file.ts';

const ProjectsFileSchema = z.object({ version: z.literal(1), projects: z.array(ProjectSchema) });

/**
 * The registry of projects. Every change is written to disk before it is announced, so a
 * kill at any moment leaves a list that loads and that matches what clients were told.
 */
export class ProjectService {
  readonly #file: string;
  readonly #hub: StateHub;
  readonly #mutex = new Mutex();
  #projects: readonly Project[] = [];

  constructor(file: string, hub: StateHub) {
    this.#file = file;
    this.#hub = hub;
  }

  /** Loads the saved list; refuses (without touching the file) if it is unreadable. */
  async load(): Promise<void> {
    await removeStaleTemps(this.#file);
    const saved = await readJson(this.#file, ProjectsFileSchema);
    this.#projects = saved?.projects ?? [];
  }

  list(): readonly Project[] {
    return this.#projects;
  }

  /** Registers the repository that holds `input` (its main checkout), after checking it is one Grove can use. */
  add(input: string): Promise<Project> {
    return this.#mutex.run(async () => {
      const checkout = await resolveMainCheckout(input);
      const existing = this.#projects.find((project) => project.path === checkout.path);
      if (existing !== undefined) {
        throw new HostError('project_exists', `${checkout.path} is already in Grove as “${existing.name}”.`, {
          projectId: existing.id,
          path: checkout.path,
        });
      }
      const project: Project = {
        id: newProjectId(),
        name: basename(checkout.path) || checkout.path,
        path: checkout.path,
        defaultBase: checkout.branch,
        addedAt: Date.now(),
      };
      await this.#save([...this.#projects, project]);
      this.#hub.publish('project/added', { project });
      return project;
    });
  }

  /** Forgets a project; its folder, branches and files are not touched. */
  remove(projectId: ProjectId): Promise<void> {
    return this.#mutex.run(async () => {
      if (!this.#projects.some((project) => project.id === projectId)) {
        throw new HostError('project_not_found', 'That project is no longer in Grove; the list has been refreshed.', {
          projectId,
        });
      }
      await this.#save(this.#projects.filter((project) => project.id !== projectId));
      this.#hub.publish('project/removed', { projectId });
    });
  }

  async #save(projects: readonly Project[]): Promise<void> {
    await writeJsonAtomic(this.#file, { version: 1, projects });
    this.#projects = projects;
  }
}

/** Turns what a person typed or picked into the real path of a repository's main checkout, or says why not. */
async function resolveMainCheckout(input: string): Promise<{ path: string; branch: string | null }> {
  const typed = input.trim();
  const expanded = typed === '~' || typed.startsWith('~/') ? join(homedir(), typed.slice(1)) : typed;
  if (!isAbsolute(expanded)) {
    throw new HostError('path_not_absolute', `“${typed}” is not a full path. Enter one that starts with / (or ~/).`, {
      path: typed,
    });
  }
  const path = resolve(expanded);
  try {
    if (!(await stat(path)).isDirectory()) {
      throw new HostError('not_a_directory', `${path} is a file, not a folder. Choose the repository's folder.`, { path });
    }
  } catch (error) {
    if (error instanceof HostError) throw error;
    const code = errnoCode(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new HostError('path_not_found', `There is no folder at ${path}. Check the path and try again.`, { path });
    }
    throw new HostError('path_not_readable', `Grove cannot open ${path} (${code}). Check its permissions.`, { path });
  }
  const found = await inspectRepository(path);
  switch (found.kind) {
    case 'repository':
      if (!found.hasCommits) {
        throw new HostError(
          'no_commits',
          `${found.mainCheckout} has no commits yet, and threads branch from a commit. Make a first commit (for example: git commit --allow-empty -m "Initial commit"), then add it again.`,
          { path: found.mainCheckout },
        );
      }
      return { path: await realpath(found.mainCheckout), branch: found.branch };
    case 'bare':
      throw new HostError(
        'bare_repository',
        `${found.gitDir} is a bare repository, with no working tree for Grove to branch from. Clone it (git clone ${found.gitDir}) and add the clone.`,
        { path: found.gitDir },
      );
    case 'not_a_repository':
      throw new HostError(
        'not_a_git_repository',
        `${path} is not inside a git repository. Choose a repository's folder, or run git init there and make a first commit.`,
        { path },
      );
    case 'not_trusted':
      throw new HostError(
        'repository_not_trusted',
        `git refuses to work in ${path} because another user owns it. If you trust it, run: git config --global --add safe.directory ${path}`,
        { path },
      );
    case 'git_missing':
      throw new HostError('git_not_found', 'Grove needs git, and none was found on PATH. Install git and restart Grove.');
    default:
      return found satisfies never;
  }
}

function newProjectId(): ProjectId {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = randomBytes(12);
  let id = 'p_';
  for (const byte of bytes) id += alphabet[byte % alphabet.length];
  return id as ProjectId;
}
