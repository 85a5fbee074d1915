/**
 * The public sample's algorithms, rewritten here as the benchmark's reference:
 * one Region, everything sequential, about three calls per bucket and one
 * DescribeSecurityGroups call per security group per instance. They run on the
 * same sandbox (same latency) so the ratio compares algorithms, not machines.
 */
import { DescribeInstancesCommand, DescribeSecurityGroupsCommand, type EC2Client } from '@aws-sdk/client-ec2';
import {
  GetBucketAclCommand,
  GetBucketPolicyStatusCommand,
  GetPublicAccessBlockCommand,
  ListBucketsCommand,
  type S3Client,
} from '@aws-sdk/client-s3';

async function settle<T>(call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call();
  } catch {
    return undefined;
  }
}

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

/** Per Region: DescribeInstances, then DescribeSecurityGroups for every group of every instance. */
export async function referenceFindOpenPort(
  ec2ForRegion: (region: string) => EC2Client,
  regions: string[],
  port: number,
) {
  const found: string[] = [];
  for (const region of regions) {
    const ec2 = ec2ForRegion(region);
    let token: string | undefined;
    do {
      const page = await ec2.send(new DescribeInstancesCommand({ NextToken: token }));
      for (const reservation of page.Reservations ?? []) {
        for (const instance of reservation.Instances ?? []) {
          for (const group of instance.SecurityGroups ?? []) {
            const described = await settle(() =>
              ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [group.GroupId ?? ''] })),
            );
            const open = (described?.SecurityGroups?.[0]?.IpPermissions ?? []).some(
              (p) =>
                (p.FromPort ?? 0) <= port &&
                port <= (p.ToPort ?? 65535) &&
                (p.IpRanges ?? []).some((range) => range.CidrIp === '0.0.0.0/0'),
            );
            if (open) found.push(instance.InstanceId ?? '');
          }
        }
      }
      token = page.NextToken;
    } while (token);
  }
  return found;
}
