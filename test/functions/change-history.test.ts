/**
 * History and undo through the local API on the sandbox account: every applied change lands in the journal
 * (previews do not), an undo restores the exact prior rules and flags, refuses when the target changed since,
 * and is itself a recorded change; a change whose completion was never written reads as "unknown outcome".
 */
import { createPreviewUndoHandler } from '../../functions/handlers/undo-change';
import { SANDBOX_JOURNAL_TABLE } from '../../functions/local/local-backend';
import type { Caller } from '../../functions/shared/invocation';
import { previewUndoOfChange } from '../../openapi/operations';
import { startTestApi, type TestApi } from '../support/local-api';

const WEB = 'i-0b8bfaa60ede5b648';
const WEB_GROUP = 'sg-0a0ed285eb4e4e6a5';

let api: TestApi;
beforeEach(async () => {
  api = await startTestApi();
});
afterEach(() => api.close());

/** The group's ingress rules without their ids: what "the same rules" means after a re-add. */
async function ruleSignatures(groupId: string): Promise<string[]> {
  const out = (await api.sandbox.answer('ec2', 'us-east-1', 'DescribeSecurityGroupRules', {
    Filters: [{ Name: 'group-id', Values: [groupId] }],
  })) as { SecurityGroupRules: Array<Record<string, unknown>> };
  return out.SecurityGroupRules.filter((rule) => rule.IsEgress !== true)
    .map((rule) =>
      JSON.stringify([
        rule.IpProtocol,
        rule.FromPort,
        rule.ToPort,
        rule.CidrIpv4,
        rule.CidrIpv6,
        rule.Description,
      ]),
    )
    .sort();
}

async function bucketFlags(bucket: string) {
  try {
    const out = (await api.sandbox.answer('s3', 'us-east-1', 'GetPublicAccessBlock', { Bucket: bucket })) as {
      PublicAccessBlockConfiguration?: unknown;
    };
    return out.PublicAccessBlockConfiguration ?? null;
  } catch {
    return null;
  }
}

describe('the journal records applied changes only', () => {
  it('records a port closure with who, before, rules revoked and added and an undo plan; a dry run adds nothing', async () => {
    // Act
    await api.call('POST', `/ec2/instances/${WEB}/close-port`, { port: 22, dryRun: true });
    const afterDryRun = api.sandbox.tables.items(SANDBOX_JOURNAL_TABLE).length;
    const closed = await api.call('POST', `/ec2/instances/${WEB}/close-port`, { port: 22 });
    const history = await api.call('GET', '/changes');
    // Assert
    expect(afterDryRun).toBe(0);
    expect(closed.status).toBe(200);
    expect(history.status).toBe(200);
    expect(history.body.changes).toHaveLength(1);
    const [change] = history.body.changes;
    expect(change).toMatchObject({
      changeId: closed.body.changeId,
      operation: 'closeUnwantedPortForEc2Instance',
      outcome: 'changed',
      undone: false,
      target: { kind: 'ec2-instance', id: WEB, region: 'us-east-1', securityGroupIds: [WEB_GROUP] },
      revokedRules: closed.body.revokedRules,
      addedRules: closed.body.addedRules,
      undo: closed.body.undo,
    });
    expect(change.summary).toContain(`closed a port on instance "${WEB}"`);
    expect(history.body.summary).toMatch(/^1 change, newest first\./);
  });

  it('filters by target and who, and refuses a nextToken it did not issue', async () => {
    await api.call('POST', `/ec2/instances/${WEB}/close-port`, { port: 22 });
    await api.call('POST', '/s3/buckets/acme-public-acl/block-public-access', {});
    const byBucket = await api.call('GET', '/changes?target=acme-public-acl');
    const byGroup = await api.call('GET', `/changes?target=${WEB_GROUP}`);
    const bySomeoneElse = await api.call('GET', '/changes?who=mallory');
    const paged = await api.call('GET', '/changes?limit=1');
    const next = await api.call('GET', `/changes?limit=1&nextToken=${paged.body.nextToken}`);
    const forged = await api.call('GET', '/changes?nextToken=abc');
    expect(byBucket.body.changes.map((c: { target: { id: string } }) => c.target.id)).toEqual([
      'acme-public-acl',
    ]);
    expect(byGroup.body.changes.map((c: { target: { id: string } }) => c.target.id)).toEqual([WEB]);
    expect(bySomeoneElse.body.changes).toEqual([]);
    expect(paged.body.changes[0].target.id).toBe('acme-public-acl');
    expect(next.body.changes[0].target.id).toBe(WEB);
    expect(next.body.nextToken).toBeNull();
    expect(forged.status).toBe(400);
    expect(forged.body.error.message).toMatch(/nextToken/);
  });
});

