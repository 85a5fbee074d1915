import { publicPolicyAllowsWrite } from '../../functions/domain/bucket-policy';
import {
  bucketCauses,
  compareByRisk,
  countBy,
  countBySeverity,
  describeServices,
  instanceSeverity,
  type Severity,
} from '../../functions/domain/exposure-risk';

const policy = (statement: Record<string, unknown>) =>
  JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Resource: '*', ...statement }] });

describe('publicPolicyAllowsWrite', () => {
  it.each<[string, string, boolean]>([
    ['public GetObject is a read', policy({ Principal: '*', Action: 's3:GetObject' }), false],
    [
      'public List and Get are reads',
      policy({ Principal: '*', Action: ['s3:ListBucket', 's3:Get*'] }),
      false,
    ],
    ['public PutObject is a write', policy({ Principal: '*', Action: 's3:PutObject' }), true],
    ['public s3:* is a write', policy({ Principal: '*', Action: 's3:*' }), true],
    ['public * is a write', policy({ Principal: '*', Action: '*' }), true],
    ['public s3:Put* is a write', policy({ Principal: { AWS: '*' }, Action: 's3:Put*' }), true],
    ['public s3:Delete?bject is a write', policy({ Principal: '*', Action: 's3:Delete?bject' }), true],
    ['public NotAction allows the rest', policy({ Principal: '*', NotAction: 's3:GetObject' }), true],
    [
      'a write limited to one account is not public',
      policy({ Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 's3:PutObject' }),
      false,
    ],
    ['not JSON', '{', false],
  ])('%s', (_name, text, expected) => {
    expect(publicPolicyAllowsWrite(text)).toBe(expected);
  });
});

describe('bucketCauses', () => {
  it.each<[string, string[], boolean, boolean, ReturnType<typeof bucketCauses>]>([
    [
      'ACL READ',
      ['ACL grants READ to AllUsers (everyone)'],
      false,
      false,
      { acl: true, policy: false, write: false, website: false },
    ],
    [
      'ACL WRITE',
      ['ACL grants WRITE to AllUsers (everyone)'],
      false,
      false,
      { acl: true, policy: false, write: true, website: false },
    ],
    [
      'ACL FULL_CONTROL to authenticated users',
      ['ACL grants FULL_CONTROL to AuthenticatedUsers (any AWS account)'],
      false,
      false,
      { acl: true, policy: false, write: true, website: false },
    ],
    [
      'policy read with a website',
      ['Bucket policy Sid "PublicRead" allows everyone'],
      false,
      true,
      { acl: false, policy: true, write: false, website: true },
    ],
    [
      'policy write',
      ['Bucket policy statement #1 allows everyone'],
      true,
      false,
      { acl: false, policy: true, write: true, website: false },
    ],
    [
      "AWS's own status counts as policy",
      ['AWS reports the bucket policy as public (GetBucketPolicyStatus)'],
      false,
      false,
      { acl: false, policy: true, write: false, website: false },
    ],
    [
      'a write policy does not count when only the ACL makes it public',
      ['ACL grants READ to AllUsers (everyone)'],
      true,
      false,
      { acl: true, policy: false, write: false, website: false },
    ],
  ])('%s', (_name, reasons, policyWrite, website, expected) => {
    expect(bucketCauses(reasons, policyWrite, website)).toEqual(expected);
  });
});

describe('instanceSeverity', () => {
  const ssh = { ipProtocol: 'tcp', fromPort: 22, toPort: 22 };
  const https = { ipProtocol: 'tcp', fromPort: 443, toPort: 443 };
  it.each<[string, Parameters<typeof instanceSeverity>[0], Severity]>([
    [
      'the worst exposure wins',
      { state: 'running', publicIp: '203.0.113.1', ipv6Addresses: [], exposures: [https, ssh] },
      'critical',
    ],
    [
      'web only',
      { state: 'running', publicIp: '203.0.113.1', ipv6Addresses: [], exposures: [https] },
      'medium',
    ],
    [
      'an IPv6 address is a public address',
      { state: 'running', publicIp: null, ipv6Addresses: ['2001:db8::1'], exposures: [ssh] },
      'critical',
    ],
    [
      'stopped is one level lower',
      { state: 'stopped', publicIp: null, ipv6Addresses: [], exposures: [ssh] },
      'high',
    ],
  ])('%s', (_name, input, expected) => {
    expect(instanceSeverity(input)).toBe(expected);
  });
});

describe('describeServices', () => {
  it.each<[string, number, number, string | null]>([
    ['tcp', 22, 22, 'SSH'],
    ['tcp', 7000, 7000, null],
    ['tcp', 20, 23, 'FTP data, FTP, SSH, Telnet'],
    ['tcp', 0, 65535, 'FTP data, FTP, SSH, Telnet and 28 more'],
    ['udp', 53, 53, 'DNS'],
  ])('%s %d-%d', (protocol, from, to, expected) => {
    expect(describeServices(protocol, from, to)).toBe(expected);
  });
});

describe('counts and order', () => {
  const items = [
    { name: 'b', region: 'eu-west-1', severity: 'high' as Severity },
    { name: 'a', region: 'us-east-1', severity: 'high' as Severity },
    { name: 'z', region: 'us-east-1', severity: 'critical' as Severity },
    { name: 'c', region: 'eu-west-1', severity: 'low' as Severity },
    { name: 'd', region: 'ap-south-1', severity: 'medium' as Severity },
  ];

  it('orders worst first, then by name', () => {
    expect([...items].sort(compareByRisk((i) => i.name)).map((i) => i.name)).toEqual([
      'z',
      'a',
      'b',
      'd',
      'c',
    ]);
  });

  it('counts every severity, zeros included', () => {
    expect(countBySeverity(items)).toEqual({ critical: 1, high: 2, medium: 1, low: 1 });
    expect(countBySeverity([])).toEqual({ critical: 0, high: 0, medium: 0, low: 0 });
  });

  it('counts by key, largest first then by key', () => {
    expect(countBy(items, (i) => i.region)).toEqual([
      { key: 'eu-west-1', count: 2 },
      { key: 'us-east-1', count: 2 },
      { key: 'ap-south-1', count: 1 },
    ]);
  });
});
