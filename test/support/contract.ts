/**
 * Contract check: a reply of the local server must match the response schema
 * the OpenAPI document gives for that operation and status (errors: the Error
 * schema). Validated with Ajv against the generated document itself.
 */
import Ajv, { type ValidateFunction } from 'ajv';
import type { OpenAPIObject, SchemaObject } from 'openapi3-ts/oas30';
import { buildOpenApiDocument, listOperations } from '../../openapi/build-document';
import { type Rendering, renderingOfPath } from '../../openapi/renderings';

// Both renderings: a path under /assistant is checked against the assistant document.
const documents: Record<Rendering, OpenAPIObject> = {
  rest: buildOpenApiDocument(),
  assistant: buildOpenApiDocument({ rendering: 'assistant' }),
};
const ajv = new Ajv({ strict: false, allErrors: true });
for (const rendering of ['rest', 'assistant'] as const) {
  ajv.addSchema({ components: documents[rendering].components }, rendering);
}
const cache = new Map<string, ValidateFunction>();

function rewriteRefs(schema: unknown, rendering: Rendering): unknown {
  if (Array.isArray(schema)) return schema.map((item) => rewriteRefs(item, rendering));
  if (typeof schema !== 'object' || schema === null) return schema;
  return Object.fromEntries(
    Object.entries(schema).map(([key, value]) => [
      key,
      key === '$ref' && typeof value === 'string' ? `${rendering}${value}` : rewriteRefs(value, rendering),
    ]),
  );
}

function validatorFor(key: string, schema: SchemaObject, rendering: Rendering): ValidateFunction {
  let validate = cache.get(key);
  if (!validate) {
    validate = ajv.compile(rewriteRefs(schema, rendering) as object);
    cache.set(key, validate);
  }
  return validate;
}

function matchOperation(method: string, path: string) {
  const pathname = new URL(path, 'http://local').pathname;
  return listOperations(documents[renderingOfPath(pathname).rendering]).find(
    (entry) =>
      entry.method === method.toLowerCase() &&
      new RegExp(`^${entry.path.replace(/\{\w+\}/g, '[^/]+')}$`).test(pathname),
  );
}

/** Returns a list of problems (empty when the reply matches the document). */
export function contractProblems(method: string, path: string, status: number, body: unknown): string[] {
  const rendering = renderingOfPath(new URL(path, 'http://local').pathname).rendering;
  const entry = matchOperation(method, path);
  let schema: SchemaObject | undefined;
  let key: string;
  if (entry) {
    const response = entry.operation.responses[String(status)] as
      | { content?: Record<string, { schema?: SchemaObject }> }
      | undefined;
    if (!response)
      return [`${method} ${path}: status ${status} is not documented for ${entry.operation.operationId}`];
    schema = response.content?.['application/json']?.schema;
    key = `${entry.path}:${entry.operation.operationId}:${status}`;
  } else {
    if (status < 400) return [];
    schema = { $ref: '#/components/schemas/Error' } as SchemaObject;
    key = 'error';
  }
  if (!schema) return [`${method} ${path}: no JSON schema for status ${status}`];
  const validate = validatorFor(`${rendering}:${key}`, schema, rendering);
  if (validate(body)) return [];
  return (validate.errors ?? []).map(
    (error) => `${method} ${path} ${status}: ${error.instancePath} ${error.message}`,
  );
}
