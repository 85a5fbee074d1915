/** The public sample's bucket scan, as the benchmark's reference (see reference-sample.ts). */
import {
  GetBucketAclCommand,
  GetBucketPolicyStatusCommand,
  GetPublicAccessBlockCommand,
  ListBucketsCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { settle } from './reference-sample';

/** ListBuckets once, then per bucket: policy status, ACL, public access block, one after another. */
export async function referenceFindPublicBuckets(s3: S3Client): Promise<string[]> {
  const list = await s3.send(new ListBucketsCommand({}));
  const found: string[] = [];
  for (const bucket of list.Buckets ?? []) {
    const name = bucket.Name ?? '';
    const status = await settle(() => s3.send(new GetBucketPolicyStatusCommand({ Bucket: name })));
    const acl = await settle(() => s3.send(new GetBucketAclCommand({ Bucket: name })));
    await settle(() => s3.send(new GetPublicAccessBlockCommand({ Bucket: name })));
    const aclPublic = (acl?.Grants ?? []).some((g) => g.Grantee?.URI?.endsWith('/AllUsers'));
    if (status?.PolicyStatus?.IsPublic || aclPublic) found.push(name);
  }
  return found;
}
