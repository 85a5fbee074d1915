/**
 * The S3 tools' handlers for the MCP function, with their Lambda dependencies (clients built here, once).
 * functions/mcp.ts imports this module on the first call of an S3 tool, so its code is read then, not at
 * the container's start.
 */
import {
  createBlockBucketPublicAccessHandler,
  createBlockPublicAccessPreviewHandler,
} from './block-bucket-public-access';
import { createFindPublicBucketsHandler } from './find-public-buckets';
import { lambdaS3Deps } from './lambda-s3-deps';
import { mcpJournal } from './mcp-journal';

const deps = lambdaS3Deps();

export const s3ToolHandlers = {
  find: createFindPublicBucketsHandler(deps),
  preview: createBlockPublicAccessPreviewHandler(deps),
  block: createBlockBucketPublicAccessHandler(deps, mcpJournal()),
};
