/**
 * The EC2 tools' handlers for the MCP function, with their Lambda dependencies (clients built here, once).
 * functions/mcp.ts imports this module on the first call of an EC2 tool, so its code is read then, not at
 * the container's start.
 */
import { createCloseOpenPortHandler, createClosePortPreviewHandler } from './close-open-port';
import { createFindOpenPortsHandler } from './find-open-ports';
import { lambdaClosePortDeps } from './lambda-close-port-deps';
import { mcpJournal } from './mcp-journal';

// With the Service Quotas client: preview and close plan against the account's rule quota.
const deps = lambdaClosePortDeps();

export const ec2ToolHandlers = {
  find: createFindOpenPortsHandler(deps),
  preview: createClosePortPreviewHandler(deps),
  close: createCloseOpenPortHandler(deps, mcpJournal()),
};
