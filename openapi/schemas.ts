/**
 * Request and response schemas of the four operations. Each zod schema both
 * validates requests and documents them (descriptions and examples travel
 * into the OpenAPI document through zod's `.meta`), so spec and code cannot drift.
 */
// Named imports, not the `z` namespace: the namespace drags every zod locale into each Lambda bundle (450 KB vs 90 KB).
import {
  array,
  boolean,
  enum as enumOf,
  looseObject,
  number,
  object,
  preprocess,
  strictObject,
  string,
} from 'zod';

/** HTTP query strings are text; accept a decimal integer and hand zod a number, anything else stays as typed so zod names it. */
function integerFromQuery(value: unknown): unknown {
  if (typeof value === 'string' && /^-?\d{1,10}$/.test(value.trim())) return Number(value.trim());
  return value;
}

// Bucket names: today's rules allow [a-z0-9.-], 3-63 chars; buckets created in us-east-1 before
// March 2018 may also use upper case and underscores, up to 255 chars. Anything else cannot exist.
const BUCKET_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{1,253}[A-Za-z0-9]$/;
const INSTANCE_ID = /^i-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;
const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/;

export const limitSchema = preprocess(
  integerFromQuery,
  number({ error: 'limit must be a whole number from 1 to 1000' })
    .int('limit must be a whole number from 1 to 1000')
    .min(1, 'limit must be at least 1')
    .max(1000, 'limit must be at most 1000'),
)
  .optional()
  .meta({
    description:
      'Maximum number of items to list (1-1000, default 100). Counts still cover everything found.',
    example: 100,
  });

export const regionSchema = string().regex(REGION, 'region must be an AWS Region code such as us-east-1');

export const portSchema = number({ error: 'port must be a whole number from 0 to 65535' })
  .int('port must be a whole number from 0 to 65535')
  .min(0, 'port must be from 0 to 65535')
  .max(65535, 'port must be from 0 to 65535');

export const protocolSchema = enumOf(['tcp', 'udp'], { error: 'protocol must be "tcp" or "udp"' });

export const dryRunSchema = boolean({ error: 'dryRun must be true or false' });

// ---------- findS3BucketsWithPublicAccess ----------

export const findBucketsQuerySchema = strictObject({
  prefix: string()
    .max(255, 'prefix must be at most 255 characters')
    .regex(/^[A-Za-z0-9._-]*$/, 'prefix may only contain letters, digits, dots, hyphens and underscores')
    .optional()
    .meta({
      description: 'Only check buckets whose name starts with this text. Empty or absent: every bucket.',
      example: 'prod-',
    }),
  limit: limitSchema,
});

const publicBucketSchema = object({
  bucketName: string().meta({ description: 'Bucket name.', example: 'prod-assets' }),
  region: string().meta({ description: 'The bucket’s Region.', example: 'eu-west-1' }),
  reasons: array(string()).meta({
    description: 'Why it is public: the ACL grant or the policy statement (Sid or index).',
    example: [
      'Bucket policy statement Sid "PublicRead" allows Principal "*" without a fixed-value condition',
    ],
  }),
  website: boolean().meta({
    description: 'True when static website hosting is on (blocking takes the site down).',
  }),
});

const unknownBucketSchema = object({
  bucketName: string().meta({ description: 'Bucket name.' }),
  reason: string().meta({
    description: 'Which AWS read failed, so public access could not be ruled out.',
    example: 'GetBucketAcl failed with AccessDenied, so the ACL could not be checked',
  }),
});

const latentBucketSchema = object({
  bucketName: string().meta({ description: 'Bucket name.' }),
  reasons: array(string()).meta({
    description: 'Public grants that Block Public Access neutralises today; they return if it is turned off.',
  }),
});

export const findBucketsResponseSchema = object({
  summary: string().meta({ description: 'One paragraph for a person, suitable to quote.' }),
  prefix: string().meta({ description: 'The prefix that was applied ("" = every bucket).' }),
  scannedBuckets: number().int().meta({ description: 'Buckets whose verdict was attempted.' }),
  complete: boolean().meta({
    description:
      'False only when some bucket was never tried (time limit); denied reads make a bucket unknown instead.',
  }),
  publicCount: number().int().meta({ description: 'Number of public buckets found (may exceed the list).' }),
  truncated: boolean().meta({ description: 'True when a list was cut at limit.' }),
  publicBuckets: array(publicBucketSchema).meta({ description: 'Publicly accessible buckets.' }),
  unknownBuckets: array(unknownBucketSchema).meta({
    description: 'Buckets that could not be checked: never assume these are private.',
  }),
  latentBuckets: array(latentBucketSchema).meta({
    description: 'Buckets with public grants neutralised by Block Public Access.',
  }),
}).meta({ id: 'FindS3BucketsWithPublicAccessResponse' });

