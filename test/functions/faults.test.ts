/**
 * Faults injected by the sandbox (scenario.faults) below the SDK's retry step,
 * so the production retry settings (adaptive mode, 10 attempts) and error
 * mapping see them exactly as they would see AWS's: throttling is absorbed,
 * denied or failing reads make a bucket unknown (never private), a failing
 * list is a 502 naming the call, and a failed write says nothing was applied.
 *
 * The transient-error cases retry for real (backoff up to ~25 s per call), so
 * every slow run starts at once in `beforeAll` and the tests then assert on
 * the recorded outcomes.
 */
import type { RecordedCall } from '../../functions/local/sandbox/sandbox-account';
import { parseScenario, type Scenario, type ScenarioFault } from '../../functions/local/sandbox/scenario';
import { defaultScenario, type ReplyBody, startTestApi } from '../support/local-api';

type Fault = ScenarioFault;

interface Outcome {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: replies are inspected field by field
  body: any;
  calls: RecordedCall[];
  /** The scenario's buckets after the call (to see what a failed write left). */
  buckets: Scenario['s3']['buckets'];
  ms: number;
}

const SCAN_S3 = '/s3/public-buckets';
const SCAN_EC2 = '/ec2/instances-with-open-port?port=22';
const THROTTLING = new Set(['SlowDown', 'Throttling', 'RequestLimitExceeded']);
const SEEDS = [1, 2, 3, 4, 5];

/** One call on a fresh server whose account injects `faults` with that seed. */
async function runWithFaults(
  faults: Fault[],
  seed: number,
  method: string,
  path: string,
  body?: unknown,
): Promise<Outcome> {
  const api = await startTestApi(parseScenario({ ...defaultScenario(), faults, seed }));
  try {
    const started = Date.now();
    const reply = await api.call(method, path, body);
    return {
      status: reply.status,
      body: reply.body,
      calls: [...api.sandbox.calls],
      buckets: structuredClone(api.sandbox.scenario.s3.buckets),
      ms: Date.now() - started,
    };
  } finally {
    await api.close();
  }
}

/** The answer without words that may legitimately vary from run to run (durations). */
function comparable(body: unknown): unknown {
  return JSON.parse(
    JSON.stringify(body, (key, value) =>
      key === 'summary' && typeof value === 'string'
        ? value.replace(/\b\d+(\.\d+)?\s?(ms|milliseconds?|s|seconds?)\b/g, '<duration>')
        : key === 'scannedAt' && typeof value === 'string'
          ? '<time>'
          : value,
    ),
  );
}

const injected = (outcome: Outcome) =>
  outcome.calls.filter((call) => call.error !== undefined && THROTTLING.has(call.error)).length;

// ---------------------------------------------------------------------------
// The verdict oracle for S3 scans under faults
// ---------------------------------------------------------------------------

/** Errors that are answers, not failures ("no configuration", "no policy"). */
const ANSWER_ERRORS: Record<string, string> = {
  GetPublicAccessBlock: 'NoSuchPublicAccessBlockConfiguration',
  GetBucketPolicyStatus: 'NoSuchBucketPolicy',
  GetBucketPolicy: 'NoSuchBucketPolicy',
  GetBucketWebsite: 'NoSuchWebsiteConfiguration',
};

function answered(
  calls: readonly RecordedCall[],
  service: string,
  command: string,
  bucket?: string,
): boolean {
  return calls.some(
    (call) =>
      call.service === service &&
      call.command === command &&
      (bucket === undefined || call.input.Bucket === bucket) &&
      (call.error === undefined || call.error === ANSWER_ERRORS[command]),
  );
}

interface Placement {
  public: string[];
  unknown: string[];
  latent: string[];
  private: string[];
}

function placement(body: ReplyBody<'/s3/public-buckets'>, names: readonly string[]): Placement {
  const pick = (list: { bucketName: string }[]) => list.map((b) => b.bucketName).sort();
  const publicNames = pick(body.publicBuckets);
  const unknown = pick(body.unknownBuckets);
  const latent = pick(body.latentBuckets);
  const listed = new Set([...publicNames, ...unknown, ...latent]);
  return { public: publicNames, unknown, latent, private: names.filter((n) => !listed.has(n)).sort() };
}

