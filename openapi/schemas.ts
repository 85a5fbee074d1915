/**
 * Request and response schemas of the four operations. Each zod schema both
 * validates requests and documents them (descriptions and examples travel
 * into the OpenAPI document through zod's `.meta`), so spec and code cannot drift.
 */
import { z } from 'zod';

/** HTTP query strings are text; accept a decimal integer and hand zod a number, anything else stays as typed so zod names it. */
function integerFromQuery(value: unknown): unknown {
  if (typeof value === 'string' && /^-?\d{1,10}$/.test(value.trim())) return Number(value.trim());
  return value;
}

/** Query booleans arrive as text too. */
function booleanFromQuery(value: unknown): unknown {
  if (value === 'true') return true;
  if (value === 'false') return false;
  return value;
}

// Bucket names: today's rules allow [a-z0-9.-], 3-63 chars; buckets created in us-east-1 before
// March 2018 may also use upper case and underscores, up to 255 chars. Anything else cannot exist.
const BUCKET_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{1,253}[A-Za-z0-9]$/;
const INSTANCE_ID = /^i-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;
const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/;

export const limitSchema = z
  .preprocess(
    integerFromQuery,
    z
      .number({ error: 'limit must be a whole number from 1 to 1000' })
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

export const regionSchema = z.string().regex(REGION, 'region must be an AWS Region code such as us-east-1');

export const portSchema = z
  .number({ error: 'port must be a whole number from 0 to 65535' })
  .int('port must be a whole number from 0 to 65535')
  .min(0, 'port must be from 0 to 65535')
  .max(65535, 'port must be from 0 to 65535');

export const protocolSchema = z.enum(['tcp', 'udp'], { error: 'protocol must be "tcp" or "udp"' });

export const dryRunSchema = z.boolean({ error: 'dryRun must be true or false' });

// ---------- findS3BucketsWithPublicAccess ----------

export const findBucketsQuerySchema = z.strictObject({
  prefix: z
    .string()
    .max(255, 'prefix must be at most 255 characters')
    .regex(/^[A-Za-z0-9._-]*$/, 'prefix may only contain letters, digits, dots, hyphens and underscores')
    .optional()
    .meta({
      description: 'Only check buckets whose name starts with this text. Empty or absent: every bucket.',
      example: 'prod-',
    }),
  limit: limitSchema,
});

const publicBucketSchema = z.object({
  bucketName: z.string().meta({ description: 'Bucket name.', example: 'prod-assets' }),
  region: z.string().meta({ description: 'The bucket’s Region.', example: 'eu-west-1' }),
  reasons: z.array(z.string()).meta({
    description: 'Why it is public: the ACL grant or the policy statement (Sid or index).',
    example: [
      'Bucket policy statement Sid "PublicRead" allows Principal "*" without a fixed-value condition',
    ],
  }),
  website: z
    .boolean()
    .meta({ description: 'True when static website hosting is on (blocking takes the site down).' }),
});

const unknownBucketSchema = z.object({
  bucketName: z.string().meta({ description: 'Bucket name.' }),
  reason: z.string().meta({
    description: 'Which AWS read failed, so public access could not be ruled out.',
    example: 'GetBucketAcl failed with AccessDenied, so the ACL could not be checked',
  }),
});

const latentBucketSchema = z.object({
  bucketName: z.string().meta({ description: 'Bucket name.' }),
  reasons: z.array(z.string()).meta({
    description: 'Public grants that Block Public Access neutralises today; they return if it is turned off.',
  }),
});

export const findBucketsResponseSchema = z
  .object({
    summary: z.string().meta({ description: 'One paragraph for a person, suitable to quote.' }),
    prefix: z.string().meta({ description: 'The prefix that was applied ("" = every bucket).' }),
    scannedBuckets: z.number().int().meta({ description: 'Buckets whose verdict was attempted.' }),
    complete: z.boolean().meta({
      description:
        'False only when some bucket was never tried (time limit); denied reads make a bucket unknown instead.',
    }),
    publicCount: z
      .number()
      .int()
      .meta({ description: 'Number of public buckets found (may exceed the list).' }),
    truncated: z.boolean().meta({ description: 'True when a list was cut at limit.' }),
    publicBuckets: z.array(publicBucketSchema).meta({ description: 'Publicly accessible buckets.' }),
    unknownBuckets: z
      .array(unknownBucketSchema)
      .meta({ description: 'Buckets that could not be checked: never assume these are private.' }),
    latentBuckets: z
      .array(latentBucketSchema)
      .meta({ description: 'Buckets with public grants neutralised by Block Public Access.' }),
  })
  .meta({ id: 'FindS3BucketsWithPublicAccessResponse' });

// ---------- removePublicAccessFromS3Bucket ----------

export const bucketPathSchema = z.strictObject({
  bucketName: z
    .string()
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

export const blockPublicAccessBodySchema = z
  .strictObject({
    dryRun: dryRunSchema.optional().meta({
      description: 'When true, return exactly what would change without changing anything. Default false.',
      example: false,
      'x-amzn-form-display-name': 'Dry run (preview only)',
    }),
  })
  .meta({ id: 'RemovePublicAccessFromS3BucketRequest' });

const flagsSchema = z.object({
  BlockPublicAcls: z.boolean(),
  IgnorePublicAcls: z.boolean(),
  BlockPublicPolicy: z.boolean(),
  RestrictPublicBuckets: z.boolean(),
});

export const blockPublicAccessResponseSchema = z
  .object({
    summary: z.string().meta({ description: 'One paragraph for a person, suitable to quote.' }),
    bucketName: z.string().meta({ description: 'Bucket name.' }),
    region: z.string().meta({ description: 'The bucket’s Region.' }),
    dryRun: z.boolean().meta({ description: 'True when nothing was written (preview).' }),
    changed: z
      .boolean()
      .meta({ description: 'True when the configuration was (or, in a dry run, would be) written.' }),
    before: flagsSchema.nullable().meta({
      description: 'The bucket’s own Block Public Access flags before; null when it had no configuration.',
    }),
    after: flagsSchema.meta({ description: 'The bucket’s own flags after (all four true).' }),
    publicAfter: z.boolean().meta({ description: 'Whether the bucket is still public afterwards.' }),
    warnings: z
      .array(z.string())
      .meta({ description: 'Things worth knowing, e.g. website hosting that stops.' }),
    undo: z.array(z.string()).meta({
      description: 'AWS CLI commands that reverse the change exactly, in order. Empty when nothing changed.',
    }),
  })
  .meta({ id: 'RemovePublicAccessFromS3BucketResponse' });

// ---------- findEc2InstancesWithOpenPort ----------

export const findInstancesQuerySchema = z.strictObject({
  port: z.preprocess(integerFromQuery, portSchema).meta({
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

const exposureSchema = z.object({
  networkInterfaceId: z.string().meta({ description: 'Network interface the exposed group is attached to.' }),
  securityGroupId: z.string().meta({ description: 'Security group holding the rule.' }),
  securityGroupRuleId: z.string().meta({ description: 'The ingress rule that opens the port.' }),
  ipProtocol: z.string().meta({ description: 'Rule protocol as AWS reports it (tcp, udp, -1 = all).' }),
  fromPort: z.number().int().meta({ description: 'First port of the rule (-1 = all).' }),
  toPort: z.number().int().meta({ description: 'Last port of the rule (-1 = all).' }),
  source: z
    .string()
    .meta({ description: 'The internet source: a CIDR or a prefix list.', example: '0.0.0.0/0' }),
});

const instanceSchema = z.object({
  instanceId: z.string().meta({ description: 'Instance id.', example: 'i-0123456789abcdef0' }),
  name: z.string().nullable().meta({ description: 'Value of the Name tag; null if none.' }),
  region: z.string().meta({ description: 'The instance’s Region.' }),
  state: z
    .string()
    .meta({ description: 'running and pending are exposed now; stopped/stopping are exposed on start.' }),
  publicIp: z
    .string()
    .nullable()
    .meta({ description: 'A public IPv4 address of the instance, primary first; null if none.' }),
  ipv6Addresses: z
    .array(z.string())
    .meta({ description: 'IPv6 addresses (reachable when a rule allows ::/0).' }),
  exposures: z.array(exposureSchema).meta({ description: 'Each rule that opens the port to the internet.' }),
});

export const findInstancesResponseSchema = z
  .object({
    summary: z.string().meta({ description: 'One paragraph for a person, suitable to quote.' }),
    port: z.number().int().meta({ description: 'The port checked.' }),
    protocol: z.string().meta({ description: 'The protocol checked.' }),
    complete: z.boolean().meta({ description: 'False only when some Region was never tried (time limit).' }),
    scannedRegions: z.array(z.string()).meta({ description: 'Regions scanned successfully.' }),
    instanceCount: z
      .number()
      .int()
      .meta({ description: 'Instances found with the port open (may exceed the list).' }),
    truncated: z.boolean().meta({ description: 'True when the list was cut at limit.' }),
    instances: z.array(instanceSchema).meta({ description: 'Instances with the port open to the internet.' }),
    unknownRegions: z
      .array(
        z.object({
          region: z.string().meta({ description: 'Region that could not be scanned.' }),
          reason: z.string().meta({ description: 'The AWS call that failed and why.' }),
        }),
      )
      .meta({ description: 'Regions that could not be checked: never assume these are safe.' }),
  })
  .meta({ id: 'FindEc2InstancesWithOpenPortResponse' });

// ---------- closeUnwantedPortForEc2Instance ----------

export const instancePathSchema = z.strictObject({
  instanceId: z
    .string()
    .regex(INSTANCE_ID, 'instanceId must look like i-0123456789abcdef0 (i- followed by 8 or 17 hex digits)')
    .meta({
      description: 'Id of the instance whose port to close.',
      example: 'i-0123456789abcdef0',
      'x-amzn-form-display-name': 'Instance id',
    }),
});

export const closePortBodySchema = z
  .strictObject({
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
  })
  .meta({ id: 'CloseUnwantedPortForEc2InstanceRequest' });

const ruleChangeSchema = z.object({
  securityGroupId: z.string().meta({ description: 'Security group.' }),
  securityGroupRuleId: z.string().optional().meta({ description: 'Rule id, where it exists.' }),
  ipProtocol: z.string().meta({ description: 'Protocol.' }),
  fromPort: z.number().int().meta({ description: 'First port (-1 = all).' }),
  toPort: z.number().int().meta({ description: 'Last port (-1 = all).' }),
  source: z.string().meta({ description: 'CIDR, prefix list or security group the rule admits.' }),
  description: z.string().nullable().meta({ description: 'Rule description; null if none.' }),
});

export const closePortResponseSchema = z
  .object({
    summary: z.string().meta({ description: 'One paragraph for a person, suitable to quote.' }),
    instanceId: z.string().meta({ description: 'Instance id.' }),
    region: z.string().meta({ description: 'The instance’s Region.' }),
    port: z.number().int().meta({ description: 'The port closed.' }),
    protocol: z.string().meta({ description: 'The protocol.' }),
    dryRun: z.boolean().meta({ description: 'True when nothing was written (preview).' }),
    changed: z.boolean().meta({ description: 'True when rules were (or, in a dry run, would be) changed.' }),
    revokedRules: z.array(ruleChangeSchema).meta({ description: 'Every rule revoked.' }),
    addedRules: z
      .array(ruleChangeSchema)
      .meta({ description: 'Every rule added to keep the other ports open.' }),
    alsoAffected: z
      .array(
        z.object({
          networkInterfaceId: z.string().meta({ description: 'Network interface using a changed group.' }),
          instanceId: z
            .string()
            .nullable()
            .meta({ description: 'Its instance; null when not attached to one.' }),
          securityGroupId: z.string().meta({ description: 'The changed group it uses.' }),
        }),
      )
      .meta({ description: 'Other instances and interfaces that use a changed security group.' }),
    stillOpen: z
      .boolean()
      .meta({ description: 'True when the port is still open to the internet afterwards.' }),
    warnings: z
      .array(z.string())
      .meta({ description: 'Things worth knowing (lost protocols, still-open reasons).' }),
    undo: z.array(z.string()).meta({
      description: 'AWS CLI commands that reverse the change exactly, in order. Empty when nothing changed.',
    }),
  })
  .meta({ id: 'CloseUnwantedPortForEc2InstanceResponse' });

// ---------- errors ----------

export const errorResponseSchema = z
  .object({
    error: z.object({
      code: z.string().meta({ description: 'Machine-readable error code.', example: 'ValidationError' }),
      message: z.string().meta({
        description: 'What was wrong and how to fix it.',
        example: 'port must be from 0 to 65535',
      }),
      details: z.looseObject({}).optional().meta({
        description: 'Structured details, when any (e.g. what a failed write applied and did not).',
        additionalProperties: true,
      }),
    }),
  })
  .meta({ id: 'Error' });

export { booleanFromQuery, integerFromQuery };
