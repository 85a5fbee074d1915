/**
 * The EC2 close tool's handler for the MCP function (what the close-open-port function serves): the read
 * tools' clients and the change journal. A module of its own, imported on the tool's first call, so a scan
 * never reads the journal's DynamoDB client.
 */
import { createCloseOpenPortHandler } from './close-open-port';
import { ec2Deps } from './mcp-ec2-handlers';
import { mcpJournal } from './mcp-journal';

export const ec2CloseToolHandler = createCloseOpenPortHandler(ec2Deps, mcpJournal());
