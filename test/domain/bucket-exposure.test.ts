import fc from 'fast-check';
import {
  type AclGrant,
  type BucketFacts,
  type BucketVerdict,
  combineFlags,
  evaluateBucketExposure,
  type Fact,
  type PublicAccessBlockFlags,
  publicAclGrants,
  readsNeeded,
} from '../../functions/domain/bucket-exposure';
import { ALL_FLAGS, flags } from '../support/block-public-access-flags';

const ALL_USERS = 'http://acs.amazonaws.com/groups/global/AllUsers';
const AUTHENTICATED_USERS = 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers';
const LOG_DELIVERY = 'http://acs.amazonaws.com/groups/s3/LogDelivery';
const PERMISSIONS = ['READ', 'WRITE', 'READ_ACP', 'WRITE_ACP', 'FULL_CONTROL'];

const ACCOUNT_CALL = 'GetPublicAccessBlock (account)';
const BUCKET_FLAGS_CALL = 'GetPublicAccessBlock';

const ok = <T>(value: T): Fact<T> => ({ ok: true, value });
const failed = (call: string, errorCode = 'AccessDenied'): Fact<never> => ({ ok: false, call, errorCode });

const group = (uri: string, permission: string): AclGrant => ({ granteeType: 'Group', uri, permission });
const OWNER: AclGrant = {
  granteeType: 'CanonicalUser',
  id: '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be',
  displayName: 'owner',
  permission: 'FULL_CONTROL',
};
const PRIVATE_ACL = [OWNER];
const PUBLIC_ACL = [OWNER, group(ALL_USERS, 'READ')];

const PUBLIC_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Sid: 'PublicRead', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: '*' }],
});
const PRIVATE_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { AWS: '111122223333' }, Action: 's3:GetObject', Resource: '*' }],
});

const ACL_REASON = 'ACL grants READ to AllUsers (everyone)';
const POLICY_REASON = 'Bucket policy Sid "PublicRead" allows Principal "*" without a fixed-value condition';
const STATUS_REASON = 'AWS reports the bucket policy as public (GetBucketPolicyStatus)';

/** A bucket with nothing public and every fact read, changed by `overrides`. */
function bucket(overrides: Partial<BucketFacts> = {}): BucketFacts {
  return {
    bucketName: 'example-bucket',
    accountFlags: ok(null),
    bucketFlags: ok(null),
    acl: ok(PRIVATE_ACL),
    policyStatus: ok(null),
    ...overrides,
  };
}
const publicPolicy: Partial<BucketFacts> = {
  policyStatus: ok({ isPublic: true }),
  policy: ok(PUBLIC_POLICY),
};

describe('combineFlags', () => {
  it.each<[string, PublicAccessBlockFlags | null, PublicAccessBlockFlags | null, PublicAccessBlockFlags]>([
    ['no flags at either level', null, null, flags()],
    ['account flags only', ALL_FLAGS, null, ALL_FLAGS],
    ['bucket flags only', null, ALL_FLAGS, ALL_FLAGS],
    ['BlockPublicAcls at the account', flags('BlockPublicAcls'), flags(), flags('BlockPublicAcls')],
    ['IgnorePublicAcls at the bucket', flags(), flags('IgnorePublicAcls'), flags('IgnorePublicAcls')],
    ['BlockPublicPolicy at the bucket', null, flags('BlockPublicPolicy'), flags('BlockPublicPolicy')],
    [
      'RestrictPublicBuckets at the account',
      flags('RestrictPublicBuckets'),
      null,
      flags('RestrictPublicBuckets'),
    ],
    [
      'one flag at each level both count',
      flags('IgnorePublicAcls'),
      flags('RestrictPublicBuckets'),
      flags('IgnorePublicAcls', 'RestrictPublicBuckets'),
    ],
    [
      'a false flag does not switch off the other level',
      flags('IgnorePublicAcls'),
      flags(),
      flags('IgnorePublicAcls'),
    ],
  ])('%s', (_name, account, bucketLevel, expected) => {
    // Act
    const combined = combineFlags(account, bucketLevel);

    // Assert
    expect(combined).toEqual(expected);
  });
});

