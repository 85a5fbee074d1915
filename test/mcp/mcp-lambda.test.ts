/**
 * The MCP Lambda entry (functions/mcp.ts) with API Gateway events as the Cognito authorizer passes them:
 * each tool held to its operation's scope from the verified claims (hidden from tools/list, refused with
 * why), bad arguments answered before any AWS client exists, and the RFC 9728 metadata.
 */
import type { Context } from 'aws-lambda';
import { lambdaEc2Deps } from '../../functions/handlers/lambda-ec2-deps';
import { handler } from '../../functions/mcp';
import { operations } from '../../openapi/operations';
import { apiGatewayEvent } from '../support/api-gateway-event';

// Stands in for the EC2 clients of the Lambda: the tests see whether, and when, the function builds them.
jest.mock('../../functions/handlers/lambda-ec2-deps', () => ({
  lambdaEc2Deps: jest.fn(() => {
    throw new Error('no AWS in this test');
  }),
}));

const SCOPES = { read: 'aiops-exposure-api/read', remediate: 'aiops-exposure-api/remediate' };
const ISSUER = 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123';
const DOMAIN = 'a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com';

const context = {
  awsRequestId: 'lambda-request',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:mcp',
  getRemainingTimeInMillis: () => 28_000,
} as unknown as Context;

function mcpEvent(message: unknown, scope: string | undefined, method = 'POST') {
  const event = apiGatewayEvent(method, '/mcp', {
    body: JSON.stringify(message),
    requestContext: {
      domainName: DOMAIN,
      path: '/prod/mcp',
      ...(scope === undefined
        ? {}
        : { authorizer: { claims: { scope, sub: 'user-sub', username: 'alice' } } }),
    },
  });
  event.headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
  return event;
}

// biome-ignore lint/suspicious/noExplicitAny: JSON-RPC replies are inspected field by field
async function rpc(method: string, params: unknown, scope: string | undefined): Promise<any> {
  const result = await handler(mcpEvent({ jsonrpc: '2.0', id: 7, method, params }, scope), context);
  expect(result.statusCode).toBe(200);
  return JSON.parse(result.body);
}

const readTools = operations.filter((o) => o.scope === 'read').map((o) => o.operationId);
const changeTools = operations.filter((o) => o.scope === 'remediate').map((o) => o.operationId);

describe('the MCP function with the Cognito scopes configured', () => {
  beforeEach(() => {
    process.env.OAUTH_SCOPE_READ = SCOPES.read;
    process.env.OAUTH_SCOPE_REMEDIATE = SCOPES.remediate;
    process.env.OAUTH_ISSUER = ISSUER;
  });
  afterEach(() => {
    jest.mocked(lambdaEc2Deps).mockClear();
    delete process.env.OAUTH_SCOPE_READ;
    delete process.env.OAUTH_SCOPE_REMEDIATE;
    delete process.env.OAUTH_ISSUER;
  });

  it.each([
    ['read only', SCOPES.read, readTools],
    ['remediate only', SCOPES.remediate, changeTools],
    ['read and remediate', `openid ${SCOPES.read} ${SCOPES.remediate}`, operations.map((o) => o.operationId)],
  ])('lists the tools a token with %s allows', async (_name, scope, expected) => {
    // Act
    const reply = await rpc('tools/list', {}, scope);

    // Assert
    expect(reply.result.tools.map((tool: { name: string }) => tool.name)).toEqual(expected);
  });

  it('refuses a change tool to a read-only token, saying which scope it needs', async () => {
    // Act
    const reply = await rpc(
      'tools/call',
      { name: 'closeUnwantedPortForEc2Instance', arguments: { instanceId: 'i-0b8bfaa60ede5b648', port: 22 } },
      SCOPES.read,
    );

    // Assert
    expect(reply.result.isError).toBe(true);
    expect(reply.result.content[0].text).toBe(
      'The access token does not allow closeUnwantedPortForEc2Instance: changes need the remediate scope. Ask an operator to grant it, or use the read-only tools.',
    );
    expect(JSON.parse(reply.result.content[1].text).error.code).toBe('Forbidden');
    expect(lambdaEc2Deps).not.toHaveBeenCalled();
  });

  it('answers bad arguments with the validation sentence before any AWS client is built', async () => {
    // Act
    const reply = await rpc(
      'tools/call',
      { name: 'findEc2InstancesWithOpenPort', arguments: { port: 'twenty-two' } },
      SCOPES.read,
    );

    // Assert
    expect(reply.result).toEqual({
      isError: true,
      content: [
        { type: 'text', text: 'Invalid arguments: port must be a whole number from 0 to 65535.' },
        { type: 'text', text: expect.stringContaining('"code":"ValidationError"') },
      ],
    });
    expect(lambdaEc2Deps).not.toHaveBeenCalled();
  });

  it('builds the EC2 clients on the first valid EC2 call, and hides their failure behind the API’s 500 sentence', async () => {
    // Act
    const reply = await rpc(
      'tools/call',
      { name: 'findEc2InstancesWithOpenPort', arguments: { port: 22 } },
      SCOPES.read,
    );

    // Assert
    expect(lambdaEc2Deps).toHaveBeenCalledTimes(1);
    expect(reply.result.isError).toBe(true);
    expect(reply.result.content[0].text).toBe(
      'The request failed unexpectedly; try again, and report it if it persists.',
    );
    expect(JSON.stringify(reply)).not.toContain('no AWS in this test');
  });

  it('answers initialize with its name, the tools capability and instructions', async () => {
    const reply = await rpc(
      'initialize',
      { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'jest', version: '1' } },
      SCOPES.read,
    );
    expect(reply.result).toMatchObject({
      protocolVersion: '2025-06-18',
      capabilities: { tools: {} },
      serverInfo: { name: 'aiops-exposure-api' },
      instructions: expect.stringContaining('dryRun true first'),
    });
  });

  it('answers GET /mcp with 405: a stateless endpoint has no server-initiated stream', async () => {
    const result = await handler(mcpEvent(undefined, SCOPES.read, 'GET'), context);
    expect(result.statusCode).toBe(405);
    expect(result.headers).toMatchObject({ allow: 'POST' });
  });

  it('serves RFC 9728 metadata naming this endpoint, the user pool and the scopes', async () => {
    // Arrange
    const event = apiGatewayEvent('GET', '/.well-known/oauth-protected-resource', {
      requestContext: { domainName: DOMAIN, path: '/prod/.well-known/oauth-protected-resource' },
    });

    // Act
    const result = await handler(event, context);

    // Assert
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body)).toEqual({
      resource: `https://${DOMAIN}/prod/mcp`,
      authorization_servers: [ISSUER],
      scopes_supported: [SCOPES.read, SCOPES.remediate],
      bearer_methods_supported: ['header'],
      resource_name: 'AIOps exposure API (MCP)',
    });
  });
});

describe('the MCP function deployed with auth=none', () => {
  it('lists every tool, as every route is open', async () => {
    const reply = await rpc('tools/list', {}, undefined);
    expect(reply.result.tools).toHaveLength(operations.length);
  });
});
