/**
 * Previews are reads and applies write exactly what was previewed (issue 13, points 1-2), over HTTP on
 * the sandbox: a preview needs only the read scope and makes no write; its planId applies exactly the
 * previewed flags or rules; a changed target, an expired, a forged or another change's planId is refused
 * with a clear answer and nothing written.
 */

import { inMemoryPlanSigning } from '../../functions/shared/plan-signing';
import { newPlanKey, PLAN_TTL_MS } from '../../functions/shared/plan-token';
import {
  closeUnwantedPortForEc2Instance,
  previewCloseUnwantedPortForEc2Instance,
  previewRemovePublicAccessFromS3Bucket,
  removePublicAccessFromS3Bucket,
} from '../../openapi/operations';
import { defaultScenario, startTestApi, type TestApi } from '../support/local-api';

const BUCKET = 'acme-public-website';
const OTHER_BUCKET = 'acme-public-acl';
const INSTANCE = 'i-0b8bfaa60ede5b648';
const bucketPreview = (name: string) => `/s3/buckets/${name}/block-public-access/preview`;
const bucketApply = (name: string) => `/s3/buckets/${name}/block-public-access`;
const portPreview = (id: string, query: string) => `/ec2/instances/${id}/close-port/preview?${query}`;
const portApply = (id: string) => `/ec2/instances/${id}/close-port`;

let api: TestApi;
let clock: number;
const key = newPlanKey();

beforeEach(async () => {
  clock = Date.parse('2026-01-01T12:00:00Z');
  api = await startTestApi(defaultScenario(), { plans: inMemoryPlanSigning(key, () => clock) });
});

afterEach(async () => {
  await api.close();
});

function bucketFlags(name: string) {
  return api.sandbox.scenario.s3.buckets.find((b) => b.name === name)?.publicAccessBlock ?? null;
}

function writes(): string[] {
  return api.sandbox.writeCalls().map((call) => call.command);
}

describe('the previews are reads', () => {
  it.each([previewRemovePublicAccessFromS3Bucket, previewCloseUnwantedPortForEc2Instance])(
    '$operationId is a GET with the read scope, served by a function that holds no write action',
    (preview) => {
      expect([preview.method, preview.scope]).toEqual(['get', 'read']);
      expect(preview.iamActions.filter((action) => /:(Put|Authorize|Revoke|Delete)/.test(action))).toEqual(
        [],
      );
      expect(['find-public-buckets', 'find-open-ports']).toContain(preview.functionName);
    },
  );

  it('a bucket preview answers the predicted change with a planId and writes nothing', async () => {
    const reply = await api.call('GET', bucketPreview(BUCKET));

    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ bucketName: BUCKET, dryRun: true, changed: true, publicAfter: false });
    expect(reply.body.planId).toMatch(/^[\w-]+\.[\w-]+$/);
    expect(reply.body.expiresAt).toBe(new Date(clock + PLAN_TTL_MS).toISOString());
    expect(writes()).toEqual([]);
  });

  it('a port preview answers the predicted rules with a planId and writes nothing', async () => {
    const reply = await api.call('GET', portPreview(INSTANCE, 'port=22'));

    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ instanceId: INSTANCE, dryRun: true, changed: true, stillOpen: false });
    expect(reply.body.revokedRules.length).toBeGreaterThan(0);
    expect(typeof reply.body.planId).toBe('string');
    expect(writes()).toEqual([]);
  });
});

describe('applying a preview', () => {
  it('writes exactly the previewed flags', async () => {
    const preview = await api.call('GET', bucketPreview(BUCKET));

    const applied = await api.call('POST', bucketApply(BUCKET), { planId: preview.body.planId });

    expect(applied.status).toBe(200);
    expect(applied.body).toMatchObject({ dryRun: false, changed: true, after: preview.body.after });
    expect(bucketFlags(BUCKET)).toEqual(preview.body.after);
    expect(writes()).toEqual(['PutPublicAccessBlock']);
  });

  it('writes exactly the previewed rules', async () => {
    const preview = await api.call('GET', portPreview(INSTANCE, 'port=22'));

    const applied = await api.call('POST', portApply(INSTANCE), { port: 22, planId: preview.body.planId });

    expect(applied.status).toBe(200);
    const withoutIds = (rules: { securityGroupRuleId?: string }[]) =>
      rules.map(({ securityGroupRuleId: _id, ...rule }) => rule);
    // Revoked rules carry their ids in both; added rules get ids only once AWS creates them.
    expect(applied.body.revokedRules).toEqual(preview.body.revokedRules);
    expect(withoutIds(applied.body.addedRules)).toEqual(withoutIds(preview.body.addedRules));
    expect(applied.body.undo.length).toBe(preview.body.undo.length);
    expect(applied.body.stillOpen).toBe(false);
  });

  it('still works without a planId, as scripts call it (dry run included)', async () => {
    const dry = await api.call('POST', bucketApply(BUCKET), { dryRun: true });
    const real = await api.call('POST', bucketApply(BUCKET), {});

    expect([dry.status, dry.body.dryRun, real.status, real.body.changed]).toEqual([200, true, 200, true]);
    expect(writes()).toEqual(['PutPublicAccessBlock']);
  });
});

