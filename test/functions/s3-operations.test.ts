/**
 * The two S3 operations over HTTP on the local server (same Router, handlers
 * and adapters as Lambda), against sandbox accounts that show each case.
 */
import { scenario, startTestApi, type TestApi } from '../support/local-api';

const ALL_ON = {
  BlockPublicAcls: true,
  IgnorePublicAcls: true,
  BlockPublicPolicy: true,
  RestrictPublicBuckets: true,
};
const ALL_OFF = {
  BlockPublicAcls: false,
  IgnorePublicAcls: false,
  BlockPublicPolicy: false,
  RestrictPublicBuckets: false,
};
const PUBLIC_POLICY = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'Everyone',
      Effect: 'Allow',
      Principal: '*',
      Action: 's3:GetObject',
      Resource: 'arn:aws:s3:::x/*',
    },
  ],
};
const ALL_USERS = 'http://acs.amazonaws.com/groups/global/AllUsers';

describe('GET /s3/public-buckets on the default scenario', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(() => api.close());

  it('reports each bucket as semantics.md says', async () => {
    // Act
    const reply = await api.call('GET', '/s3/public-buckets');

    // Assert
    expect(reply.status).toBe(200);
    const publicNames = reply.body.publicBuckets.map((b: { bucketName: string }) => b.bucketName);
    expect(publicNames).toEqual(['acme-only-future-blocked', 'acme-public-acl', 'acme-public-website']);
    expect(reply.body.publicBuckets[2]).toMatchObject({ region: 'eu-west-1', website: true });
    expect(reply.body.publicBuckets[2]?.reasons[0]).toContain('PublicRead');
    expect(reply.body.publicBuckets[1]?.reasons[0]).toContain('AllUsers');
    expect(reply.body.unknownBuckets).toEqual([
      { bucketName: 'acme-denied', reason: expect.stringContaining('GetBucketAcl failed with AccessDenied') },
    ]);
    expect(reply.body.latentBuckets.map((b: { bucketName: string }) => b.bucketName)).toEqual([
      'acme-latent',
    ]);
    expect(reply.body).toMatchObject({
      scannedBuckets: 9,
      complete: true,
      publicCount: 3,
      truncated: false,
      prefix: '',
    });
    expect(reply.body.summary).toContain('3 buckets are publicly accessible');
    expect(reply.body.summary).toContain('must not be assumed private');
  });

  it('sends each bucket read to the bucket’s own Region', async () => {
    // Arrange
    api.sandbox.calls.length = 0;

    // Act
    await api.call('GET', '/s3/public-buckets?prefix=acme-public-website');

    // Assert
    const perBucket = api.sandbox.calls.filter((c) => c.input.Bucket === 'acme-public-website');
    expect(perBucket.length).toBeGreaterThan(0);
    expect(new Set(perBucket.map((c) => c.region))).toEqual(new Set(['eu-west-1']));
  });

  it('narrows to a prefix server-side and cuts lists at limit', async () => {
    // Act
    const reply = await api.call('GET', '/s3/public-buckets?prefix=acme-public&limit=1');

    // Assert
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      prefix: 'acme-public',
      scannedBuckets: 2,
      publicCount: 2,
      truncated: true,
    });
    expect(reply.body.publicBuckets).toHaveLength(1);
    const list = api.sandbox.calls.filter((c) => c.command === 'ListBuckets').at(-1);
    expect(list?.input).toMatchObject({ Prefix: 'acme-public', MaxBuckets: 1000 });
  });

  it.each([
    ['/s3/public-buckets?limit=0', /limit must be at least 1/],
    ['/s3/public-buckets?limit=1001', /limit must be at most 1000/],
    ['/s3/public-buckets?limit=ten', /limit must be a whole number/],
    ['/s3/public-buckets?prefix=a/b', /prefix may only contain/],
    ['/s3/public-buckets?prefx=a', /unknown query string field "prefx"/],
    ['/s3/public-buckets?limit=1&limit=2', /given more than once/],
  ])('rejects %s with a 400 that says what to fix', async (path, message) => {
    // Act
    const reply = await api.call('GET', path);

    // Assert
    expect(reply.status).toBe(400);
    expect(reply.body.error.code).toBe('ValidationError');
    expect(reply.body.error.message).toMatch(message);
  });
});

