import { describe, expect, test } from 'vitest';
import { AccessGuard } from '../../extensions/agent-host/src/server/access-guard.ts';

function guard(lan = false) {
  const g = new AccessGuard({ lan, token: 'secret-token' });
  g.bind(4100);
  return g;
}

describe('access guard', () => {
  test('answers loopback names on its own port only (no DNS rebinding)', () => {
    const g = guard();
    const allowed = ['127.0.0.1:4100', 'localhost:4100', '[::1]:4100', 'LOCALHOST:4100'];
    const refused = [
      undefined,
      'evil.example:4100',
      '127.0.0.1:4101',
      '127.0.0.1',
      '192.168.1.5:4100',
      'localhost.evil.example:4100',
    ];
    expect(allowed.map((h) => g.isHostAllowed(h))).toEqual(allowed.map(() => true));
    expect(refused.map((h) => g.isHostAllowed(h))).toEqual(refused.map(() => false));
  });

  test('with --lan, IP literals are answered but DNS names still are not', () => {
    const g = guard(true);
    expect(g.isHostAllowed('192.168.1.5:4100')).toBe(true);
    expect(g.isHostAllowed('evil.example:4100')).toBe(false);
  });

  test('a page origin must be this server or one trusted explicitly', () => {
    const g = guard();
    g.trustOrigin('http://127.0.0.1:9000');
    expect(g.isOriginAllowed(undefined, '127.0.0.1:4100')).toBe(true);
    expect(g.isOriginAllowed('http://127.0.0.1:4100', '127.0.0.1:4100')).toBe(true);
    expect(g.isOriginAllowed('http://127.0.0.1:9000', '127.0.0.1:4100')).toBe(true);
    expect(g.isOriginAllowed('http://evil.example', '127.0.0.1:4100')).toBe(false);
    expect(g.isOriginAllowed('http://localhost:4100', '127.0.0.1:4100')).toBe(false);
    expect(g.isOriginAllowed('null', '127.0.0.1:4100')).toBe(false);
  });

  test('the token matches exactly, and fresh guards get different long tokens', () => {
    const g = guard();
    expect([g.matches('secret-token'), g.matches('secret-toke'), g.matches(''), g.matches(null)]).toEqual([
      true,
      false,
      false,
      false,
    ]);
    const a = new AccessGuard({ lan: false }).token;
    const b = new AccessGuard({ lan: false }).token;
    expect(a).not.toBe(b);
    expect(a.length).toBeGreaterThanOrEqual(43);
  });
});
