/**
 * The sandbox scenario: a simulated AWS account described in JSON. The
 * schema documents the file format and rejects a malformed file with a
 * message naming the field.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { eachFlag } from '../../domain/bucket-exposure';

const flags = z.strictObject(eachFlag(() => z.boolean()));

const grant = z.strictObject({
  /** Group grantee URI, e.g. http://acs.amazonaws.com/groups/global/AllUsers. */
  uri: z.string().optional(),
  /** Canonical user id grantee. */
  id: z.string().optional(),
  permission: z.enum(['READ', 'WRITE', 'READ_ACP', 'WRITE_ACP', 'FULL_CONTROL']),
});

const bucket = z.strictObject({
  name: z.string(),
  region: z.string(),
  note: z.string().optional(),
  publicAccessBlock: flags.nullable().default(null),
  acl: z.array(grant).default([]),
  /** The bucket policy document (an object, stored as JSON text). */
  policy: z.record(z.string(), z.unknown()).nullable().default(null),
  /**
   * What GetBucketPolicyStatus answers: computed from the policy by default, or forced, or not implemented
   * (`unsupported`: NotImplemented), or `omitted`: a 200 reply without PolicyStatus, as moto gives (it
   * answers with a ListBucketResult, which the SDK parses into an empty object).
   */
  policyStatus: z
    .union([z.boolean(), z.literal('computed'), z.literal('unsupported'), z.literal('omitted')])
    .default('computed'),
  website: z.boolean().default(false),
  /** The bucket's tags (GetBucketTagging); none by default (NoSuchTagSet). */
  tags: z.record(z.string(), z.string()).default({}),
  /** S3 commands that answer AccessDenied for this bucket (e.g. "GetBucketAcl"). */
  denied: z.array(z.string()).default([]),
});

const ruleSource = {
  cidrIpv4: z.string().optional(),
  cidrIpv6: z.string().optional(),
  prefixListId: z.string().optional(),
  referencedGroupId: z.string().optional(),
  description: z.string().optional(),
};

const sgRule = z.strictObject({
  ruleId: z.string().optional(),
  ipProtocol: z.string(),
  fromPort: z.number().int().default(-1),
  toPort: z.number().int().default(-1),
  egress: z.boolean().default(false),
  ...ruleSource,
});

const securityGroup = z.strictObject({
  groupId: z.string(),
  groupName: z.string().optional(),
  note: z.string().optional(),
  vpcId: z.string().default('vpc-0sandbox'),
  description: z.string().default('sandbox group'),
  /** The group's tags (DescribeTags), e.g. the intended-exposure tags. */
  tags: z.record(z.string(), z.string()).default({}),
  rules: z.array(sgRule).default([]),
});

const networkInterface = z.strictObject({
  networkInterfaceId: z.string(),
  groupIds: z.array(z.string()),
  publicIp: z.string().optional(),
  ipv6Addresses: z.array(z.string()).default([]),
  privateIp: z.string().default('10.0.0.10'),
});

const instance = z.strictObject({
  instanceId: z.string(),
  name: z.string().optional(),
  /** Tags besides Name (e.g. the intended-exposure tags). */
  tags: z.record(z.string(), z.string()).default({}),
  note: z.string().optional(),
  state: z
    .enum(['pending', 'running', 'shutting-down', 'terminated', 'stopping', 'stopped'])
    .default('running'),
  networkInterfaces: z.array(networkInterface).min(1),
});

const detachedInterface = networkInterface.extend({ description: z.string().optional() });

const prefixList = z.strictObject({
  prefixListId: z.string(),
  name: z.string().default('sandbox-list'),
  note: z.string().optional(),
  maxEntries: z.number().int().default(10),
  /** "AWS" for an AWS-managed list (it counts as one rule per family in a group's quota). */
  ownerId: z.string().optional(),
  cidrs: z.array(z.string()),
});

const ec2Region = z.strictObject({
  instances: z.array(instance).default([]),
  securityGroups: z.array(securityGroup).default([]),
  prefixLists: z.array(prefixList).default([]),
  /** Interfaces not attached to an instance (e.g. a load balancer's) that use the groups. */
  otherInterfaces: z.array(detachedInterface).default([]),
  /** EC2 commands that answer UnauthorizedOperation in this Region (also "GetServiceQuota"). */
  denied: z.array(z.string()).default([]),
  /** The account's "Inbound or outbound rules per security group" quota here (Service Quotas vpc/L-0EA8095F). */
  rulesPerGroupQuota: z.number().int().min(1).default(60),
});

const fault = z.strictObject({
  /** SDK command name without "Command", e.g. "GetBucketAcl"; absent = every command. */
  command: z.string().optional(),
  service: z.enum(['s3', 's3control', 'ec2', 'sts', 'dynamodb']).optional(),
  /** Probability (0-1) that a call fails. */
  rate: z.number().min(0).max(1),
  /** The AWS error code to throw, e.g. SlowDown, Throttling, RequestLimitExceeded, AccessDenied, InternalError. */
  error: z.string(),
});

export const scenarioSchema = z.strictObject({
  description: z.string().optional(),
  accountId: z.string().regex(/^\d{12}$/),
  homeRegion: z.string().default('us-east-1'),
  regions: z.array(z.string()).min(1),
  s3: z
    .strictObject({
      accountPublicAccessBlock: flags.nullable().default(null),
      /** True: the account-level read answers AccessDenied. */
      accountReadDenied: z.boolean().default(false),
      /** True: ListBuckets never includes BucketRegion, as moto answers (callers then ask GetBucketLocation). */
      omitBucketRegion: z.boolean().default(false),
      buckets: z.array(bucket).default([]),
    })
    .default({
      accountPublicAccessBlock: null,
      accountReadDenied: false,
      omitBucketRegion: false,
      buckets: [],
    }),
  ec2: z.record(z.string(), ec2Region).default({}),
  faults: z.array(fault).default([]),
  /** Delay added to every AWS call, in milliseconds (benchmarks). */
  latencyMs: z.number().min(0).default(0),
  /** Seed of the fault-injection random generator, so runs repeat. */
  seed: z.number().int().default(1),
});

export type Scenario = z.output<typeof scenarioSchema>;
export type ScenarioInput = z.input<typeof scenarioSchema>;
export type ScenarioBucket = Scenario['s3']['buckets'][number];
export type ScenarioFault = Scenario['faults'][number];
export type ScenarioEc2Region = Scenario['ec2'][string];
export type ScenarioSecurityGroup = ScenarioEc2Region['securityGroups'][number];
export type ScenarioRule = ScenarioSecurityGroup['rules'][number];

export function parseScenario(input: unknown, source = 'scenario'): Scenario {
  const result = scenarioSchema.safeParse(input);
  if (!result.success) {
    const problems = result.error.issues.map(
      (issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`,
    );
    throw new Error(`${source} is not a valid sandbox scenario: ${problems.join('; ')}`);
  }
  return result.data;
}

export function loadScenarioFile(path: string): Scenario {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`Cannot read scenario file ${path}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`Scenario file ${path} is not valid JSON: ${(error as Error).message}`);
  }
  return parseScenario(json, path);
}
