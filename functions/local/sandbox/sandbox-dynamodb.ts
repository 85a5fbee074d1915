/**
 * The sandbox's DynamoDB: the embedded default behind the change journal and
 * the scan snapshots. It answers the commands those adapters send (PutItem,
 * UpdateItem, GetItem, Query, BatchGetItem) with DynamoDB's semantics for the expression forms the
 * adapter uses, and answers `ValidationException` for any other form, so an
 * adapter change that the sandbox cannot honour fails loudly in tests
 * instead of passing on a guess. Tables are created on first use.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { sandboxError } from './sandbox-errors';

type Item = Record<string, AttributeValue>;
type Names = Record<string, string>;
type Values = Record<string, AttributeValue>;

export class SandboxTables {
  private readonly tables = new Map<string, Map<string, Item>>();

  /** Every item of a table, in key order (tests read the journal through this). */
  items(tableName: string): Item[] {
    return [...this.table(tableName).entries()].sort(([a], [b]) => compare(a, b)).map(([, item]) => item);
  }

  private table(name: string): Map<string, Item> {
    let table = this.tables.get(name);
    if (table === undefined) {
      table = new Map();
      this.tables.set(name, table);
    }
    return table;
  }

  handle(command: string, input: Record<string, unknown>): Record<string, unknown> {
    if (command === 'BatchGetItem') return this.batchGet(input);
    const tableName = String(input.TableName ?? '');
    if (tableName === '') throw sandboxError('ValidationException', 'TableName is required.');
    const table = this.table(tableName);
    const names = (input.ExpressionAttributeNames ?? {}) as Names;
    const values = (input.ExpressionAttributeValues ?? {}) as Values;
    switch (command) {
      case 'PutItem': {
        const item = structuredClone(input.Item as Item);
        const key = keyOf(item);
        checkCondition(input.ConditionExpression, table.get(key), names, values);
        table.set(key, item);
        return {};
      }
      case 'UpdateItem': {
        const key = keyOf(input.Key as Item);
        const existing = table.get(key);
        checkCondition(input.ConditionExpression, existing, names, values);
        const item: Item = structuredClone(existing ?? (input.Key as Item));
        applySet(String(input.UpdateExpression ?? ''), item, names, values);
        table.set(key, item);
        return {};
      }
      case 'GetItem': {
        const item = table.get(keyOf(input.Key as Item));
        return item ? { Item: item } : {};
      }
      case 'Query':
        return query(table, input, names, values);
      default:
        throw sandboxError(
          'UnknownOperationException',
          `The sandbox does not implement DynamoDB ${command}.`,
        );
    }
  }

  /** Every key found, per table; DynamoDB's own limit of 100 keys per call is enforced. */
  private batchGet(input: Record<string, unknown>): Record<string, unknown> {
    const requests = (input.RequestItems ?? {}) as Record<string, { Keys?: Item[] }>;
    const keyCount = Object.values(requests).reduce((n, r) => n + (r.Keys?.length ?? 0), 0);
    if (keyCount === 0 || keyCount > 100)
      throw sandboxError('ValidationException', 'BatchGetItem takes 1 to 100 keys.');
    const responses: Record<string, Item[]> = {};
    for (const [tableName, request] of Object.entries(requests)) {
      const table = this.table(tableName);
      responses[tableName] = (request.Keys ?? []).flatMap((key) => {
        const item = table.get(keyOf(key));
        return item ? [item] : [];
      });
    }
    return { Responses: responses, UnprocessedKeys: {} };
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Tables here have a `pk` partition key and `sk` sort key, both strings. */
function keyOf(item: Item | undefined): string {
  const pk = item?.pk?.S;
  const sk = item?.sk?.S;
  if (pk === undefined || sk === undefined)
    throw sandboxError('ValidationException', 'The key must hold string attributes pk and sk.');
  return `${pk}\u0000${sk}`;
}

function resolveName(token: string, names: Names): string {
  if (!token.startsWith('#')) return token;
  const name = names[token];
  if (name === undefined)
    throw sandboxError('ValidationException', `ExpressionAttributeNames has no ${token}.`);
  return name;
}

function resolveValue(token: string, values: Values): AttributeValue {
  const value = values[token];
  if (value === undefined)
    throw sandboxError('ValidationException', `ExpressionAttributeValues has no ${token}.`);
  return value;
}

function equal(a: AttributeValue | undefined, b: AttributeValue): boolean {
  return a !== undefined && JSON.stringify(a) === JSON.stringify(b);
}

/** One comparison or function of a condition; the forms the journal adapter writes. */
function holds(clause: string, item: Item | undefined, names: Names, values: Values): boolean {
  const text = clause.trim();
  let match = /^attribute_(not_)?exists\(\s*([#\w]+)\s*\)$/.exec(text);
  if (match) {
    const present = item !== undefined && item[resolveName(match[2] ?? '', names)] !== undefined;
    return match[1] ? !present : present;
  }
  match = /^contains\(\s*([#\w]+)\s*,\s*(:\w+)\s*\)$/.exec(text);
  if (match) {
    const attribute = item?.[resolveName(match[1] ?? '', names)];
    const needle = resolveValue(match[2] ?? '', values);
    if (attribute?.SS && needle.S !== undefined) return attribute.SS.includes(needle.S);
    if (attribute?.S !== undefined && needle.S !== undefined) return attribute.S.includes(needle.S);
    return false;
  }
  match = /^([#\w]+)\s*(=|>=|<=|<|>)\s*(:\w+)$/.exec(text);
  if (match) {
    const attribute = item?.[resolveName(match[1] ?? '', names)];
    const value = resolveValue(match[3] ?? '', values);
    if (match[2] === '=') return equal(attribute, value);
    const left = attribute?.S;
    const right = value.S;
    if (left === undefined || right === undefined) return false;
    switch (match[2]) {
      case '>=':
        return left >= right;
      case '<=':
        return left <= right;
      case '<':
        return left < right;
      default:
        return left > right;
    }
  }
  throw sandboxError('ValidationException', `The sandbox does not understand the expression "${text}".`);
}

function holdsAll(expression: string, item: Item | undefined, names: Names, values: Values): boolean {
  return expression.split(/\s+AND\s+/i).every((clause) => holds(clause, item, names, values));
}

function checkCondition(expression: unknown, item: Item | undefined, names: Names, values: Values): void {
  if (expression === undefined) return;
  if (!holdsAll(String(expression), item, names, values)) {
    throw sandboxError('ConditionalCheckFailedException', 'The conditional request failed');
  }
}

function applySet(expression: string, item: Item, names: Names, values: Values): void {
  const match = /^SET\s+(.+)$/i.exec(expression.trim());
  if (!match)
    throw sandboxError('ValidationException', `The sandbox only applies SET updates: "${expression}".`);
  for (const assignment of (match[1] ?? '').split(',')) {
    const parts = /^\s*([#\w]+)\s*=\s*(:\w+)\s*$/.exec(assignment);
    if (!parts) throw sandboxError('ValidationException', `Cannot apply "${assignment.trim()}".`);
    item[resolveName(parts[1] ?? '', names)] = structuredClone(resolveValue(parts[2] ?? '', values));
  }
}

function query(table: Map<string, Item>, input: Record<string, unknown>, names: Names, values: Values) {
  const keyCondition = String(input.KeyConditionExpression ?? '');
  if (keyCondition === '') throw sandboxError('ValidationException', 'KeyConditionExpression is required.');
  const forward = input.ScanIndexForward !== false;
  const limit = typeof input.Limit === 'number' ? input.Limit : Number.POSITIVE_INFINITY;
  const filter = input.FilterExpression === undefined ? undefined : String(input.FilterExpression);
  const start = (input.ExclusiveStartKey as Item | undefined)?.sk?.S;
  const matching = [...table.values()]
    .filter((item) => holdsAll(keyCondition, item, names, values))
    .sort((a, b) => compare(a.sk?.S ?? '', b.sk?.S ?? '') * (forward ? 1 : -1))
    .filter((item) => {
      if (start === undefined) return true;
      const sk = item.sk?.S ?? '';
      return forward ? sk > start : sk < start;
    });
  // Like DynamoDB, Limit counts items read before the filter; LastEvaluatedKey marks where reading stopped.
  const read = matching.slice(0, limit);
  const items = filter === undefined ? read : read.filter((item) => holdsAll(filter, item, names, values));
  const last = read[read.length - 1];
  return {
    Items: items,
    Count: items.length,
    ScannedCount: read.length,
    ...(read.length < matching.length && last ? { LastEvaluatedKey: { pk: last.pk, sk: last.sk } } : {}),
  };
}
