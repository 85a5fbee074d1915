/**
 * The change journal: one DynamoDB item per applied change, written as an
 * "intent" before the AWS write and completed after it, so a change cut off
 * by a timeout is still on record (as "unknown outcome"). Previews and
 * refusals are never journaled: they changed nothing.
 *
 * Every item lives in one partition (`pk` = "change") sorted by its change id,
 * which starts with the time it began: "newest first" and "since" are then a
 * single Query. Changes are made by people one at a time, far below what one
 * partition accepts.
 */
import {
  type AttributeValue,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { CHANGE_ID_PATTERN, compactTime } from '../domain/change-id';
import type {
  ChangeCompletion,
  ChangeIntent,
  ChangeRecord,
  ChangeTarget,
  ChangeWho,
  JsonValue,
} from '../domain/change-record';
import { ValidationError } from '../shared/errors';
import { type AwsClientSettings, baseClientConfig, prepareClientStack } from './client-config';

export { CHANGE_ID_PATTERN, newChangeId } from '../domain/change-id';
export type { ChangeCompletion, ChangeIntent, ChangeRecord, JsonValue } from '../domain/change-record';

const PARTITION = 'change';
/** Items read per Query page while filtering, and pages read per list call (bounds one call's time). */
const QUERY_PAGE = 100;
const MAX_PAGES_PER_LIST = 10;

export interface ChangeListFilter {
  /** ISO 8601 time: only changes started at or after it. */
  since?: string;
  /** Bucket name, instance id or security group id. */
  target?: string;
  /** User name (or the principal recorded when there is none). */
  who?: string;
  limit: number;
  nextToken?: string;
}

export interface ChangePage {
  changes: ChangeRecord[];
  nextToken: string | null;
}

export interface ChangeJournal {
  readonly tableName: string;
  recordIntent(intent: ChangeIntent): Promise<void>;
  completeChange(changeId: string, completion: ChangeCompletion): Promise<void>;
  /** Marks a change undone by another; fails if it is already undone (two undos raced). */
  markUndone(changeId: string, undoChangeId: string): Promise<void>;
  getChange(changeId: string): Promise<ChangeRecord | undefined>;
  listChanges(filter: ChangeListFilter): Promise<ChangePage>;
}

/** JSON value → DynamoDB attribute value (maps and lists stay structured, so the table reads without us). */
export function toAttribute(value: JsonValue): AttributeValue {
  if (value === null) return { NULL: true };
  if (typeof value === 'string') return { S: value };
  if (typeof value === 'number') return { N: String(value) };
  if (typeof value === 'boolean') return { BOOL: value };
  if (Array.isArray(value)) return { L: value.map(toAttribute) };
  const map: Record<string, AttributeValue> = {};
  for (const [key, entry] of Object.entries(value)) if (entry !== undefined) map[key] = toAttribute(entry);
  return { M: map };
}

/** DynamoDB attribute value → JSON value (the inverse of `toAttribute`). */
export function fromAttribute(value: AttributeValue | undefined): JsonValue {
  if (value === undefined || value.NULL) return null;
  if (value.S !== undefined) return value.S;
  if (value.N !== undefined) return Number(value.N);
  if (value.BOOL !== undefined) return value.BOOL;
  if (value.L !== undefined) return value.L.map(fromAttribute);
  if (value.M !== undefined) {
    const map: { [key: string]: JsonValue } = {};
    for (const [key, entry] of Object.entries(value.M)) map[key] = fromAttribute(entry);
    return map;
  }
  throw new Error('Unsupported DynamoDB attribute type in the change journal.');
}

function json<T>(value: T): JsonValue {
  return JSON.parse(JSON.stringify(value)) as JsonValue;
}

/** The opaque paging token: the sort key to continue after. */
export function encodeNextToken(changeId: string): string {
  return Buffer.from(JSON.stringify({ after: changeId }), 'utf8').toString('base64url');
}

export function decodeNextToken(token: string): string {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { after?: unknown };
    if (typeof parsed.after === 'string' && CHANGE_ID_PATTERN.test(parsed.after)) return parsed.after;
  } catch {
    // fall through to the one message below
  }
  throw new ValidationError(
    'nextToken is not one this API returned; send the nextToken of the previous page unchanged, or leave it out.',
  );
}

function recordFromItem(item: Record<string, AttributeValue>): ChangeRecord {
  const text = (name: string) => item[name]?.S ?? '';
  const record: ChangeRecord = {
    changeId: text('sk'),
    startedAt: text('startedAt'),
    requestId: text('requestId'),
    who: fromAttribute(item.who) as unknown as ChangeWho,
    operation: text('operation'),
    target: fromAttribute(item.target) as unknown as ChangeTarget,
    before: fromAttribute(item.before),
    planned: fromAttribute(item.planned),
    status: text('status') === 'completed' ? 'completed' : 'intent',
    undone: item.undone?.BOOL === true,
  };
  if (item.undoOf?.S) record.undoOf = item.undoOf.S;
  if (item.undoneBy?.S) record.undoneBy = item.undoneBy.S;
  if (item.completion) record.completion = fromAttribute(item.completion) as unknown as ChangeCompletion;
  return record;
}

