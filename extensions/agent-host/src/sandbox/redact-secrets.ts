import { isCredentialName } from './secret-names.ts';

/**
 * Hides credentials in text a command printed, before it reaches the model or the audit
 * log. Only formats that can be recognised with few false positives are matched: a
 * provider's key prefix, a PEM private key block, a JWT, an Authorization header, a
 * password in a URL, and values assigned to names that say "secret" (`API_KEY=…`,
 * `"password": "…"`). Random-looking strings alone (git hashes, UUIDs, base64 in source
 * files) are left alone: redaction that mangles ordinary output would make the model's
 * work worse for little gain, and the sandbox already keeps the usual credential files out
 * of reach.
 *
 * Each secret becomes `[redacted:<kind>]`; the text around it (a variable name, quotes, the
 * header name) is kept, so the model still understands what it is looking at.
 */
export function redactSecrets(text: string): string {
  let out = text;
  for (const rule of FORMAT_RULES) out = out.replace(rule.pattern, marker(rule.kind));
  out = redactAwsSecretKeys(out);
  out = out.replace(AWS_ACCESS_KEY_ID, marker('aws-access-key-id'));
  for (const rule of CONTEXT_RULES) out = out.replace(rule.pattern, (...args) => replaceValue(rule, args));
  return out;
}

/** What a redaction marker names. */
export type SecretKind =
  | 'private-key'
  | 'anthropic'
  | 'openai'
  | 'github'
  | 'slack'
  | 'google-api-key'
  | 'stripe'
  | 'npm'
  | 'jwt'
  | 'aws-access-key-id'
  | 'aws-secret-key'
  | 'bearer'
  | 'url-password'
  | 'secret-value';

function marker(kind: SecretKind): string {
  return `[redacted:${kind}]`;
}

/** A secret recognised by its own shape: the whole match goes. */
interface FormatRule {
  readonly kind: SecretKind;
  readonly pattern: RegExp;
}

/** Not preceded by a character that would make the match the middle of a longer word or base64 run. */
const START = '(?<![A-Za-z0-9_+/-])';

/**
 * Lines of a PEM body: base64, or `Name: value` headers (an encrypted key's `DEK-Info`),
 * each after a real or an escaped newline (keys inside JSON, like a service account file).
 * One line per repetition, so a block without its END line cannot backtrack badly. Blank
 * lines only count inside a whole block: after a cut-short one they are ordinary output.
 */
function pemLines(blankLines: boolean): string {
  const body = blankLines ? '*' : '+';
  return String.raw`(?:(?:\r?\n|\\n)[ \t]*(?:[A-Za-z0-9+/=]${body}|[A-Za-z-]+: [^\r\n\\]*)[ \t]*)*`;
}
const PEM_LABEL = '(?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?';

const FORMAT_RULES: readonly FormatRule[] = [
  // The whole block; then, for one cut short (truncated output), the BEGIN line and the body lines after it.
  {
    kind: 'private-key',
    pattern: new RegExp(`-----BEGIN ${PEM_LABEL}-----${pemLines(true)}(?:\\r?\\n|\\\\n)-----END ${PEM_LABEL}-----`, 'g'),
  },
  { kind: 'private-key', pattern: new RegExp(`-----BEGIN ${PEM_LABEL}-----${pemLines(false)}`, 'g') },
  // Before OpenAI's: `sk-ant-api03-…`.
  { kind: 'anthropic', pattern: new RegExp(`${START}sk-ant-[A-Za-z0-9_-]{20,}`, 'g') },
  // `sk-proj-…`, `sk-svcacct-…`, `sk-admin-…`, and the older `sk-` + 48 characters (always with a digit; `sk-learn-…` is a word).
  {
    kind: 'openai',
    pattern: new RegExp(`${START}sk-(?:(?:proj|svcacct|admin)-[A-Za-z0-9_-]{20,}|(?=[A-Za-z]*[0-9])[A-Za-z0-9]{20,})`, 'g'),
  },
  { kind: 'github', pattern: new RegExp(`${START}(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,})`, 'g') },
  { kind: 'slack', pattern: new RegExp(`${START}xox[abposr]-[A-Za-z0-9-]{10,}`, 'g') },
  { kind: 'google-api-key', pattern: new RegExp(`${START}AIza[A-Za-z0-9_-]{35}(?![A-Za-z0-9_-])`, 'g') },
  // Secret and restricted keys and webhook secrets; publishable `pk_` keys are public by design.
  { kind: 'stripe', pattern: new RegExp(`${START}(?:(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}|whsec_[A-Za-z0-9]{24,})`, 'g') },
  { kind: 'npm', pattern: new RegExp(`${START}npm_[A-Za-z0-9]{36}(?![A-Za-z0-9])`, 'g') },
  // Header and payload are base64url JSON objects, so both start `eyJ` (`{"`).
  { kind: 'jwt', pattern: new RegExp(`${START}eyJ[A-Za-z0-9_-]{8,}\\.eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]*`, 'g') },
];

