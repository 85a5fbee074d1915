/**
 * The generated OpenAPI document: committed copy in sync, Amazon Q Business /
 * Amazon Quick rules, a real validator's verdict, and the deploy-time rendering.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { OpenAPIObject, ParameterObject, SchemaObject } from 'openapi3-ts/oas30';
import {
  buildOpenApiDocument,
  listOperations,
  OAUTH_SCHEME,
  PLACEHOLDER_SERVER_URL,
  renderOpenApiJson,
} from '../../openapi/build-document';
import {
  COMMITTED_ASSISTANT_DOCUMENT,
  COMMITTED_DOCUMENT,
  optionsFromStackOutputs,
} from '../../openapi/generate';
import { operations } from '../../openapi/operations';
import { startTestApi } from '../support/local-api';

const OAUTH = {
  authorizationUrl: 'https://aiops-123.auth.us-east-1.amazoncognito.com/oauth2/authorize',
  tokenUrl: 'https://aiops-123.auth.us-east-1.amazoncognito.com/oauth2/token',
  scopes: { read: 'aiops-exposure-api/read', remediate: 'aiops-exposure-api/remediate' },
};

const committed = readFileSync(COMMITTED_DOCUMENT, 'utf8');
const document = JSON.parse(committed) as OpenAPIObject;
const committedAssistant = readFileSync(COMMITTED_ASSISTANT_DOCUMENT, 'utf8');
const assistantDocument = JSON.parse(committedAssistant) as OpenAPIObject;
const deployed = buildOpenApiDocument({
  serverUrl: 'https://abc123.execute-api.us-east-1.amazonaws.com/prod/',
  oauth: OAUTH,
});
/** What the Q Business plugin registers and `npm run openapi -- --stack` writes for Amazon Quick. */
const deployedAssistant = buildOpenApiDocument({
  serverUrl: 'https://abc123.execute-api.us-east-1.amazonaws.com/prod/',
  oauth: OAUTH,
  rendering: 'assistant',
});

function resolveRef(doc: OpenAPIObject, schema: SchemaObject | { $ref: string }): SchemaObject {
  if ('$ref' in schema) {
    const name = schema.$ref.replace('#/components/schemas/', '');
    return doc.components?.schemas?.[name] as SchemaObject;
  }
  return schema;
}

/** Every (name, schema) pair in the request: parameters and body properties. */
function requestFields(doc: OpenAPIObject) {
  const fields: Array<{
    operationId: string;
    method: string;
    name: string;
    where: string;
    schema: SchemaObject;
    param?: ParameterObject;
  }> = [];
  for (const { method, operation } of listOperations(doc)) {
    for (const parameter of (operation.parameters ?? []) as ParameterObject[]) {
      fields.push({
        operationId: operation.operationId ?? '',
        method,
        name: parameter.name,
        where: parameter.in,
        schema: parameter.schema as SchemaObject,
        param: parameter,
      });
    }
    const body = operation.requestBody as { content?: Record<string, { schema: SchemaObject }> } | undefined;
    const bodySchema = body?.content?.['application/json']?.schema;
    if (bodySchema) {
      for (const [name, schema] of Object.entries(resolveRef(doc, bodySchema).properties ?? {})) {
        fields.push({
          operationId: operation.operationId ?? '',
          method,
          name,
          where: 'body',
          schema: schema as SchemaObject,
        });
      }
    }
  }
  return fields;
}

function keysDeep(value: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const item of value) keysDeep(item, found);
  else if (typeof value === 'object' && value !== null) {
    for (const [key, inner] of Object.entries(value)) {
      found.add(key);
      keysDeep(inner, found);
    }
  }
  return found;
}

describe.each([
  ['openapi/openapi.json', committed, 'rest'],
  ['openapi/openapi.assistant.json', committedAssistant, 'assistant'],
] as const)('committed %s', (file, text, rendering) => {
  it('equals a fresh build (regenerate with `npm run openapi`)', () => {
    // Act
    const fresh = renderOpenApiJson(buildOpenApiDocument({ rendering }));

    // Assert
    if (fresh !== text) {
      throw new Error(
        `${file} is out of date with the operation registry: run \`npm run openapi\` and commit it.`,
      );
    }
  });
});