/**
 * What must hold whatever failed: every bucket accounted for, a public bucket
 * in no other list, unknown reasons naming a call that did fail, nothing
 * public that is not public, and a bucket called private only when the reads
 * that settle its ACL and its policy succeeded (or Block Public Access read
 * successfully neutralises them). A bucket may be both unknown and latent (a
 * neutralised public ACL next to an unreadable policy): api.md allows it and
 * it never passes for private. So may a public bucket (semantics.md rev. 2: a
 * neutralised ACL grant on a bucket public by its policy is latent).
 */
function verdictProblems(outcome: Outcome, baseline: Placement, scenario: Scenario): string[] {
  const problems: string[] = [];
  const names = scenario.s3.buckets.map((b) => b.name);
  const got = placement(outcome.body, names);
  if (outcome.body.scannedBuckets !== names.length)
    problems.push(`scannedBuckets ${outcome.body.scannedBuckets}, not ${names.length}`);
  if (outcome.body.complete !== true) problems.push('complete is not true');
  for (const name of got.public) {
    if (got.unknown.includes(name)) problems.push(`${name} is both public and unknown`);
    if (!baseline.public.includes(name)) problems.push(`${name} reported public, but it is not`);
  }
  for (const name of baseline.public) {
    const elsewhere = got.unknown.includes(name) || got.public.includes(name);
    if (got.private.includes(name) || (got.latent.includes(name) && !elsewhere))
      problems.push(
        `${name} is public but was reported ${got.private.includes(name) ? 'private' : 'latent'}`,
      );
  }
  const account = scenario.s3.accountPublicAccessBlock;
  const accountRead = answered(outcome.calls, 's3control', 'GetPublicAccessBlock');
  for (const bucket of scenario.s3.buckets) {
    const name = bucket.name;
    if (got.unknown.includes(name)) {
      const reason: string =
        outcome.body.unknownBuckets.find((b: { bucketName: string }) => b.bucketName === name)?.reason ?? '';
      const failed = outcome.calls.filter(
        (call) =>
          call.error !== undefined &&
          call.error !== ANSWER_ERRORS[call.command] &&
          (call.input.Bucket === name || call.service === 's3control') &&
          reason.includes(`${call.command}`) &&
          reason.includes(`failed with ${call.error}`),
      );
      if (failed.length === 0)
        problems.push(`${name} is unknown, but its reason names no call that failed: ${reason}`);
    }
    if (!got.private.includes(name)) continue;
    const bucketFlagsRead = answered(outcome.calls, 's3', 'GetPublicAccessBlock', name);
    const inEffect = (flag: 'IgnorePublicAcls' | 'RestrictPublicBuckets') =>
      (accountRead && account?.[flag] === true) ||
      (bucketFlagsRead && bucket.publicAccessBlock?.[flag] === true);
    const aclSettled = answered(outcome.calls, 's3', 'GetBucketAcl', name) || inEffect('IgnorePublicAcls');
    const policySettled =
      answered(outcome.calls, 's3', 'GetBucketPolicyStatus', name) ||
      answered(outcome.calls, 's3', 'GetBucketPolicy', name) ||
      inEffect('RestrictPublicBuckets');
    if (!aclSettled || !policySettled)
      problems.push(
        `${name} reported private although its ${aclSettled ? 'policy' : 'ACL'} was never read successfully`,
      );
  }
  return problems;
}

// ---------------------------------------------------------------------------
// Every slow run starts at once
// ---------------------------------------------------------------------------

const throttlingCases = [
  ...SEEDS.map((seed) => ({
    name: `SlowDown on 20 % of S3 calls, seed ${seed}`,
    faults: [{ service: 's3' as const, rate: 0.2, error: 'SlowDown' }],
    seed,
    path: SCAN_S3,
  })),
  ...SEEDS.map((seed) => ({
    name: `RequestLimitExceeded on 20 % of EC2 calls, seed ${seed}`,
    faults: [{ service: 'ec2' as const, rate: 0.2, error: 'RequestLimitExceeded' }],
    seed,
    path: SCAN_EC2,
  })),
  ...SEEDS.flatMap((seed) => [
    {
      name: `Throttling on 20 % of every service's calls (S3 scan), seed ${seed}`,
      faults: [{ rate: 0.2, error: 'Throttling' }],
      seed,
      path: SCAN_S3,
    },
    {
      name: `Throttling on 20 % of every service's calls (EC2 scan), seed ${seed}`,
      faults: [{ rate: 0.2, error: 'Throttling' }],
      seed,
      path: SCAN_EC2,
    },
  ]),
];