describe('undo', () => {
  it('restores the exact prior rules, is itself journaled, and cannot be applied twice', async () => {
    // Arrange
    const original = await ruleSignatures(WEB_GROUP);
    const closed = await api.call('POST', `/ec2/instances/${WEB}/close-port`, { port: 22 });
    expect(await ruleSignatures(WEB_GROUP)).not.toEqual(original);
    // Act
    const preview = await api.call('GET', `/changes/${closed.body.changeId}/undo`);
    const writesBefore = api.sandbox.writeCalls().length;
    const dry = await api.call('POST', `/changes/${closed.body.changeId}/undo`, { dryRun: true });
    const writesAfterDry = api.sandbox.writeCalls().length;
    const undone = await api.call('POST', `/changes/${closed.body.changeId}/undo`, {});
    const again = await api.call('POST', `/changes/${closed.body.changeId}/undo`, {});
    const history = await api.call('GET', '/changes');
    // Assert
    expect(preview.body).toMatchObject({ undoable: true, reason: null, undoOf: closed.body.changeId });
    expect(writesAfterDry).toBe(writesBefore);
    expect(dry.body).toMatchObject({
      dryRun: true,
      changeId: null,
      addedRules: undone.body.addedRules.map(
        ({ securityGroupRuleId: _id, ...rule }: { securityGroupRuleId?: string }) => rule,
      ),
    });
    expect(undone.status).toBe(200);
    expect(await ruleSignatures(WEB_GROUP)).toEqual(original);
    expect(again.status).toBe(409);
    expect(again.body.error.message).toMatch(/already undone/);
    const [undoRecord, originalRecord] = history.body.changes;
    expect(undoRecord).toMatchObject({
      changeId: undone.body.changeId,
      undoOf: closed.body.changeId,
      outcome: 'changed',
    });
    expect(originalRecord).toMatchObject({
      changeId: closed.body.changeId,
      undone: true,
      undoneBy: undone.body.changeId,
    });
  });

  it('restores a bucket that had no configuration by deleting it, not by putting four false flags', async () => {
    expect(await bucketFlags('acme-public-acl')).toBeNull();
    const blocked = await api.call('POST', '/s3/buckets/acme-public-acl/block-public-access', {});
    const undone = await api.call('POST', `/changes/${blocked.body.changeId}/undo`, {});
    expect(undone.status).toBe(200);
    expect(await bucketFlags('acme-public-acl')).toBeNull();
    expect(api.sandbox.writeCalls().map((call) => call.command)).toEqual([
      'PutPublicAccessBlock',
      'DeletePublicAccessBlock',
    ]);
  });

  it('refuses, writing nothing, when the target was changed again since', async () => {
    // Arrange: someone turns a flag off by hand after the change
    const blocked = await api.call('POST', '/s3/buckets/acme-public-acl/block-public-access', {});
    await api.sandbox.answer('s3', 'us-east-1', 'PutPublicAccessBlock', {
      Bucket: 'acme-public-acl',
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        IgnorePublicAcls: false,
        BlockPublicPolicy: true,
        RestrictPublicBuckets: true,
      },
    });
    const writes = api.sandbox.writeCalls().length;
    // Act
    const preview = await api.call('GET', `/changes/${blocked.body.changeId}/undo`);
    const apply = await api.call('POST', `/changes/${blocked.body.changeId}/undo`, {});
    // Assert
    expect(preview.body.undoable).toBe(false);
    expect(preview.body.reason).toMatch(/changed again/);
    expect(apply.status).toBe(409);
    expect(apply.body.error.code).toBe('Conflict');
    expect(api.sandbox.writeCalls()).toHaveLength(writes);
  });

  it('refuses when a rule the change added was removed since', async () => {
    const closed = await api.call('POST', `/ec2/instances/${WEB}/close-port`, { port: 22 });
    const added = closed.body.addedRules[0];
    await api.sandbox.answer('ec2', 'us-east-1', 'RevokeSecurityGroupIngress', {
      GroupId: WEB_GROUP,
      SecurityGroupRuleIds: [added?.securityGroupRuleId],
    });
    const apply = await api.call('POST', `/changes/${closed.body.changeId}/undo`, {});
    expect(apply.status).toBe(409);
    expect(apply.body.error.message).toMatch(/is gone/);
  });

  it('applies a previewed undo by its planId, and refuses that planId once the target changed since the preview', async () => {
    // Arrange: two blocks, each previewed for undo
    const first = await api.call('POST', '/s3/buckets/acme-public-acl/block-public-access', {});
    const preview = await api.call('GET', `/changes/${first.body.changeId}/undo`);
    // Act: apply with the planId
    const applied = await api.call('POST', `/changes/${first.body.changeId}/undo`, {
      planId: preview.body.planId,
    });
    // Assert
    expect(preview.body).toMatchObject({ undoable: true, planId: expect.any(String) });
    expect(Date.parse(preview.body.expiresAt)).toBeGreaterThan(Date.now());
    expect(applied.status).toBe(200);
    expect(await bucketFlags('acme-public-acl')).toBeNull();

    // Arrange: a new change, previewed, then the bucket is edited by hand
    const second = await api.call('POST', '/s3/buckets/acme-public-acl/block-public-access', {});
    const stalePreview = await api.call('GET', `/changes/${second.body.changeId}/undo`);
    const otherPreview = await api.call('GET', `/changes/${first.body.changeId}/undo`);
    const writes = api.sandbox.writeCalls().length;
    // Act: a planId of another change
    const wrongChange = await api.call('POST', `/changes/${second.body.changeId}/undo`, {
      planId: otherPreview.body.planId ?? 'x',
    });
    await api.sandbox.answer('s3', 'us-east-1', 'PutPublicAccessBlock', {
      Bucket: 'acme-public-acl',
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        IgnorePublicAcls: false,
        BlockPublicPolicy: true,
        RestrictPublicBuckets: true,
      },
    });
    const stale = await api.call('POST', `/changes/${second.body.changeId}/undo`, {
      planId: stalePreview.body.planId,
    });
    // Assert: both refused with the plan's reason and nothing written by the API
    expect(otherPreview.body).toMatchObject({ undoable: false, planId: null, expiresAt: null });
    expect(wrongChange.status).toBe(409);
    expect(wrongChange.body.error.code).toBe('PlanRejected');
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('PlanRejected');
    expect(stale.body.error.message).toMatch(/preview/i);
    expect(api.sandbox.writeCalls()).toHaveLength(writes + 1); // only the hand edit
  });

  it('answers 404 with where to find change ids for an unknown change', async () => {
    const reply = await api.call('GET', '/changes/c-20261130T033600123Z-00000000/undo');
    expect(reply.status).toBe(404);
    expect(reply.body.error.message).toMatch(/GET \/changes/);
  });
});