describe('risk order, counts and the Region filter', () => {
  const writePolicy = {
    ...PUBLIC_POLICY,
    Statement: [{ ...PUBLIC_POLICY.Statement[0], Sid: 'Upload', Action: ['s3:GetObject', 's3:PutObject'] }],
  };
  const buckets = [
    { name: 'a-read-acl', region: 'us-east-1', acl: [{ uri: ALL_USERS, permission: 'READ' as const }] },
    { name: 'b-site', region: 'eu-west-1', policy: PUBLIC_POLICY, website: true },
    { name: 'c-write-policy', region: 'eu-west-1', policy: writePolicy },
    { name: 'd-write-acl', region: 'us-east-1', acl: [{ uri: ALL_USERS, permission: 'WRITE' as const }] },
    { name: 'e-private', region: 'eu-west-1' },
  ];

  it('lists writable before readable before websites, and counts by severity, Region and cause', async () => {
    // Arrange
    const api = await startTestApi(scenario({ s3: { accountPublicAccessBlock: null, buckets } }));
    try {
      // Act
      const reply = await api.call('GET', '/s3/public-buckets');

      // Assert
      expect(
        reply.body.publicBuckets.map((b: { bucketName: string; severity: string; access: string }) => [
          b.bucketName,
          b.severity,
          b.access,
        ]),
      ).toEqual([
        ['c-write-policy', 'critical', 'write'],
        ['d-write-acl', 'critical', 'write'],
        ['a-read-acl', 'high', 'read'],
        ['b-site', 'medium', 'read'],
      ]);
      expect(reply.body.counts).toEqual({
        bySeverity: { critical: 2, high: 1, medium: 1, low: 0 },
        byRegion: [
          { region: 'eu-west-1', count: 2 },
          { region: 'us-east-1', count: 2 },
        ],
        byCause: { acl: 2, policy: 2, read: 2, write: 2, website: 1 },
      });
      expect(reply.body.summary).toContain(
        '4 buckets are publicly accessible (2 critical, 1 high, 1 medium), worst first: "c-write-policy" (critical, anyone may write, eu-west-1)',
      );
    } finally {
      await api.close();
    }
  });

  it('the Region filter checks only that Region’s buckets, and reads nothing of the others', async () => {
    // Arrange
    const api = await startTestApi(scenario({ s3: { accountPublicAccessBlock: null, buckets } }));
    try {
      // Act
      const reply = await api.call('GET', '/s3/public-buckets?region=us-east-1');

      // Assert
      expect(reply.status).toBe(200);
      expect(reply.body.publicBuckets.map((b: { bucketName: string }) => b.bucketName)).toEqual([
        'd-write-acl',
        'a-read-acl',
      ]);
      expect(reply.body.scannedBuckets).toBe(2);
      expect(reply.body.summary).toContain('Checked both buckets in us-east-1 in account');
      const readOthers = api.sandbox.calls.filter(
        (c) => typeof c.input.Bucket === 'string' && !['a-read-acl', 'd-write-acl'].includes(c.input.Bucket),
      );
      expect(readOthers).toEqual([]);
    } finally {
      await api.close();
    }
  });

  it('rejects a Region that cannot exist with a 400 that says what to fix', async () => {
    const api = await startTestApi(scenario({ s3: { accountPublicAccessBlock: null, buckets } }));
    try {
      const reply = await api.call('GET', '/s3/public-buckets?region=mars');
      expect(reply.status).toBe(400);
      expect(reply.body.error.message).toMatch(/region must be an AWS Region code/);
    } finally {
      await api.close();
    }
  });
});

