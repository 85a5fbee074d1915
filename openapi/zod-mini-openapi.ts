/**
 * Lets @asteasolutions/zod-to-openapi 9.1.0 read the `zod/mini` schemas of openapi/schemas.ts.
 *
 * The schemas are mini because every Lambda loads them at cold start, but zod-to-openapi is written
 * against classic zod: besides the internals every zod schema has (`_zod.def`, `_zod.parent`, the global
 * registry), it calls classic-only members. This module hands it, in place of each mini schema, a frozen
 * read-only view that has those members. The view supplies, for every schema:
 *   - `def` and `_zod.def`: the schema's definition, with child schemas (`shape` entries, `element`,
 *     `innerType`, `in`, `out`, `catchall`) replaced by their views, so nested schemas get the members too;
 *   - `_zod.parent`: the schema's own parent. It is load-bearing: zod-to-openapi turns a `meta({ id })`
 *     into a `$ref` only when its own registry lookup, which walks the parent chain, finds a parent;
 *   - `meta()`: the schema's metadata in zod's global registry, what classic's `meta()` returns (every
 *     description, example and `x-amzn-*` extension of the document comes from here);
 *   - `safeParse(value)`: the schema's own parse (zod-to-openapi decides `required` and `nullable` with it);
 * and, for strings, `format`, `minLength` and `maxLength`, for numbers `format` ('safeint' is what turns
 * "number" into "integer"): the values of classic's derived getters.
 *
 * Views, not patched prototypes: nothing global changes, and the schemas the Lambdas parse with are never
 * touched. Only the kinds of schema the API uses are accepted; any other kind throws, because
 * zod-to-openapi reads further classic members for some (`unwrap()` inside unions, `keyType` and
 * `valueType` of records) that this module does not supply.
 *
 * Only the document builder (build-document.ts) imports this module; a test checks that no Lambda bundle
 * contains it. After any upgrade of zod-to-openapi or zod, re-run the drift test (test/openapi: the
 * committed openapi.json must equal a fresh build): that is what proves these members are still all it reads.
 */

import type { ZodObject, ZodType } from 'zod';
import { type $ZodChecks, type $ZodObject, $ZodType, globalRegistry, safeParse } from 'zod/v4/core';

/** The schema kinds (`def.type`) of openapi/schemas.ts, for which the members above are all zod-to-openapi reads. */
const SUPPORTED_KINDS = new Set([
  'array',
  'boolean',
  'enum',
  'never',
  'nullable',
  'number',
  'object',
  'optional',
  'pipe',
  'string',
  'transform',
  'unknown',
]);

/** Definition keys that hold one child schema. */
const CHILD_KEYS = ['element', 'innerType', 'in', 'out', 'catchall'] as const;

// One view per schema: a schema used in several places (e.g. `limitSchema`) is the same view everywhere.
const views = new WeakMap<$ZodType, object>();

/**
 * The view of a schema, typed as the classic schema zod-to-openapi's signatures ask for. It is not one:
 * it has only the members listed at the top, which is all the generator reads; the drift test proves it.
 */
export function openApiSchema(schema: $ZodType): ZodType {
  return viewOf(schema) as unknown as ZodType;
}

/** {@link openApiSchema} for an object schema, as request `query` and `params` take. */
export function openApiObject(schema: $ZodObject): ZodObject {
  return viewOf(schema) as unknown as ZodObject;
}

function viewOf(schema: $ZodType): object {
  const known = views.get(schema);
  if (known) return known;
  const kind = schema._zod.def.type;
  if (!SUPPORTED_KINDS.has(kind)) {
    throw new Error(
      `openapi/zod-mini-openapi.ts does not support zod schemas of kind "${kind}": add what ` +
        'zod-to-openapi reads for it, then check the document with the drift test.',
    );
  }
  // Registered before the children are viewed, so a schema that contains itself would end, not recurse forever.
  const view: Record<string, unknown> = {};
  views.set(schema, view);
  const def = viewDefinition(schema);
  Object.assign(view, {
    def,
    _zod: Object.freeze({ def, parent: schema._zod.parent }),
    meta: () => globalRegistry.get(schema),
    safeParse: (value: unknown) => safeParse(schema, value),
    ...derivedGetters(schema),
  });
  return Object.freeze(view);
}

/** A copy of the schema's definition whose child schemas are views. */
function viewDefinition(schema: $ZodType): Readonly<Record<string, unknown>> {
  // Spreading reads every own property, including an object's lazily computed `shape`.
  const def: Record<string, unknown> = { ...schema._zod.def };
  for (const key of CHILD_KEYS) {
    const child = def[key];
    if (child instanceof $ZodType) def[key] = viewOf(child);
  }
  const shape = def.shape;
  if (typeof shape === 'object' && shape !== null) {
    def.shape = Object.freeze(
      Object.fromEntries(
        Object.entries(shape).map(([key, child]) => [key, child instanceof $ZodType ? viewOf(child) : child]),
      ),
    );
  }
  return Object.freeze(def);
}

/** Classic's derived getters that zod-to-openapi reads: `format` on numbers; `format`, `minLength`, `maxLength` on strings. */
function derivedGetters(schema: $ZodType): Record<string, string | number | null> {
  const kind = schema._zod.def.type;
  if (kind !== 'number' && kind !== 'string') return {};
  const { format, minimum, maximum } = aggregateChecks(schema);
  if (kind === 'number') return { format };
  return { format, minLength: minimum, maxLength: maximum };
}

interface CheckAggregate {
  format: string | null;
  minimum: number | null;
  maximum: number | null;
}

/**
 * What classic's getters compute with zod's internal `aggregateChecks` (not exported), for the three
 * values read here: the last format, the largest minimum and the smallest maximum length over the
 * schema's checks, then whatever checks left in the schema's bag.
 */
function aggregateChecks(schema: $ZodType): CheckAggregate {
  const aggregate: CheckAggregate = { format: null, minimum: null, maximum: null };
  const narrowMinimum = (value: number) => {
    if (aggregate.minimum === null || value > aggregate.minimum) aggregate.minimum = value;
  };
  const narrowMaximum = (value: number) => {
    if (aggregate.maximum === null || value < aggregate.maximum) aggregate.maximum = value;
  };
  const { def, bag, traits } = schema._zod;
  // A format schema (mini's `int()`, `email()`) is also a check, and counts as its own first one, as in zod.
  const self = traits.has('$ZodCheck') ? [schema as unknown as $ZodChecks] : [];
  const checks = [...self, ...((def.checks ?? []) as $ZodChecks[])];
  for (const check of checks) {
    const checkDef = check._zod.def;
    switch (checkDef.check) {
      case 'number_format':
      case 'string_format':
        aggregate.format = checkDef.format;
        break;
      case 'min_length':
        narrowMinimum(checkDef.minimum);
        break;
      case 'max_length':
        narrowMaximum(checkDef.maximum);
        break;
      case 'length_equals':
        narrowMinimum(checkDef.length);
        narrowMaximum(checkDef.length);
        break;
    }
  }
  if (typeof bag.minimum === 'number') narrowMinimum(bag.minimum);
  if (typeof bag.maximum === 'number') narrowMaximum(bag.maximum);
  if (aggregate.format === null && typeof bag.format === 'string') aggregate.format = bag.format;
  return aggregate;
}
