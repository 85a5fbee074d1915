/**
 * The change journal adapter against the sandbox's embedded DynamoDB: the same SDK client and middleware path
 * as production (exact request shapes: change-journal-requests.test.ts).
 */
import {
  type ChangeCompletion,
  type ChangeIntent,
  createChangeJournal,
  createJournalClient,
  decodeNextToken,
  encodeNextToken,
  fromAttribute,
  newChangeId,
  toAttribute,
} from '../../functions/aws/change-journal';
import { defaultClientSettings } from '../../functions/aws/client-config';
import { SandboxAccount } from '../../functions/local/sandbox/sandbox-account';
import { parseScenario } from '../../functions/local/sandbox/scenario';
import { ValidationError } from '../../functions/shared/errors';

const TABLE = 'change-journal';

function sandboxJournal() {
  const sandbox = new SandboxAccount(parseScenario({ accountId: '123456789012', regions: ['us-east-1'] }));
  const settings = defaultClientSettings({
    credentials: { accessKeyId: 'SANDBOX', secretAccessKey: 'sandbox' },
    endpoints: {},
    attachments: [sandbox.attachment],
  });
  const client = createJournalClient(settings, 'us-east-1');
  return { sandbox, journal: createChangeJournal(client, TABLE) };
}

function intent(changeId: string, overrides: Partial<ChangeIntent> = {}): ChangeIntent {
  return {
    changeId,
    startedAt: '2026-11-30T03:36:00.123Z',
    requestId: 'req-1',
    who: { principal: 'alice', username: 'alice', sub: 'sub-alice', clientId: 'client-1' },
    operation: 'removePublicAccessFromS3Bucket',
    target: { account: '123456789012', region: 'eu-west-1', kind: 's3-bucket', id: 'acme-logs' },
    before: {
      BlockPublicAcls: false,
      IgnorePublicAcls: false,
      BlockPublicPolicy: false,
      RestrictPublicBuckets: false,
    },
    planned: { after: 'all four flags on' },
    ...overrides,
  };
}

const completion: ChangeCompletion = {
  completedAt: '2026-11-30T03:36:01.000Z',
  outcome: 'changed',
  after: {
    BlockPublicAcls: true,
    IgnorePublicAcls: true,
    BlockPublicPolicy: true,
    RestrictPublicBuckets: true,
  },
  revokedRules: [],
  addedRules: [],
  undoPlan: [
    { action: 'restoreBucketPublicAccessBlock', bucketName: 'acme-logs', region: 'eu-west-1', flags: null },
  ],
  undoCommands: ['aws s3api put-public-access-block --bucket acme-logs ...'],
};

const id = (minute: number, suffix = '0000000a') =>
  `c-20261130T03${String(minute).padStart(2, '0')}00000Z-${suffix}`;

describe('newChangeId', () => {
  it('starts with the UTC time so ids sort by when the change began', () => {
    // Arrange
    const earlier = newChangeId(new Date('2026-11-30T03:36:00.123Z'), () => 0.5);
    const later = newChangeId(new Date('2026-11-30T03:36:00.124Z'), () => 0);
    // Assert
    expect(earlier).toBe('c-20261130T033600123Z-80000000');
    expect(earlier < later).toBe(true);
  });
});

describe('attribute conversion', () => {
  it.each([
    ['string', 'a'],
    ['number', 42],
    ['boolean', false],
    ['null', null],
    ['nested', { rules: [{ fromPort: 22, source: '0.0.0.0/0', tags: null }], ok: true }],
  ])('round-trips a %s', (_kind, value) => {
    expect(fromAttribute(toAttribute(value))).toEqual(value);
  });
});

describe('nextToken', () => {
  it('decodes what it encodes and refuses anything else with a message saying what to send', () => {
    expect(decodeNextToken(encodeNextToken(id(1)))).toBe(id(1));
    expect(() => decodeNextToken('not-a-token')).toThrow(ValidationError);
    expect(() => decodeNextToken(encodeNextToken('../../etc'))).toThrow(/nextToken of the previous page/);
  });
});

