/**
 * The operation registry rendered as Model Context Protocol tools: one tool per operation, named by its
 * operationId, with its summary as title, its description, a JSON Schema of its arguments (path, query and
 * body fields side by side in one object, as a tool call carries them) and of its result, and annotations
 * that tell a client which tools only read. The argument schema that validates a call is the same zod
 * schema the JSON Schema is rendered from, so the listing and the validation cannot drift.
 *
 * No zod-to-openapi here: the MCP Lambda loads this module, and zod's own JSON Schema renderer reads the
 * mini schemas (and their descriptions in zod's global registry) directly.
 */
import { strictObject, type ZodMiniObject } from 'zod/mini';
import { toJSONSchema } from 'zod/v4/core';
import { type AnyOperation, type OperationScope, operations } from './operations';

/** A JSON Schema object, as MCP's `inputSchema` and `outputSchema` carry it. */
export type JsonSchemaObject = { type: 'object'; [keyword: string]: unknown };

/** MCP tool annotations (hints a client may use to decide when to ask the user first). */
export interface ToolAnnotations {
  title: string;
  readOnlyHint: boolean;
  destructiveHint: boolean;
  idempotentHint: boolean;
  openWorldHint: boolean;
}

/** The fields of one MCP `Tool` in a `tools/list` answer. */
export interface McpToolDefinition {
  name: string;
  title: string;
  description: string;
  inputSchema: JsonSchemaObject;
  outputSchema: JsonSchemaObject;
  annotations: ToolAnnotations;
}

/** Which part of the HTTP request each argument belongs to, so a tool call reaches the handler as a request would. */
export type ArgumentPart = 'params' | 'query' | 'body';

export interface McpTool {
  operation: AnyOperation;
  scope: OperationScope;
  /** The tool's arguments: every path, query and body field in one strict object. */
  argumentsSchema: ZodMiniObject;
  /** The request part each argument name belongs to. */
  partOf: ReadonlyMap<string, ArgumentPart>;
  /** The `tools/list` entry, rendered the first time it is read. */
  readonly definition: McpToolDefinition;
}

const PARTS: readonly ArgumentPart[] = ['params', 'query', 'body'];

/** The tool of one operation. */
export function toolOf(operation: AnyOperation): McpTool {
  const shape: Record<string, ZodMiniObject['shape'][string]> = {};
  const partOf = new Map<string, ArgumentPart>();
  for (const part of PARTS) {
    const schema = operation.request[part];
    if (!schema) continue;
    for (const [name, field] of Object.entries(schema.shape)) {
      if (partOf.has(name)) {
        throw new Error(`${operation.operationId}: argument "${name}" appears in two request parts.`);
      }
      shape[name] = field;
      partOf.set(name, part);
    }
  }
  const argumentsSchema = strictObject(shape);
  let definition: McpToolDefinition | undefined;
  return {
    operation,
    scope: operation.scope,
    argumentsSchema,
    partOf,
    get definition() {
      definition ??= renderDefinition(operation, argumentsSchema);
      return definition;
    },
  };
}

/** Every operation's tool, in registry order. */
export function mcpTools(): McpTool[] {
  return operations.map(toolOf);
}

function renderDefinition(operation: AnyOperation, argumentsSchema: ZodMiniObject): McpToolDefinition {
  const reads = operation.scope === 'read';
  const previews = operation.request.body?.shape.dryRun !== undefined;
  return {
    name: operation.operationId,
    title: operation.summary,
    description: reads
      ? operation.description
      : `${operation.description}${previews ? ' Call it with dryRun true first and show the user the preview.' : ''}`,
    // Query strings arrive as text over HTTP; the schema's input side would say "anything" for those fields.
    // Their output side is what a tool call must send: a JSON number, not a digit string.
    inputSchema: jsonSchemaOf(argumentsSchema, 'output'),
    outputSchema: jsonSchemaOf(operation.response, 'output'),
    annotations: {
      title: operation.summary,
      // Reads change nothing. A change is not destructive in MCP's sense (nothing is deleted, dryRun previews
      // it, undo[] reverses it), but a client should still ask first, which destructiveHint says best.
      readOnlyHint: reads,
      destructiveHint: !reads,
      // Calling a change again makes no write and answers changed: false.
      idempotentHint: true,
      // The tools act on the caller's AWS account, a world outside this server.
      openWorldHint: true,
    },
  };
}

/**
 * zod's JSON Schema of a schema, made plain for MCP clients: the root inlined (a schema with a metadata `id`
 * renders as a `$ref` into `$defs`, but MCP asks for `"type": "object"` at the root), no `$schema` (MCP's
 * default dialect is 2020-12, and these keywords mean the same in draft-07), OpenAPI's `example` turned
 * into JSON Schema's `examples`, and the `x-amzn-*` form hints of the Q Business plugin left out.
 */
export function jsonSchemaOf(schema: ZodMiniObject, io: 'input' | 'output'): JsonSchemaObject {
  const rendered = toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as Record<
    string,
    unknown
  >;
  const defs = (rendered.$defs ?? {}) as Record<string, Record<string, unknown>>;
  const ref = typeof rendered.$ref === 'string' ? /^#\/\$defs\/(.+)$/.exec(rendered.$ref)?.[1] : undefined;
  const { $schema: _dialect, $ref: _ref, $defs: _defs, ...rest } = rendered;
  const root = ref ? { ...defs[ref], ...rest } : rest;
  const otherDefs = Object.fromEntries(Object.entries(defs).filter(([name]) => name !== ref));
  const plain = plainKeywords({
    ...root,
    ...(Object.keys(otherDefs).length > 0 ? { $defs: otherDefs } : {}),
  }) as Record<string, unknown>;
  if (plain.type !== 'object') throw new Error('An MCP tool schema must describe a JSON object.');
  return plain as JsonSchemaObject;
}

function plainKeywords(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plainKeywords);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    if (key.startsWith('x-amzn-')) continue;
    if (key === 'example') {
      out.examples = [child];
      continue;
    }
    // Property names are data, not keywords: keep every one, cleaning only the schemas under them.
    out[key] =
      key === 'properties' && typeof child === 'object' && child !== null
        ? Object.fromEntries(Object.entries(child).map(([name, sub]) => [name, plainKeywords(sub)]))
        : plainKeywords(child);
  }
  return out;
}
