/**
 * Builds the OpenAPI 3.0 document from the operation registry. The same
 * builder renders the committed `openapi.json` (placeholder server), the
 * local server's `/openapi.json` (its own URL) and the deploy-time document
 * (real API URL plus the OAuth2 authorization-code scheme) that becomes the
 * Q Business plugin payload and the Amazon Quick action connector file.
 */
import { OpenAPIRegistry, OpenApiGeneratorV3 } from '@asteasolutions/zod-to-openapi';
import type { OpenAPIObject, OperationObject, ParameterObject, PathItemObject } from 'openapi3-ts/oas30';
import { type AnyOperation, isBodyRequired, type OperationScope, operations } from './operations';
import { type Rendering, renderedPath } from './renderings';
import { assistantResponseSchema, errorResponseSchema } from './schemas';
// The schemas are zod/mini (for Lambda cold starts); this adapts them to zod-to-openapi, which reads classic zod.
import { openApiObject, openApiSchema } from './zod-mini-openapi';

/** Where the committed document points until a real URL is injected. */
export const PLACEHOLDER_SERVER_URL = 'https://api-id.execute-api.us-east-1.amazonaws.com/prod';

export const API_TITLE = 'AIOps exposure API';
export const API_VERSION = '1.0.0';

/** Name of the OAuth2 security scheme in `components.securitySchemes`. */
export const OAUTH_SCHEME = 'oauth2';

export interface OAuthSettings {
  authorizationUrl: string;
  tokenUrl: string;
  /** Full scope names (Cognito form: `<resource-server-id>/read`). */
  scopes: Record<OperationScope, string>;
}

export interface DocumentOptions {
  /** The API's base URL; a trailing slash (API Gateway's URL has one) is removed. */
  serverUrl?: string;
  oauth?: OAuthSettings;
  /** `rest` (default: REST status codes, for curl and scripts) or `assistant` (outcomes as 200, for chat). */
  rendering?: Rendering;
}

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Bad or missing parameter; the message says what to fix.',
  401: 'Not signed in, or the access token lacks the scope this operation needs (API Gateway answers both with 401).',
  403: 'Not allowed: refused before the operation runs (an invalid request signature; a call that reaches a function without the operation’s scope, which the function refuses itself and, for a change, says who can make it; or on the local server a request from another web origin or host name).',
  404: 'The bucket, instance or recorded change does not exist (in that Region, if one was given).',
  409: 'The previewed change no longer applies (the target changed, the preview expired, or the planId is for another change), or an undo would overwrite a later change (or there is nothing to undo), or the bucket carries the protected tag (this API never changes it); nothing was changed.',
  429: 'Too many requests: the API is throttling; retry after a moment.',
  500: 'Unexpected failure; no internals are returned.',
  502: 'AWS refused or failed; the message names the AWS call and error code.',
};

const SCOPE_DESCRIPTIONS: Record<OperationScope, string> = {
  read: 'Find public buckets and open ports (read-only).',
  remediate: 'Block bucket public access and close ports (changes AWS resources).',
};

/** Statuses the assistant rendering answers as a 200 outcome instead (see openapi/renderings.ts). */
const OUTCOME_STATUSES: ReadonlySet<number> = new Set([400, 404, 409, 502]);

function errorStatusesFor(operation: AnyOperation, secured: boolean, rendering: Rendering): number[] {
  // 403 everywhere: deployed, a missing scope; locally, a cross-site request the server refuses.
  const statuses = new Set<number>([...operation.errorStatuses, 403, 429, 500]);
  if (secured) statuses.add(401);
  if (rendering === 'assistant') for (const status of OUTCOME_STATUSES) statuses.delete(status);
  return [...statuses].sort((a, b) => a - b);
}

const SUCCESS_DESCRIPTION: Record<Rendering, string> = {
  rest: 'Success. `summary` is one paragraph for a person; the other fields are structured.',
  assistant:
    'Every outcome a user can act on. `outcome` says which: done (the answer), notFound, invalidRequest, refused, ' +
    'partial or failed (then `error` says what and how to fix it). Always show the user `summary`.',
};

/** Removes a trailing slash so `servers[0].url + path` never doubles it. */
export function normaliseServerUrl(url: string): string {
  return url.replace(/\/+$/, '');
}