describe('bucket verdicts across account and bucket flags', () => {
  it.each([
    {
      name: 'public only by policy',
      account: null,
      bucket: { name: 'b', region: 'us-east-1', policy: PUBLIC_POLICY },
      expected: 'public',
    },
    {
      name: 'public only by ACL',
      account: null,
      bucket: { name: 'b', region: 'us-east-1', acl: [{ uri: ALL_USERS, permission: 'READ' as const }] },
      expected: 'public',
    },
    {
      name: 'neutralised across account (IgnorePublicAcls) and bucket (RestrictPublicBuckets) flags',
      account: { ...ALL_OFF, IgnorePublicAcls: true },
      bucket: {
        name: 'b',
        region: 'us-east-1',
        acl: [{ uri: ALL_USERS, permission: 'READ' as const }],
        policy: PUBLIC_POLICY,
        publicAccessBlock: { ...ALL_OFF, RestrictPublicBuckets: true },
      },
      expected: 'latent',
    },
    {
      name: 'only BlockPublicAcls + BlockPublicPolicy on: still public today',
      account: null,
      bucket: {
        name: 'b',
        region: 'us-east-1',
        acl: [{ uri: ALL_USERS, permission: 'READ' as const }],
        publicAccessBlock: { ...ALL_OFF, BlockPublicAcls: true, BlockPublicPolicy: true },
      },
      expected: 'public',
    },
    {
      name: 'reads denied',
      account: null,
      bucket: { name: 'b', region: 'us-east-1', denied: ['GetBucketAcl'] },
      expected: 'unknown',
    },
  ])('$name', async ({ account, bucket, expected }) => {
    // Arrange
    const api = await startTestApi(
      scenario({ s3: { accountPublicAccessBlock: account, buckets: [bucket] } }),
    );
    try {
      // Act
      const reply = await api.call('GET', '/s3/public-buckets');

      // Assert
      const where = {
        public: reply.body.publicBuckets.length,
        latent: reply.body.latentBuckets.length,
        unknown: reply.body.unknownBuckets.length,
      };
      expect(where).toEqual({
        public: expected === 'public' ? 1 : 0,
        latent: expected === 'latent' ? 1 : 0,
        unknown: expected === 'unknown' ? 1 : 0,
      });
      if (expected === 'latent') expect(reply.body.latentBuckets[0]?.reasons).toHaveLength(2);
    } finally {
      await api.close();
    }
  });

  it('judges the policy document, naming the statement, when the policy status reply lacks IsPublic (moto)', async () => {
    // Arrange
    const api = await startTestApi(
      scenario({
        s3: {
          buckets: [
            { name: 'moto-public', region: 'us-east-1', policy: PUBLIC_POLICY, policyStatus: 'omitted' },
            { name: 'moto-private', region: 'us-east-1', policyStatus: 'omitted' },
          ],
        },
      }),
    );
    try {
      // Act
      const reply = await api.call('GET', '/s3/public-buckets');

      // Assert
      expect(reply.body.publicBuckets).toEqual([
        expect.objectContaining({
          bucketName: 'moto-public',
          reasons: [expect.stringMatching(/Sid "Everyone".*answered without PolicyStatus\.IsPublic/)],
        }),
      ]);
      expect(reply.body.unknownBuckets).toEqual([]);
      expect(reply.body.publicCount).toBe(1);
    } finally {
      await api.close();
    }
  });

  it('reports a neutralised ACL grant as latent on a bucket that is public by its policy', async () => {
    // Arrange
    const api = await startTestApi(
      scenario({
        s3: {
          buckets: [
            {
              name: 'both',
              region: 'us-east-1',
              policy: PUBLIC_POLICY,
              acl: [{ uri: ALL_USERS, permission: 'READ' }],
              publicAccessBlock: { ...ALL_OFF, IgnorePublicAcls: true },
            },
          ],
        },
      }),
    );
    try {
      // Act
      const reply = await api.call('GET', '/s3/public-buckets');

      // Assert
      expect(reply.body.publicBuckets).toEqual([
        expect.objectContaining({ bucketName: 'both', reasons: [expect.stringContaining('Sid "Everyone"')] }),
      ]);
      expect(reply.body.latentBuckets).toEqual([
        {
          bucketName: 'both',
          reasons: ['ACL grants READ to AllUsers (everyone), ignored by IgnorePublicAcls (bucket level)'],
        },
      ]);
      expect(reply.body.summary).toContain('1 bucket has public grants that Block Public Access neutralises');
    } finally {
      await api.close();
    }
  });

  it('says website hosting is unknown, naming the call, when GetBucketWebsite fails: never "no website"', async () => {
    // Arrange
    const api = await startTestApi(
      scenario({
        s3: {
          buckets: [
            {
              name: 'site',
              region: 'us-east-1',
              policy: PUBLIC_POLICY,
              website: true,
              denied: ['GetBucketWebsite'],
            },
          ],
        },
      }),
    );
    try {
      // Act
      const reply = await api.call('GET', '/s3/public-buckets');

      // Assert
      expect(reply.body.publicBuckets).toEqual([
        expect.objectContaining({
          bucketName: 'site',
          website: null,
          websiteNote: 'GetBucketWebsite failed with AccessDenied, so website hosting is unknown',
        }),
      ]);
      expect(reply.body.summary).toContain(
        '"site" (high, anyone may read, us-east-1, website hosting unknown)',
      );
    } finally {
      await api.close();
    }
  });

  it('skips every per-bucket read when the account flags neutralise ACLs and policies, and says so', async () => {
    // Arrange
    const buckets = ['a1', 'a2', 'a3'].map((name) => ({ name, region: 'eu-west-1', policy: PUBLIC_POLICY }));
    const api = await startTestApi(scenario({ s3: { accountPublicAccessBlock: ALL_ON, buckets } }));
    try {
      // Act
      const reply = await api.call('GET', '/s3/public-buckets');

      // Assert
      expect(reply.body).toMatchObject({ scannedBuckets: 3, publicCount: 0, complete: true });
      expect(reply.body.summary).toContain('not inspected for latent grants');
      const commands = new Set(
        api.sandbox.calls.filter((c) => c.service !== 'dynamodb').map((c) => c.command),
      );
      expect(commands).toEqual(new Set(['GetCallerIdentity', 'GetPublicAccessBlock', 'ListBuckets']));
      expect(api.sandbox.calls.filter((c) => c.service === 's3' && c.command !== 'ListBuckets')).toHaveLength(
        0,
      );
    } finally {
      await api.close();
    }
  });

  it('reports buckets unknown, not private, when the account-level read fails and their own flags do not neutralise', async () => {
    // Arrange
    const api = await startTestApi(
      scenario({
        s3: {
          accountReadDenied: true,
          buckets: [
            { name: 'open', region: 'us-east-1', acl: [{ uri: ALL_USERS, permission: 'READ' }] },
            {
              name: 'guarded',
              region: 'us-east-1',
              acl: [{ uri: ALL_USERS, permission: 'READ' }],
              publicAccessBlock: ALL_ON,
            },
          ],
        },
      }),
    );
    try {
      // Act
      const reply = await api.call('GET', '/s3/public-buckets');

      // Assert
      expect(reply.status).toBe(200);
      expect(reply.body.publicBuckets).toEqual([]);
      expect(reply.body.unknownBuckets).toEqual([
        {
          bucketName: 'open',
          reason: expect.stringContaining('GetPublicAccessBlock (account) failed with AccessDenied'),
        },
      ]);
      expect(reply.body.latentBuckets.map((b: { bucketName: string }) => b.bucketName)).toEqual(['guarded']);
    } finally {
      await api.close();
    }
  });

  it('returns what it has with complete: false when the time budget runs out', async () => {
    // Arrange: 40 buckets, 30 ms per AWS call, 400 ms budget with 250 ms reserve, one call in flight at a time
    const buckets = Array.from({ length: 40 }, (_, i) => ({
      name: `slow-${String(i).padStart(2, '0')}`,
      region: 'us-east-1',
    }));
    const api = await startTestApi(scenario({ latencyMs: 30, s3: { buckets } }), {
      deadlineMs: 2_900,
      concurrency: 1,
    });
    try {
      // Act
      const reply = await api.call('GET', '/s3/public-buckets');

      // Assert
      expect(reply.status).toBe(200);
      expect(reply.body.complete).toBe(false);
      expect(reply.body.scannedBuckets).toBeLessThan(40);
      expect(reply.body.summary).toContain('incomplete');
    } finally {
      await api.close();
    }
  });
});

