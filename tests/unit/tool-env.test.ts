import { describe, expect, it } from 'vitest';
import { isCredentialName } from '../../extensions/agent-host/src/sandbox/secret-names.ts';
import { toolEnvironment } from '../../extensions/agent-host/src/sandbox/tool-environment.ts';

/** A host environment as a developer's shell has it: the basics, locale, and a pile of credentials. */
const HOST_ENV: NodeJS.ProcessEnv = {
  PATH: '/usr/local/bin:/usr/bin:/bin',
  HOME: '/home/ada',
  USER: 'ada',
  LOGNAME: 'ada',
  SHELL: '/bin/zsh',
  LANG: 'en_GB.UTF-8',
  LC_ALL: 'en_GB.UTF-8',
  LC_TIME: 'C',
  TERM: 'xterm-256color',
  TZ: 'Europe/London',
  TMPDIR: '/var/tmp/ada',
  OPENAI_API_KEY: 'sk-proj-abc',
  ANTHROPIC_API_KEY: 'sk-ant-abc',
  AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  AWS_PROFILE: 'prod',
  GITHUB_TOKEN: 'ghp_abc',
  GH_TOKEN: 'ghp_abc',
  NPM_TOKEN: 'npm_abc',
  SSH_AUTH_SOCK: '/run/user/1000/ssh-agent.socket',
  GROVE_TOKEN: 'grove-secret',
  GROVE_HOME: '/home/ada/.grove',
  GROVE_THREAD_ID: 't_host_own',
  SLACK_BOT_TOKEN: 'xoxb-abc',
  DATABASE_PASSWORD: 'hunter2',
  MY_SERVICE_SECRET_VALUE: 'x',
  LC_SECRET_TOKEN: 'smuggled',
  EDITOR: 'vim',
  NODE_OPTIONS: '--require /home/ada/hook.js',
  LD_PRELOAD: '/home/ada/evil.so',
  GIT_DIR: '/elsewhere/.git',
};

describe('toolEnvironment', () => {
  it('tool-env - keeps exactly the allowlisted variables of the host, and the thread variables given', () => {
    const env = toolEnvironment(HOST_ENV, {
      GROVE_THREAD_ID: 't_123',
      GROVE_WORKTREE: '/w/t',
      GROVE_BRANCH: 'grove/fix',
      GROVE_PORT: '4100',
    });
    expect(env).toEqual({
      PATH: '/usr/local/bin:/usr/bin:/bin',
      HOME: '/home/ada',
      USER: 'ada',
      LOGNAME: 'ada',
      SHELL: '/bin/zsh',
      LANG: 'en_GB.UTF-8',
      LC_ALL: 'en_GB.UTF-8',
      LC_TIME: 'C',
      TERM: 'xterm-256color',
      TZ: 'Europe/London',
      TMPDIR: '/var/tmp/ada',
      GROVE_THREAD_ID: 't_123',
      GROVE_WORKTREE: '/w/t',
      GROVE_BRANCH: 'grove/fix',
      GROVE_PORT: '4100',
    });
  });

  it('tool-env - never inherits the host’s own GROVE_* variables', () => {
    const env = toolEnvironment(HOST_ENV);
    expect(Object.keys(env).filter((name) => name.startsWith('GROVE_'))).toEqual([]);
  });

  it('tool-env - lets the caller override an allowlisted variable', () => {
    expect(toolEnvironment(HOST_ENV, { TMPDIR: '/tmp', HOME: '/fake/home' })).toMatchObject({
      TMPDIR: '/tmp',
      HOME: '/fake/home',
    });
  });

  it.each([
    'OPENAI_API_KEY',
    'ANTHROPIC_API_KEY',
    'AWS_SECRET_ACCESS_KEY',
    'AWS_REGION',
    'GITHUB_TOKEN',
    'NPM_TOKEN',
    'SSH_AUTH_SOCK',
    'MY_SERVICE_SECRET',
    'DB_PASSWORD',
  ])('tool-env - refuses %s passed by a caller, naming it as a credential', (name) => {
    expect(() => toolEnvironment(HOST_ENV, { [name]: 'x' })).toThrow(
      new RegExp(`variable ${name}, which looks like a credential`),
    );
  });

  it.each(['EDITOR', 'NODE_OPTIONS', 'LD_PRELOAD', 'GIT_DIR'])(
    'tool-env - refuses %s passed by a caller, as not on the allowlist',
    (name) => {
      expect(() => toolEnvironment(HOST_ENV, { [name]: 'x' })).toThrow(
        new RegExp(`variable ${name}, which is not on its allowlist`),
      );
    },
  );

  it.each(['GROVE_TOKEN', 'GROVE_HOME', 'GROVE_ROOT_PATH'])('tool-env - refuses Grove’s own %s passed by a caller', (name) => {
    expect(() => toolEnvironment(HOST_ENV, { [name]: 'x' })).toThrow(new RegExp(`variable ${name}\\. Of Grove's own variables`));
  });

  it('tool-env - uses the host’s environment by default', () => {
    const env = toolEnvironment();
    expect(env.PATH).toBe(process.env.PATH);
    expect(Object.keys(env).every((name) => /^(PATH|HOME|USER|LOGNAME|SHELL|LANG|TERM|TZ|TMPDIR|LC_[A-Z]+)$/.test(name))).toBe(
      true,
    );
  });
});

describe('isCredentialName', () => {
  it.each([
    'OPENAI_API_KEY',
    'apiKey',
    'x-api-key',
    'GITHUB_TOKEN',
    'accessToken',
    '_authToken',
    '_auth',
    'clientSecret',
    'CLIENT_SECRET',
    'db.password',
    'PGPASSWORD',
    'MYSQL_PWD',
    'DB_PASS',
    'aws_secret_access_key',
    'SecretAccessKey',
    'private_key',
    'SECRET_KEY_BASE',
    'passphrase',
    'GITHUB_PAT',
  ])('names %s a credential', (name) => {
    expect(isCredentialName(name)).toBe(true);
  });

  it.each([
    'PWD',
    'OLDPWD',
    'key',
    'SORT_KEY',
    'primaryKey',
    'max_tokens',
    'maxTokens',
    'input_tokens',
    'token_count',
    'tokenizer',
    'TOKEN_FILE',
    'PASSWORD_FIELD',
    'SECRET_NAME',
    'tokenType',
    'secretsManager',
    'GIT_ASKPASS_PATH',
    'PATH',
    'author',
  ])('does not name %s a credential', (name) => {
    expect(isCredentialName(name)).toBe(false);
  });
});
