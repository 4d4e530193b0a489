import { readdir, readFile } from 'node:fs/promises';
import { extname, join, relative, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
};

export interface StaticFile {
  readonly body: Buffer;
  readonly type: string;
  /** Vite puts a content hash in every name under assets/, so those may be cached for good. */
  readonly immutable: boolean;
}

/**
 * The built UI, read once into memory and looked up by exact URL path: a request can only
 * ever get a file that was listed here, so no path trick reaches outside the folder.
 */
export class StaticFiles {
  readonly #files = new Map<string, StaticFile>();

  /** Loads every file under `root`; a missing folder yields an empty set (the UI is not built yet). */
  static async load(root: string): Promise<StaticFiles> {
    const files = new StaticFiles();
    let entries: string[];
    try {
      entries = await readdir(root, { recursive: true });
    } catch {
      return files;
    }
    for (const entry of entries) {
      const type = TYPES[extname(entry).toLowerCase()];
      if (type === undefined) continue;
      const urlPath = `/${relative(root, join(root, entry)).split(sep).join('/')}`;
      files.#files.set(urlPath, { body: await readFile(join(root, entry)), type, immutable: urlPath.startsWith('/assets/') });
    }
    return files;
  }

  get hasIndex(): boolean {
    return this.#files.has('/index.html');
  }

  get(urlPath: string): StaticFile | undefined {
    return this.#files.get(urlPath === '/' ? '/index.html' : urlPath);
  }
}