/** The OpenAPI 3.0 document of every operation; `options` sets the server URL and adds the OAuth2 scheme. */
export function buildOpenApiDocument(options: DocumentOptions = {}): OpenAPIObject {
  const registry = new OpenAPIRegistry();
  const errorSchema = openApiSchema(errorResponseSchema());
  const secured = options.oauth !== undefined;
  const rendering = options.rendering ?? 'rest';

  for (const operation of operations) {
    const errorResponses = Object.fromEntries(
      errorStatusesFor(operation, secured, rendering).map((status) => [
        status,
        {
          description: ERROR_DESCRIPTIONS[status] ?? 'Error',
          content: { 'application/json': { schema: errorSchema } },
        },
      ]),
    );
    const { query, params, body } = operation.request;
    registry.registerPath({
      method: operation.method,
      path: renderedPath(operation.path, rendering),
      operationId: operation.operationId,
      summary: operation.summary,
      description: operation.description,
      tags: [
        operation.path.startsWith('/s3') ? 'S3' : operation.path.startsWith('/changes') ? 'Changes' : 'EC2',
      ],
      request: {
        ...(query ? { query: openApiObject(query) } : {}),
        ...(params ? { params: openApiObject(params) } : {}),
        ...(body
          ? {
              body: {
                description: 'Options for the change, as a JSON object.',
                required: isBodyRequired(operation),
                content: { 'application/json': { schema: openApiSchema(body) } },
              },
            }
          : {}),
      },
      responses: {
        200: {
          description: SUCCESS_DESCRIPTION[rendering],
          content: {
            'application/json': {
              schema: openApiSchema(
                rendering === 'assistant' ? assistantResponseSchema(operation.response) : operation.response,
              ),
            },
          },
        },
        ...errorResponses,
      },
      ...(secured && options.oauth
        ? { security: [{ [OAUTH_SCHEME]: [options.oauth.scopes[operation.scope]] }] }
        : {}),
    });
  }

  if (options.oauth) {
    registry.registerComponent('securitySchemes', OAUTH_SCHEME, {
      type: 'oauth2',
      description: 'Sign in with the API’s Amazon Cognito user pool (OAuth 2.0 authorization code).',
      flows: {
        authorizationCode: {
          authorizationUrl: options.oauth.authorizationUrl,
          tokenUrl: options.oauth.tokenUrl,
          scopes: {
            [options.oauth.scopes.read]: SCOPE_DESCRIPTIONS.read,
            [options.oauth.scopes.remediate]: SCOPE_DESCRIPTIONS.remediate,
          },
        },
      },
    });
  }

  const document = new OpenApiGeneratorV3(registry.definitions).generateDocument({
    openapi: '3.0.3',
    info: {
      title: API_TITLE,
      version: API_VERSION,
      description:
        'Finds and fixes two common AWS exposures in one account, across every enabled Region: S3 buckets that are ' +
        'publicly accessible (and blocking their public access), and EC2 instances with a port open to the internet ' +
        '(and closing that port). Reads change nothing; writes support dryRun and return the AWS CLI commands that undo them.' +
        (rendering === 'assistant'
          ? ' This is the rendering for chat assistants: every outcome a user can act on (not found, a request to fix, a refusal, ' +
            'a half-applied change) answers 200 with `outcome`, `summary` and `error`, so the assistant can show it.'
          : ''),
    },
    servers: [{ url: normaliseServerUrl(options.serverUrl ?? PLACEHOLDER_SERVER_URL) }],
    tags: [
      { name: 'S3', description: 'Publicly accessible buckets.' },
      { name: 'EC2', description: 'Ports open to the internet.' },
    ],
  });
  return labelParameters(stripEmptyComponents(document));
}

/** The confirmation-form label Amazon Q Business reads on a parameter (and inside a body schema's properties). */
export const FORM_DISPLAY_NAME = 'x-amzn-form-display-name';

/**
 * Q Business reads `x-amzn-form-display-name` "at parameter level": the generator leaves it inside the
 * parameter's schema (where the registry declares it), so it is copied onto the parameter object too.
 */
function labelParameters(document: OpenAPIObject): OpenAPIObject {
  for (const { operation } of listOperations(document)) {
    for (const parameter of (operation.parameters ?? []) as ParameterObject[]) {
      const label = (parameter.schema as Record<string, unknown> | undefined)?.[FORM_DISPLAY_NAME];
      if (typeof label === 'string') parameter[FORM_DISPLAY_NAME] = label;
    }
  }
  return document;
}

function stripEmptyComponents(document: OpenAPIObject): OpenAPIObject {
  const components = Object.fromEntries(
    Object.entries(document.components ?? {}).filter(([, value]) => Object.keys(value ?? {}).length > 0),
  );
  return { ...document, components };
}

/** Pretty JSON with a trailing newline, as committed. */
export function renderOpenApiJson(document: OpenAPIObject): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

/** All operation objects of a document with their path and method (for tests and checks). */
export function listOperations(
  document: OpenAPIObject,
): Array<{ path: string; method: string; operation: OperationObject }> {
  const found: Array<{ path: string; method: string; operation: OperationObject }> = [];
  for (const [path, item] of Object.entries(document.paths ?? {}) as Array<[string, PathItemObject]>) {
    for (const method of ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const) {
      const operation = item[method];
      if (operation) found.push({ path, method, operation });
    }
  }
  return found;
}
