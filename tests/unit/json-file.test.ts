import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { readJson, removeStaleTemps, writeJsonAtomic } from '../../extensions/agent-host/src/store/json-file.ts';
import { tempDir } from '../helpers/temp-dir.ts';

const Schema = z.object({ n: z.number() });

describe('json-file', () => {
  test('writes atomically, readable only by the owner, and reads back through the schema', async () => {
    await using dir = await tempDir();
    const file = join(dir.path, 'state.json');
    await writeJsonAtomic(file, { n: 1 });
    await writeJsonAtomic(file, { n: 2 });
    expect(await readJson(file, Schema)).toEqual({ n: 2 });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir.path)).toEqual(['state.json']);
  });

  test('a missing file reads as undefined', async () => {
    await using dir = await tempDir();
    expect(await readJson(join(dir.path, 'none.json'), Schema)).toBeUndefined();
  });

  test('a file of the wrong shape is refused, not rewritten', async () => {
    await using dir = await tempDir();
    const file = join(dir.path, 'state.json');
    writeFileSync(file, '{"n": "one"}');
    await expect(readJson(file, Schema)).rejects.toMatchObject({ code: 'data_dir_corrupt' });
    expect(readFileSync(file, 'utf8')).toBe('{"n": "one"}');
  });

  test('temp files left by a killed writer are removed, and nothing else', async () => {
    await using dir = await tempDir();
    const file = join(dir.path, 'state.json');
    writeFileSync(file, '{"n": 1}');
    writeFileSync(`${file}.tmp-123-abcd`, '{"n": 9');
    writeFileSync(join(dir.path, 'other.json'), '{}');
    await removeStaleTemps(file);
    expect(readdirSync(dir.path).sort()).toEqual(['other.json', 'state.json']);
  });

  test('a failed write leaves the old file and no temp file, and says what to do', async () => {
    await using dir = await tempDir();
    const file = join(dir.path, 'missing-folder', 'state.json');
    await expect(writeJsonAtomic(file, { n: 1 })).rejects.toMatchObject({
      code: 'storage_failed',
      message: expect.stringMatching(/Nothing was changed; check that the folder is writable/),
    });
  });
});