describe('change journal on the sandbox table', () => {
  it('reads an intent without completion as status "intent", then completed with before, after and undo plan', async () => {
    // Arrange
    const { journal } = sandboxJournal();
    // Act
    await journal.recordIntent(intent(id(1)));
    const pending = await journal.getChange(id(1));
    await journal.completeChange(id(1), completion);
    const done = await journal.getChange(id(1));
    // Assert
    expect(pending).toMatchObject({
      status: 'intent',
      undone: false,
      who: { username: 'alice', sub: 'sub-alice' },
    });
    expect(pending?.completion).toBeUndefined();
    expect(done).toMatchObject({
      status: 'completed',
      before: intent(id(1)).before,
      target: { account: '123456789012', region: 'eu-west-1', id: 'acme-logs' },
      completion: { outcome: 'changed', after: completion.after, undoPlan: completion.undoPlan },
    });
  });

  it('never overwrites a record: a second intent with the same id is refused', async () => {
    const { journal } = sandboxJournal();
    await journal.recordIntent(intent(id(1)));
    await expect(journal.recordIntent(intent(id(1), { requestId: 'other' }))).rejects.toMatchObject({
      name: 'ConditionalCheckFailedException',
    });
    expect((await journal.getChange(id(1)))?.requestId).toBe('req-1');
  });

  it('refuses to complete a change that has no intent (no record appears from nowhere)', async () => {
    const { journal, sandbox } = sandboxJournal();
    await expect(journal.completeChange(id(9), completion)).rejects.toMatchObject({
      name: 'ConditionalCheckFailedException',
    });
    expect(sandbox.tables.items(TABLE)).toHaveLength(0);
  });

  it('marks a change undone once; a second undo of the same change is refused', async () => {
    const { journal } = sandboxJournal();
    await journal.recordIntent(intent(id(1)));
    await journal.markUndone(id(1), id(2));
    await expect(journal.markUndone(id(1), id(3))).rejects.toMatchObject({
      name: 'ConditionalCheckFailedException',
    });
    expect(await journal.getChange(id(1))).toMatchObject({ undone: true, undoneBy: id(2) });
  });

  it('lists newest first, pages with an opaque token, and filters by since, target and who', async () => {
    // Arrange: five changes a minute apart, by two people, on two targets
    const { journal } = sandboxJournal();
    for (let minute = 1; minute <= 5; minute++) {
      const who = minute % 2 === 0 ? 'bob' : 'alice';
      await journal.recordIntent(
        intent(id(minute), {
          who: { principal: who, username: who },
          target:
            minute === 4
              ? {
                  account: '1',
                  region: 'us-east-1',
                  kind: 'ec2-instance',
                  id: 'i-1',
                  securityGroupIds: ['sg-9'],
                }
              : { account: '1', region: 'us-east-1', kind: 's3-bucket', id: 'acme-logs' },
        }),
      );
    }
    // Act
    const first = await journal.listChanges({ limit: 2 });
    const second = await journal.listChanges({ limit: 2, nextToken: first.nextToken ?? undefined });
    const third = await journal.listChanges({ limit: 2, nextToken: second.nextToken ?? undefined });
    const bob = await journal.listChanges({ limit: 10, who: 'bob' });
    const group = await journal.listChanges({ limit: 10, target: 'sg-9' });
    const recent = await journal.listChanges({ limit: 10, since: '2026-11-30T03:04:00Z' });
    const aliceFirst = await journal.listChanges({ limit: 1, who: 'alice' });
    // Assert
    expect(first.changes.map((c) => c.changeId)).toEqual([id(5), id(4)]);
    expect(second.changes.map((c) => c.changeId)).toEqual([id(3), id(2)]);
    expect(third.changes.map((c) => c.changeId)).toEqual([id(1)]);
    expect(third.nextToken).toBeNull();
    expect(bob.changes.map((c) => c.changeId)).toEqual([id(4), id(2)]);
    expect(group.changes.map((c) => c.changeId)).toEqual([id(4)]);
    expect(recent.changes.map((c) => c.changeId)).toEqual([id(5), id(4)]);
    expect(aliceFirst.changes.map((c) => c.changeId)).toEqual([id(5)]);
    expect(aliceFirst.nextToken).not.toBeNull();
  });
});