const transientCases = {
  aclInternalError: {
    faults: [{ command: 'GetBucketAcl', rate: 1, error: 'InternalError' }],
    failedCall: 'GetBucketAcl failed with InternalError',
  },
  bucketFlagsTimeout: {
    faults: [{ service: 's3' as const, command: 'GetPublicAccessBlock', rate: 1, error: 'RequestTimeout' }],
    failedCall: 'GetPublicAccessBlock failed with RequestTimeout',
  },
  policyStatusUnavailable: {
    faults: [{ command: 'GetBucketPolicyStatus', rate: 1, error: 'ServiceUnavailable' }],
    failedCall: 'GetBucketPolicyStatus failed with ServiceUnavailable',
  },
};

const outcomes = new Map<string, Outcome>();
let baselineS3: Outcome;
let baselineEc2: Outcome;
let scenario: Scenario;

beforeAll(async () => {
  scenario = defaultScenario();
  const runs: [string, Promise<Outcome>][] = [
    ['baseline s3', runWithFaults([], 1, 'GET', SCAN_S3)],
    ['baseline ec2', runWithFaults([], 1, 'GET', SCAN_EC2)],
    ...throttlingCases.map((c): [string, Promise<Outcome>] => [
      c.name,
      runWithFaults(c.faults, c.seed, 'GET', c.path),
    ]),
    ...Object.entries(transientCases).map(([key, c]): [string, Promise<Outcome>] => [
      key,
      runWithFaults(c.faults, 1, 'GET', SCAN_S3),
    ]),
    [
      'list InternalError',
      runWithFaults([{ command: 'ListBuckets', rate: 1, error: 'InternalError' }], 1, 'GET', SCAN_S3),
    ],
    [
      'write InternalError',
      runWithFaults(
        [{ command: 'PutPublicAccessBlock', rate: 1, error: 'InternalError' }],
        1,
        'POST',
        '/s3/buckets/acme-public-acl/block-public-access',
        {},
      ),
    ],
  ];
  const settled = await Promise.all(runs.map(([, run]) => run));
  runs.forEach(([key], index) => {
    const outcome = settled[index];
    if (outcome) outcomes.set(key, outcome);
  });
  baselineS3 = outcomes.get('baseline s3') as Outcome;
  baselineEc2 = outcomes.get('baseline ec2') as Outcome;
}, 120_000);

function outcome(key: string): Outcome {
  const found = outcomes.get(key);
  if (!found) throw new Error(`no recorded run "${key}"`);
  return found;
}

// ---------------------------------------------------------------------------
// (a) Throttling is absorbed
// ---------------------------------------------------------------------------

describe('20 % throttling below the retry step', () => {
  it('has baselines to compare with', () => {
    // Assert
    expect(baselineS3.status).toBe(200);
    expect(baselineEc2.status).toBe(200);
    expect(baselineS3.calls.some((call) => THROTTLING.has(call.error ?? ''))).toBe(false);
  });

  it.each(throttlingCases.map((c) => [c.name, c] as const))(
    '%s: the same answer as without faults, every throttled call retried',
    (_name, c) => {
      // Arrange
      const baseline = c.path === SCAN_S3 ? baselineS3 : baselineEc2;

      // Act
      const run = outcome(c.name);

      // Assert
      expect(run.status).toBe(200);
      expect(comparable(run.body)).toEqual(comparable(baseline.body));
      // The same logical calls plus exactly one retry per injected throttle: none gave up.
      expect(run.calls.length).toBe(baseline.calls.length + injected(run));
    },
  );

  it('really injected throttling (so the comparison above means something)', () => {
    // Act
    const perService = (path: string) =>
      throttlingCases.filter((c) => c.path === path).reduce((sum, c) => sum + injected(outcome(c.name)), 0);

    // Assert
    expect(perService(SCAN_S3)).toBeGreaterThan(10);
    expect(perService(SCAN_EC2)).toBeGreaterThan(0);
  });
});