describe('publicAclGrants', () => {
  it.each(
    PERMISSIONS.flatMap((permission) => [
      [ALL_USERS, permission, `ACL grants ${permission} to AllUsers (everyone)`],
      [AUTHENTICATED_USERS, permission, `ACL grants ${permission} to AuthenticatedUsers (any AWS account)`],
    ]),
  )('%s %s is public', (uri, permission, reason) => {
    // Arrange
    const grants = [OWNER, group(uri, permission)];

    // Act
    const reasons = publicAclGrants(grants);

    // Assert
    expect(reasons).toEqual([reason]);
  });

  it.each<[string, AclGrant[]]>([
    ['LogDelivery WRITE', [group(LOG_DELIVERY, 'WRITE')]],
    ['LogDelivery READ_ACP', [group(LOG_DELIVERY, 'READ_ACP')]],
    ['the owner FULL_CONTROL', [OWNER]],
    ['another canonical user READ', [{ granteeType: 'CanonicalUser', id: 'abc123', permission: 'READ' }]],
    ['an e-mail grantee', [{ granteeType: 'AmazonCustomerByEmail', permission: 'READ' }]],
    ['no grants', []],
  ])('%s is not public', (_name, grants) => {
    // Act
    const reasons = publicAclGrants(grants);

    // Assert
    expect(reasons).toEqual([]);
  });

  it('names every public grant once and skips the others', () => {
    // Arrange
    const grants = [
      OWNER,
      group(LOG_DELIVERY, 'WRITE'),
      group(AUTHENTICATED_USERS, 'WRITE_ACP'),
      group(ALL_USERS, 'READ'),
      group(ALL_USERS, 'READ'),
    ];

    // Act
    const reasons = publicAclGrants(grants);

    // Assert
    expect(reasons).toEqual([
      'ACL grants WRITE_ACP to AuthenticatedUsers (any AWS account)',
      'ACL grants READ to AllUsers (everyone)',
    ]);
  });
});