/** The journal on a DynamoDB table (`pk` partition key, `sk` sort key, both strings). */
export function createChangeJournal(client: DynamoDBClient, tableName: string): ChangeJournal {
  return {
    tableName,

    async recordIntent(intent) {
      const item: Record<string, AttributeValue> = {
        pk: { S: PARTITION },
        sk: { S: intent.changeId },
        status: { S: 'intent' },
        startedAt: { S: intent.startedAt },
        requestId: { S: intent.requestId },
        operation: { S: intent.operation },
        who: toAttribute(json(intent.who)),
        // Flat copies of what the list filters on: a filter on a nested attribute cannot be an equality on a name.
        principal: { S: intent.who.username ?? intent.who.principal },
        targetIds: { SS: [intent.target.id, ...(intent.target.securityGroupIds ?? [])] },
        target: toAttribute(json(intent.target)),
        before: toAttribute(intent.before),
        planned: toAttribute(intent.planned),
        undone: { BOOL: false },
      };
      if (intent.undoOf) item.undoOf = { S: intent.undoOf };
      await client.send(
        new PutItemCommand({
          TableName: tableName,
          Item: item,
          // A change id is written once: never overwrite a record.
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    },

    async completeChange(changeId, completion) {
      await client.send(
        new UpdateItemCommand({
          TableName: tableName,
          Key: { pk: { S: PARTITION }, sk: { S: changeId } },
          UpdateExpression: 'SET #status = :completed, #completion = :completion',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#status': 'status', '#completion': 'completion' },
          ExpressionAttributeValues: {
            ':completed': { S: 'completed' },
            ':completion': toAttribute(json(completion)),
          },
        }),
      );
    },

    async markUndone(changeId, undoChangeId) {
      await client.send(
        new UpdateItemCommand({
          TableName: tableName,
          Key: { pk: { S: PARTITION }, sk: { S: changeId } },
          UpdateExpression: 'SET #undone = :true, #undoneBy = :by',
          ConditionExpression: '#undone = :false',
          ExpressionAttributeNames: { '#undone': 'undone', '#undoneBy': 'undoneBy' },
          ExpressionAttributeValues: {
            ':true': { BOOL: true },
            ':false': { BOOL: false },
            ':by': { S: undoChangeId },
          },
        }),
      );
    },

    async getChange(changeId) {
      const out = await client.send(
        new GetItemCommand({
          TableName: tableName,
          Key: { pk: { S: PARTITION }, sk: { S: changeId } },
          ConsistentRead: true,
        }),
      );
      return out.Item ? recordFromItem(out.Item) : undefined;
    },

    async listChanges(filter) {
      const names: Record<string, string> = { '#pk': 'pk' };
      const values: Record<string, AttributeValue> = { ':pk': { S: PARTITION } };
      let keyCondition = '#pk = :pk';
      if (filter.since !== undefined) {
        names['#sk'] = 'sk';
        values[':since'] = { S: `c-${compactTime(new Date(filter.since))}` };
        keyCondition += ' AND #sk >= :since';
      }
      const filters: string[] = [];
      if (filter.target !== undefined) {
        names['#targetIds'] = 'targetIds';
        values[':target'] = { S: filter.target };
        filters.push('contains(#targetIds, :target)');
      }
      if (filter.who !== undefined) {
        names['#principal'] = 'principal';
        values[':who'] = { S: filter.who };
        filters.push('#principal = :who');
      }
      const changes: ChangeRecord[] = [];
      let startAfter = filter.nextToken === undefined ? undefined : decodeNextToken(filter.nextToken);
      for (let page = 0; page < MAX_PAGES_PER_LIST; page++) {
        const out = await client.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: keyCondition,
            ...(filters.length > 0 ? { FilterExpression: filters.join(' AND ') } : {}),
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
            ScanIndexForward: false,
            Limit: filters.length > 0 ? QUERY_PAGE : filter.limit - changes.length,
            ...(startAfter ? { ExclusiveStartKey: { pk: { S: PARTITION }, sk: { S: startAfter } } } : {}),
          }),
        );
        const items = out.Items ?? [];
        for (const item of items) {
          changes.push(recordFromItem(item));
          if (changes.length === filter.limit) {
            const last = item.sk?.S ?? '';
            // The page is full: continue after the last change returned, unless the table has nothing after it.
            const more = item !== items[items.length - 1] || out.LastEvaluatedKey !== undefined;
            return { changes, nextToken: more ? encodeNextToken(last) : null };
          }
        }
        const lastKey = out.LastEvaluatedKey?.sk?.S;
        if (lastKey === undefined) return { changes, nextToken: null };
        startAfter = lastKey;
      }
      // Read as many pages as one call may: hand back what was found and where to go on.
      return { changes, nextToken: startAfter ? encodeNextToken(startAfter) : null };
    },
  };
}

/** The journal's DynamoDB client, built from the shared settings (the sandbox attaches to it like to the others). */
export function createJournalClient(settings: AwsClientSettings, region: string): DynamoDBClient {
  const client = new DynamoDBClient(baseClientConfig(settings, 'dynamodb', region));
  prepareClientStack(client.middlewareStack, settings, 'dynamodb', region);
  return client;
}