// ---------- removePublicAccessFromS3Bucket ----------

export const bucketPathSchema = strictObject({
  bucketName: string()
    .regex(
      BUCKET_NAME,
      'bucketName is not a valid S3 bucket name: use 3-63 lowercase letters, digits, dots or hyphens, starting and ending with a letter or digit',
    )
    .meta({
      description: 'Name of the bucket to protect.',
      example: 'prod-assets',
      'x-amzn-form-display-name': 'Bucket name',
    }),
});

export const blockPublicAccessBodySchema = strictObject({
  dryRun: dryRunSchema.optional().meta({
    description: 'When true, return exactly what would change without changing anything. Default false.',
    example: false,
    'x-amzn-form-display-name': 'Dry run (preview only)',
  }),
}).meta({ id: 'RemovePublicAccessFromS3BucketRequest' });

const flagsSchema = object({
  BlockPublicAcls: boolean(),
  IgnorePublicAcls: boolean(),
  BlockPublicPolicy: boolean(),
  RestrictPublicBuckets: boolean(),
});

export const blockPublicAccessResponseSchema = object({
  summary: string().meta({ description: 'One paragraph for a person, suitable to quote.' }),
  bucketName: string().meta({ description: 'Bucket name.' }),
  region: string().meta({ description: 'The bucket’s Region.' }),
  dryRun: boolean().meta({ description: 'True when nothing was written (preview).' }),
  changed: boolean().meta({
    description: 'True when the configuration was (or, in a dry run, would be) written.',
  }),
  before: flagsSchema.nullable().meta({
    description: 'The bucket’s own Block Public Access flags before; null when it had no configuration.',
  }),
  after: flagsSchema.meta({ description: 'The bucket’s own flags after (all four true).' }),
  publicAfter: boolean().meta({ description: 'Whether the bucket is still public afterwards.' }),
  warnings: array(string()).meta({ description: 'Things worth knowing, e.g. website hosting that stops.' }),
  undo: array(string()).meta({
    description: 'AWS CLI commands that reverse the change exactly, in order. Empty when nothing changed.',
  }),
}).meta({ id: 'RemovePublicAccessFromS3BucketResponse' });

// ---------- findEc2InstancesWithOpenPort ----------

export const findInstancesQuerySchema = strictObject({
  port: preprocess(integerFromQuery, portSchema).meta({
    description: 'The port to look for (0-65535), e.g. 22 for SSH or 3389 for RDP.',
    example: 22,
  }),
  protocol: protocolSchema.optional().meta({ description: 'tcp (default) or udp.', example: 'tcp' }),
  region: regionSchema.optional().meta({
    description: 'Only scan this Region. Absent: every Region enabled for the account.',
    example: 'us-east-1',
  }),
  limit: limitSchema,
});

const exposureSchema = object({
  networkInterfaceId: string().meta({ description: 'Network interface the exposed group is attached to.' }),
  securityGroupId: string().meta({ description: 'Security group holding the rule.' }),
  securityGroupRuleId: string().meta({ description: 'The ingress rule that opens the port.' }),
  ipProtocol: string().meta({ description: 'Rule protocol as AWS reports it (tcp, udp, -1 = all).' }),
  fromPort: number().int().meta({ description: 'First port of the rule (-1 = all).' }),
  toPort: number().int().meta({ description: 'Last port of the rule (-1 = all).' }),
  source: string().meta({
    description: 'The internet source: a CIDR or a prefix list.',
    example: '0.0.0.0/0',
  }),
});

const instanceSchema = object({
  instanceId: string().meta({ description: 'Instance id.', example: 'i-0123456789abcdef0' }),
  name: string().nullable().meta({ description: 'Value of the Name tag; null if none.' }),
  region: string().meta({ description: 'The instance’s Region.' }),
  state: string().meta({
    description: 'running and pending are exposed now; stopped/stopping are exposed on start.',
  }),
  publicIp: string()
    .nullable()
    .meta({ description: 'A public IPv4 address of the instance, primary first; null if none.' }),
  ipv6Addresses: array(string()).meta({ description: 'IPv6 addresses (reachable when a rule allows ::/0).' }),
  exposures: array(exposureSchema).meta({ description: 'Each rule that opens the port to the internet.' }),
});