describe('evaluateBucketExposure', () => {
  it.each<[string, BucketFacts, BucketVerdict]>([
    ['nothing public', bucket(), { verdict: 'not-public', latentReasons: [] }],
    [
      'public only by policy',
      bucket(publicPolicy),
      { verdict: 'public', reasons: [POLICY_REASON], latentReasons: [] },
    ],
    [
      'public only by ACL',
      bucket({ acl: ok(PUBLIC_ACL) }),
      { verdict: 'public', reasons: [ACL_REASON], latentReasons: [] },
    ],
    [
      'public only by an AuthenticatedUsers ACL grant',
      bucket({ acl: ok([group(AUTHENTICATED_USERS, 'FULL_CONTROL')]) }),
      {
        verdict: 'public',
        reasons: ['ACL grants FULL_CONTROL to AuthenticatedUsers (any AWS account)'],
        latentReasons: [],
      },
    ],
    [
      'public by both ACL and policy',
      bucket({ acl: ok(PUBLIC_ACL), ...publicPolicy }),
      { verdict: 'public', reasons: [ACL_REASON, POLICY_REASON], latentReasons: [] },
    ],
    [
      'LogDelivery grants are not public',
      bucket({ acl: ok([OWNER, group(LOG_DELIVERY, 'WRITE'), group(LOG_DELIVERY, 'READ_ACP')]) }),
      { verdict: 'not-public', latentReasons: [] },
    ],
    [
      'account IgnorePublicAcls + bucket RestrictPublicBuckets neutralise ACL and policy',
      bucket({
        accountFlags: ok(flags('IgnorePublicAcls')),
        bucketFlags: ok(flags('RestrictPublicBuckets')),
        acl: ok(PUBLIC_ACL),
        ...publicPolicy,
      }),
      {
        verdict: 'not-public',
        latentReasons: [
          `${ACL_REASON}, ignored by IgnorePublicAcls (account level)`,
          `${POLICY_REASON}, restricted by RestrictPublicBuckets (bucket level)`,
        ],
      },
    ],
    [
      'a flag on at both levels says so',
      bucket({
        accountFlags: ok(flags('IgnorePublicAcls')),
        bucketFlags: ok(ALL_FLAGS),
        acl: ok(PUBLIC_ACL),
      }),
      {
        verdict: 'not-public',
        latentReasons: [`${ACL_REASON}, ignored by IgnorePublicAcls (account and bucket levels)`],
      },
    ],
    [
      'only BlockPublicAcls + BlockPublicPolicy (both levels) leave the bucket public today',
      bucket({
        accountFlags: ok(flags('BlockPublicAcls', 'BlockPublicPolicy')),
        bucketFlags: ok(flags('BlockPublicAcls', 'BlockPublicPolicy')),
        acl: ok(PUBLIC_ACL),
        ...publicPolicy,
      }),
      { verdict: 'public', reasons: [ACL_REASON, POLICY_REASON], latentReasons: [] },
    ],
    [
      'IgnorePublicAcls does not neutralise a public policy',
      bucket({ bucketFlags: ok(flags('IgnorePublicAcls')), acl: ok(PUBLIC_ACL), ...publicPolicy }),
      {
        verdict: 'public',
        reasons: [POLICY_REASON],
        latentReasons: [`${ACL_REASON}, ignored by IgnorePublicAcls (bucket level)`],
      },
    ],
    [
      'RestrictPublicBuckets does not neutralise a public ACL',
      bucket({ accountFlags: ok(flags('RestrictPublicBuckets')), acl: ok(PUBLIC_ACL), ...publicPolicy }),
      {
        verdict: 'public',
        reasons: [ACL_REASON],
        latentReasons: [`${POLICY_REASON}, restricted by RestrictPublicBuckets (account level)`],
      },
    ],
    [
      'account flags neutralise both: no per-bucket read, not public',
      { bucketName: 'example-bucket', accountFlags: ok(flags('IgnorePublicAcls', 'RestrictPublicBuckets')) },
      { verdict: 'not-public', latentReasons: [] },
    ],
  ])('%s', (_name, facts, expected) => {
    // Act
    const verdict = evaluateBucketExposure(facts);

    // Assert
    expect(verdict).toEqual(expected);
  });

  describe('failed reads', () => {
    it.each<[string, BucketFacts, BucketVerdict]>([
      [
        'ACL denied',
        bucket({ acl: failed('GetBucketAcl') }),
        {
          verdict: 'unknown',
          reason: 'GetBucketAcl failed with AccessDenied, so the ACL could not be checked',
          latentReasons: [],
        },
      ],
      [
        'ACL denied but IgnorePublicAcls is on',
        bucket({ bucketFlags: ok(flags('IgnorePublicAcls')), acl: failed('GetBucketAcl') }),
        { verdict: 'not-public', latentReasons: [] },
      ],
      [
        'ACL denied but the policy is public',
        bucket({ acl: failed('GetBucketAcl'), ...publicPolicy }),
        { verdict: 'public', reasons: [POLICY_REASON], latentReasons: [] },
      ],
      [
        'ACL not read while it matters',
        bucket({ acl: undefined }),
        { verdict: 'unknown', reason: 'the ACL was not read', latentReasons: [] },
      ],
      [
        'bucket flags denied and the ACL public',
        bucket({ bucketFlags: failed(BUCKET_FLAGS_CALL), acl: ok(PUBLIC_ACL) }),
        {
          verdict: 'unknown',
          reason:
            'GetPublicAccessBlock failed with AccessDenied, so the bucket-level Block Public Access flags could not be checked',
          latentReasons: [],
        },
      ],
      [
        'bucket flags denied, nothing public to neutralise',
        bucket({ bucketFlags: failed(BUCKET_FLAGS_CALL) }),
        { verdict: 'not-public', latentReasons: [] },
      ],
      [
        'bucket flags denied but the account ignores and restricts',
        bucket({
          accountFlags: ok(flags('IgnorePublicAcls', 'RestrictPublicBuckets')),
          bucketFlags: failed(BUCKET_FLAGS_CALL),
          acl: ok(PUBLIC_ACL),
        }),
        {
          verdict: 'not-public',
          latentReasons: [`${ACL_REASON}, ignored by IgnorePublicAcls (account level)`],
        },
      ],
      [
        'account flags denied, bucket flags ignore and restrict',
        bucket({
          accountFlags: failed(ACCOUNT_CALL),
          bucketFlags: ok(flags('IgnorePublicAcls', 'RestrictPublicBuckets')),
          acl: ok(PUBLIC_ACL),
          ...publicPolicy,
        }),
        {
          verdict: 'not-public',
          latentReasons: [
            `${ACL_REASON}, ignored by IgnorePublicAcls (bucket level)`,
            `${POLICY_REASON}, restricted by RestrictPublicBuckets (bucket level)`,
          ],
        },
      ],
      [
        'account flags denied, ACL public, bucket flags do not ignore',
        bucket({
          accountFlags: failed(ACCOUNT_CALL),
          bucketFlags: ok(flags('RestrictPublicBuckets')),
          acl: ok(PUBLIC_ACL),
        }),
        {
          verdict: 'unknown',
          reason:
            'GetPublicAccessBlock (account) failed with AccessDenied, so the account-level Block Public Access flags could not be checked',
          latentReasons: [],
        },
      ],
      [
        'account flags denied, policy public, bucket has no flags',
        bucket({ accountFlags: failed(ACCOUNT_CALL, 'InternalError'), ...publicPolicy }),
        {
          verdict: 'unknown',
          reason:
            'GetPublicAccessBlock (account) failed with InternalError, so the account-level Block Public Access flags could not be checked',
          latentReasons: [],
        },
      ],
      [
        'account flags denied, nothing public to neutralise',
        bucket({ accountFlags: failed(ACCOUNT_CALL) }),
        { verdict: 'not-public', latentReasons: [] },
      ],
      [
        'account and bucket flags both denied, ACL public',
        bucket({
          accountFlags: failed(ACCOUNT_CALL),
          bucketFlags: failed(BUCKET_FLAGS_CALL),
          acl: ok(PUBLIC_ACL),
        }),
        {
          verdict: 'unknown',
          reason:
            'GetPublicAccessBlock (account) failed with AccessDenied, so the account-level Block Public Access flags could not be checked; ' +
            'GetPublicAccessBlock failed with AccessDenied, so the bucket-level Block Public Access flags could not be checked',
          latentReasons: [],
        },
      ],
      [
        'only the reads the answer hangs on are named',
        bucket({
          accountFlags: failed(ACCOUNT_CALL),
          bucketFlags: ok(flags('IgnorePublicAcls')),
          acl: failed('GetBucketAcl'),
          policyStatus: failed('GetBucketPolicyStatus'),
          policy: failed('GetBucketPolicy'),
        }),
        {
          verdict: 'unknown',
          reason:
            'GetBucketPolicyStatus failed with AccessDenied and GetBucketPolicy failed with AccessDenied, so the bucket policy could not be checked; ' +
            'GetPublicAccessBlock (account) failed with AccessDenied, so the account-level Block Public Access flags could not be checked',
          latentReasons: [],
        },
      ],
      [
        'ACL and policy both denied',
        bucket({
          acl: failed('GetBucketAcl'),
          policyStatus: failed('GetBucketPolicyStatus'),
          policy: failed('GetBucketPolicy'),
        }),
        {
          verdict: 'unknown',
          reason:
            'GetBucketAcl failed with AccessDenied, so the ACL could not be checked; ' +
            'GetBucketPolicyStatus failed with AccessDenied and GetBucketPolicy failed with AccessDenied, so the bucket policy could not be checked',
          latentReasons: [],
        },
      ],
    ])('%s', (_name, facts, expected) => {
      // Act
      const verdict = evaluateBucketExposure(facts);

      // Assert
      expect(verdict).toEqual(expected);
    });
  });

  describe('policy status and document', () => {
    it.each<[string, Partial<BucketFacts>, BucketVerdict]>([
      [
        'status public wins over a document we read as private',
        { policyStatus: ok({ isPublic: true }), policy: ok(PRIVATE_POLICY) },
        { verdict: 'public', reasons: [STATUS_REASON], latentReasons: [] },
      ],
      [
        'status not public wins over a document we read as public',
        { policyStatus: ok({ isPublic: false }), policy: ok(PUBLIC_POLICY) },
        { verdict: 'not-public', latentReasons: [] },
      ],
      [
        'status public with the document unreadable',
        { policyStatus: ok({ isPublic: true }), policy: failed('GetBucketPolicy') },
        { verdict: 'public', reasons: [STATUS_REASON], latentReasons: [] },
      ],
      [
        'status public with the document not parseable',
        { policyStatus: ok({ isPublic: true }), policy: ok('{not json') },
        { verdict: 'public', reasons: [STATUS_REASON], latentReasons: [] },
      ],
      [
        'status public with the document not read',
        { policyStatus: ok({ isPublic: true }) },
        { verdict: 'public', reasons: [STATUS_REASON], latentReasons: [] },
      ],
      [
        'status says no policy',
        { policyStatus: ok(null), policy: ok(PUBLIC_POLICY) },
        { verdict: 'not-public', latentReasons: [] },
      ],
      [
        'status denied: a public document decides, and the reason says so',
        { policyStatus: failed('GetBucketPolicyStatus'), policy: ok(PUBLIC_POLICY) },
        {
          verdict: 'public',
          reasons: [
            `${POLICY_REASON} (judged from the policy document because GetBucketPolicyStatus failed with AccessDenied)`,
          ],
          latentReasons: [],
        },
      ],
      [
        'status not implemented: a private document decides',
        { policyStatus: failed('GetBucketPolicyStatus', 'NotImplemented'), policy: ok(PRIVATE_POLICY) },
        { verdict: 'not-public', latentReasons: [] },
      ],
      [
        'status denied and no policy',
        { policyStatus: failed('GetBucketPolicyStatus'), policy: ok(null) },
        { verdict: 'not-public', latentReasons: [] },
      ],
      [
        'status denied and the document not parseable',
        { policyStatus: failed('GetBucketPolicyStatus'), policy: ok('{"Statement": [') },
        {
          verdict: 'unknown',
          reason: expect.stringMatching(
            /^GetBucketPolicyStatus failed with AccessDenied and the policy document could not be parsed: the policy is not valid JSON \(.+\), so the bucket policy could not be checked$/,
          ),
          latentReasons: [],
        },
      ],
      [
        'status denied and the document not read',
        { policyStatus: failed('GetBucketPolicyStatus') },
        {
          verdict: 'unknown',
          reason:
            'GetBucketPolicyStatus failed with AccessDenied and the policy document was not read, so the bucket policy could not be checked',
          latentReasons: [],
        },
      ],
      [
        'policy unreadable but the ACL is public and not ignored',
        {
          acl: ok(PUBLIC_ACL),
          policyStatus: failed('GetBucketPolicyStatus'),
          policy: failed('GetBucketPolicy'),
        },
        { verdict: 'public', reasons: [ACL_REASON], latentReasons: [] },
      ],
      [
        'policy unreadable but RestrictPublicBuckets is on',
        {
          bucketFlags: ok(flags('RestrictPublicBuckets')),
          policyStatus: failed('GetBucketPolicyStatus'),
          policy: failed('GetBucketPolicy'),
        },
        { verdict: 'not-public', latentReasons: [] },
      ],
      [
        'status public but restricted: latent, named from the document',
        { bucketFlags: ok(flags('RestrictPublicBuckets')), ...publicPolicy },
        {
          verdict: 'not-public',
          latentReasons: [`${POLICY_REASON}, restricted by RestrictPublicBuckets (bucket level)`],
        },
      ],
    ])('%s', (_name, overrides, expected) => {
      // Arrange
      const facts = bucket(overrides);

      // Act
      const verdict = evaluateBucketExposure(facts);

      // Assert
      expect(verdict).toEqual(expected);
    });
  });

  describe('soundness over every way a missing fact could turn out', () => {
    const NOT_JSON = 'not json';
    type Policy = Pick<BucketFacts, 'policyStatus' | 'policy'>;
    const flagOutcomes: Fact<PublicAccessBlockFlags | null>[] = [
      ok(null),
      ok(ALL_FLAGS),
      ok(flags('IgnorePublicAcls')),
      ok(flags('RestrictPublicBuckets')),
      ok(flags('BlockPublicAcls', 'BlockPublicPolicy')),
    ];
    const aclOutcomes: Fact<AclGrant[]>[] = [ok(PRIVATE_ACL), ok(PUBLIC_ACL)];
    const policyOutcomes: Policy[] = [
      { policyStatus: ok(null) },
      { policyStatus: ok({ isPublic: false }) },
      { policyStatus: ok({ isPublic: true }), policy: ok(PUBLIC_POLICY) },
    ];

    const accountFlags = fc.constantFrom<Fact<PublicAccessBlockFlags | null>>(
      ...flagOutcomes,
      failed(ACCOUNT_CALL),
    );
    const bucketFlags = fc.constantFrom<Fact<PublicAccessBlockFlags | null> | undefined>(
      ...flagOutcomes,
      failed(BUCKET_FLAGS_CALL),
      undefined,
    );
    const acl = fc.constantFrom<Fact<AclGrant[]> | undefined>(
      ...aclOutcomes,
      ok([group(LOG_DELIVERY, 'WRITE')]),
      failed('GetBucketAcl'),
      undefined,
    );
    const policy = fc.constantFrom<Policy>(
      ...policyOutcomes,
      { policyStatus: ok({ isPublic: true }) },
      { policyStatus: failed('GetBucketPolicyStatus'), policy: ok(PUBLIC_POLICY) },
      { policyStatus: failed('GetBucketPolicyStatus'), policy: ok(PRIVATE_POLICY) },
      { policyStatus: failed('GetBucketPolicyStatus'), policy: ok(null) },
      { policyStatus: failed('GetBucketPolicyStatus'), policy: failed('GetBucketPolicy') },
      { policyStatus: failed('GetBucketPolicyStatus'), policy: ok(NOT_JSON) },
      { policyStatus: failed('GetBucketPolicyStatus') },
      {},
    );

    /** Every fully known bucket the partly known one could really be. */
    function completions(facts: BucketFacts): BucketFacts[] {
      const known = <T>(fact: Fact<T> | undefined, outcomes: Fact<T>[]): Fact<T>[] =>
        fact?.ok ? [fact] : outcomes;
      const policyDecided =
        facts.policyStatus?.ok === true || (facts.policy?.ok === true && facts.policy.value !== NOT_JSON);
      const policies: Policy[] = policyDecided
        ? [{ policyStatus: facts.policyStatus, policy: facts.policy }]
        : policyOutcomes;
      return known(facts.accountFlags, flagOutcomes).flatMap((account) =>
        known(facts.bucketFlags, flagOutcomes).flatMap((bucketLevel) =>
          known(facts.acl, aclOutcomes).flatMap((grants) =>
            policies.map((p) => ({
              ...facts,
              accountFlags: account,
              bucketFlags: bucketLevel,
              acl: grants,
              ...p,
            })),
          ),
        ),
      );
    }

    it('is public or not-public only when every completion agrees, and unknown only when they differ', () => {
      fc.assert(
        fc.property(accountFlags, bucketFlags, acl, policy, (account, bucketLevel, grants, p) => {
          // Arrange
          const facts: BucketFacts = {
            bucketName: 'b',
            accountFlags: account,
            bucketFlags: bucketLevel,
            acl: grants,
            ...p,
          };
          const outcomes = new Set(
            completions(facts).map((complete) => evaluateBucketExposure(complete).verdict),
          );

          // Act
          const verdict = evaluateBucketExposure(facts);

          // Assert
          expect(outcomes.has('unknown')).toBe(false);
          if (verdict.verdict === 'unknown') {
            expect(outcomes.size).toBe(2);
            expect(verdict.reason).not.toBe('');
          } else {
            expect([...outcomes]).toEqual([verdict.verdict]);
          }
        }),
        { numRuns: 500 },
      );
    });
  });
});

