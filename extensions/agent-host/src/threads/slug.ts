/** Longest slug: keeps branch names and worktree paths readable and well under path limits. */
const MAX_SLUG = 48;

/**
 * A branch- and folder-safe name from a title: ASCII letters, digits and single dashes,
 * accents folded (`Café` → `cafe`), at most 48 characters, never empty.
 */
export function slugify(title: string): string {
  const slug = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, MAX_SLUG)
    .replace(/-+$/, '');
  return slug || 'thread';
}

/** `slug`, or `slug-2`, `slug-3`…: the first that `isTaken` says is free. */
export async function uniqueSlug(slug: string, isTaken: (candidate: string) => Promise<boolean>): Promise<string> {
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? slug : `${slug}-${n}`;
    if (!(await isTaken(candidate))) return candidate;
  }
}
