/**
 * The S3 block tool's handler for the MCP function (what the block-bucket-public-access function serves):
 * the read tools' S3 clients and the change journal. A module of its own, imported on the tool's first call,
 * so a scan never reads the journal's DynamoDB client.
 */
import { createBlockBucketPublicAccessHandler } from './block-bucket-public-access';
import { mcpJournal } from './mcp-journal';
import { s3Deps } from './mcp-s3-handlers';

export const s3BlockToolHandler = createBlockBucketPublicAccessHandler(s3Deps, mcpJournal());