export const findInstancesResponseSchema = object({
  summary: string().meta({ description: 'One paragraph for a person, suitable to quote.' }),
  port: number().int().meta({ description: 'The port checked.' }),
  protocol: string().meta({ description: 'The protocol checked.' }),
  complete: boolean().meta({ description: 'False only when some Region was never tried (time limit).' }),
  scannedRegions: array(string()).meta({ description: 'Regions scanned successfully.' }),
  instanceCount: number()
    .int()
    .meta({ description: 'Instances found with the port open (may exceed the list).' }),
  truncated: boolean().meta({ description: 'True when the list was cut at limit.' }),
  instances: array(instanceSchema).meta({ description: 'Instances with the port open to the internet.' }),
  unknownRegions: array(
    object({
      region: string().meta({ description: 'Region that could not be scanned.' }),
      reason: string().meta({ description: 'The AWS call that failed and why.' }),
    }),
  ).meta({ description: 'Regions that could not be checked: never assume these are safe.' }),
}).meta({ id: 'FindEc2InstancesWithOpenPortResponse' });

// ---------- closeUnwantedPortForEc2Instance ----------

export const instancePathSchema = strictObject({
  instanceId: string()
    .regex(INSTANCE_ID, 'instanceId must look like i-0123456789abcdef0 (i- followed by 8 or 17 hex digits)')
    .meta({
      description: 'Id of the instance whose port to close.',
      example: 'i-0123456789abcdef0',
      'x-amzn-form-display-name': 'Instance id',
    }),
});

export const closePortBodySchema = strictObject({
  port: portSchema.meta({
    description: 'The port to close to the internet (0-65535).',
    example: 22,
    'x-amzn-form-display-name': 'Port to close',
  }),
  protocol: protocolSchema.optional().meta({
    description: 'tcp (default) or udp.',
    example: 'tcp',
    'x-amzn-form-display-name': 'Protocol',
  }),
  region: regionSchema.optional().meta({
    description: 'The instance’s Region. Absent: the instance is looked up in every enabled Region.',
    example: 'us-east-1',
    'x-amzn-form-display-name': 'Region',
  }),
  dryRun: dryRunSchema.optional().meta({
    description: 'When true, return exactly what would change without changing anything. Default false.',
    example: false,
    'x-amzn-form-display-name': 'Dry run (preview only)',
  }),
}).meta({ id: 'CloseUnwantedPortForEc2InstanceRequest' });

const ruleChangeSchema = object({
  securityGroupId: string().meta({ description: 'Security group.' }),
  securityGroupRuleId: string().optional().meta({ description: 'Rule id, where it exists.' }),
  ipProtocol: string().meta({ description: 'Protocol.' }),
  fromPort: number().int().meta({ description: 'First port (-1 = all).' }),
  toPort: number().int().meta({ description: 'Last port (-1 = all).' }),
  source: string().meta({ description: 'CIDR, prefix list or security group the rule admits.' }),
  description: string().nullable().meta({ description: 'Rule description; null if none.' }),
});

export const closePortResponseSchema = object({
  summary: string().meta({ description: 'One paragraph for a person, suitable to quote.' }),
  instanceId: string().meta({ description: 'Instance id.' }),
  region: string().meta({ description: 'The instance’s Region.' }),
  port: number().int().meta({ description: 'The port closed.' }),
  protocol: string().meta({ description: 'The protocol.' }),
  dryRun: boolean().meta({ description: 'True when nothing was written (preview).' }),
  changed: boolean().meta({ description: 'True when rules were (or, in a dry run, would be) changed.' }),
  revokedRules: array(ruleChangeSchema).meta({ description: 'Every rule revoked.' }),
  addedRules: array(ruleChangeSchema).meta({ description: 'Every rule added to keep the other ports open.' }),
  alsoAffected: array(
    object({
      networkInterfaceId: string().meta({ description: 'Network interface using a changed group.' }),
      instanceId: string().nullable().meta({ description: 'Its instance; null when not attached to one.' }),
      securityGroupId: string().meta({ description: 'The changed group it uses.' }),
    }),
  ).meta({ description: 'Other instances and interfaces that use a changed security group.' }),
  stillOpen: boolean().meta({ description: 'True when the port is still open to the internet afterwards.' }),
  warnings: array(string()).meta({
    description: 'Things worth knowing (lost protocols, still-open reasons).',
  }),
  undo: array(string()).meta({
    description: 'AWS CLI commands that reverse the change exactly, in order. Empty when nothing changed.',
  }),
}).meta({ id: 'CloseUnwantedPortForEc2InstanceResponse' });

// ---------- errors ----------

export const errorResponseSchema = object({
  error: object({
    code: string().meta({ description: 'Machine-readable error code.', example: 'ValidationError' }),
    message: string().meta({
      description: 'What was wrong and how to fix it.',
      example: 'port must be from 0 to 65535',
    }),
    details: looseObject({}).optional().meta({
      description: 'Structured details, when any (e.g. what a failed write applied and did not).',
      additionalProperties: true,
    }),
  }),
}).meta({ id: 'Error' });