// ---------------------------------------------------------------------------
// (b) AccessDenied on reads: unknown, never private, never dropped
// ---------------------------------------------------------------------------

describe('AccessDenied on reads', () => {
  it('the oracle itself flags a bucket called private whose ACL read failed, and a dropped bucket', () => {
    // Arrange: the baseline reply, but acme-private's ACL read failed and acme-latent is missing
    const baseline = placement(
      baselineS3.body,
      scenario.s3.buckets.map((b) => b.name),
    );
    const calls = baselineS3.calls.map((call) =>
      call.command === 'GetBucketAcl' && call.input.Bucket === 'acme-private'
        ? { ...call, error: 'AccessDenied' }
        : call,
    );
    const body = {
      ...baselineS3.body,
      scannedBuckets: baselineS3.body.scannedBuckets - 1,
      latentBuckets: baselineS3.body.latentBuckets.filter(
        (b: { bucketName: string }) => b.bucketName !== 'acme-latent',
      ),
    };

    // Act
    const problems = verdictProblems({ ...baselineS3, calls, body }, baseline, scenario);

    // Assert
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining('scannedBuckets'),
        'acme-private reported private although its ACL was never read successfully',
      ]),
    );
  });

  const PER_BUCKET_READS = [
    'GetPublicAccessBlock',
    'GetBucketAcl',
    'GetBucketPolicyStatus',
    'GetBucketPolicy',
    'GetBucketLocation',
    'GetBucketWebsite',
  ];

  it.each<[string, Fault[], number, RegExp | undefined]>([
    [
      'GetBucketAcl denied on every bucket',
      [{ command: 'GetBucketAcl', rate: 1, error: 'AccessDenied' }],
      1,
      /GetBucketAcl failed with AccessDenied/,
    ],
    [
      'GetBucketPolicyStatus and GetBucketPolicy denied on every bucket',
      [
        { command: 'GetBucketPolicyStatus', rate: 1, error: 'AccessDenied' },
        { command: 'GetBucketPolicy', rate: 1, error: 'AccessDenied' },
      ],
      1,
      /GetBucketPolicyStatus failed with AccessDenied and GetBucketPolicy failed with AccessDenied/,
    ],
    [
      'the bucket-level Block Public Access read denied',
      [{ service: 's3', command: 'GetPublicAccessBlock', rate: 1, error: 'AccessDenied' }],
      1,
      /GetPublicAccessBlock failed with AccessDenied/,
    ],
    [
      'the account-level Block Public Access read denied',
      [{ service: 's3control', command: 'GetPublicAccessBlock', rate: 1, error: 'AccessDenied' }],
      1,
      /GetPublicAccessBlock \(account\) failed with AccessDenied/,
    ],
    ...SEEDS.map((seed): [string, Fault[], number, RegExp | undefined] => [
      `30 % of every per-bucket read denied, seed ${seed}`,
      PER_BUCKET_READS.map((command) => ({ service: 's3', command, rate: 0.3, error: 'AccessDenied' })),
      seed,
      undefined,
    ]),
  ])(
    '%s: every bucket public, unknown, latent, or private only when checked',
    async (_name, faults, seed, reason) => {
      // Arrange
      const baseline = placement(
        baselineS3.body,
        scenario.s3.buckets.map((b) => b.name),
      );

      // Act
      const run = await runWithFaults(faults, seed, 'GET', SCAN_S3);

      // Assert
      expect(run.status).toBe(200);
      expect(verdictProblems(run, baseline, scenario)).toEqual([]);
      const newlyUnknown = run.body.unknownBuckets.filter(
        (b: { bucketName: string }) => !baseline.unknown.includes(b.bucketName),
      );
      if (reason) {
        expect(newlyUnknown.length).toBeGreaterThan(0);
        for (const bucket of newlyUnknown) expect(bucket.reason).toMatch(reason);
      }
      expect(run.body.summary).toMatch(/must not be assumed private/);
    },
  );
});

// ---------------------------------------------------------------------------
// (c) Transient errors at 100 %: unknown, not 500; a failing list is a 502
// ---------------------------------------------------------------------------

