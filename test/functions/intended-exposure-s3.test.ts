/**
 * Intended exposure on S3 (issue 15, point 5), over HTTP on the sandbox: a public bucket tagged
 * aiops:exposure=intended is listed apart with its reason and counted; GetBucketTagging is asked of public
 * buckets only (0 calls per non-public bucket); a denied tag read never makes a bucket private or intended.
 */
import { defaultScenario, startTestApi } from '../support/local-api';

const SITE = 'acme-public-website';

function scenarioWith(
  change: (bucket: { name: string; tags: Record<string, string>; denied: string[] }) => void,
) {
  const scenario = defaultScenario();
  for (const bucket of scenario.s3.buckets) change(bucket);
  return scenario;
}

describe('a public bucket tagged as public on purpose', () => {
  it('is listed apart with its reason, counted, and not among the findings', async () => {
    const api = await startTestApi(
      scenarioWith((b) => {
        if (b.name === SITE)
          b.tags = { 'aiops:exposure': 'intended', 'aiops:exposure-reason': 'Marketing site' };
      }),
    );
    try {
      const reply = await api.call('GET', '/s3/public-buckets');
      expect(reply.status).toBe(200);
      expect(reply.body.publicBuckets.map((b) => b.bucketName)).not.toContain(SITE);
      expect(reply.body.intendedCount).toBe(1);
      expect(reply.body.intendedBuckets).toEqual([
        expect.objectContaining({ bucketName: SITE, reason: 'Marketing site', website: true }),
      ]);
      expect(reply.body.summary).toContain('1 more bucket is public on purpose (tagged aiops:exposure)');
    } finally {
      await api.close();
    }
  });

  it('asks for tags only of public buckets: no GetBucketTagging for any other bucket', async () => {
    const api = await startTestApi();
    try {
      const reply = await api.call('GET', '/s3/public-buckets');
      const tagged = api.sandbox.calls.filter((c) => c.command === 'GetBucketTagging');
      const publicNames = reply.body.publicBuckets.map((b) => b.bucketName).sort();
      expect(publicNames.length).toBeGreaterThan(0);
      expect(tagged.map((c) => String((c.input as { Bucket?: string }).Bucket)).sort()).toEqual(publicNames);
    } finally {
      await api.close();
    }
  });

  it('a denied tag read leaves the bucket a public finding, never private or intended', async () => {
    const api = await startTestApi(
      scenarioWith((b) => {
        if (b.name === SITE) {
          b.tags = { 'aiops:exposure': 'intended' };
          b.denied = [...b.denied, 'GetBucketTagging'];
        }
      }),
    );
    try {
      const reply = await api.call('GET', '/s3/public-buckets');
      expect(reply.body.publicBuckets.map((b) => b.bucketName)).toContain(SITE);
      expect(reply.body.intendedCount).toBe(0);
    } finally {
      await api.close();
    }
  });
});

describe('blocking public access on a bucket tagged as public on purpose', () => {
  it('the preview warns first, the write and its dry run are refused without force, force goes ahead', async () => {
    const api = await startTestApi(
      scenarioWith((b) => {
        if (b.name === SITE)
          b.tags = { 'aiops:exposure': 'intended', 'aiops:exposure-reason': 'Marketing site' };
      }),
    );
    try {
      const preview = await api.call('GET', `/s3/buckets/${SITE}/block-public-access/preview`);
      expect(preview.status).toBe(200);
      expect(preview.body.intendedExposure).toEqual({ reason: 'Marketing site' });
      expect(preview.body.summary).toMatch(
        /^Bucket "acme-public-website" \(.*\) is tagged aiops:exposure=intended/,
      );

      for (const body of [{}, { dryRun: true }, { planId: preview.body.planId }]) {
        const refused = await api.call('POST', `/s3/buckets/${SITE}/block-public-access`, body);
        expect(refused.status).toBe(409);
        expect(refused.body.error.code).toBe('Conflict');
      }
      expect(api.sandbox.writeCalls()).toEqual([]);

      const forced = await api.call('POST', `/s3/buckets/${SITE}/block-public-access`, {
        force: true,
        planId: preview.body.planId,
      });
      expect(forced.status).toBe(200);
      expect(forced.body).toMatchObject({ changed: true, publicAfter: false });
      expect(forced.body.warnings[0]).toContain('the request said force: true');
    } finally {
      await api.close();
    }
  });
});
