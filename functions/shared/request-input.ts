/**
 * Reading a request's input for the router: the query string, the JSON body (size, syntax, duplicate
 * keys, shape) and validation against the operation's zod schemas, with every failure a ValidationError
 * whose message says what to fix.
 */
import type { core, output as Output, ZodMiniType } from 'zod/mini';
import { findDuplicateJsonKey } from './duplicate-json-keys';
import { ValidationError } from './errors';

/** Largest accepted request body: 64 KiB (API Gateway's own limit is answered in the same words). */
export const MAX_BODY_BYTES = 64 * 1024;

export type Infer<S> = S extends ZodMiniType ? Output<S> : undefined;

/** One readable sentence from zod issues: "port: port must be from 0 to 65535; protocol: ...". */
export function describeIssues(where: string, error: core.$ZodError, input: unknown): string {
  const parts = error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      const keys = issue.keys.map((key) => `"${key}"`).join(', ');
      return `unknown ${where} field${issue.keys.length > 1 ? 's' : ''} ${keys}: remove ${issue.keys.length > 1 ? 'them' : 'it'}`;
    }
    if (issue.code === 'invalid_type' && valueAt(input, issue.path) === undefined) {
      return `${path} is required in the ${where}`;
    }
    return path && !issue.message.startsWith(path) ? `${path}: ${issue.message}` : issue.message;
  });
  return `Invalid ${where}: ${parts.join('; ')}.`;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = input;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/** `value` validated by `schema` (nothing when the operation has no such part). */
export function parseWith<S extends ZodMiniType | undefined>(
  schema: S,
  value: unknown,
  where: string,
): Infer<S> {
  if (schema === undefined) return undefined as Infer<S>;
  const result = schema.safeParse(value);
  if (!result.success) throw new ValidationError(describeIssues(where, result.error, value));
  return result.data as Infer<S>;
}

/** The query string as one value per name; a name given twice is refused rather than guessed at. */
export function queryObject(url: string): Record<string, string> {
  // No prototype: a key such as `__proto__` or `constructor` must be just an unknown field.
  const query: Record<string, string> = Object.create(null);
  for (const [key, value] of new URL(url).searchParams) {
    if (Object.hasOwn(query, key)) {
      throw new ValidationError(`Query parameter "${key}" was given more than once; give it once.`);
    }
    query[key] = value;
  }
  return query;
}

const TOO_LARGE = `The request body is larger than ${MAX_BODY_BYTES} bytes; send a smaller JSON object.`;

/** The JSON object of the request body; an empty body is `{}` unless the operation requires one. */
export async function readJsonBody(req: Request, required: boolean): Promise<unknown> {
  const declared = Number(req.headers.get('content-length') ?? '0');
  if (declared > MAX_BODY_BYTES) throw new ValidationError(TOO_LARGE);
  const text = await req.text();
  if (Buffer.byteLength(text, 'utf8') > MAX_BODY_BYTES) throw new ValidationError(TOO_LARGE);
  if (text.trim() === '') {
    if (required) throw new ValidationError('The request needs a JSON body, e.g. {"port": 22}.');
    return {};
  }
  return parseJsonObject(text);
}

/** `text` as a JSON object: valid JSON, an object, and no key named twice in any object of it. */
export function parseJsonObject(text: string): object {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ValidationError(
      'The request body is not valid JSON; send a JSON object with content-type application/json.',
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ValidationError('The request body must be a JSON object, e.g. {"dryRun": true}.');
  }
  const duplicate = findDuplicateJsonKey(text);
  if (duplicate !== undefined) {
    throw new ValidationError(`The request body gives "${duplicate}" more than once; give each field once.`, {
      field: duplicate,
    });
  }
  return parsed;
}
