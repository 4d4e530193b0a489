import { allow, ask, type PolicyDecision } from './decision.ts';

/** The part of an MCP tool description the policy reads. */
export interface McpTool {
  readonly server: string;
  readonly name: string;
  readonly annotations?: { readonly readOnlyHint?: boolean };
}

/** Whether tools that declare themselves read-only may run without asking. */
export type ReadOnlyMcpTools = 'allow' | 'ask';

/**
 * MCP tools: one marked `readOnlyHint: true` may run when the policy allows read-only tools;
 * every other tool asks. The hint is the server's own claim, so trusting it is a setting,
 * and a server that lies is the reason the default can be switched to asking.
 */
export function checkMcpTool(tool: McpTool, readOnlyTools: ReadOnlyMcpTools): PolicyDecision {
  const label = `${tool.server}/${tool.name}`;
  if (tool.annotations?.readOnlyHint !== true) return ask(`${label} does not declare itself read-only (readOnlyHint)`);
  if (readOnlyTools === 'ask') return ask(`${label} declares itself read-only, but this project asks for every MCP tool`);
  return allow(`${label} declares itself read-only (readOnlyHint)`);
}
