import { describe, expect, test } from 'vitest';
import { checkMcpTool } from '../../extensions/agent-host/src/policy/mcp-policy.ts';

describe('MCP tools', () => {
  const readTool = { server: 'filesystem', name: 'read_file', annotations: { readOnlyHint: true } };

  test('a tool that declares itself read-only is allowed when the policy trusts the hint', () => {
    expect(checkMcpTool(readTool, 'allow')).toEqual({
      decision: 'allow',
      reasons: ['filesystem/read_file declares itself read-only (readOnlyHint)'],
    });
  });

  test('every other tool asks, and so does a read-only one when the project asks for all', () => {
    expect(checkMcpTool({ server: 'filesystem', name: 'write_file' }, 'allow').decision).toBe('ask');
    expect(
      checkMcpTool({ server: 'filesystem', name: 'move_file', annotations: { readOnlyHint: false } }, 'allow').decision,
    ).toBe('ask');
    expect(checkMcpTool(readTool, 'ask')).toEqual({
      decision: 'ask',
      reasons: ['filesystem/read_file declares itself read-only, but this project asks for every MCP tool'],
    });
  });
});