describe('POST /s3/buckets/{bucketName}/block-public-access', () => {
  let api: TestApi;
  beforeEach(async () => {
    api = await startTestApi();
  });
  afterEach(() => api.close());

  it('dry run returns the real call’s body, predicted, and writes nothing', async () => {
    // Act
    const dry = await api.call('POST', '/s3/buckets/acme-public-acl/block-public-access', { dryRun: true });

    // Assert
    expect(dry.status).toBe(200);
    expect(api.sandbox.writeCalls()).toHaveLength(0);
    const real = await api.call('POST', '/s3/buckets/acme-public-acl/block-public-access', {});
    // Only a real write is recorded, so only it has a change id.
    const { summary: _s1, dryRun: d1, changeId: c1, ...dryRest } = dry.body;
    const { summary: _s2, dryRun: d2, changeId: c2, ...realRest } = real.body;
    expect(c1).toBeNull();
    expect(c2).toMatch(/^c-\d{8}T\d{9}Z-[0-9a-f]{8}$/);
    expect([d1, d2]).toEqual([true, false]);
    expect(dryRest).toEqual(realRest);
  });

  it('blocks, reports before/after and undo, and a second call writes nothing and says unchanged', async () => {
    // Act
    const first = await api.call('POST', '/s3/buckets/acme-only-future-blocked/block-public-access');
    const second = await api.call('POST', '/s3/buckets/acme-only-future-blocked/block-public-access', {});

    // Assert
    expect(first.body).toMatchObject({
      changed: true,
      dryRun: false,
      region: 'us-east-1',
      before: {
        BlockPublicAcls: true,
        IgnorePublicAcls: false,
        BlockPublicPolicy: true,
        RestrictPublicBuckets: false,
      },
      after: ALL_ON,
      publicAfter: false,
    });
    expect(first.body.undo).toEqual([
      'aws s3api put-public-access-block --bucket acme-only-future-blocked --region us-east-1 --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=false,BlockPublicPolicy=true,RestrictPublicBuckets=false',
    ]);
    expect(second.body).toMatchObject({ changed: false, before: ALL_ON, undo: [] });
    expect(second.body.summary).toContain('nothing was changed');
    expect(api.sandbox.writeCalls()).toHaveLength(1);
    const after = await api.call('GET', '/s3/public-buckets');
    expect(after.body.publicBuckets.map((b: { bucketName: string }) => b.bucketName)).not.toContain(
      'acme-only-future-blocked',
    );
  });

  it('changes nothing but the four flags (policy and ACL stay)', async () => {
    // Act
    await api.call('POST', '/s3/buckets/acme-public-website/block-public-access', {});

    // Assert
    expect(api.sandbox.writeCalls().map((c) => c.command)).toEqual(['PutPublicAccessBlock']);
    const bucket = api.sandbox.scenario.s3.buckets.find((b) => b.name === 'acme-public-website');
    expect(bucket?.policy).not.toBeNull();
    expect(bucket?.publicAccessBlock).toEqual(ALL_ON);
  });

  it('warns that a website stops working', async () => {
    // Act
    const reply = await api.call('POST', '/s3/buckets/acme-public-website/block-public-access', {
      dryRun: true,
    });

    // Assert
    expect(reply.body.warnings.join(' ')).toContain('static website');
  });

  it('previews every consequence: public before → after, the grants left latent, the website outage', async () => {
    // Act
    const reply = await api.call('GET', '/s3/buckets/acme-public-website/block-public-access/preview');

    // Assert
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ publicBefore: true, publicAfter: false, website: true });
    expect(reply.body.publicReasonsBefore).toEqual([
      expect.stringMatching(/^Bucket policy Sid "PublicRead"/),
    ]);
    expect(reply.body.latentAfter).toEqual([
      expect.stringMatching(/restricted by RestrictPublicBuckets \(bucket level\)/),
    ]);
    expect(reply.body.summary).toMatch(/^Preview: blocking public access on "acme-public-website"/);
    expect(reply.body.summary).toContain('and would no longer be public.');
    expect(reply.body.summary).toContain('Its static website would stop answering visitors');
    expect(reply.body.summary).toContain(
      'apply exactly this change with removePublicAccessFromS3Bucket and this planId',
    );
    expect(api.sandbox.writeCalls()).toEqual([]);
  });

  it.each([
    [
      'a bucket name that cannot exist',
      '/s3/buckets/Bad!Name/block-public-access',
      {},
      400,
      /not a valid S3 bucket name/,
    ],
    [
      'an unknown field',
      '/s3/buckets/acme-private/block-public-access',
      { dryrun: true },
      400,
      /unknown request body field "dryrun"/,
    ],
    [
      'a wrong type',
      '/s3/buckets/acme-private/block-public-access',
      { dryRun: 'yes' },
      400,
      /dryRun must be true or false/,
    ],
    [
      'malformed JSON',
      '/s3/buckets/acme-private/block-public-access',
      '{"dryRun": tru',
      400,
      /not valid JSON/,
    ],
    ['a JSON array', '/s3/buckets/acme-private/block-public-access', '[]', 400, /must be a JSON object/],
    [
      'an oversized body',
      '/s3/buckets/acme-private/block-public-access',
      `{"x":"${'a'.repeat(70_000)}"}`,
      400,
      /larger than 65536 bytes/,
    ],
    [
      'a missing bucket',
      '/s3/buckets/no-such-bucket-here/block-public-access',
      {},
      404,
      /No bucket "no-such-bucket-here" in this account's bucket list/,
    ],
  ])('answers %s with the documented error', async (_case, path, body, status, message) => {
    // Act
    const reply = await api.call('POST', path, body);

    // Assert
    expect(reply.status).toBe(status);
    expect(reply.body.error.message).toMatch(message);
    expect(Object.keys(reply.body)).toEqual(['error']);
    expect(api.sandbox.writeCalls()).toHaveLength(0);
  });

  it.each<[string, string, RegExp]>([
    ['two adjacent periods', 'my..bucket', /two adjacent periods/],
    ['an IP address', '192.168.5.4', /formatted as an IP address/],
    ['the xn-- prefix', 'xn--bucket', /cannot start with "xn--"/],
    ['the sthree- prefix', 'sthree-configurator-a', /cannot start with "sthree-"/],
    ['the amzn-s3-demo- prefix', 'amzn-s3-demo-bucket', /cannot start with "amzn-s3-demo-"/],
    ['the -s3alias suffix', 'reports-s3alias', /cannot end with "-s3alias"/],
    ['the --ol-s3 suffix', 'reports--ol-s3', /cannot end with "--ol-s3"/],
    ['the .mrap suffix', 'reports.mrap', /cannot end with "\.mrap"/],
    ['the --x-s3 suffix', 'reports--x-s3', /cannot end with "--x-s3"/],
    ['the --table-s3 suffix', 'reports--table-s3', /cannot end with "--table-s3"/],
  ])(
    'answers a bucket name with %s (it cannot exist) with a 400 saying why, not a 404',
    async (_what, name, message) => {
      // Act
      const reply = await api.call('POST', `/s3/buckets/${name}/block-public-access`, { dryRun: true });

      // Assert
      expect(reply.status).toBe(400);
      expect(reply.body.error.code).toBe('ValidationError');
      expect(reply.body.error.message).toMatch(message);
      expect(api.sandbox.countCalls()).toBe(0);
    },
  );

  it('answers an unknown route with 404 and a wrong method with 405, in the API’s error shape', async () => {
    // Act
    const missing = await api.call('GET', '/nowhere');
    const wrongMethod = await api.call('GET', '/s3/buckets/acme-private/block-public-access');

    // Assert
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('NotFound');
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.body.error.code).toBe('MethodNotAllowed');
    expect(wrongMethod.headers.get('allow')).toBe('POST');
  });

  it('names the failed account-level read in its warning', async () => {
    // Arrange
    const denied = await startTestApi(
      scenario({ s3: { accountReadDenied: true, buckets: [{ name: 'plain-bucket', region: 'us-east-1' }] } }),
    );
    try {
      // Act
      const reply = await denied.call('POST', '/s3/buckets/plain-bucket/block-public-access', {
        dryRun: true,
      });

      // Assert
      expect(reply.body.warnings).toContain(
        'Could not read the account-level Block Public Access flags (GetPublicAccessBlock (account) failed with AccessDenied).',
      );
    } finally {
      await denied.close();
    }
  });

  it('finds the bucket’s Region with GetBucketLocation when ListBuckets leaves BucketRegion out (moto), as the scan does', async () => {
    // Arrange: home Region us-east-1, bucket in eu-west-1, a list without Regions
    const moto = await startTestApi(
      scenario({
        s3: {
          omitBucketRegion: true,
          buckets: [{ name: 'far-away', region: 'eu-west-1', acl: [{ uri: ALL_USERS, permission: 'READ' }] }],
        },
      }),
    );
    try {
      // Act
      const reply = await moto.call('POST', '/s3/buckets/far-away/block-public-access', {});

      // Assert
      expect(reply.status).toBe(200);
      expect(reply.body).toMatchObject({ region: 'eu-west-1', changed: true, publicAfter: false });
      expect(reply.body.undo[0]).toContain('--region eu-west-1');
      expect(moto.sandbox.writeCalls().map((c) => c.region)).toEqual(['eu-west-1']);
      expect(moto.sandbox.countCalls('GetBucketLocation')).toBe(1);
    } finally {
      await moto.close();
    }
  });

  it('answers 502 naming the AWS call when AWS refuses the write, with nothing applied', async () => {
    // Arrange
    api.sandbox.scenario.s3.buckets
      .find((b) => b.name === 'acme-public-acl')
      ?.denied.push('PutPublicAccessBlock');

    // Act
    const reply = await api.call('POST', '/s3/buckets/acme-public-acl/block-public-access', {});

    // Assert
    expect(reply.status).toBe(502);
    expect(reply.body.error).toMatchObject({
      code: 'UpstreamError',
      message: expect.stringContaining('PutPublicAccessBlock failed with AccessDenied'),
      details: { applied: [], notApplied: ['PutPublicAccessBlock'] },
    });
  });
});

