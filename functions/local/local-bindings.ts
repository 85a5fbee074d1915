/** The operations the local server serves: every operation of the registry, with the same handlers as Lambda. */
import {
  closeUnwantedPortForEc2Instance,
  findEc2InstancesWithOpenPort,
  findS3BucketsWithPublicAccess,
  removePublicAccessFromS3Bucket,
} from '../../openapi/operations';
import { createBlockBucketPublicAccessHandler } from '../handlers/block-bucket-public-access';
import { createCloseOpenPortHandler } from '../handlers/close-open-port';
import { createFindOpenPortsHandler } from '../handlers/find-open-ports';
import { createFindPublicBucketsHandler } from '../handlers/find-public-buckets';
import { bindOperation, type OperationBinding } from '../shared/http-router';
import type { LocalBackend } from './local-backend';

export function localBindings(backend: LocalBackend): OperationBinding[] {
  return [
    bindOperation(findS3BucketsWithPublicAccess, createFindPublicBucketsHandler(backend.s3)),
    bindOperation(removePublicAccessFromS3Bucket, createBlockBucketPublicAccessHandler(backend.s3)),
    bindOperation(findEc2InstancesWithOpenPort, createFindOpenPortsHandler(backend.ec2)),
    bindOperation(closeUnwantedPortForEc2Instance, createCloseOpenPortHandler(backend.ec2)),
  ] as OperationBinding[];
}
