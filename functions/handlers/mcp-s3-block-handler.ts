/**
 * The S3 block tools' handlers for the MCP function (what the block-bucket-public-access function serves):
 * the read tools' S3 clients and the change journal. A module of its own, imported on the tool's first call,
 * so a scan never reads the journal's DynamoDB client.
 */
import { createAccountBlockHandler } from './account-block-public-access';
import { createBlockBucketPublicAccessHandler } from './block-bucket-public-access';
import { mcpJournal } from './mcp-journal';
import { s3Deps } from './mcp-s3-handlers';

const journal = mcpJournal();

export const s3BlockToolHandler = createBlockBucketPublicAccessHandler(s3Deps, journal);

/** The account-wide block: the same function serves it (block-bucket-public-access). */
export const s3AccountBlockToolHandler = createAccountBlockHandler(s3Deps, journal);
