import type { PolicyEngine } from '../policy/policy-engine.ts';
import type { Project } from '../protocol/index.ts';
import { type ProjectPolicySettings, readPolicySettings } from '../threads/project-settings.ts';

/**
 * Each project's policy: its engine, built from the `policy` key of the main checkout's
 * `.grove/settings.json` (never a worktree's copy, which the agent can edit), and rebuilt
 * when that key changes. The engine module and its WebAssembly parser load on first use:
 * a host nobody's agent has asked anything of needs neither.
 */
export class ProjectPolicies {
  readonly #engines = new Map<Project['id'], { key: string; engine: Promise<PolicyEngine> }>();

  /** The project's policy settings as they are now, and the engine built from them: one read of the settings file. */
  async current(project: Project): Promise<{ settings: ProjectPolicySettings; engine: PolicyEngine }> {
    const settings = await readPolicySettings(project.path);
    return { settings, engine: await this.#engine(project, settings) };
  }

  #engine(project: Project, settings: ProjectPolicySettings): Promise<PolicyEngine> {
    const key = JSON.stringify(settings);
    const cached = this.#engines.get(project.id);
    if (cached?.key === key) return cached.engine;
    const engine = import('../policy/policy-engine.ts').then(({ PolicyEngine }) =>
      PolicyEngine.load({
        secrets: { extra: settings.secrets ?? [], removeDefaults: settings.allowSecrets ?? [] },
        ...(settings.projectScripts === undefined ? {} : { projectScripts: settings.projectScripts }),
      }),
    );
    this.#engines.set(project.id, { key, engine });
    engine.catch(() => {
      if (this.#engines.get(project.id)?.engine === engine) this.#engines.delete(project.id);
    });
    return engine;
  }
}
