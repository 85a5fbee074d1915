/** The account-wide block's pure parts: the plan and its undo command, the prediction, and judging its undo. */
import { planAccountBlock, predictAccountBlock } from '../../functions/domain/account-block-plan';
import { accountUndoPlan, type ChangeRecord, judgeUndo } from '../../functions/domain/change-record';

const ALL_ON = {
  BlockPublicAcls: true,
  IgnorePublicAcls: true,
  BlockPublicPolicy: true,
  RestrictPublicBuckets: true,
};
const SOME = { ...ALL_ON, BlockPublicPolicy: false, RestrictPublicBuckets: false };

describe('planAccountBlock', () => {
  it('restores no configuration with a delete, and some flags with a put of exactly those flags', () => {
    expect(planAccountBlock('111122223333', null).undo).toEqual([
      'aws s3control delete-public-access-block --account-id 111122223333',
    ]);
    expect(planAccountBlock('111122223333', SOME).undo).toEqual([
      'aws s3control put-public-access-block --account-id 111122223333 --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=false,RestrictPublicBuckets=false',
    ]);
  });

  it('changes nothing when all four flags are already on', () => {
    expect(planAccountBlock('111122223333', ALL_ON)).toMatchObject({ changed: false, undo: [] });
  });
});

describe('predictAccountBlock', () => {
  it('lists every public bucket, websites first, and keeps their grants as neutralised', () => {
    const prediction = predictAccountBlock([
      {
        bucketName: 'a-data',
        region: 'us-east-1',
        verdict: { verdict: 'public', reasons: ['ACL grants AllUsers READ'], latentReasons: [] },
        website: false,
        intendedReason: undefined,
      },
      {
        bucketName: 'b-private',
        region: 'us-east-1',
        verdict: { verdict: 'not-public', latentReasons: ['policy "Public", restricted'] },
        website: false,
        intendedReason: undefined,
      },
      {
        bucketName: 'z-site',
        region: 'eu-west-1',
        verdict: { verdict: 'public', reasons: ['policy "Site"'], latentReasons: [] },
        website: true,
        intendedReason: 'Marketing',
      },
      {
        bucketName: 'c-unknown',
        region: undefined,
        verdict: { verdict: 'unknown', reason: 'AccessDenied', latentReasons: [] },
        website: false,
        intendedReason: undefined,
      },
    ]);
    expect(prediction.stopsBeingPublic.map((b) => [b.bucketName, b.intended])).toEqual([
      ['z-site', true],
      ['a-data', false],
    ]);
    expect(prediction.neutralised.map((b) => b.bucketName)).toEqual(['a-data', 'b-private', 'z-site']);
    expect(prediction.unknownBefore).toEqual(['c-unknown']);
  });
});

describe('judgeUndo of an account-wide block', () => {
  const record: ChangeRecord = {
    changeId: 'c-20260101T000000000Z-0123abcd',
    startedAt: '2026-01-01T00:00:00.000Z',
    requestId: 'r',
    who: { principal: 'alice' },
    operation: 'blockPublicAccessForS3Account',
    target: { account: '111122223333', region: 'us-east-1', kind: 's3-account', id: '111122223333' },
    before: null,
    planned: ALL_ON,
    status: 'completed',
    undone: false,
    completion: {
      completedAt: '2026-01-01T00:00:01.000Z',
      outcome: 'changed',
      after: ALL_ON,
      revokedRules: [],
      addedRules: [],
      undoPlan: accountUndoPlan('111122223333', null),
      undoCommands: [],
    },
  };

  it('undoes while the account is as the change left it', () => {
    expect(judgeUndo(record, { kind: 's3-account', flags: ALL_ON })).toEqual({
      undoable: true,
      steps: [{ action: 'restoreAccountPublicAccessBlock', accountId: '111122223333', flags: null }],
    });
  });

  it('refuses once the account flags changed again, naming what they are now', () => {
    const verdict = judgeUndo(record, { kind: 's3-account', flags: SOME });
    expect(verdict.undoable).toBe(false);
    if (!verdict.undoable)
      expect(verdict.conflicts).toEqual(['account 111122223333: only BlockPublicAcls, IgnorePublicAcls on']);
  });
});
