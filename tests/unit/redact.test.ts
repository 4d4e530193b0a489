import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { redactSecrets } from '../../extensions/agent-host/src/sandbox/redact-secrets.ts';

// Fake credentials in the real formats (random where the format is random), built from parts
// so this file does not itself trip secret scanners.
const OPENAI = `sk-proj-${'Ab3dE'.repeat(8)}_xY9-${'Qw7'.repeat(10)}`;
const OPENAI_LEGACY = `sk-${'a1B2c3D4'.repeat(6)}`;
const ANTHROPIC = `sk-ant-api03-${'Zx8_Yw7-'.repeat(11)}AA`;
const AWS_ID = `AKIA${'IOSFODNN7EXAMPLE'}`;
const AWS_STS_ID = `ASIA${'Y34FZKBOKMUTVV7A'}`;
const AWS_SECRET = `wJalrXUtnFEMI/K7MDENG/bPxRfiCY${'EXAMPLEKEY'}`;
const GITHUB_TOKENS = ['ghp', 'gho', 'ghu', 'ghs', 'ghr'].map((p) => `${p}_${'16C7e42F292c6912E7710c838347Ae178B4a'}`);
const GITHUB_PAT = `github_pat_${'11ABCDEFG0'.repeat(3)}_${'aBcDeFgHiJ'.repeat(6)}`;
const SLACK = `xoxb-${'1234567890'}-${'1234567890123'}-${'AbCdEfGhIjKlMnOpQrStUvWx'}`;
const GOOGLE = `AIza${'SyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY'}`;
const STRIPE = `sk_live_${'4eC39HqLyjWDarjtT1zdp7dc'}`;
const STRIPE_RESTRICTED = `rk_live_${'4eC39HqLyjWDarjtT1zdp7dc'}`;
const NPM = `npm_${'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8'}`;
const JWT = `eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.${'eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIn0'}.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c`;
const PEM = [
  `-----BEGIN ${'RSA PRIVATE'} KEY-----`,
  'MIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM9Oi6Z1+Ce1aLJ1JB2lQ9s4cnOyMv',
  'Dte0JkR4h2A5u3e9kbv5S0BbU8OWk4o7qYXrLhE6z1X7mQ0xG8bN6Z5uR1c=',
  `-----END ${'RSA PRIVATE'} KEY-----`,
].join('\n');

describe('redactSecrets - known formats', () => {
  it.each([
    ['openai', OPENAI],
    ['openai', OPENAI_LEGACY],
    ['anthropic', ANTHROPIC],
    ['aws-access-key-id', AWS_ID],
    ['aws-access-key-id', AWS_STS_ID],
    ...GITHUB_TOKENS.map((token) => ['github', token]),
    ['github', GITHUB_PAT],
    ['slack', SLACK],
    ['google-api-key', GOOGLE],
    ['stripe', STRIPE],
    ['stripe', STRIPE_RESTRICTED],
    ['npm', NPM],
    ['jwt', JWT],
  ])('redacts a bare %s secret in running text', (kind, secret) => {
    expect(redactSecrets(`before ${secret} after`)).toBe(`before [redacted:${kind}] after`);
  });

  it('redacts a whole PEM private key block and nothing around it', () => {
    expect(redactSecrets(`$ cat key\n${PEM}\n$ echo done`)).toBe('$ cat key\n[redacted:private-key]\n$ echo done');
  });

  it('redacts a PEM block cut short by truncated output', () => {
    const cut = PEM.split('\n').slice(0, 2).join('\n');
    expect(redactSecrets(`${cut}\n[… 100 bytes left out …]`)).toBe('[redacted:private-key]\n[… 100 bytes left out …]');
  });

  it('redacts a PEM key inside JSON, with escaped newlines (a service account file)', () => {
    const json = `{"type": "service_account", "private_key": "${PEM.replaceAll('\n', '\\n')}\\n", "client_email": "a@b.iam"}`;
    expect(redactSecrets(json)).toBe(
      '{"type": "service_account", "private_key": "[redacted:private-key]\\n", "client_email": "a@b.iam"}',
    );
  });

  it('redacts an AWS secret key printed beside its access key id, but not elsewhere', () => {
    const csv = `Access key ID,Secret access key\n${AWS_ID},${AWS_SECRET}\n`;
    expect(redactSecrets(csv)).toBe('Access key ID,Secret access key\n[redacted:aws-access-key-id],[redacted:aws-secret-key]\n');
    // Alone, a 40-character base64 string is just that.
    expect(redactSecrets(`value ${AWS_SECRET}`)).toBe(`value ${AWS_SECRET}`);
  });

  it('redacts Authorization headers, keeping the scheme', () => {
    expect(redactSecrets('Authorization: Bearer abc.def-123_456')).toBe('Authorization: Bearer [redacted:bearer]');
    expect(redactSecrets(`curl -H 'authorization: token ${'0123456789abcdef'}'`)).toBe(
      "curl -H 'authorization: token [redacted:bearer]'",
    );
    expect(redactSecrets('> Proxy-Authorization: Basic dXNlcjpwYXNzd29yZA==')).toBe(
      '> Proxy-Authorization: Basic [redacted:bearer]',
    );
  });

  it('redacts the password of a URL', () => {
    expect(redactSecrets('postgres://app:s3cr3t@db.internal:5432/app')).toBe(
      'postgres://app:[redacted:url-password]@db.internal:5432/app',
    );
    expect(redactSecrets(`https://x-access-token:${GITHUB_TOKENS[3]}@github.com/o/r.git`)).toBe(
      'https://x-access-token:[redacted:github]@github.com/o/r.git',
    );
  });

  it('redacts values assigned to names that say secret, in env, shell, JSON, YAML and code', () => {
    const input = [
      'DB_PASSWORD=hunter2',
      'export STRIPE_WEBHOOK_SECRET="abc def"',
      'MY_API_KEY=0123456789',
      '{"client_secret": "abcdef", "apiKey": \'xyz123\'}',
      'password: s3cretPassw0rd',
      '  aws_secret_access_key = wJalrXUtnFEMIK7MDENG',
      'const sessionToken = "opaque-value";',
      'mysql --password=hunter2 -u root',
      'GET /callback?access_token=abc123&state=xyz',
      `OPENAI_API_KEY=${OPENAI}`,
    ].join('\n');
    expect(redactSecrets(input)).toBe(
      [
        'DB_PASSWORD=[redacted:secret-value]',
        'export STRIPE_WEBHOOK_SECRET="[redacted:secret-value]"',
        'MY_API_KEY=[redacted:secret-value]',
        '{"client_secret": "[redacted:secret-value]", "apiKey": \'[redacted:secret-value]\'}',
        'password: [redacted:secret-value]',
        '  aws_secret_access_key = [redacted:secret-value]',
        'const sessionToken = "[redacted:secret-value]";',
        'mysql --password=[redacted:secret-value] -u root',
        'GET /callback?access_token=[redacted:secret-value]&state=xyz',
        'OPENAI_API_KEY=[redacted:openai]',
      ].join('\n'),
    );
  });

  it('redacts every secret in `env` output', () => {
    const env = `HOME=/home/ada\nGITHUB_TOKEN=${GITHUB_TOKENS[0]}\nAWS_SECRET_ACCESS_KEY=${AWS_SECRET}\nPWD=/work\nLANG=C.UTF-8`;
    expect(redactSecrets(env)).toBe(
      'HOME=/home/ada\nGITHUB_TOKEN=[redacted:github]\nAWS_SECRET_ACCESS_KEY=[redacted:secret-value]\nPWD=/work\nLANG=C.UTF-8',
    );
  });
});

