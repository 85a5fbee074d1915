/** The change journal's exact DynamoDB requests (a file of its own: the mock patches every DynamoDBClient). */
import { DynamoDBClient, PutItemCommand, QueryCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import {
  type ChangeCompletion,
  type ChangeIntent,
  createChangeJournal,
  encodeNextToken,
} from '../../functions/aws/change-journal';

const TABLE = 'change-journal';
const id = (minute: number) => `c-20261130T03${String(minute).padStart(2, '0')}00000Z-0000000a`;
const intent: ChangeIntent = {
  changeId: id(1),
  startedAt: '2026-11-30T03:01:00.000Z',
  requestId: 'req-1',
  who: { principal: 'alice', username: 'alice' },
  operation: 'closeUnwantedPortForEc2Instance',
  target: { account: '1', region: 'us-east-1', kind: 'ec2-instance', id: 'i-1', securityGroupIds: ['sg-1'] },
  before: null,
  planned: null,
};
const completion: ChangeCompletion = {
  completedAt: '2026-11-30T03:01:01.000Z',
  outcome: 'changed',
  after: null,
  revokedRules: [],
  addedRules: [],
  undoPlan: [],
  undoCommands: [],
};

describe('change journal request shapes', () => {
  const ddbMock = mockClient(DynamoDBClient);
  beforeEach(() => ddbMock.reset());
  const client = new DynamoDBClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
  });

  it('writes the intent with a never-overwrite condition and flat copies of the filter fields', async () => {
    ddbMock.on(PutItemCommand).resolves({});
    await createChangeJournal(client, TABLE).recordIntent(intent);
    const input = ddbMock.commandCalls(PutItemCommand)[0]?.args[0].input;
    expect(input?.ConditionExpression).toBe('attribute_not_exists(pk)');
    expect(input?.Item?.principal).toEqual({ S: 'alice' });
    expect(input?.Item?.targetIds).toEqual({ SS: ['i-1', 'sg-1'] });
    expect(input?.Item?.status).toEqual({ S: 'intent' });
  });

  it('completes only an existing record, and queries newest first from the token', async () => {
    ddbMock.on(UpdateItemCommand).resolves({});
    ddbMock.on(QueryCommand).resolves({ Items: [] });
    const journal = createChangeJournal(client, TABLE);
    await journal.completeChange(id(1), completion);
    await journal.listChanges({ limit: 5, nextToken: encodeNextToken(id(3)) });
    expect(ddbMock.commandCalls(UpdateItemCommand)[0]?.args[0].input.ConditionExpression).toBe(
      'attribute_exists(pk)',
    );
    const query = ddbMock.commandCalls(QueryCommand)[0]?.args[0].input;
    expect(query).toMatchObject({
      ScanIndexForward: false,
      Limit: 5,
      ExclusiveStartKey: { sk: { S: id(3) } },
    });
  });
});
