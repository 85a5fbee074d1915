/**
 * Stands in for `ajv` and `ajv-formats` in the MCP function's bundle (an esbuild alias, `MCP_BUNDLE` in
 * infra/constructs/mcp.ts). The MCP SDK's server imports Ajv to check a client's elicitation answers against
 * a JSON Schema; this server never asks a client for input (its validator refuses, mcp-server.ts), so Ajv
 * would never run, yet reading and evaluating it would cost every cold start (docs/performance.md). Whatever
 * constructs it anyway fails with this sentence, never skips a check.
 */
export default class AjvLeftOut {
  constructor() {
    throw new Error(
      'Ajv is left out of the MCP function bundle (MCP_BUNDLE, infra/constructs/mcp.ts): this server validates no JSON Schema.',
    );
  }
}
