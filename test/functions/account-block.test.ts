/**
 * Block public access for the whole account (issue 15, point 6), over HTTP on the sandbox: the preview writes
 * nothing and binds the account's four flags with a planId; the apply writes exactly the four flags through
 * S3 Control in a write-role session; a stale planId is refused; the change is journaled and its undo puts the
 * account back (a delete when there was no configuration); buckets tagged as public on purpose need force.
 */
import { WRITE_COMMANDS } from '../../functions/local/sandbox/sandbox-account';
import { defaultScenario, startTestApi } from '../support/local-api';

const SITE = 'acme-public-website';
const PREVIEW = '/s3/account/block-public-access/preview';
const APPLY = '/s3/account/block-public-access';
const ALL_ON = {
  BlockPublicAcls: true,
  IgnorePublicAcls: true,
  BlockPublicPolicy: true,
  RestrictPublicBuckets: true,
};

function withIntendedSite() {
  const scenario = defaultScenario();
  for (const bucket of scenario.s3.buckets)
    if (bucket.name === SITE)
      bucket.tags = { 'aiops:exposure': 'intended', 'aiops:exposure-reason': 'Marketing' };
  return scenario;
}

describe('blocking public access for the whole account', () => {
  it('previews without writing: every public bucket listed (website first), before/after, undo and a planId', async () => {
    const api = await startTestApi();
    try {
      const findReply = await api.call('GET', '/s3/public-buckets');
      const publicNames = findReply.body.publicBuckets.map((b) => b.bucketName).sort();

      const reply = await api.call('GET', PREVIEW);

      expect(reply.status).toBe(200);
      expect(api.sandbox.calls.filter((c) => WRITE_COMMANDS.has(c.command))).toEqual([]);
      expect(typeof reply.body.planId).toBe('string');
      expect(reply.body.before).toBeNull();
      expect(reply.body.after).toEqual(ALL_ON);
      expect(reply.body.changed).toBe(true);
      const names = reply.body.stopsBeingPublic.map((b: { bucketName: string }) => b.bucketName);
      expect([...names].sort()).toEqual(publicNames);
      expect(names[0]).toBe(SITE);
      expect(reply.body.stopsBeingPublic[0].website).toBe(true);
      expect(reply.body.summary).toContain('would stop answering visitors');
      expect(reply.body.undo).toEqual([
        `aws s3control delete-public-access-block --account-id ${reply.body.accountId}`,
      ]);
      expect(reply.body.neutralised.length).toBeGreaterThanOrEqual(publicNames.length);
    } finally {
      await api.close();
    }
  });

  it('applies with the planId: exactly the four flags through S3 Control in a write-role session, journaled', async () => {
    const api = await startTestApi();
    try {
      const preview = await api.call('GET', PREVIEW);
      const reply = await api.call('POST', APPLY, { planId: preview.body.planId });

      expect(reply.status).toBe(200);
      expect(reply.body.changed).toBe(true);
      expect(reply.body.dryRun).toBe(false);
      const writes = api.sandbox.calls.filter((c) => WRITE_COMMANDS.has(c.command));
      expect(writes.map((c) => [c.service, c.command, c.input])).toEqual([
        [
          's3control',
          'PutPublicAccessBlock',
          { AccountId: preview.body.accountId, PublicAccessBlockConfiguration: ALL_ON },
        ],
      ]);
      expect(writes[0]?.sourceIdentity).toBeDefined();
      expect(reply.body.changeId).toMatch(/^c-/);
      const after = await api.call('GET', '/s3/public-buckets');
      expect(after.body.publicCount).toBe(0);
      // Applying again changes nothing.
      const again = await api.call('POST', APPLY, {});
      expect(again.body.changed).toBe(false);
      expect(api.sandbox.calls.filter((c) => WRITE_COMMANDS.has(c.command))).toHaveLength(1);
    } finally {
      await api.close();
    }
  });

  it('refuses a planId once the account flags changed since the preview, writing nothing', async () => {
    const scenario = defaultScenario();
    const api = await startTestApi(scenario);
    try {
      const preview = await api.call('GET', PREVIEW);
      scenario.s3.accountPublicAccessBlock = {
        ...ALL_ON,
        BlockPublicPolicy: false,
        RestrictPublicBuckets: false,
      };

      const reply = await api.call('POST', APPLY, { planId: preview.body.planId });

      expect(reply.status).toBe(409);
      expect(reply.body.error.code).toBe('PlanRejected');
      expect(api.sandbox.calls.filter((c) => WRITE_COMMANDS.has(c.command))).toEqual([]);
    } finally {
      await api.close();
    }
  });

  it('a dry run writes nothing and says what would change', async () => {
    const api = await startTestApi();
    try {
      const reply = await api.call('POST', APPLY, { dryRun: true });
      expect(reply.status).toBe(200);
      expect(reply.body.dryRun).toBe(true);
      expect(reply.body.changeId).toBeNull();
      expect(reply.body.stopsBeingPublic.length).toBeGreaterThan(0);
      expect(api.sandbox.calls.filter((c) => WRITE_COMMANDS.has(c.command))).toEqual([]);
    } finally {
      await api.close();
    }
  });

  it.each([
    ['no configuration: the undo deletes it', null],
    [
      'some flags: the undo puts them back',
      { ...ALL_ON, BlockPublicPolicy: false, RestrictPublicBuckets: false },
    ],
  ])('is undoable (%s)', async (_name, before) => {
    const scenario = defaultScenario();
    scenario.s3.accountPublicAccessBlock = before;
    const api = await startTestApi(scenario);
    try {
      const applied = await api.call('POST', APPLY, {});
      expect(scenario.s3.accountPublicAccessBlock).toEqual(ALL_ON);
      const changeId = applied.body.changeId as string;

      const undoPreview = await api.call('GET', `/changes/${changeId}/undo`);
      expect(undoPreview.body.undoable).toBe(true);
      const undo = await api.call('POST', `/changes/${changeId}/undo`, { planId: undoPreview.body.planId });

      expect(undo.status).toBe(200);
      expect(scenario.s3.accountPublicAccessBlock).toEqual(before);
      const last = api.sandbox.calls.filter((c) => WRITE_COMMANDS.has(c.command)).at(-1);
      expect(last?.service).toBe('s3control');
      expect(last?.command).toBe(before === null ? 'DeletePublicAccessBlock' : 'PutPublicAccessBlock');
      const history = await api.call('GET', '/changes');
      expect(history.body.changes.map((c: { operation: string }) => c.operation)).toContain(
        'blockPublicAccessForS3Account',
      );
    } finally {
      await api.close();
    }
  });

  it('refuses the undo when the account flags changed again after the change', async () => {
    const scenario = defaultScenario();
    const api = await startTestApi(scenario);
    try {
      const applied = await api.call('POST', APPLY, {});
      scenario.s3.accountPublicAccessBlock = { ...ALL_ON, IgnorePublicAcls: false };
      const undoPreview = await api.call('GET', `/changes/${applied.body.changeId}/undo`);
      expect(undoPreview.body.undoable).toBe(false);
      expect(undoPreview.body.reason).toContain('changed again');
    } finally {
      await api.close();
    }
  });

  it('names buckets tagged as public on purpose; the apply (dry run included) needs force', async () => {
    const api = await startTestApi(withIntendedSite());
    try {
      const preview = await api.call('GET', PREVIEW);
      expect(preview.body.intendedBuckets).toEqual([SITE]);
      expect(preview.body.summary).toContain('applying needs force: true');

      const refused = await api.call('POST', APPLY, { planId: preview.body.planId });
      expect(refused.status).toBe(409);
      expect(refused.body.error.message).toContain('force: true');
      const dry = await api.call('POST', APPLY, { dryRun: true });
      expect(dry.status).toBe(409);
      expect(api.sandbox.calls.filter((c) => WRITE_COMMANDS.has(c.command))).toEqual([]);

      const forced = await api.call('POST', APPLY, { planId: preview.body.planId, force: true });
      expect(forced.status).toBe(200);
      expect(forced.body.changed).toBe(true);
    } finally {
      await api.close();
    }
  });
});
