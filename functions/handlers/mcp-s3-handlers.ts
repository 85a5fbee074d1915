/**
 * The S3 read tools' handlers for the MCP function (what the find-public-buckets function serves), with the
 * S3 clients built here, once. functions/mcp.ts imports this module on the first call of one of them, so
 * its code is read then, not at the container's start.
 */
import { createBlockPublicAccessPreviewHandler } from './block-bucket-public-access';
import { createFindPublicBucketsHandler } from './find-public-buckets';
import { lambdaS3Deps } from './lambda-s3-deps';

/** Shared with the block tool (mcp-s3-block-handler.ts): one set of S3 clients per container. */
export const s3Deps = lambdaS3Deps();

export const s3ReadToolHandlers = {
  find: createFindPublicBucketsHandler(s3Deps),
  preview: createBlockPublicAccessPreviewHandler(s3Deps),
};
