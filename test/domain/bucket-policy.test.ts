import fc from 'fast-check';
import { evaluateBucketPolicy } from '../../functions/domain/bucket-policy';

type Statement = Record<string, unknown>;

const ACCOUNT = '111122223333';
const OTHER_ACCOUNT = '444455556666';
// biome-ignore lint/suspicious/noTemplateCurlyInString: an IAM policy variable, not a JS template.
const POLICY_VARIABLE = '${aws:PrincipalAccount}';

function policy(...statements: Statement[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

function allow(principal: unknown, condition?: Record<string, Record<string, unknown>>): Statement {
  return {
    Effect: 'Allow',
    Principal: principal,
    Action: 's3:GetObject',
    Resource: 'arn:aws:s3:::example-bucket/*',
    ...(condition === undefined ? {} : { Condition: condition }),
  };
}

/** Rows of [name, input, expectedPublic], titled so the input object is not printed. */
function titled<T>(rows: [string, T, boolean][]): [string, T, boolean][] {
  return rows.map(([name, input, expected]) => [`${name}: public = ${expected}`, input, expected]);
}

/** Anyone, limited only by the given condition. */
const anyoneIf = (operator: string, key: string, value: unknown): Statement =>
  allow('*', { [operator]: { [key]: value } });

describe('evaluateBucketPolicy: principals', () => {
  it.each(
    titled<unknown>([
      ['"*"', '*', true],
      ['{"AWS":"*"}', { AWS: '*' }, true],
      ['{"AWS":["<account>","*"]}', { AWS: [ACCOUNT, '*'] }, true],
      ['{"AWS":["*","<account>"]}', { AWS: ['*', ACCOUNT] }, true],
      ['an account id', { AWS: ACCOUNT }, false],
      ['an account root ARN', { AWS: `arn:aws:iam::${ACCOUNT}:root` }, false],
      ['a user ARN', { AWS: `arn:aws:iam::${ACCOUNT}:user/alice` }, false],
      ['a role ARN', { AWS: `arn:aws:iam::${ACCOUNT}:role/reader` }, false],
      ['an array of fixed AWS principals', { AWS: [`arn:aws:iam::${ACCOUNT}:role/a`, OTHER_ACCOUNT] }, false],
      ['a service principal', { Service: 'cloudtrail.amazonaws.com' }, false],
      [
        'several service principals',
        { Service: ['logging.s3.amazonaws.com', 'delivery.logs.amazonaws.com'] },
        false,
      ],
      [
        'a canonical user',
        { CanonicalUser: '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be' },
        false,
      ],
      ['Federated Cognito', { Federated: 'cognito-identity.amazonaws.com' }, true],
      ['Federated Google', { Federated: 'accounts.google.com' }, true],
      ['Federated Facebook', { Federated: 'graph.facebook.com' }, true],
      ['Federated Login with Amazon', { Federated: 'www.amazon.com' }, true],
      [
        'a fixed AWS principal plus a Federated one',
        { AWS: ACCOUNT, Federated: 'accounts.google.com' },
        true,
      ],
      ['an ARN with a wildcard account', { AWS: 'arn:aws:iam::*:root' }, true],
      ['an ARN with a policy variable', { AWS: `arn:aws:iam::${POLICY_VARIABLE}:root` }, true],
      ['{"Service":"*"}', { Service: '*' }, true],
      ['an empty principal object', {}, true],
      ['an empty AWS principal list', { AWS: [] }, true],
    ]),
  )('Allow to %s', (_name, principal, expected) => {
    // Arrange
    const document = policy(allow(principal));

    // Act
    const result = evaluateBucketPolicy(document);

    // Assert
    expect(result.isPublic).toBe(expected);
    expect(result.publicStatements).toHaveLength(expected ? 1 : 0);
    expect(result.parseError).toBeUndefined();
  });

  it('names the principal in the reason', () => {
    // Arrange
    const document = policy(allow({ AWS: [ACCOUNT, '*'] }));

    // Act
    const result = evaluateBucketPolicy(document);

    // Assert
    expect(result.publicStatements).toEqual([
      `statement #1 allows Principal {"AWS":["${ACCOUNT}","*"]} without a fixed-value condition`,
    ]);
  });

  it.each(
    titled<Statement>([
      ['Allow with NotPrincipal', { Effect: 'Allow', NotPrincipal: { AWS: ACCOUNT }, Action: 's3:*' }, true],
      ['Deny with NotPrincipal', { Effect: 'Deny', NotPrincipal: { AWS: ACCOUNT }, Action: 's3:*' }, false],
      ['Deny to "*"', { Effect: 'Deny', Principal: '*', Action: 's3:*' }, false],
      ['Allow "*" of a harmless-looking action', { ...allow('*'), Action: 's3:ListBucket' }, true],
      ['Allow "*" with NotAction', { Effect: 'Allow', Principal: '*', NotAction: 's3:DeleteObject' }, true],
      ['Allow without any Principal', { Effect: 'Allow', Action: 's3:GetObject' }, true],
    ]),
  )('%s', (_name, statement, expected) => {
    // Arrange
    const document = policy(statement);

    // Act
    const result = evaluateBucketPolicy(document);

    // Assert
    expect(result.isPublic).toBe(expected);
  });

  it('says NotPrincipal grants everyone else', () => {
    // Arrange
    const document = policy({
      Sid: 'AllButOne',
      Effect: 'Allow',
      NotPrincipal: { AWS: ACCOUNT },
      Action: 's3:*',
    });

    // Act
    const result = evaluateBucketPolicy(document);

    // Assert
    expect(result.publicStatements).toEqual([
      `Sid "AllButOne" allows everyone except NotPrincipal {"AWS":"${ACCOUNT}"}`,
    ]);
  });
});

describe('evaluateBucketPolicy: conditions on Principal "*"', () => {
  it.each(
    titled<Statement>([
      // Each limiting key with a fixed value.
      ['StringEquals aws:SourceVpc', anyoneIf('StringEquals', 'aws:SourceVpc', 'vpc-1a2b3c4d'), false],
      ['StringEquals aws:SourceVpce', anyoneIf('StringEquals', 'aws:SourceVpce', 'vpce-1a2b3c4d'), false],
      [
        'ArnEquals aws:SourceArn',
        anyoneIf('ArnEquals', 'aws:SourceArn', `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/t`),
        false,
      ],
      [
        'ArnLike aws:SourceArn (no wildcard)',
        anyoneIf('ArnLike', 'aws:SourceArn', `arn:aws:sns:us-east-1:${ACCOUNT}:t`),
        false,
      ],
      ['StringEquals aws:SourceAccount', anyoneIf('StringEquals', 'aws:SourceAccount', ACCOUNT), false],
      [
        'StringEquals aws:SourceAccount as a number',
        anyoneIf('StringEquals', 'aws:SourceAccount', 111122223333),
        false,
      ],
      ['StringEquals aws:SourceOwner', anyoneIf('StringEquals', 'aws:SourceOwner', ACCOUNT), false],
      [
        'StringEquals aws:PrincipalOrgID',
        anyoneIf('StringEquals', 'aws:PrincipalOrgID', 'o-a1b2c3d4e5'),
        false,
      ],
      ['StringEquals aws:PrincipalAccount', anyoneIf('StringEquals', 'aws:PrincipalAccount', ACCOUNT), false],
      ['StringEquals aws:userid', anyoneIf('StringEquals', 'aws:userid', 'AIDAJQABLZS4A3QDU576Q'), false],
      [
        'StringEquals aws:userid of a role session',
        anyoneIf('StringEquals', 'aws:userid', 'AROAEXAMPLEID:alice'),
        false,
      ],
      [
        'StringEquals s3:x-amz-server-side-encryption-aws-kms-key-id',
        anyoneIf(
          'StringEquals',
          's3:x-amz-server-side-encryption-aws-kms-key-id',
          `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
        ),
        false,
      ],
      [
        'StringEqualsIgnoreCase aws:SourceVpc',
        anyoneIf('StringEqualsIgnoreCase', 'aws:SourceVpc', 'vpc-1a2b'),
        false,
      ],
      [
        'StringLike aws:SourceVpc without a wildcard',
        anyoneIf('StringLike', 'aws:SourceVpc', 'vpc-1a2b'),
        false,
      ],
      ['an array of fixed values', anyoneIf('StringEquals', 'aws:SourceVpc', ['vpc-1', 'vpc-2']), false],
      ['ForAnyValue:StringEquals', anyoneIf('ForAnyValue:StringEquals', 'aws:SourceVpc', 'vpc-1'), false],

      // s3:DataAccessPointArn is fixed by its account id, even with a wildcard access point name.
      [
        'StringEquals s3:DataAccessPointAccount',
        anyoneIf('StringEquals', 's3:DataAccessPointAccount', ACCOUNT),
        false,
      ],
      [
        'ArnEquals s3:DataAccessPointArn',
        anyoneIf('ArnEquals', 's3:DataAccessPointArn', `arn:aws:s3:us-west-2:${ACCOUNT}:accesspoint/reader`),
        false,
      ],
      [
        'StringLike s3:DataAccessPointArn with a wildcard access point name and a fixed account',
        anyoneIf('StringLike', 's3:DataAccessPointArn', `arn:aws:s3:us-west-2:${ACCOUNT}:accesspoint/*`),
        false,
      ],
      [
        'ArnLike s3:DataAccessPointArn with a wildcard in the name only',
        anyoneIf('ArnLike', 's3:DataAccessPointArn', `arn:aws:s3:us-west-2:${ACCOUNT}:accesspoint/team-*`),
        false,
      ],
      [
        'StringLike s3:DataAccessPointArn with a wildcard account',
        anyoneIf('StringLike', 's3:DataAccessPointArn', 'arn:aws:s3:us-west-2:*:accesspoint/*'),
        true,
      ],
      [
        'StringLike s3:DataAccessPointArn with a wildcard Region',
        anyoneIf('StringLike', 's3:DataAccessPointArn', `arn:aws:s3:*:${ACCOUNT}:accesspoint/*`),
        true,
      ],
      ['StringLike s3:DataAccessPointArn "*"', anyoneIf('StringLike', 's3:DataAccessPointArn', '*'), true],
      [
        'StringLike s3:DataAccessPointAccount with a wildcard',
        anyoneIf('StringLike', 's3:DataAccessPointAccount', '1111*'),
        true,
      ],
      [
        'StringNotEquals s3:DataAccessPointAccount',
        anyoneIf('StringNotEquals', 's3:DataAccessPointAccount', ACCOUNT),
        true,
      ],

      // Wildcards and policy variables are not fixed values.
      ['StringLike aws:SourceVpc "vpc-*"', anyoneIf('StringLike', 'aws:SourceVpc', 'vpc-*'), true],
      ['StringEquals aws:SourceVpc "vpc-*"', anyoneIf('StringEquals', 'aws:SourceVpc', 'vpc-*'), true],
      ['StringLike with "?"', anyoneIf('StringLike', 'aws:SourceVpce', 'vpce-1a2?'), true],
      ['StringLike aws:PrincipalOrgID "o-*"', anyoneIf('StringLike', 'aws:PrincipalOrgID', 'o-*'), true],
      [
        'ArnLike aws:SourceArn with a wildcard',
        anyoneIf('ArnLike', 'aws:SourceArn', `arn:aws:sns:*:${ACCOUNT}:t`),
        true,
      ],
      ['a policy variable', anyoneIf('StringEquals', 'aws:SourceAccount', POLICY_VARIABLE), true],
      ['StringLike aws:userid "AROLEID:*"', anyoneIf('StringLike', 'aws:userid', 'AROAEXAMPLEID:*'), true],
      ['an array with one wildcard', anyoneIf('StringEquals', 'aws:SourceVpc', ['vpc-1', 'vpc-*']), true],
      ['an empty value list', anyoneIf('StringEquals', 'aws:SourceVpc', []), true],
      ['an empty string', anyoneIf('StringEquals', 'aws:SourceVpc', ''), true],

      // aws:SourceIp breadth.
      ['IpAddress 203.0.113.0/24', anyoneIf('IpAddress', 'aws:SourceIp', '203.0.113.0/24'), false],
      ['IpAddress a single address', anyoneIf('IpAddress', 'aws:SourceIp', '203.0.113.7'), false],
      ['IpAddress 10.0.0.0/8', anyoneIf('IpAddress', 'aws:SourceIp', '10.0.0.0/8'), false],
      ['IpAddress 10.0.0.0/7', anyoneIf('IpAddress', 'aws:SourceIp', '10.0.0.0/7'), true],
      ['IpAddress 0.0.0.0/1', anyoneIf('IpAddress', 'aws:SourceIp', '0.0.0.0/1'), true],
      ['IpAddress 0.0.0.0/0', anyoneIf('IpAddress', 'aws:SourceIp', '0.0.0.0/0'), true],
      ['IpAddress 2001:db8::/32', anyoneIf('IpAddress', 'aws:SourceIp', '2001:db8::/32'), false],
      ['IpAddress 2001:db8::/31', anyoneIf('IpAddress', 'aws:SourceIp', '2001:db8::/31'), true],
      ['IpAddress an IPv6 address', anyoneIf('IpAddress', 'aws:SourceIp', '2001:db8:0:0:0:0:0:1'), false],
      ['IpAddress ::/0', anyoneIf('IpAddress', 'aws:SourceIp', '::/0'), true],
      [
        'IpAddress a narrow and a /0 range',
        anyoneIf('IpAddress', 'aws:SourceIp', ['203.0.113.0/24', '0.0.0.0/0']),
        true,
      ],
      ['IpAddress that is not an address', anyoneIf('IpAddress', 'aws:SourceIp', 'not-an-ip'), true],
      ['IpAddress with a prefix over /32', anyoneIf('IpAddress', 'aws:SourceIp', '10.0.0.0/33'), true],
      ['NotIpAddress 10.0.0.0/8', anyoneIf('NotIpAddress', 'aws:SourceIp', '10.0.0.0/8'), true],

      // Operators that do not limit the key to listed values.
      ['StringEqualsIfExists', anyoneIf('StringEqualsIfExists', 'aws:SourceVpc', 'vpc-1'), true],
      ['IpAddressIfExists', anyoneIf('IpAddressIfExists', 'aws:SourceIp', '10.0.0.0/8'), true],
      [
        'ArnEqualsIfExists',
        anyoneIf('ArnEqualsIfExists', 'aws:SourceArn', `arn:aws:sns:us-east-1:${ACCOUNT}:t`),
        true,
      ],
      [
        'ForAllValues:StringEquals (true when the key is absent)',
        anyoneIf('ForAllValues:StringEquals', 'aws:SourceVpc', 'vpc-1'),
        true,
      ],
      ['Null', anyoneIf('Null', 'aws:SourceVpc', 'false'), true],
      ['StringNotEquals', anyoneIf('StringNotEquals', 'aws:SourceVpc', 'vpc-1'), true],
      ['StringNotLike', anyoneIf('StringNotLike', 'aws:PrincipalOrgID', 'o-a1b2c3d4e5'), true],

      // Keys that do not limit who can call.
      ['StringLike aws:Referer', anyoneIf('StringLike', 'aws:Referer', 'https://example.com/*'), true],
      [
        'StringEquals aws:Referer (fixed)',
        anyoneIf('StringEquals', 'aws:Referer', 'https://example.com/'),
        true,
      ],
      ['Bool aws:SecureTransport', anyoneIf('Bool', 'aws:SecureTransport', 'true'), true],
      ['StringEquals s3:prefix', anyoneIf('StringEquals', 's3:prefix', 'public/'), true],
      [
        'StringEquals aws:PrincipalArn (not in AWS list)',
        anyoneIf('StringEquals', 'aws:PrincipalArn', `arn:aws:iam::${ACCOUNT}:root`),
        true,
      ],

      // Condition keys are case-insensitive.
      ['upper-case key', anyoneIf('StringEquals', 'AWS:SOURCEVPC', 'vpc-1'), false],
      ['lower-case key', anyoneIf('StringEquals', 'aws:sourcevpce', 'vpce-1'), false],
      ['mixed-case aws:SourceIp', anyoneIf('IpAddress', 'Aws:SourceIP', '192.0.2.0/24'), false],
      [
        'mixed-case aws:PrincipalOrgId',
        anyoneIf('StringEquals', 'aws:PrincipalOrgId', 'o-a1b2c3d4e5'),
        false,
      ],

      // Conditions are ANDed: one limiting condition is enough.
      [
        'a non-limiting condition next to a limiting one',
        allow('*', { Bool: { 'aws:SecureTransport': 'true' }, StringEquals: { 'aws:SourceVpce': 'vpce-1' } }),
        false,
      ],
      [
        'two non-limiting conditions',
        allow('*', { Bool: { 'aws:SecureTransport': 'true' }, StringLike: { 'aws:SourceVpce': 'vpce-*' } }),
        true,
      ],
      [
        'a fixed principal with an open condition',
        allow({ AWS: ACCOUNT }, { StringLike: { 'aws:SourceVpc': '*' } }),
        false,
      ],
      [
        'a Federated principal with a fixed condition',
        allow({ Federated: 'accounts.google.com' }, { StringEquals: { 'aws:SourceVpc': 'vpc-1' } }),
        false,
      ],
    ]),
  )('%s', (_name, statement, expected) => {
    // Arrange
    const document = policy(statement);

    // Act
    const result = evaluateBucketPolicy(document);

    // Assert
    expect(result.isPublic).toBe(expected);
    expect(result.publicStatements).toHaveLength(expected ? 1 : 0);
  });

  it.each<[string, Statement, string]>([
    [
      'a wildcard',
      anyoneIf('StringLike', 'aws:SourceVpc', 'vpc-*'),
      'StringLike on aws:SourceVpc: "vpc-*" has a wildcard or policy variable',
    ],
    [
      'IfExists',
      anyoneIf('StringEqualsIfExists', 'aws:SourceVpc', 'vpc-1'),
      'StringEqualsIfExists on aws:SourceVpc: IfExists also matches requests without the key',
    ],
    [
      'ForAllValues',
      anyoneIf('ForAllValues:StringEquals', 'aws:SourceVpc', 'vpc-1'),
      'ForAllValues:StringEquals on aws:SourceVpc: ForAllValues also matches requests without the key',
    ],
    [
      'a negated operator',
      anyoneIf('NotIpAddress', 'aws:SourceIp', '10.0.0.0/8'),
      'NotIpAddress on aws:SourceIp: the operator does not limit the key to listed values',
    ],
    [
      'a broad range',
      anyoneIf('IpAddress', 'aws:SourceIp', '0.0.0.0/1'),
      'IpAddress on aws:SourceIp: "0.0.0.0/1" is not an IPv4 range of /8 or narrower or an IPv6 range of /32 or narrower',
    ],
  ])('explains why a condition with %s did not count', (_name, statement, note) => {
    // Arrange
    const document = policy({ Sid: 'Limited', ...statement });

    // Act
    const result = evaluateBucketPolicy(document);

    // Assert
    expect(result.publicStatements).toEqual([
      `Sid "Limited" allows Principal "*" without a fixed-value condition (${note})`,
    ]);
  });
});

describe('evaluateBucketPolicy: statements', () => {
  it.each<[string, string, string[]]>([
    [
      'only the public statement is named, by Sid',
      policy(
        {
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:*',
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        },
        { Sid: 'Team', ...allow({ AWS: `arn:aws:iam::${ACCOUNT}:role/team` }) },
        { Sid: 'PublicRead', ...allow('*') },
      ),
      ['Sid "PublicRead" allows Principal "*" without a fixed-value condition'],
    ],
    [
      'a statement without Sid is named by its 1-based index',
      policy(allow({ AWS: ACCOUNT }), allow('*')),
      ['statement #2 allows Principal "*" without a fixed-value condition'],
    ],
    [
      'an empty Sid falls back to the index',
      policy({ Sid: '', ...allow({ AWS: '*' }) }),
      ['statement #1 allows Principal {"AWS":"*"} without a fixed-value condition'],
    ],
    [
      'every public statement is named',
      policy(
        { Sid: 'A', ...allow('*') },
        allow({ AWS: ACCOUNT }),
        allow({ Federated: 'graph.facebook.com' }),
      ),
      [
        'Sid "A" allows Principal "*" without a fixed-value condition',
        'statement #3 allows Principal {"Federated":"graph.facebook.com"} without a fixed-value condition',
      ],
    ],
    [
      'Statement may be a single object',
      JSON.stringify({ Version: '2012-10-17', Statement: { Sid: 'Solo', ...allow('*') } }),
      ['Sid "Solo" allows Principal "*" without a fixed-value condition'],
    ],
    [
      'a statement limited to one account’s access points is not named beside the public one',
      policy(
        {
          Sid: 'DelegateToAccessPoints',
          ...allow('*', {
            StringLike: { 's3:DataAccessPointArn': `arn:aws:s3:us-west-2:${ACCOUNT}:accesspoint/*` },
          }),
        },
        { Sid: 'ViaOwnAccount', ...allow('*', { StringEquals: { 's3:DataAccessPointAccount': ACCOUNT } }) },
        { Sid: 'PublicRead', ...allow('*') },
      ),
      ['Sid "PublicRead" allows Principal "*" without a fixed-value condition'],
    ],
    ['an empty Statement list is not public', policy(), []],
    ['only Deny statements are not public', policy({ Effect: 'Deny', Principal: '*', Action: 's3:*' }), []],
  ])('%s', (_name, document, expected) => {
    // Act
    const result = evaluateBucketPolicy(document);

    // Assert
    expect(result).toEqual({ isPublic: expected.length > 0, publicStatements: expected });
  });

  it.each<[string, string, RegExp]>([
    ['not JSON', '{"Statement": [', /not valid JSON/],
    ['a JSON array', '[]', /not a JSON object/],
    ['a JSON string', '"policy"', /not a JSON object/],
    ['no Statement', '{"Version":"2012-10-17"}', /no Statement/],
    ['a statement that is not an object', '{"Statement":["Allow"]}', /statement #1 is not a JSON object/],
    [
      'an Effect that is neither Allow nor Deny',
      policy(allow('*'), { ...allow('*'), Effect: 'allow' }),
      /statement #2 has Effect "allow"/,
    ],
  ])('%s: parseError, not public', (_name, document, message) => {
    // Act
    const result = evaluateBucketPolicy(document);

    // Assert
    expect(result.isPublic).toBe(false);
    expect(result.publicStatements).toEqual([]);
    expect(result.parseError).toMatch(message);
  });
});

describe('evaluateBucketPolicy: properties', () => {
  const limitingKey = fc.constantFrom(
    'aws:SourceVpc',
    'aws:SourceVpce',
    'aws:SourceAccount',
    'aws:SourceOwner',
    'aws:PrincipalOrgID',
    'AWS:PRINCIPALACCOUNT',
  );
  const fixedPrincipal = fc.oneof(
    fc.constant({ AWS: ACCOUNT }),
    fc.constant({ AWS: [`arn:aws:iam::${ACCOUNT}:role/r`, OTHER_ACCOUNT] }),
    fc.constant({ Service: 'cloudtrail.amazonaws.com' }),
  );
  const openPrincipal = fc.constantFrom<unknown>(
    '*',
    { AWS: '*' },
    { AWS: [ACCOUNT, '*'] },
    { Federated: 'cognito-identity.amazonaws.com' },
  );
  const limitingCondition = fc.oneof(
    fc.record({ key: limitingKey, value: fc.stringMatching(/^[a-z0-9-]{1,12}$/) }).map(({ key, value }) => ({
      StringEquals: { [key]: value },
    })),
    fc
      .integer({ min: 8, max: 32 })
      .map((prefix) => ({ IpAddress: { 'aws:SourceIp': `10.0.0.0/${prefix}` } })),
  );
  const openCondition = fc.constantFrom<Record<string, Record<string, unknown>> | undefined>(
    undefined,
    { StringLike: { 'aws:SourceVpc': 'vpc-*' } },
    { StringEqualsIfExists: { 'aws:SourceVpc': 'vpc-1' } },
    { Null: { 'aws:SourceVpc': 'false' } },
    { NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' } },
    { IpAddress: { 'aws:SourceIp': '0.0.0.0/1' } },
    { StringEquals: { 'aws:Referer': 'https://example.com/' } },
  );
  const anyCondition = fc.oneof(limitingCondition, openCondition);
  const sid = fc.option(fc.stringMatching(/^[A-Za-z0-9]{1,10}$/), { nil: undefined });
  const withSid = (statement: Statement, id: string | undefined): Statement =>
    id === undefined ? statement : { Sid: id, ...statement };

  const nonPublicAllow = fc.oneof(
    fc.tuple(fixedPrincipal, anyCondition, sid).map(([p, c, id]) => withSid(allow(p, c), id)),
    fc.tuple(openPrincipal, limitingCondition, sid).map(([p, c, id]) => withSid(allow(p, c), id)),
  );
  const publicAllow = fc.oneof(
    fc.tuple(openPrincipal, openCondition, sid).map(([p, c, id]) => withSid(allow(p, c), id)),
    fc
      .tuple(fixedPrincipal, sid)
      .map(([p, id]) => withSid({ Effect: 'Allow', NotPrincipal: p, Action: 's3:*' }, id)),
  );
  const deny = fc
    .tuple(fc.oneof(fixedPrincipal, openPrincipal), anyCondition, sid)
    .map(([p, c, id]) => withSid({ ...allow(p, c), Effect: 'Deny' }, id));
  const anyStatement = fc.oneof(nonPublicAllow, publicAllow, deny);

  it('adding a Deny statement never makes a non-public policy public', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(nonPublicAllow, deny)), deny, fc.nat(), (statements, extra, at) => {
        // Arrange
        const before = evaluateBucketPolicy(policy(...statements));
        const withDeny = statements.toSpliced(at % (statements.length + 1), 0, extra);

        // Act
        const after = evaluateBucketPolicy(policy(...withDeny));

        // Assert
        expect(before.isPublic).toBe(false);
        expect(after.isPublic).toBe(false);
        expect(after.publicStatements).toEqual([]);
      }),
    );
  });

  it('adding a Deny statement never changes the verdict of any policy', () => {
    fc.assert(
      fc.property(fc.array(anyStatement), deny, fc.nat(), (statements, extra, at) => {
        // Arrange
        const before = evaluateBucketPolicy(policy(...statements));

        // Act
        const after = evaluateBucketPolicy(
          policy(...statements.toSpliced(at % (statements.length + 1), 0, extra)),
        );

        // Assert
        expect(after.isPublic).toBe(before.isPublic);
      }),
    );
  });

  it('adding a public Allow statement always makes the policy public, and names it', () => {
    fc.assert(
      fc.property(fc.array(anyStatement), publicAllow, fc.nat(), (statements, extra, at) => {
        // Arrange
        const index = at % (statements.length + 1);
        const label = typeof extra.Sid === 'string' ? `Sid "${extra.Sid}"` : `statement #${index + 1}`;

        // Act
        const result = evaluateBucketPolicy(policy(...statements.toSpliced(index, 0, extra)));

        // Assert
        expect(result.isPublic).toBe(true);
        expect(result.publicStatements.some((line) => line.startsWith(`${label} allows`))).toBe(true);
      }),
    );
  });
});
