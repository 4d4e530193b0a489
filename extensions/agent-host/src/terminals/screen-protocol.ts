/**
 * Messages between the host and its screen worker (`screen-worker.ts`), which keeps a
 * headless xterm per terminal. Parsing every byte a shell writes costs as much CPU as
 * reading it; in a worker it runs beside the reading, and a flood in one terminal never
 * holds up the host's protocol, git or other shells.
 */
export type ScreenRequest =
  | { op: 'open'; id: string; cols: number; rows: number; scrollback: number; history: string }
  | { op: 'write'; id: string; data: string; end: number }
  | { op: 'resize'; id: string; cols: number; rows: number }
  /** `lines`: how much scrollback to include; `history`: the normal buffer without modes, for a later shell. */
  | { op: 'snapshot'; id: string; ask: number; lines: number | 'history' }
  | { op: 'close'; id: string };

export type ScreenReply =
  /** Everything written to `id` up to stream position `end` is in its screen. */
  | { op: 'parsed'; id: string; end: number }
  /** The answer to snapshot `ask`, taken once everything written before the request was parsed. */
  | { op: 'snapshot'; ask: number; data: string };
