import { dirname } from 'node:path';
import { errnoCode, HostError } from '../host/host-error.ts';

/**
 * Turns a failed read or write of an audit log into an error a person can act on. A full disk
 * is `disk_full`, as everywhere in Grove; anything else is `storage_failed` with the errno.
 */
export function auditStorageError(file: string, error: unknown): HostError {
  const code = errnoCode(error);
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new HostError(
      'disk_full',
      `The disk holding ${dirname(file)} is full, so Grove could not add to the audit log ${file}. Nothing was recorded; free some space and try again.`,
      { file },
      { cause: error },
    );
  }
  return new HostError(
    'storage_failed',
    `Grove could not write the audit log ${file} (${code ?? (error as Error).message}). Nothing was recorded; check that the folder is writable.`,
    { file, errno: code },
    { cause: error },
  );
}
