/**
 * The EC2 read tools' handlers for the MCP function (what the find-open-ports function serves), with the EC2
 * and Service Quotas clients built here, once. functions/mcp.ts imports this module on the first call of one
 * of them, so its code is read then, not at the container's start.
 */
import { createClosePortPreviewHandler } from './close-open-port';
import { createFindOpenPortsHandler } from './find-open-ports';
import { lambdaClosePortDeps } from './lambda-close-port-deps';

/**
 * With the Service Quotas client: preview and close plan against the account's rule quota. Shared with the
 * close tool (mcp-ec2-close-handler.ts): one set of clients per container.
 */
export const ec2Deps = lambdaClosePortDeps();

export const ec2ReadToolHandlers = {
  find: createFindOpenPortsHandler(ec2Deps),
  preview: createClosePortPreviewHandler(ec2Deps),
};
