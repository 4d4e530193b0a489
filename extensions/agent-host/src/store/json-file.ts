import { randomBytes } from 'node:crypto';
import { open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { z } from 'zod';
import { errnoCode, HostError } from '../host/host-error.ts';

const TEMP_MARK = '.tmp-';

/**
 * Writes `value` as JSON so that a crash at any instant leaves either the old file or the
 * new one, never a torn one: write a temp file beside it, fsync it, rename it over the
 * target, fsync the folder. A full disk becomes a `disk_full` error and the old file stays.
 */
export function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  return writeFileAtomic(file, `${JSON.stringify(value, null, 2)}\n`);
}

/** Writes text so that a crash leaves the old file or the new one, never a torn one (see writeJsonAtomic). */
export async function writeFileAtomic(file: string, text: string): Promise<void> {
  const temp = `${file}${TEMP_MARK}${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    const handle = await open(temp, 'wx', 0o600);
    try {
      await handle.writeFile(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw storageError(file, error);
  }
  await syncFolder(dirname(file));
}

/** A text file's contents, or `undefined` if it does not exist. */
export async function readOptional(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return undefined;
    throw error;
  }
}

/** Reads a JSON file through a schema; `undefined` if it does not exist. Never rewrites a bad file. */
export async function readJson<S extends z.ZodType>(file: string, schema: S): Promise<z.infer<S> | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return undefined;
    throw storageError(file, error);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw corrupt(file, (error as Error).message);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw corrupt(file, parsed.error.issues[0]?.message ?? 'unexpected shape');
  return parsed.data;
}

/** Removes temp files a killed writer left beside `file`. */
export async function removeStaleTemps(file: string): Promise<void> {
  const prefix = `${basename(file)}${TEMP_MARK}`;
  const folder = dirname(file);
  for (const name of await readdir(folder)) {
    if (name.startsWith(prefix)) await rm(join(folder, name), { force: true });
  }
}

async function syncFolder(folder: string): Promise<void> {
  // Makes the rename itself durable. Some filesystems refuse to fsync a folder: the rename
  // is still atomic there, only its durability after a power cut is not guaranteed.
  const handle = await open(folder, 'r');
  try {
    await handle.sync().catch(() => {});
  } finally {
    await handle.close();
  }
}

function corrupt(file: string, detail: string): HostError {
  return new HostError(
    'data_dir_corrupt',
    `Grove cannot read ${file}: ${detail}. It has not changed the file. Fix it, or move it away to start with an empty list.`,
    { file },
  );
}

function storageError(file: string, error: unknown): HostError {
  const code = errnoCode(error);
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new HostError(
      'disk_full',
      `The disk holding ${dirname(file)} is full, so Grove could not save. Nothing was changed; free some space and try again.`,
      { file },
      { cause: error },
    );
  }
  return new HostError(
    'storage_failed',
    `Grove could not save ${file} (${code ?? (error as Error).message}). Nothing was changed; check that the folder is writable.`,
    { file, errno: code },
    { cause: error },
  );
}