describe.each([
  ['committed REST document', document, ''],
  ['deploy-time REST document', deployed, ''],
  ['committed assistant document', assistantDocument, '/assistant'],
  ['deploy-time assistant document', deployedAssistant, '/assistant'],
])('Amazon Q Business / Amazon Quick rules: %s', (_name, doc, prefix) => {
  const entries = listOperations(doc);

  // Q Business service quotas: "Actions: maximum number of operations per plugin: 20", not adjustable.
  it('is OpenAPI 3.0.x JSON under 1 MB with 1-20 operations and a server', () => {
    expect(doc.openapi).toMatch(/^3\.0\.\d+$/);
    expect(Buffer.byteLength(renderOpenApiJson(doc))).toBeLessThan(1024 * 1024);
    expect(entries.length).toBeGreaterThanOrEqual(1);
    expect(entries.length).toBeLessThanOrEqual(20);
    expect(doc.servers?.[0]?.url).toMatch(/^https:\/\/[^ ]+[^/]$/);
  });

  it('names the operations exactly as api.md does', () => {
    expect(
      entries.map(
        (e) => `${e.method.toUpperCase()} ${e.path.slice(prefix.length)} ${e.operation.operationId}`,
      ),
    ).toEqual([
      'GET /s3/public-buckets findS3BucketsWithPublicAccess',
      'GET /s3/buckets/{bucketName}/block-public-access/preview previewRemovePublicAccessFromS3Bucket',
      'POST /s3/buckets/{bucketName}/block-public-access removePublicAccessFromS3Bucket',
      'GET /ec2/instances-with-open-port findEc2InstancesWithOpenPort',
      'GET /ec2/instances/{instanceId}/close-port/preview previewCloseUnwantedPortForEc2Instance',
      'POST /ec2/instances/{instanceId}/close-port closeUnwantedPortForEc2Instance',
      'GET /changes listChanges',
      'GET /changes/{changeId}/undo previewUndoOfChange',
      'POST /changes/{changeId}/undo applyUndoOfChange',
    ]);
  });

  it('stays under Q Business’s limit of 20 operations per plugin', () => {
    expect(entries.length).toBeLessThanOrEqual(20);
  });

  it.each(operations.map((o) => [o.operationId, o.method]))(
    '%s has a summary and a description written for a language model',
    (operationId, method) => {
      const { operation } = entries.find((e) => e.operation.operationId === operationId) ?? {};
      expect(operation?.summary?.length).toBeGreaterThan(10);
      const description = operation?.description ?? '';
      expect(description).toMatch(/Use this (to|when)/); // when to use it
      expect(description).toMatch(/returns/i); // what it returns
      expect(description).toMatch(/"[^"]+\?"|e\.g\. "[^"]+"/); // an example question or request
      if (method === 'post') {
        expect(description).toMatch(/undo/i); // reversible
        expect(description).toMatch(/dryRun/); // can be previewed
        expect(description).toMatch(/preview\w+.*planId/); // the assistant previews, then applies the planId
      } else {
        expect(description).toMatch(/changes nothing/);
      }
    },
  );

  it('gives every parameter and body field a description and an example', () => {
    const fields = requestFields(doc);
    expect(fields.length).toBeGreaterThanOrEqual(8);
    for (const field of fields) {
      const label = `${field.operationId} ${field.where} ${field.name}`;
      expect([label, Boolean(field.param?.description ?? field.schema.description)]).toEqual([label, true]);
      expect([label, field.schema.example !== undefined]).toEqual([label, true]);
    }
  });

  it('labels write inputs for the confirmation form and closes enums', () => {
    for (const field of requestFields(doc)) {
      const label = `${field.operationId} ${field.where} ${field.name}`;
      if (field.method === 'post') {
        expect([label, typeof field.schema['x-amzn-form-display-name']]).toEqual([label, 'string']);
        // Q Business reads the label of a parameter on the parameter object itself.
        if (field.param) {
          expect([label, field.param['x-amzn-form-display-name']]).toEqual([
            label,
            field.schema['x-amzn-form-display-name'],
          ]);
        }
      }
      if (field.name === 'protocol') expect(field.schema.enum).toEqual(['tcp', 'udp']);
    }
  });

  it('reads are GET with parameters only; writes are POST with a JSON body', () => {
    for (const { method, operation } of entries) {
      if (method === 'get') expect(operation.requestBody).toBeUndefined();
      else {
        expect(method).toBe('post');
        expect(Object.keys((operation.requestBody as { content: object }).content)).toEqual([
          'application/json',
        ]);
      }
    }
  });

  it('uses no combinators anywhere, and no arrays in requests', () => {
    const allKeys = keysDeep(doc);
    for (const combinator of ['oneOf', 'anyOf', 'allOf', 'not']) expect(allKeys.has(combinator)).toBe(false);
    for (const field of requestFields(doc)) expect(field.schema.type).not.toBe('array');
  });

  it('documents full 200 schemas with summary; errors with the error schema, or as outcomes for assistants', () => {
    for (const { path, operation } of entries) {
      expect(path.startsWith(`${prefix}/`)).toBe(true);
      const ok = (operation.responses['200'] as { content: Record<string, { schema: SchemaObject }> })
        .content['application/json']?.schema as SchemaObject;
      const schema = resolveRef(doc, ok);
      expect(schema.required).toContain('summary');
      expect(Object.keys(schema.properties ?? {}).length).toBeGreaterThan(5);
      const registry = operations.find((o) => o.operationId === operation.operationId);
      if (prefix === '') {
        for (const status of registry?.errorStatuses ?? []) {
          const error = operation.responses[String(status)] as {
            content: Record<string, { schema: { $ref: string } }>;
          };
          expect(error.content['application/json']?.schema.$ref).toBe('#/components/schemas/Error');
        }
      } else {
        // Q Business shows users only 2xx: every outcome they can act on is a 200 with outcome and error.
        expect([...(schema.required ?? [])].sort()).toEqual(['outcome', 'summary']);
        expect((schema.properties?.outcome as SchemaObject | undefined)?.enum).toEqual([
          'done',
          'notFound',
          'invalidRequest',
          'refused',
          'partial',
          'failed',
        ]);
        expect(schema.properties?.error).toBeDefined();
        for (const status of ['400', '404', '409', '502'])
          expect(operation.responses[status]).toBeUndefined();
        expect(operation.responses['403']).toBeDefined();
      }
    }
  });
});

