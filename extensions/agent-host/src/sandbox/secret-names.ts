/**
 * Whether a variable, field or flag name says it holds a credential: the one test shared by
 * the tool environment (which never passes one on) and redaction (which hides the values of
 * `NAME=value` assignments so named). Names are split into words first, so `OPENAI_API_KEY`,
 * `apiKey`, `x-api-key` and `db.password` all read alike.
 */

/** A name with any of these words names a secret (`GITHUB_TOKEN`, `clientSecret`, `DB_PASSWORD`). */
const SECRET_WORDS = new Set(['TOKEN', 'SECRET', 'PASSWORD', 'PASSWD', 'PASSPHRASE', 'CREDENTIAL', 'CREDENTIALS', 'APIKEY']);

/** Words run together still count (`PGPASSWORD`, `AUTHTOKEN`, `CLIENTSECRET`). */
const SECRET_ENDINGS = ['TOKEN', 'SECRET', 'PASSWORD', 'PASSWD', 'APIKEY'];

/** `KEY` alone is anything (`SORT_KEY`, React's `key`); after one of these it is a credential. */
const KEY_KINDS = new Set([
  'API',
  'PRIVATE',
  'SECRET',
  'ACCESS',
  'SIGNING',
  'ENCRYPTION',
  'MASTER',
  'LICENSE',
  'SESSION',
  'AUTH',
  'ACCOUNT',
  'HMAC',
  'WEBHOOK',
]);

/** Short words that are credentials only as a name's last word (`DB_PASS`, npm's `_auth`, `GITHUB_PAT`, `MYSQL_PWD`). */
const SECRET_LAST_WORDS = new Set(['PASS', 'AUTH', 'PAT', 'PWD']);

/**
 * A last word saying the value is about a secret, not the secret itself: `TOKEN_FILE`,
 * `PASSWORD_FIELD`, `max_token_count`, `SECRET_NAME`. These are the common false positives
 * in source code and configuration; a miss here only means a harmless value is redacted.
 */
const ABOUT_WORDS = new Set([
  'FILE',
  'PATH',
  'DIR',
  'NAME',
  'ID',
  'IDS',
  'TYPE',
  'KIND',
  'URL',
  'URI',
  'ENDPOINT',
  'HOST',
  'PORT',
  'LENGTH',
  'LEN',
  'SIZE',
  'COUNT',
  'LIMIT',
  'MIN',
  'MAX',
  'HEADER',
  'PREFIX',
  'SUFFIX',
  'ENV',
  'VAR',
  'FIELD',
  'FIELDS',
  'EXPIRY',
  'EXPIRES',
  'EXPIRATION',
  'TTL',
  'TIMEOUT',
  'FORMAT',
  'ALGORITHM',
  'MODE',
  'POLICY',
  'SCOPE',
  'SCOPES',
  'ISSUER',
  'AUDIENCE',
  'PROVIDER',
  'MANAGER',
  'STORE',
  'LABEL',
  'PLACEHOLDER',
  'PROMPT',
  'HINT',
  'MESSAGE',
  'TEXT',
  'TITLE',
  'PATTERN',
  'REGEX',
  'REQUIRED',
  'ENABLED',
  'DISABLED',
  'VERSION',
  'STRENGTH',
  'RESET',
  'INPUT',
  'STATE',
  'STATUS',
  'USAGE',
  'HELPER',
]);

/** The words of a name, upper-cased: `openaiApiKey` → OPENAI API KEY, `x-api-key` → X API KEY. */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toUpperCase()
    .split(/[^A-Z0-9]+/)
    .filter((word) => word !== '');
}

/** Whether `name` (an environment variable, a JSON or YAML key, a command-line flag) names a credential. */
export function isCredentialName(name: string): boolean {
  if (/^_+auth$/i.test(name)) return true; // npm's `_auth` (base64 user:password); a bare `auth` is anything.
  const words = nameWords(name);
  const last = words.at(-1);
  if (last === undefined || ABOUT_WORDS.has(last)) return false;
  if (words.length > 1 && SECRET_LAST_WORDS.has(last)) return true;
  return words.some(
    (word, i) =>
      SECRET_WORDS.has(word) ||
      SECRET_ENDINGS.some((ending) => word.length > ending.length && word.endsWith(ending)) ||
      (word === 'KEY' && i > 0 && KEY_KINDS.has(words[i - 1] as string)),
  );
}

/**
 * Prefixes of environment variables that belong to a credential-bearing service: a tool
 * process gets none of them, whatever follows (`AWS_SESSION_TOKEN`, `GITHUB_ENTERPRISE_…`,
 * `ANTHROPIC_BASE_URL`). Broader than `isCredentialName` on purpose: the environment is an
 * allowlist, so this only decides whether a caller's extra variable is refused loudly.
 */
const SECRET_ENV_PREFIXES = [
  'AWS_',
  'AZURE_',
  'GOOGLE_',
  'GCP_',
  'GCLOUD_',
  'GITHUB_',
  'GH_',
  'GITLAB_',
  'OPENAI_',
  'ANTHROPIC_',
  'HF_',
  'HUGGINGFACE_',
  'NPM_',
  'SLACK_',
  'STRIPE_',
  'VAULT_',
  'GROVE_',
];

/** Variables that grant access without looking like a key: an agent socket, a prompt program, a credentials file. */
const SECRET_ENV_NAMES = new Set([
  'SSH_AUTH_SOCK',
  'GPG_AGENT_INFO',
  'SSH_ASKPASS',
  'GIT_ASKPASS',
  'SUDO_ASKPASS',
  'NETRC',
  'KUBECONFIG',
  'DOCKER_CONFIG',
  'DATABASE_URL',
]);

/** Whether an environment variable may carry a credential (by its name or its service). */
export function isSecretEnvName(name: string): boolean {
  const upper = name.toUpperCase();
  return isCredentialName(name) || SECRET_ENV_NAMES.has(upper) || SECRET_ENV_PREFIXES.some((prefix) => upper.startsWith(prefix));
}
