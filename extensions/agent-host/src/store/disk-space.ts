import { statfs } from 'node:fs/promises';
import { dirname } from 'node:path';
import { errnoCode } from '../host/host-error.ts';

/** Bytes free for this user on the disk holding `path` (its nearest existing folder, if it does not exist yet). */
export async function freeBytes(path: string): Promise<number> {
  try {
    const stats = await statfs(path);
    return stats.bavail * stats.bsize;
  } catch (error) {
    const parent = dirname(path);
    if (errnoCode(error) !== 'ENOENT' || parent === path) throw error;
    return freeBytes(parent);
  }
}

/** A size as a person reads it: "512 bytes", "256 KB", "1.1 MB", "3.4 GB" (1 KB = 1,024 bytes, as `df -h` counts). */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 ** 2) return `${Math.round(bytes / 1024)} KB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  return `${(bytes / 1024 ** 3).toFixed(1)} GB`;
}