describe('redactSecrets - ordinary text survives', () => {
  it('leaves git output alone: hashes, refs, diffs', () => {
    const log = [
      'commit 3f786850e387550fdab836ed7e6dc881de23001b (HEAD -> grove/fix-login, origin/main)',
      'Merge: 8d3e1f2 a91b0c4',
      'Author: Ada <ada@example.com>',
      '    fix: token refresh keeps the session (closes #42)',
      'diff --git a/src/auth.ts b/src/auth.ts',
      'index 83db48f..bf269f4 100644',
      '@@ -1,4 +1,4 @@ export function refresh(token: string) {',
      "-  const url = '/api/token';",
      "+  const url = '/api/v2/token';",
      ' 1 file changed, 1 insertion(+), 1 deletion(-)',
    ].join('\n');
    expect(redactSecrets(log)).toBe(log);
  });

  it('leaves UUIDs, hashes and base64 blobs alone', () => {
    const ids = Array.from({ length: 50 }, () => randomUUID()).join('\n');
    const hashes = Array.from({ length: 50 }, () => randomBytes(20).toString('hex')).join(' ');
    const sha256 = `sha256:${randomBytes(32).toString('hex')}`;
    const blob = randomBytes(6_000).toString('base64').replace(/.{76}/g, '$&\n');
    const dataUri = `background: url(data:image/png;base64,${randomBytes(900).toString('base64')});`;
    const integrity = `"integrity": "sha512-${randomBytes(64).toString('base64')}"`;
    for (const text of [ids, hashes, sha256, blob, dataUri, integrity]) expect(redactSecrets(text)).toBe(text);
  });

  it('leaves source code about secrets alone', () => {
    const source = [
      "import { readFileSync } from 'node:fs';",
      'interface Credentials {',
      '  token: string;',
      '  password: string',
      '  apiKey?: ApiKey;',
      '}',
      'const apiKey = process.env.OPENAI_API_KEY;',
      'const token = await getToken(user);',
      'if (password === confirmPassword) save();',
      "const PASSWORD_FIELD = 'password';",
      'const max_tokens = 4096;',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: source text with a placeholder, as a file would hold it
      'const headers = { Authorization: `Bearer ${token}` };',
      'curl -H "Authorization: Bearer $GITHUB_TOKEN" https://api.github.com',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: source text with a placeholder, as a file would hold it
      'export OPENAI_API_KEY=${OPENAI_API_KEY:?set it}',
      'OPENAI_API_KEY=<your key here>',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: source text with a placeholder, as a file would hold it
      'password: ${DB_PASSWORD}',
      "token: ''",
      'SECRET_KEY_BASE=',
      'auth: true',
      'key={item.id} sortKey="name"',
      'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl ada@laptop',
      '-----BEGIN PUBLIC KEY-----',
      'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAu1SU1LfVLPHCozMxH2Mo',
      '-----END PUBLIC KEY-----',
      'pip install scikit-learn; sk-learn is not a key',
      'sk_test is a prefix; pk_live_4eC39HqLyjWDarjtT1zdp7dc is publishable',
      'http://localhost:8080/path user@example.com git@github.com:o/r.git',
    ].join('\n');
    expect(redactSecrets(source)).toBe(source);
  });

  it('handles a megabyte of output quickly', () => {
    const big = `${'npm WARN deprecated some-package@1.2.3: use other-package instead\n'.repeat(16_000)}TOKEN=abc123\n`;
    const started = performance.now();
    const out = redactSecrets(big);
    expect(out.endsWith('TOKEN=[redacted:secret-value]\n')).toBe(true);
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('does not backtrack badly on a PEM header followed by a long unterminated run', () => {
    const nasty = `-----BEGIN PRIVATE KEY-----\n${'A'.repeat(200_000)}!`;
    const started = performance.now();
    expect(redactSecrets(nasty)).toBe('[redacted:private-key]!');
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});
