/** The operations the local server serves: every operation of the registry, with the same handlers as Lambda. */
import {
  applyUndoOfChange,
  blockPublicAccessForS3Account,
  closeUnwantedPortForEc2Instance,
  findEc2InstancesWithOpenPort,
  findS3BucketsWithPublicAccess,
  listChanges,
  type OperationDefinition,
  type operations,
  previewBlockPublicAccessForS3Account,
  previewCloseUnwantedPortForEc2Instance,
  previewRemovePublicAccessFromS3Bucket,
  previewUndoOfChange,
  removePublicAccessFromS3Bucket,
} from '../../openapi/operations';
import {
  createAccountBlockHandler,
  createAccountBlockPreviewHandler,
} from '../handlers/account-block-public-access';
import {
  createBlockBucketPublicAccessHandler,
  createBlockPublicAccessPreviewHandler,
} from '../handlers/block-bucket-public-access';
import { createCloseOpenPortHandler, createClosePortPreviewHandler } from '../handlers/close-open-port';
import { createFindOpenPortsHandler } from '../handlers/find-open-ports';
import { createFindPublicBucketsHandler } from '../handlers/find-public-buckets';
import { createListChangesHandler } from '../handlers/list-changes';
import { createApplyUndoHandler, createPreviewUndoHandler } from '../handlers/undo-change';
import { bindOperation, type OperationBinding } from '../shared/http-router';
import type { LocalBackend } from './local-backend';

/** One binding per operation of the registry, in its order: leaving one out does not compile. */
type BindingPerOperation<Ops extends readonly OperationDefinition[]> = {
  [K in keyof Ops]: OperationBinding<Ops[K]>;
};

export function localBindings(backend: LocalBackend): OperationBinding[] {
  const bindings: BindingPerOperation<typeof operations> = [
    bindOperation(findS3BucketsWithPublicAccess, createFindPublicBucketsHandler(backend.s3)),
    bindOperation(previewRemovePublicAccessFromS3Bucket, createBlockPublicAccessPreviewHandler(backend.s3)),
    bindOperation(
      removePublicAccessFromS3Bucket,
      createBlockBucketPublicAccessHandler(backend.s3, backend.journal),
    ),
    bindOperation(previewBlockPublicAccessForS3Account, createAccountBlockPreviewHandler(backend.s3)),
    bindOperation(blockPublicAccessForS3Account, createAccountBlockHandler(backend.s3, backend.journal)),
    bindOperation(findEc2InstancesWithOpenPort, createFindOpenPortsHandler(backend.ec2)),
    bindOperation(previewCloseUnwantedPortForEc2Instance, createClosePortPreviewHandler(backend.ec2)),
    bindOperation(closeUnwantedPortForEc2Instance, createCloseOpenPortHandler(backend.ec2, backend.journal)),
    bindOperation(listChanges, createListChangesHandler(backend.journal)),
    bindOperation(previewUndoOfChange, createPreviewUndoHandler(backend.undo)),
    bindOperation(applyUndoOfChange, createApplyUndoHandler(backend.undo)),
  ];
  return [...bindings] as OperationBinding[];
}
