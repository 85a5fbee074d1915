/** Synthetic sandbox accounts for the benchmark: N buckets, or N instances spread over 17 Regions. */
import type { ScenarioInput } from '../../functions/local/sandbox/scenario';

export const BENCH_REGIONS = [
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
  'ca-central-1',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'eu-central-1',
  'eu-north-1',
  'ap-south-1',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-southeast-1',
  'ap-southeast-2',
  'sa-east-1',
];

const ALL_USERS = 'http://acs.amazonaws.com/groups/global/AllUsers';
const ALL_ON = {
  BlockPublicAcls: true,
  IgnorePublicAcls: true,
  BlockPublicPolicy: true,
  RestrictPublicBuckets: true,
};

/** N buckets over 17 Regions: 2 % public by ACL, 2 % by policy, 1 % latent, 20 % blocked, the rest private. */
export function bucketScenario(count: number, latencyMs: number, accountFlagsOn = false): ScenarioInput {
  const buckets = Array.from({ length: count }, (_, i) => {
    const name = `bench-${String(i).padStart(6, '0')}`;
    const region = BENCH_REGIONS[i % BENCH_REGIONS.length] as string;
    const kind = i % 100;
    if (kind < 2) return { name, region, acl: [{ uri: ALL_USERS, permission: 'READ' as const }] };
    if (kind < 4) {
      return {
        name,
        region,
        policy: {
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'Public',
              Effect: 'Allow',
              Principal: '*',
              Action: 's3:GetObject',
              Resource: `arn:aws:s3:::${name}/*`,
            },
          ],
        },
      };
    }
    if (kind < 5)
      return {
        name,
        region,
        acl: [{ uri: ALL_USERS, permission: 'READ' as const }],
        publicAccessBlock: ALL_ON,
      };
    if (kind < 25) return { name, region, publicAccessBlock: ALL_ON };
    return { name, region };
  });
  return {
    accountId: '111122223333',
    regions: BENCH_REGIONS,
    latencyMs,
    s3: { accountPublicAccessBlock: accountFlagsOn ? ALL_ON : null, buckets },
  };
}

/**
 * N instances over 17 Regions, two interfaces' worth of groups each from a pool of 50 groups per Region; one in
 * `exposedEvery` (default 5 %) exposed on 22. Every group but the first opens 443 to the internet, so every instance is
 * exposed on some port, unless `privateWeb` keeps 443 to the VPC (then only the port-22 instances are).
 */
export function instanceScenario(
  count: number,
  latencyMs: number,
  exposedEvery = 20,
  privateWeb = false,
): ScenarioInput {
  const ec2: Record<string, unknown> = {};
  BENCH_REGIONS.forEach((region, r) => {
    const groups = Array.from({ length: 50 }, (_, g) => ({
      groupId: `sg-${String(r).padStart(2, '0')}${String(g).padStart(15, '0')}`,
      rules:
        g === 0
          ? [{ ipProtocol: 'tcp', fromPort: 22, toPort: 22, cidrIpv4: '0.0.0.0/0' }]
          : [
              {
                ipProtocol: 'tcp',
                fromPort: 443,
                toPort: 443,
                cidrIpv4: privateWeb ? '10.0.0.0/8' : '0.0.0.0/0',
              },
              { ipProtocol: 'tcp', fromPort: 22, toPort: 22, cidrIpv4: '10.0.0.0/8' },
            ],
    }));
    const here = Math.floor(count / BENCH_REGIONS.length) + (r < count % BENCH_REGIONS.length ? 1 : 0);
    const instances = Array.from({ length: here }, (_, i) => {
      const id = (r * 100_000 + i).toString(16).padStart(17, '0');
      const exposed = i % exposedEvery === 0;
      return {
        instanceId: `i-${id}`,
        name: `bench-${r}-${i}`,
        networkInterfaces: [
          {
            networkInterfaceId: `eni-${id}`,
            groupIds: [
              groups[exposed ? 0 : 1 + (i % 49)]?.groupId as string,
              groups[1 + ((i + 7) % 49)]?.groupId as string,
            ],
            publicIp: `203.0.113.${i % 250}`,
          },
        ],
      };
    });
    ec2[region] = { instances, securityGroups: groups };
  });
  return { accountId: '111122223333', regions: BENCH_REGIONS, latencyMs, ec2: ec2 as ScenarioInput['ec2'] };
}