describe('block public access on a bucket tagged as protected (issue 17: IAM sees bucket tags only with ABAC)', () => {
  const PROTECTED = {
    name: 'payroll-exports',
    region: 'eu-west-1',
    policy: PUBLIC_POLICY,
    tags: { 'aiops-protected': 'yes', owner: 'finance' },
  };
  const PATH = '/s3/buckets/payroll-exports/block-public-access';

  it.each([
    ['the preview', 'GET', `${PATH}/preview`, undefined],
    ['a dry run', 'POST', PATH, { dryRun: true }],
    ['the write', 'POST', PATH, {}],
  ])('refuses %s with 409 naming the tag, and writes nothing', async (_name, method, path, body) => {
    // Arrange
    const api = await startTestApi(scenario({ s3: { buckets: [PROTECTED] } }));
    try {
      // Act
      const reply = await api.call(method, path, body);

      // Assert
      expect(reply.status).toBe(409);
      expect(reply.body.error).toMatchObject({
        code: 'Conflict',
        message: expect.stringContaining('carries the tag "aiops-protected"'),
        details: { protectedTagKey: 'aiops-protected' },
      });
      expect(api.sandbox.countCalls('GetBucketTagging')).toBe(1);
      expect(api.sandbox.writeCalls()).toEqual([]);
      expect(api.sandbox.countCalls('AssumeRole')).toBe(0);
    } finally {
      await api.close();
    }
  });

  it('blocks a bucket whose other tags do not include the protected key', async () => {
    const api = await startTestApi(
      scenario({
        s3: { buckets: [{ ...PROTECTED, tags: { owner: 'finance', 'aiops-protected-not': 'x' } }] },
      }),
    );
    try {
      const reply = await api.call('POST', PATH, {});
      expect(reply.status).toBe(200);
      expect(reply.body.changed).toBe(true);
      expect(api.sandbox.writeCalls().map((call) => call.command)).toEqual(['PutPublicAccessBlock']);
    } finally {
      await api.close();
    }
  });

  it('refuses with 502 naming GetBucketTagging when the tags cannot be read (fail safe)', async () => {
    const api = await startTestApi(
      scenario({ s3: { buckets: [{ ...PROTECTED, tags: {}, denied: ['GetBucketTagging'] }] } }),
    );
    try {
      const reply = await api.call('POST', PATH, {});
      expect(reply.status).toBe(502);
      expect(reply.body.error.message).toContain('s3:GetBucketTagging failed with AccessDenied');
      expect(api.sandbox.writeCalls()).toEqual([]);
    } finally {
      await api.close();
    }
  });

  it('reads no tags when nothing would be written', async () => {
    const api = await startTestApi(
      scenario({ s3: { buckets: [{ ...PROTECTED, publicAccessBlock: ALL_ON }] } }),
    );
    try {
      const reply = await api.call('POST', PATH, {});
      expect(reply.status).toBe(200);
      expect(reply.body.changed).toBe(false);
      expect(api.sandbox.countCalls('GetBucketTagging')).toBe(0);
    } finally {
      await api.close();
    }
  });
});
