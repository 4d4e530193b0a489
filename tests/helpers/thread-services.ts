import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ProcessRegistry } from '../../extensions/agent-host/src/host/process-registry.ts';
import { StateHub } from '../../extensions/agent-host/src/host/state-hub.ts';
import { ProjectService } from '../../extensions/agent-host/src/projects/project-service.ts';
import { ThreadService } from '../../extensions/agent-host/src/threads/thread-service.ts';

/** The host's project and thread services over a data dir, loaded, as a fresh start after a crash builds them. */
export async function threadServices(dataDir: string) {
  mkdirSync(dataDir, { recursive: true }); // the host's data-dir lock makes it; these tests start below the host
  const hub = new StateHub();
  const projects = new ProjectService(join(dataDir, 'projects.json'), hub);
  await projects.load();
  const threads = new ThreadService(
    { records: join(dataDir, 'threads'), worktrees: join(dataDir, 'worktrees') },
    hub,
    projects,
    new ProcessRegistry(),
  );
  await threads.load();
  return { projects, threads };
}