describe('who can apply an undo', () => {
  /** The undo preview as a given caller sees it (the local server has no sign-in, so no read-only caller). */
  async function previewAs(caller: Caller, changeId: string) {
    const answer = await createPreviewUndoHandler(api.backend.undo)(
      { params: { changeId }, query: undefined, body: undefined },
      { requestId: 'req-1', caller, remainingMs: () => 20_000, invokedFunctionArn: undefined },
    );
    return previewUndoOfChange.response.parse(answer);
  }

  it('tells a read-only person they cannot apply it and which group can; a remediator gets no note', async () => {
    // Arrange
    const blocked = await api.call('POST', '/s3/buckets/acme-public-acl/block-public-access', {});
    const changeId = blocked.body.changeId ?? 'the block recorded no change';
    // Act
    const readOnly = await previewAs({ principal: 'rob', username: 'rob', readOnly: true }, changeId);
    const remediator = await previewAs({ principal: 'rita', username: 'rita' }, changeId);
    const overHttp = await api.call('GET', `/changes/${blocked.body.changeId}/undo`);
    // Assert
    expect(readOnly).toMatchObject({ undoable: true, canApply: false, planId: expect.any(String) });
    expect(readOnly.applyNote).toMatch(/read-only.*"remediators" group/);
    expect(readOnly.summary).toContain(readOnly.applyNote);
    expect(remediator).toMatchObject({ undoable: true, canApply: true, applyNote: null });
    expect(remediator.summary).not.toMatch(/read-only/);
    expect(overHttp.body).toMatchObject({ canApply: true, applyNote: null });
  });
});

