import { describe, expect, test } from 'vitest';
import { ApprovalArrivals } from '../../app/src/approval-alerts.ts';
import { defaultPrefix, identicalGroups, isPlainCommand, pendingApprovals } from '../../app/src/approvals.ts';
import { HostStore } from '../../app/src/state/host-store.ts';
import type { Approval, HostState, ProjectId, Rule, ThreadId } from '../../extensions/agent-host/src/protocol/index.ts';

const PROJECT = 'p_0000000001' as ProjectId;
const THREAD = 't_0000000001' as ThreadId;

function approval(n: number, change: Partial<Approval> = {}): Approval {
  return {
    id: `a_${String(n).padStart(10, '0')}` as Approval['id'],
    threadId: THREAD,
    projectId: PROJECT,
    kind: 'command',
    command: 'rm -rf build',
    cwd: '/w/thread',
    commit: null,
    reasons: ['deletes files'],
    status: 'pending',
    decision: null,
    result: null,
    createdAt: n,
    updatedAt: n,
    ...change,
  };
}

function storeWith(state: Partial<HostState>): HostStore {
  const store = new HostStore();
  store.replace({
    rev: 1,
    projects: [],
    threads: [],
    approvals: [],
    rules: [],
    terminals: [],
    sandbox: { available: true, reason: null },
    ...state,
  });
  return store;
}

describe('the UI mirror of the inbox', () => {
  test('approval/added adds, approval/updated replaces the whole record in place, and a skipped rev asks for a resync', () => {
    const store = storeWith({});
    expect(store.apply({ method: 'approval/added', params: { rev: 2, approval: approval(1) } })).toBe('applied');
    const denied = approval(1, { status: 'denied', updatedAt: 5 });
    expect(store.apply({ method: 'approval/updated', params: { rev: 3, approval: denied } })).toBe('applied');
    expect(store.state?.approvals).toEqual([denied]);
    expect(store.apply({ method: 'approval/added', params: { rev: 5, approval: approval(2) } })).toBe('gap');
  });

  test('rule/added and rule/removed keep the rules list, each rule once', () => {
    const rule: Rule = {
      id: 'r_0000000001' as Rule['id'],
      projectId: PROJECT,
      prefix: ['make', 'build'],
      from: null,
      createdAt: 1,
    };
    const store = storeWith({});
    store.apply({ method: 'rule/added', params: { rev: 2, rule } });
    store.apply({ method: 'rule/added', params: { rev: 3, rule } });
    expect(store.state?.rules).toEqual([rule]);
    store.apply({ method: 'rule/removed', params: { rev: 4, ruleId: rule.id } });
    expect(store.state?.rules).toEqual([]);
  });

  test('the mirror keeps every pending request and the 100 most recent settled ones, as a fresh snapshot would', () => {
    const settled = Array.from({ length: 100 }, (_, i) => approval(i + 10, { status: 'done' }));
    const waiting = approval(1);
    const store = storeWith({ approvals: [waiting, ...settled] });
    store.apply({ method: 'approval/added', params: { rev: 2, approval: approval(500, { status: 'denied' }) } });
    const ids = new Set(store.state?.approvals.map((a) => a.id));
    expect(ids.size).toBe(101);
    expect(ids.has(waiting.id)).toBe(true);
    expect(ids.has(approval(500).id)).toBe(true);
    expect(ids.has(approval(10).id)).toBe(false); // the oldest settled one went
  });
});

describe('inbox helpers', () => {
  test('the default rule prefix takes the subcommand of tools like git and npm, and only a plain one', () => {
    expect(
      [
        'git status --short',
        'npm test',
        'cargo build --release',
        'git -C sub log',
        'ls -la build',
        'make',
        '  go   vet ./...  ',
      ].map(defaultPrefix),
    ).toEqual(['git status', 'npm test', 'cargo build', 'git', 'ls', 'make', 'go vet']);
  });

  test('a rule is offered only for plain words: no quotes, variables, pipes, && or redirections', () => {
    expect(
      ['make build', 'npm run lint:fix', 'rm -rf build && npm ci', 'echo "$HOME"', 'ls > out.txt', 'cat a | wc -l'].map(
        isPlainCommand,
      ),
    ).toEqual([true, true, false, false, false, false]);
  });

  test('identical means same project, kind, command and folder; every request maps to its whole group', () => {
    const a = approval(1);
    const b = approval(2);
    const elsewhere = approval(3, { cwd: '/w/thread/sub' });
    const groups = identicalGroups([a, b, elsewhere]);
    expect(groups.get(a.id)).toEqual([a.id, b.id]);
    expect(groups.get(b.id)).toEqual([a.id, b.id]);
    expect(groups.get(elsewhere.id)).toEqual([elsewhere.id]);
  });

  test('pending requests list oldest first, without the settled ones', () => {
    expect(pendingApprovals([approval(3), approval(1), approval(2, { status: 'done' })]).map((a) => a.createdAt)).toEqual([1, 3]);
  });

  test('arrivals: what waits on the first look is not news; a request pending since is, once', () => {
    const arrivals = new ApprovalArrivals();
    expect(arrivals.arrived([approval(1)])).toEqual([]);
    expect(arrivals.arrived([approval(1), approval(2)])).toEqual([approval(2)]);
    expect(arrivals.arrived([approval(1), approval(2)])).toEqual([]);
    expect(arrivals.arrived([approval(2, { status: 'done' })])).toEqual([]);
  });
});
