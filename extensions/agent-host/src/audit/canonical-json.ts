/**
 * JSON with one spelling per value, so a hash over it is the same on every machine and
 * after any re-read: object keys sorted by code unit, no whitespace, strings and numbers as
 * `JSON.stringify` writes them (which round-trips through `JSON.parse` exactly). Keys whose
 * value is `undefined` are left out, as `JSON.stringify` does.
 *
 * Anything JSON cannot carry exactly (NaN, Infinity, bigint, functions, class instances,
 * `undefined` in an array, cycles) throws: it is a bug in the caller, and guessing a
 * spelling would make two writers disagree.
 */
export function canonicalJson(value: unknown): string {
  return write(value, new Set());
}

function write(value: unknown, open: Set<object>): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: ${value} has no JSON form`);
    return JSON.stringify(value);
  }
  if (typeof value !== 'object') throw new TypeError(`canonicalJson: a ${typeof value} has no JSON form`);
  if (open.has(value)) throw new TypeError('canonicalJson: the value contains a cycle');
  open.add(value);
  try {
    if (Array.isArray(value)) {
      return `[${value
        .map((item) => {
          if (item === undefined) throw new TypeError('canonicalJson: undefined in an array has no JSON form');
          return write(item, open);
        })
        .join(',')}]`;
    }
    const prototype = Object.getPrototypeOf(value);
    if (prototype !== Object.prototype && prototype !== null)
      throw new TypeError(`canonicalJson: a ${prototype?.constructor?.name ?? 'non-plain'} object has no canonical JSON form`);
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record)
      .filter((key) => record[key] !== undefined)
      .sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${write(record[key], open)}`).join(',')}}`;
  } finally {
    open.delete(value);
  }
}