describe('readsNeeded', () => {
  const none = { bucketFlags: false, acl: false, policyStatus: false, policy: false };
  const grantsFirst = { bucketFlags: false, acl: true, policyStatus: true, policy: false };
  const PUBLIC_ACL = [
    { granteeType: 'Group', uri: 'http://acs.amazonaws.com/groups/global/AllUsers', permission: 'READ' },
  ];
  const grants = (overrides: Partial<BucketFacts>): BucketFacts => ({
    bucketName: 'b',
    accountFlags: ok(null),
    acl: ok([]),
    policyStatus: ok(null),
    ...overrides,
  });

  it.each<[string, BucketFacts, ReturnType<typeof readsNeeded>]>([
    [
      'account ignores ACLs and restricts policies: nothing per bucket',
      { bucketName: 'b', accountFlags: ok(flags('IgnorePublicAcls', 'RestrictPublicBuckets')) },
      none,
    ],
    ['account has no flags: the grants first', { bucketName: 'b', accountFlags: ok(null) }, grantsFirst],
    [
      'account only ignores ACLs',
      { bucketName: 'b', accountFlags: ok(flags('IgnorePublicAcls')) },
      grantsFirst,
    ],
    [
      'account only restricts policies',
      { bucketName: 'b', accountFlags: ok(flags('RestrictPublicBuckets')) },
      grantsFirst,
    ],
    ['account read failed', { bucketName: 'b', accountFlags: failed(ACCOUNT_CALL) }, grantsFirst],
    ['grants not public: the flags cannot matter', grants({}), none],
    [
      'grants not public and the account read failed: still nothing',
      grants({ accountFlags: failed(ACCOUNT_CALL) }),
      none,
    ],
    [
      'public ACL: the flags decide public or latent',
      grants({ acl: ok(PUBLIC_ACL) }),
      { ...none, bucketFlags: true },
    ],
    [
      'ACL unreadable: the flags may still rule it out',
      grants({ acl: failed('GetBucketAcl') }),
      { ...none, bucketFlags: true },
    ],
    [
      'status says public: the document names the statements, and the flags decide',
      grants({ policyStatus: ok({ isPublic: true }) }),
      { ...none, policy: true, bucketFlags: true },
    ],
    [
      'status failed: the document decides, and the flags may rule it out',
      grants({ policyStatus: failed('GetBucketPolicyStatus') }),
      { ...none, policy: true, bucketFlags: true },
    ],
    ['status says not public', grants({ policyStatus: ok({ isPublic: false }) }), none],
    [
      'public ACL but ACLs ignored at account level: flags only matter for latent wording',
      grants({ accountFlags: ok(flags('IgnorePublicAcls')), acl: ok(PUBLIC_ACL) }),
      { ...none, bucketFlags: true },
    ],
    ['flags already read', grants({ acl: ok(PUBLIC_ACL), bucketFlags: ok(ALL_FLAGS) }), none],
    [
      'failed reads are not repeated',
      grants({ bucketFlags: failed(BUCKET_FLAGS_CALL), acl: failed('GetBucketAcl') }),
      none,
    ],
  ])('%s', (_name, facts, expected) => {
    // Act
    const needed = readsNeeded(facts);

    // Assert
    expect(needed).toEqual(expected);
  });
});
