/** The public sample's open-port scan, as the benchmark's reference (see reference-sample.ts). */
import { DescribeInstancesCommand, DescribeSecurityGroupsCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { settle } from './reference-sample';

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
