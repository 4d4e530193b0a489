/** Upper-case variables that only change formatting, locale or colour. */
const HARMLESS = new Set([
  'LANG',
  'LANGUAGE',
  'TZ',
  'NO_COLOR',
  'FORCE_COLOR',
  'CLICOLOR',
  'CLICOLOR_FORCE',
  'COLUMNS',
  'LINES',
  'TERM',
  'CI',
  'NODE_ENV',
  'RUST_BACKTRACE',
  'PYTHONUNBUFFERED',
  'PYTHONDONTWRITEBYTECODE',
]);

/** Lower-case names that shells or tools still read: zsh ties `path` to PATH, proxies reroute traffic. */
const SPECIAL_LOWER_CASE = new Set(['path', 'cdpath', 'fpath', 'manpath', 'module_path', 'mailpath', 'psvar', 'watch', '_']);

/**
 * Whether setting this variable (as `NAME=value cmd`, `env NAME=value`, or a plain
 * assignment, which changes an exported variable for every later command) cannot change
 * what a command runs or where it looks. PATH, LD_PRELOAD, GIT_DIR, BASH_ENV, PAGER, IFS and
 * the like can, so every upper-case name asks unless it is listed. Lower-case names are
 * the script's own variables.
 */
export function isHarmlessVariable(name: string): boolean {
  if (HARMLESS.has(name) || /^LC_[A-Z]+$/.test(name)) return true;
  return /^[a-z_][a-z0-9_]*$/.test(name) && !SPECIAL_LOWER_CASE.has(name) && !name.endsWith('_proxy');
}