describe('InternalError / timeouts at 100 % on one command (after every retry)', () => {
  it.each(Object.entries(transientCases))(
    '%s: 200, the affected buckets unknown naming the call, nothing private unchecked',
    (key, c) => {
      // Arrange
      const baseline = placement(
        baselineS3.body,
        scenario.s3.buckets.map((b) => b.name),
      );

      // Act
      const run = outcome(key);

      // Assert
      expect(run.status).toBe(200);
      expect(verdictProblems(run, baseline, scenario)).toEqual([]);
      const reasons = run.body.unknownBuckets.map((b: { reason: string }) => b.reason).join('\n');
      if (key === 'policyStatusUnavailable') {
        // The policy document decides when the status cannot be read: the same buckets in the same places.
        expect(
          placement(
            run.body,
            scenario.s3.buckets.map((b) => b.name),
          ),
        ).toEqual(baseline);
      } else {
        expect(reasons).toContain(c.failedCall);
      }
    },
  );

  it('answers 502 UpstreamError naming s3:ListBuckets when the bucket list keeps failing', () => {
    // Act
    const run = outcome('list InternalError');

    // Assert
    expect(run.status).toBe(502);
    expect(run.body.error).toMatchObject({
      code: 'UpstreamError',
      message: expect.stringMatching(/s3:ListBuckets failed with InternalError/),
      details: { awsCall: 's3:ListBuckets', awsErrorCode: 'InternalError' },
    });
    expect(run.calls.filter((call) => call.command === 'ListBuckets')).toHaveLength(10);
  });
});

// ---------------------------------------------------------------------------
// (d) A failed write says what was and was not applied, and changes nothing
// ---------------------------------------------------------------------------

describe('a failed PutPublicAccessBlock', () => {
  const BUCKET = 'acme-public-acl';
  const PATH = `/s3/buckets/${BUCKET}/block-public-access`;
  const original = () => defaultScenario().s3.buckets.find((b) => b.name === BUCKET)?.publicAccessBlock;

  it('answers 502 with applied [] and notApplied, and leaves the bucket as it was (InternalError on every attempt)', () => {
    // Act
    const run = outcome('write InternalError');

    // Assert
    expect(run.status).toBe(502);
    expect(run.body.error).toMatchObject({
      code: 'UpstreamError',
      message: expect.stringMatching(/s3:PutPublicAccessBlock failed with InternalError/),
      details: { applied: [], notApplied: ['PutPublicAccessBlock'] },
    });
    expect(run.calls.filter((call) => call.command === 'PutPublicAccessBlock')).toHaveLength(10);
    expect(run.buckets.find((b) => b.name === BUCKET)?.publicAccessBlock).toEqual(original());
  });

  it('answers 502 when the write is denied, writes nothing, and a retry once allowed completes it', async () => {
    // Arrange
    const api = await startTestApi(
      parseScenario({
        ...defaultScenario(),
        faults: [{ command: 'PutPublicAccessBlock', rate: 1, error: 'AccessDenied' }],
      }),
    );
    try {
      // Act
      const denied = await api.call('POST', PATH, {});
      const flagsAfterDenied = structuredClone(
        api.sandbox.scenario.s3.buckets.find((b) => b.name === BUCKET)?.publicAccessBlock,
      );
      const dryRun = await api.call('POST', PATH, { dryRun: true });
      api.sandbox.scenario.faults.length = 0;
      const retried = await api.call('POST', PATH, {});

      // Assert
      expect(denied.status).toBe(502);
      expect(denied.body.error).toMatchObject({
        code: 'UpstreamError',
        message: expect.stringMatching(/s3:PutPublicAccessBlock failed with AccessDenied/),
        details: { applied: [], notApplied: ['PutPublicAccessBlock'] },
      });
      expect(flagsAfterDenied).toEqual(original());
      expect(dryRun.status).toBe(200);
      expect(dryRun.body).toMatchObject({ dryRun: true, changed: true });
      expect(retried.status).toBe(200);
      expect(retried.body).toMatchObject({ changed: true, publicAfter: false });
      expect(api.sandbox.writeCalls()).toHaveLength(1);
    } finally {
      await api.close();
    }
  });
});