describe('undo of a bucket that now carries the protected tag', () => {
  it('is not undoable in the preview and refused with 409 by the dry run and the apply, writing nothing', async () => {
    // Arrange: blocked through the API, then its owner tags it protected
    const blocked = await api.call('POST', '/s3/buckets/acme-public-acl/block-public-access', {});
    const bucket = api.sandbox.scenario.s3.buckets.find((candidate) => candidate.name === 'acme-public-acl');
    if (!bucket) throw new Error('the default scenario has no acme-public-acl');
    bucket.tags = { ...bucket.tags, 'aiops-protected': 'finance' };
    const writes = api.sandbox.writeCalls().length;
    // Act
    const preview = await api.call('GET', `/changes/${blocked.body.changeId}/undo`);
    const dry = await api.call('POST', `/changes/${blocked.body.changeId}/undo`, { dryRun: true });
    const apply = await api.call('POST', `/changes/${blocked.body.changeId}/undo`, {});
    // Assert
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({ undoable: false, planId: null, steps: [], undo: [] });
    expect(preview.body.reason).toContain('carries the tag "aiops-protected"');
    expect(preview.body.reason).toContain('put back its previous Block Public Access flags');
    for (const reply of [dry, apply]) {
      expect(reply.status).toBe(409);
      expect(reply.body.error).toMatchObject({
        code: 'Conflict',
        message: preview.body.reason,
        details: { protectedTagKey: 'aiops-protected' },
      });
    }
    expect(api.sandbox.writeCalls()).toHaveLength(writes);
    expect(api.sandbox.countCalls('AssumeRole')).toBe(1); // the block's only
    const history = await api.call('GET', '/changes');
    expect(history.body.changes).toHaveLength(1);
    expect(history.body.changes[0]).toMatchObject({ changeId: blocked.body.changeId, undone: false });
  });

  it('refuses with 502 naming GetBucketTagging when the tags cannot be read (fail safe)', async () => {
    const blocked = await api.call('POST', '/s3/buckets/acme-public-acl/block-public-access', {});
    const bucket = api.sandbox.scenario.s3.buckets.find((candidate) => candidate.name === 'acme-public-acl');
    if (!bucket) throw new Error('the default scenario has no acme-public-acl');
    bucket.denied = [...bucket.denied, 'GetBucketTagging'];
    const writes = api.sandbox.writeCalls().length;

    const apply = await api.call('POST', `/changes/${blocked.body.changeId}/undo`, {});

    expect(apply.status).toBe(502);
    expect(apply.body.error.message).toContain('s3:GetBucketTagging failed with AccessDenied');
    expect(api.sandbox.writeCalls()).toHaveLength(writes);
  });

  it('reads no bucket tags for the undo of a port closure (security groups rely on the IAM Deny)', async () => {
    const closed = await api.call('POST', `/ec2/instances/${WEB}/close-port`, { port: 22 });
    const undone = await api.call('POST', `/changes/${closed.body.changeId}/undo`, {});
    expect(undone.status).toBe(200);
    expect(api.sandbox.countCalls('GetBucketTagging')).toBe(0);
  });
});

describe('a change cut off before its completion was recorded', () => {
  it('is listed as unknown outcome with what to check', async () => {
    // Arrange: the journal refuses the completion (the write itself succeeds)
    api.sandbox.scenario.faults.push({
      service: 'dynamodb',
      command: 'UpdateItem',
      rate: 1,
      error: 'ValidationException',
    });
    // Act
    const blocked = await api.call('POST', '/s3/buckets/acme-public-acl/block-public-access', {});
    const history = await api.call('GET', '/changes');
    // Assert
    expect(blocked.status).toBe(200);
    expect(blocked.body.warnings.join(' ')).toMatch(/could not record its outcome/);
    expect(history.body.changes[0]).toMatchObject({ changeId: blocked.body.changeId, outcome: 'unknown' });
    expect(history.body.changes[0].summary).toMatch(
      /outcome is unknown.*aws s3api get-public-access-block --bucket acme-public-acl --region us-east-1/,
    );
  });
});