describe('validation by @seriousme/openapi-schema-validator', () => {
  // The validator reads a file: each test writes its document to a temporary directory, removed afterwards.
  const directories: string[] = [];
  const tempFile = () => {
    const directory = mkdtempSync(join(tmpdir(), 'openapi-'));
    directories.push(directory);
    return join(directory, 'doc.json');
  };
  afterEach(() => {
    for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
  });

  it.each([
    ['committed', committed],
    ['deploy-time', renderOpenApiJson(deployed)],
    ['committed assistant', committedAssistant],
    ['deploy-time assistant', renderOpenApiJson(deployedAssistant)],
  ])('finds no error in the %s document', (_name, text) => {
    // Arrange
    const file = tempFile();
    writeFileSync(file, text);

    // Act: the validator is ESM-only, so it runs in its own Node process
    const output = execFileSync(
      process.execPath,
      [resolve(__dirname, '../support/validate-openapi.mjs'), file],
      {
        encoding: 'utf8',
      },
    );

    // Assert
    const verdict = JSON.parse(output);
    expect(verdict.errors).toEqual([]);
    expect(verdict).toMatchObject({ valid: true, version: '3.0' });
  });

  it('rejects a broken document (the check can fail)', () => {
    const file = tempFile();
    writeFileSync(file, JSON.stringify({ ...document, paths: { '/x': { get: { responses: 'none' } } } }));
    const output = execFileSync(
      process.execPath,
      [resolve(__dirname, '../support/validate-openapi.mjs'), file],
      {
        encoding: 'utf8',
      },
    );
    expect(JSON.parse(output).valid).toBe(false);
  });
});

describe('deploy-time rendering', () => {
  it('points at the real API without a trailing slash', () => {
    expect(deployed.servers).toEqual([{ url: 'https://abc123.execute-api.us-east-1.amazonaws.com/prod' }]);
    expect(document.servers).toEqual([{ url: PLACEHOLDER_SERVER_URL }]);
  });

  it('declares the OAuth2 authorization-code scheme with Cognito URLs and scopes', () => {
    expect(deployed.components?.securitySchemes?.[OAUTH_SCHEME]).toMatchObject({
      type: 'oauth2',
      flows: {
        authorizationCode: {
          authorizationUrl: OAUTH.authorizationUrl,
          tokenUrl: OAUTH.tokenUrl,
          scopes: { [OAUTH.scopes.read]: expect.any(String), [OAUTH.scopes.remediate]: expect.any(String) },
        },
      },
    });
    expect(document.components?.securitySchemes).toBeUndefined();
  });

  it('requires read on GET and remediate on POST', () => {
    for (const { method, operation } of listOperations(deployed)) {
      const scope = method === 'get' ? OAUTH.scopes.read : OAUTH.scopes.remediate;
      expect(operation.security).toEqual([{ [OAUTH_SCHEME]: [scope] }]);
      expect(operation.responses['401']).toBeDefined();
    }
  });

  it('is built from the deployed stack’s outputs, naming a missing one', () => {
    const outputs = {
      ApiUrl: 'https://abc123.execute-api.us-east-1.amazonaws.com/prod/',
      OAuthAuthorizeUrl: OAUTH.authorizationUrl,
      OAuthTokenUrl: OAUTH.tokenUrl,
      ScopeRead: OAUTH.scopes.read,
      ScopeRemediate: OAUTH.scopes.remediate,
    };
    expect(buildOpenApiDocument(optionsFromStackOutputs('S', outputs))).toEqual(deployed);
    const { ScopeRead: _omitted, ...missing } = outputs;
    expect(() => optionsFromStackOutputs('S', missing)).toThrow(/no output ScopeRead/);
  });
});

describe('GET /openapi.json on the local server', () => {
  it('serves the document with its own URL as the server', async () => {
    const api = await startTestApi();
    try {
      const reply = await api.call('GET', '/openapi.json');
      expect(reply.status).toBe(200);
      expect(reply.body.servers).toEqual([{ url: api.url }]);
      expect(reply.body.paths).toEqual(document.paths);
      const assistant = await api.call('GET', '/openapi.assistant.json');
      expect(assistant.status).toBe(200);
      expect(assistant.body.servers).toEqual([{ url: api.url }]);
      expect(assistant.body.paths).toEqual(assistantDocument.paths);
    } finally {
      await api.close();
    }
  });
});