describe('a planId that no longer applies is refused, and nothing is written', () => {
  it('when the bucket changed since the preview', async () => {
    const preview = await api.call('GET', bucketPreview(BUCKET));
    const bucket = api.sandbox.scenario.s3.buckets.find((b) => b.name === BUCKET);
    if (!bucket) throw new Error(`no bucket ${BUCKET}`);
    bucket.publicAccessBlock = {
      BlockPublicAcls: true,
      IgnorePublicAcls: false,
      BlockPublicPolicy: false,
      RestrictPublicBuckets: false,
    };

    const applied = await api.call('POST', bucketApply(BUCKET), { planId: preview.body.planId });

    expect(applied.status).toBe(409);
    expect(applied.body.error).toMatchObject({ code: 'PlanRejected', details: { reason: 'state-changed' } });
    expect(applied.body.error.message).toMatch(
      /changed since the preview.*preview the change again.*Nothing was changed/,
    );
    expect(writes()).toEqual([]);
  });

  it('when a rule of the group changed since the preview', async () => {
    const preview = await api.call('GET', portPreview(INSTANCE, 'port=22'));
    const group = api.sandbox.scenario.ec2['us-east-1']?.securityGroups.find((g) =>
      g.rules.some((r) => r.ruleId === preview.body.revokedRules[0]?.securityGroupRuleId),
    );
    if (!group) throw new Error('no group holds the previewed rule');
    group.rules.push({
      ipProtocol: 'tcp',
      fromPort: 8080,
      toPort: 8080,
      egress: false,
      cidrIpv4: '198.51.100.0/24',
    });

    const applied = await api.call('POST', portApply(INSTANCE), { port: 22, planId: preview.body.planId });

    expect([applied.status, applied.body.error?.details?.reason]).toEqual([409, 'state-changed']);
    expect(writes()).toEqual([]);
  });

  it('when the preview expired', async () => {
    const preview = await api.call('GET', bucketPreview(BUCKET));
    clock += PLAN_TTL_MS + 1;

    const applied = await api.call('POST', bucketApply(BUCKET), { planId: preview.body.planId });

    expect([applied.status, applied.body.error?.details?.reason]).toEqual([409, 'expired']);
    expect(applied.body.error.message).toContain('The preview has expired');
    expect(writes()).toEqual([]);
  });

  it('when the planId was forged (signed with another key) or tampered with', async () => {
    const preview = await api.call('GET', bucketPreview(BUCKET));
    const other = await startTestApi(defaultScenario(), {
      plans: inMemoryPlanSigning(newPlanKey(), () => clock),
    });
    const foreign = await other.call('GET', bucketPreview(BUCKET));
    await other.close();
    const [payload = '', signature = ''] = preview.body.planId.split('.');
    const tampered = `${payload}.${signature.startsWith('A') ? 'B' : 'A'}${signature.slice(1)}`;

    const replies = [
      await api.call('POST', bucketApply(BUCKET), { planId: foreign.body.planId }),
      await api.call('POST', bucketApply(BUCKET), { planId: tampered }),
      await api.call('POST', bucketApply(BUCKET), { planId: 'not-a-plan' }),
    ];

    expect(replies.map((r) => [r.status, r.body.error?.details?.reason])).toEqual([
      [409, 'forged'],
      [409, 'forged'],
      [409, 'malformed'],
    ]);
    expect(writes()).toEqual([]);
  });

  it('when the planId is for another target or other parameters', async () => {
    const bucketPlan = await api.call('GET', bucketPreview(OTHER_BUCKET));
    const portPlan = await api.call('GET', portPreview(INSTANCE, 'port=22'));

    const replies = [
      await api.call('POST', bucketApply(BUCKET), { planId: bucketPlan.body.planId }),
      await api.call('POST', portApply(INSTANCE), { port: 3389, planId: portPlan.body.planId }),
      await api.call('POST', portApply(INSTANCE), {
        port: 22,
        protocol: 'udp',
        planId: portPlan.body.planId,
      }),
      // A bucket's planId offered to the port closure: another operation.
      await api.call('POST', portApply(INSTANCE), { port: 22, planId: bucketPlan.body.planId }),
    ];

    expect(replies.map((r) => [r.status, r.body.error?.details?.reason])).toEqual([
      [409, 'other-change'],
      [409, 'other-change'],
      [409, 'other-change'],
      [409, 'other-change'],
    ]);
    expect(writes()).toEqual([]);
  });
});

describe('the registry documents the planId on both writes', () => {
  it.each([
    [removePublicAccessFromS3Bucket, {}],
    [closeUnwantedPortForEc2Instance, { port: 22 }],
  ] as const)('%#: accepts planId and refuses with 409 PlanRejected', (write, body) => {
    expect(write.request.body?.safeParse({ ...body, planId: 'x.y' }).success).toBe(true);
    expect(write.errorStatuses).toContain(409);
  });
});
