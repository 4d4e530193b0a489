import { log } from '../host/log.ts';
import type { AuditInput } from './audit-entry.ts';
import { AuditLog } from './audit-log.ts';

/**
 * Every project's audit log in one data dir: each opened on its first entry (a project no
 * agent has acted in has none), all closed when the host stops. One per file, as AuditLog
 * requires.
 */
export class AuditLogs {
  readonly #dataDir: string;
  readonly #redact: (text: string) => string;
  readonly #logs = new Map<string, Promise<AuditLog>>();

  constructor(dataDir: string, redact: (text: string) => string) {
    this.#dataDir = dataDir;
    this.#redact = redact;
  }

  /** Records `entry` in the project's log; a log that cannot be written rejects, and the action it records must not go ahead. */
  async append(projectId: string, entry: AuditInput): Promise<void> {
    let opening = this.#logs.get(projectId);
    if (opening === undefined) {
      opening = this.#open(projectId);
      this.#logs.set(projectId, opening);
      opening.catch(() => this.#logs.delete(projectId));
    }
    await (await opening).append(entry);
  }

  async closeAll(): Promise<void> {
    const opened = [...this.#logs.values()];
    this.#logs.clear();
    for (const opening of opened) await opening.then((auditLog) => auditLog.close()).catch(() => {});
  }

  async #open(projectId: string): Promise<AuditLog> {
    const auditLog = new AuditLog({ dataDir: this.#dataDir, projectId, redact: this.#redact });
    const report = await auditLog.open();
    if (report.kind === 'repaired')
      log.info(`the audit log of ${projectId} ended mid-line; the cut line was dropped and recorded`);
    return auditLog;
  }
}