/** AWS access key ids: long-term (`AKIA`), temporary (`ASIA`), and the rarer kinds. */
const AWS_ACCESS_KEY_ID = /(?<![A-Za-z0-9+/])(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Za-z0-9])/g;

/** A 40-character base64 run: the shape of an AWS secret access key, and of much else. */
const AWS_SECRET_SHAPE = /(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{40}(?![A-Za-z0-9+/=])/g;

/** How far from an access key id its secret key is looked for: the two are printed together (`aws configure`, a CSV, JSON). */
const AWS_PAIR_WINDOW = 300;

/**
 * Redacts 40-character secret keys printed near an access key id. Without an id nearby the
 * shape alone would hit too much; a candidate must also mix upper and lower case and digits,
 * which a git hash (lower-case hex) never does. Named ones (`aws_secret_access_key = …`,
 * `"SecretAccessKey": "…"`) are caught anywhere by the assignment rules.
 */
function redactAwsSecretKeys(text: string): string {
  const ids = [...text.matchAll(AWS_ACCESS_KEY_ID)].map((m) => m.index);
  if (ids.length === 0) return text;
  return text.replace(AWS_SECRET_SHAPE, (candidate, offset: number) => {
    const near = ids.some((id) => Math.abs(id - offset) <= AWS_PAIR_WINDOW);
    const mixed = /[A-Z]/.test(candidate) && /[a-z]/.test(candidate) && /[0-9]/.test(candidate);
    return near && mixed ? marker('aws-secret-key') : candidate;
  });
}

/**
 * A secret recognised by what comes before it (a header, a URL's user, a name). The
 * pattern captures `pre` (kept), `secret` (replaced) and, for assignments, `name`; a
 * closing quote is only looked ahead at, so it stays.
 */
interface ContextRule {
  readonly kind: SecretKind;
  readonly pattern: RegExp;
  /** Whether a name must look like a credential's (`isCredentialName`). */
  readonly named: boolean;
  /** Unquoted values must look random (letters and digits, 8 or more): `password: string` in a type stays. */
  readonly strictValue?: boolean;
}

const CONTEXT_RULES: readonly ContextRule[] = [
  {
    kind: 'bearer',
    pattern:
      /(?<pre>\b(?:Proxy-)?Authorization["']?\s*[:=]\s*["']?(?:Bearer|Basic|Token|Digest)\s+)(?<secret>[A-Za-z0-9._~+/=-]{8,})/gi,
    named: false,
  },
  // scheme://user:password@host
  { kind: 'url-password', pattern: /(?<pre>\b[a-z][a-z0-9+.-]*:\/\/[^\s:@/]+:)(?<secret>[^\s@/]+)(?=@)/gi, named: false },
  // Shell, dotenv and `env` output, flags and URL parameters, unquoted: NAME=value, --password=…, ?token=…
  {
    kind: 'secret-value',
    pattern: /(?<pre>(?:^|[\s;&|(?])(?:export\s+)?-{0,2}(?<name>[A-Za-z_][A-Za-z0-9_.-]*)=)(?<secret>[^\s'"`;&|()]+)/gm,
    named: true,
  },
  // Any of those quoted, and code, JSON, YAML, TOML: "api_key": "…", password = '…', apiKey: "…", export TOKEN="…"
  {
    kind: 'secret-value',
    pattern:
      /(?<pre>(?<![A-Za-z0-9_.])-{0,2}(?<name>["']?[A-Za-z_][A-Za-z0-9_.-]*["']?)\s*(?::=|=>|:|=)\s*(?<q>["']))(?<secret>(?:(?!\k<q>)[^\n\\]|\\.)+)(?=\k<q>)/g,
    named: true,
  },
  // YAML, INI and properties with a bare value ending its line: `password: s3cretPassw0rd`.
  {
    kind: 'secret-value',
    pattern:
      /^(?<pre>[ \t]*(?:-[ \t]+)?(?<name>[A-Za-z_][A-Za-z0-9_.-]*)[ \t]*[:=][ \t]*)(?<secret>[^\s'"#,;]{8,})(?=[ \t]*\r?$)/gm,
    named: true,
    strictValue: true,
  },
];

/** Values that are no secret: a reference to one, a placeholder, a boolean, or one already redacted. */
function isPlaceholder(value: string): boolean {
  return (
    /^[$%<{*=]/.test(value) ||
    value.startsWith('[redacted:') ||
    /^(?:true|false|null|none|nil|undefined|yes|no|on|off)$/i.test(value) ||
    /^(.)\1*$/.test(value)
  );
}

function replaceValue(rule: ContextRule, args: unknown[]): string {
  const match = args[0] as string;
  const groups = args.at(-1) as { pre?: string; name?: string; secret?: string };
  const { pre = '', name, secret = '' } = groups;
  if (isPlaceholder(secret)) return match;
  if (rule.named && (name === undefined || !isCredentialName(name.replace(/^-+|["']/g, '')))) return match;
  if (rule.strictValue && !(/[A-Za-z]/.test(secret) && /[0-9]/.test(secret))) return match;
  return `${pre}${marker(rule.kind)}`;
}
