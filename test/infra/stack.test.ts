/**
 * The synthesized stack: routes, authorizers and scopes from the registry,
 * each function's exact IAM actions, the Q Business plugin payload, trust
 * policies, log groups, gateway responses, context switches, and one
 * normalised snapshot. Bundling is skipped here (bundling.test.ts bundles).
 */
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import cdkJson from '../../cdk.json';
import { createApp } from '../../infra/app';
import {
  GATEWAY_ERROR_RESPONSES,
  gatewayResponseTemplate,
  METHOD_THROTTLING,
  STAGE_THROTTLING,
} from '../../infra/constructs/api';
import { RESOURCE_SERVER_ID } from '../../infra/constructs/auth';
import {
  DEFAULT_MEMORY_MB,
  RESERVED_CONCURRENCY,
  SCAN_MEMORY_MB,
} from '../../infra/constructs/exposure-function';
import { MCP_ENDPOINT_PATH, PROTECTED_RESOURCE_METADATA_PATH } from '../../infra/constructs/mcp';
import { QBUSINESS_REGIONS } from '../../infra/constructs/q-business';
import {
  AUTH_NONE_WARNING_ID,
  type ExposureStack,
  QBUSINESS_ACTIONS_WARNING_ID,
  QBUSINESS_LOSS_WARNING_ID,
} from '../../infra/stack';
import { buildOpenApiDocument } from '../../openapi/build-document';
import { optionsFromStackOutputs } from '../../openapi/generate';
import { operations } from '../../openapi/operations';
import { DEFAULT_STACK_NAME, STACK_OUTPUTS } from '../../openapi/stack-outputs';

const IDENTITY_CENTER = 'arn:aws:sso:::instance/ssoins-1234567890abcdef';
const QUICK_REDIRECT = 'https://us-east-1.quicksight.aws.amazon.com/sn/oauthcallback';
const SCOPES = { read: `${RESOURCE_SERVER_ID}/read`, remediate: `${RESOURCE_SERVER_ID}/remediate` };

type Json = Record<string, unknown>;
interface Resource {
  Type: string;
  Properties: Json;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
}

/** The feature flags of cdk.json (as `cdk synth` uses them), without bundling. */
const BASE_CONTEXT = { ...cdkJson.context, 'aws:cdk:bundling-stacks': [] };

function synth(context: Record<string, unknown> = {}): { stack: ExposureStack; template: Template } {
  const { stack } = createApp({ context: { ...BASE_CONTEXT, ...context } });
  return { stack, template: Template.fromStack(stack) };
}

function resources(template: Template, type: string): Array<[string, Resource]> {
  return Object.entries(template.findResources(type)) as Array<[string, Resource]>;
}

function only(template: Template, type: string): [string, Resource] {
  const found = resources(template, type);
  expect(found).toHaveLength(1);
  return found[0] as [string, Resource];
}

/** The change journal's table (the stack's other table holds scan snapshots). */
function journalTable(template: Template): [string, Resource] {
  const found = resources(template, 'AWS::DynamoDB::GlobalTable').filter(([id]) =>
    id.startsWith('ChangeJournal'),
  );
  expect(found).toHaveLength(1);
  return found[0] as [string, Resource];
}

/** The Q Business plugin's OAuth secret (the stack's other secret is the plan key). */
function pluginSecret(template: Template): [string, Resource] {
  const found = resources(template, 'AWS::SecretsManager::Secret').filter(([id]) =>
    id.startsWith('PluginOAuthSecret'),
  );
  expect(found).toHaveLength(1);
  return found[0] as [string, Resource];
}

/**
 * A small CloudFormation evaluator for the intrinsics the stack uses, with made-up deploy-time values;
 * a resource without a made-up value evaluates to `<LogicalId>` (or `<LogicalId.Attribute>`).
 */
function evaluate(value: unknown, refs: Record<string, string>, attrs: Record<string, string>): unknown {
  if (Array.isArray(value)) return value.map((item) => evaluate(item, refs, attrs));
  if (value === null || typeof value !== 'object') return value;
  const object = value as Json;
  const [key] = Object.keys(object);
  const argument = key === undefined ? undefined : object[key];
  switch (key) {
    case 'Ref': {
      const id = argument as string;
      if (id.startsWith('AWS::') && refs[id] === undefined) throw new Error(`No value for Ref ${id}`);
      return refs[id] ?? `<${id}>`;
    }
    case 'Fn::GetAtt': {
      const [id, attribute] = argument as [string, string];
      return attrs[`${id}.${attribute}`] ?? `<${id}.${attribute}>`;
    }
    case 'Fn::Join': {
      const [separator, parts] = argument as [string, unknown[]];
      return parts.map((part) => evaluate(part, refs, attrs)).join(separator);
    }
    case 'Fn::Split': {
      const [separator, source] = argument as [string, unknown];
      return String(evaluate(source, refs, attrs)).split(separator);
    }
    case 'Fn::Select': {
      const [index, list] = argument as [number, unknown];
      return (evaluate(list, refs, attrs) as unknown[])[index];
    }
    case 'Fn::Sub': {
      const [body, variables] = argument as [string, Json];
      const values = Object.fromEntries(
        Object.entries(variables).map(([name, v]) => [name, String(evaluate(v, refs, attrs))]),
      );
      return body
        .replace(/\$\{([A-Za-z0-9_:.]+)\}/g, (_match, name: string) => {
          const resolved = values[name] ?? refs[name];
          if (resolved === undefined) throw new Error(`No value for \${${name}}`);
          return resolved;
        })
        .replaceAll('${!', '${');
    }
    default:
      return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, evaluate(v, refs, attrs)]));
  }
}

/** The Deny statements of each function's role, by function name. */
/** Every statement of the inline policies attached to `role`. */
function statementsOf(
  stack: ExposureStack,
  template: Template,
  role: { node: { defaultChild?: unknown } },
): Json[] {
  const roleId = stack.getLogicalId(role.node.defaultChild as never);
  return resources(template, 'AWS::IAM::Policy')
    .filter(([, policy]) => JSON.stringify(policy.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))
    .flatMap(([, policy]) => (policy.Properties.PolicyDocument as { Statement: Json[] }).Statement);
}

const actionsOf = (statement: Json) => [statement.Action].flat() as string[];

/** The write guard's Denies, wherever a function's writes are granted (its write role). */
function denyStatementsByFunction(stack: ExposureStack, template: Template): Map<string, Json[]> {
  const byFunction = new Map<string, Json[]>();
  for (const [name, fn] of stack.functions) {
    byFunction.set(
      name,
      [fn.executionRole, ...(fn.writeRole ? [fn.writeRole] : [])]
        .flatMap((role) => statementsOf(stack, template, role))
        .filter((statement) => statement.Effect === 'Deny'),
    );
  }
  return byFunction;
}

const WRITE_ACTION = /^(s3:Put|ec2:Authorize|ec2:Revoke)/;
/** The assume-role actions a write function's execution role holds on its write role. */
const ASSUME_WRITE_ROLE = ['sts:AssumeRole', 'sts:SetSourceIdentity'];

describe('the default stack with Q Business (identityCenterInstanceArn, Amazon Quick redirect)', () => {
  const { stack, template } = synth({
    identityCenterInstanceArn: IDENTITY_CENTER,
    quickRedirectUrl: QUICK_REDIRECT,
  });

  /** Made-up deploy-time values for every Ref and GetAtt the outputs and payload use. */
  const [restApiId] = only(template, 'AWS::ApiGateway::RestApi');
  const [stageId] = only(template, 'AWS::ApiGateway::Stage');
  const [domainId] = only(template, 'AWS::Cognito::UserPoolDomain');
  const [resourceServerId] = only(template, 'AWS::Cognito::UserPoolResourceServer');
  const [webExperienceId] = only(template, 'AWS::QBusiness::WebExperience');
  const refs: Record<string, string> = {
    'AWS::Region': 'eu-west-1',
    'AWS::URLSuffix': 'amazonaws.com',
    'AWS::AccountId': '111122223333',
    'AWS::Partition': 'aws',
    [restApiId]: 'a1b2c3d4e5',
    [stageId]: 'prod',
    [domainId]: 'aiopsexposureapi-111122223333',
    [resourceServerId]: RESOURCE_SERVER_ID,
  };
  const attrs: Record<string, string> = {
    [`${webExperienceId}.DefaultEndpoint`]: 'https://abcd1234.chat.qbusiness.eu-west-1.on.aws/',
  };
  const apiUrl = 'https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/prod';
  const cognitoUrl = 'https://aiopsexposureapi-111122223333.auth.eu-west-1.amazoncognito.com';
  const expectedOAuth = {
    authorizationUrl: `${cognitoUrl}/oauth2/authorize`,
    tokenUrl: `${cognitoUrl}/oauth2/token`,
    scopes: SCOPES,
  };

  it('has one route per registry operation, with the path, method and operation name of the registry', () => {
    // Arrange
    const apiResources = Object.fromEntries(resources(template, 'AWS::ApiGateway::Resource'));
    const pathOf = (resourceRef: unknown): string => {
      if (typeof resourceRef === 'object' && resourceRef !== null && 'Ref' in resourceRef) {
        const resource = apiResources[(resourceRef as { Ref: string }).Ref];
        if (!resource) throw new Error('unknown resource');
        return `${pathOf(resource.Properties.ParentId)}/${String(resource.Properties.PathPart)}`;
      }
      return ''; // the root resource (Fn::GetAtt RestApi.RootResourceId)
    };

    // Act
    const routes = resources(template, 'AWS::ApiGateway::Method').map(([, method]) => ({
      operationId: method.Properties.OperationName,
      method: String(method.Properties.HttpMethod).toLowerCase(),
      path: pathOf(method.Properties.ResourceId),
    }));

    // Assert: the registry's routes, then the MCP endpoint and its metadata (mcp.ts), and nothing else.
    expect(routes).toEqual(
      expect.arrayContaining(
        operations.map((o) => ({ operationId: o.operationId, method: o.method, path: o.path })),
      ),
    );
    expect(routes.filter((route) => !operations.some((o) => o.operationId === route.operationId))).toEqual(
      expect.arrayContaining([
        { operationId: 'mcp', method: 'post', path: MCP_ENDPOINT_PATH },
        {
          operationId: 'getOAuthProtectedResourceMetadata',
          method: 'get',
          path: PROTECTED_RESOURCE_METADATA_PATH,
        },
      ]),
    );
    // The assistant rendering: the same operations under /assistant, for the Q Business plugin and Amazon Quick.
    expect(routes).toEqual(
      expect.arrayContaining(
        operations.map((o) => ({
          operationId: `${o.operationId}ForAssistant`,
          method: o.method,
          path: `/assistant${o.path}`,
        })),
      ),
    );
    expect(routes).toHaveLength(2 * operations.length + 2);
  });

  it('requires the Cognito authorizer on every method: GET needs the read scope, POST the remediate scope', () => {
    const [authorizerId, authorizer] = only(template, 'AWS::ApiGateway::Authorizer');
    expect(authorizer.Properties.Type).toBe('COGNITO_USER_POOLS');
    const methods = resources(template, 'AWS::ApiGateway::Method').filter(([, method]) =>
      operations.some((o) => o.operationId === method.Properties.OperationName),
    );
    expect(methods).toHaveLength(operations.length);
    for (const [, method] of methods) {
      expect(method.Properties).toMatchObject({
        AuthorizationType: 'COGNITO_USER_POOLS',
        AuthorizerId: { Ref: authorizerId },
        AuthorizationScopes: [method.Properties.HttpMethod === 'GET' ? SCOPES.read : SCOPES.remediate],
      });
    }
    for (const operation of operations) {
      for (const name of [operation.operationId, `${operation.operationId}ForAssistant`]) {
        template.hasResourceProperties('AWS::ApiGateway::Method', {
          OperationName: name,
          AuthorizationType: 'COGNITO_USER_POOLS',
          AuthorizationScopes: [SCOPES[operation.scope]],
        });
      }
    }
  });

  it('opens POST /mcp to a token with either scope, and the protected-resource metadata to anyone', () => {
    // Arrange
    const [authorizerId] = only(template, 'AWS::ApiGateway::Authorizer');
    const byName = Object.fromEntries(
      resources(template, 'AWS::ApiGateway::Method').map(([, m]) => [m.Properties.OperationName, m]),
    );

    // Assert: each tool is then held to its own operation's scope by the function (test/mcp).
    expect(byName.mcp?.Properties).toMatchObject({
      HttpMethod: 'POST',
      AuthorizationType: 'COGNITO_USER_POOLS',
      AuthorizerId: { Ref: authorizerId },
      AuthorizationScopes: [SCOPES.read, SCOPES.remediate],
    });
    expect(byName.getOAuthProtectedResourceMetadata?.Properties).toMatchObject({
      HttpMethod: 'GET',
      AuthorizationType: 'NONE',
    });
  });

  it('gives the MCP function every operation’s IAM actions and the user pool as the issuer to announce', () => {
    // Arrange
    const functionId = stack.getLogicalId(stack.mcp.function.node.defaultChild as never);
    const roleId = stack.getLogicalId(stack.mcp.function.executionRole.node.defaultChild as never);
    const [poolId] = only(template, 'AWS::Cognito::UserPool');
    const fn = Object.fromEntries(resources(template, 'AWS::Lambda::Function'))[functionId];
    if (!fn) throw new Error('no MCP function');

    const writeRole = stack.mcp.function.writeRole;
    if (!writeRole) throw new Error('no MCP write role');

    // Act
    const actions = resources(template, 'AWS::IAM::Policy')
      .filter(([, policy]) => JSON.stringify(policy.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))
      .flatMap(([, policy]) => (policy.Properties.PolicyDocument as { Statement: Json[] }).Statement)
      .flatMap((statement) => [statement.Action].flat() as string[])
      .filter((action) => !action.startsWith('logs:'));
    const writeActions = statementsOf(stack, template, writeRole)
      .filter((statement) => statement.Effect === 'Allow')
      .flatMap(actionsOf);
    const variables = evaluate(
      (fn.Properties.Environment as { Variables: Json }).Variables,
      { ...refs, [poolId]: 'eu-west-1_AbCdEf123' },
      attrs,
    );

    // Assert
    // Plus the plan key's value, which previews and applies need to sign and check planIds; the writes are
    // on its write role, which it assumes with the caller as source identity.
    const all = operations.flatMap((o) => o.iamActions);
    expect([...new Set(actions)].sort()).toEqual(
      [
        ...new Set([
          ...all.filter((a) => !WRITE_ACTION.test(a)),
          ...operations.flatMap((o) => o.snapshotActions ?? []),
          'secretsmanager:GetSecretValue',
          ...ASSUME_WRITE_ROLE,
        ]),
      ].sort(),
    );
    expect([...new Set(writeActions)].sort()).toEqual(
      [...new Set([...all.filter((a) => WRITE_ACTION.test(a)), 'ec2:DescribeSecurityGroupRules'])].sort(),
    );
    expect(fn.Properties.MemorySize).toBe(SCAN_MEMORY_MB);
    expect(variables).toMatchObject({
      OAUTH_SCOPE_READ: SCOPES.read,
      OAUTH_SCOPE_REMEDIATE: SCOPES.remediate,
      OAUTH_ISSUER: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123',
    });
  });

  it('names the protected-resource metadata in WWW-Authenticate on API Gateway’s 401s', () => {
    for (const type of ['UNAUTHORIZED', 'EXPIRED_TOKEN']) {
      // Arrange
      const found = resources(template, 'AWS::ApiGateway::GatewayResponse').find(
        ([, r]) => r.Properties.ResponseType === type,
      );

      // Act
      const parameters = evaluate(found?.[1].Properties.ResponseParameters, refs, attrs);

      // Assert
      expect(parameters).toEqual({
        'gatewayresponse.header.WWW-Authenticate': `'Bearer resource_metadata="${apiUrl}${PROTECTED_RESOURCE_METADATA_PATH}"'`,
      });
    }
  });

  it('outputs the MCP endpoint URL and its metadata URL', () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(evaluate(outputs[STACK_OUTPUTS.mcpUrl]?.Value, refs, attrs)).toBe(`${apiUrl}${MCP_ENDPOINT_PATH}`);
    expect(evaluate(outputs[STACK_OUTPUTS.mcpProtectedResourceMetadataUrl]?.Value, refs, attrs)).toBe(
      `${apiUrl}${PROTECTED_RESOURCE_METADATA_PATH}`,
    );
  });

  it('declares the registry parameters on each method and validates them', () => {
    const [validatorId] = only(template, 'AWS::ApiGateway::RequestValidator');
    template.hasResourceProperties('AWS::ApiGateway::Method', {
      OperationName: 'findEc2InstancesWithOpenPort',
      // port is optional (absent: every open port), so API Gateway must not require it.
      RequestParameters: Match.objectLike({ 'method.request.querystring.port': false }),
      RequestValidatorId: { Ref: validatorId },
    });
    template.hasResourceProperties('AWS::ApiGateway::Method', {
      OperationName: 'removePublicAccessFromS3Bucket',
      RequestParameters: { 'method.request.path.bucketName': true },
    });
  });

  it('grants each function exactly the IAM actions of its registry entry (writes on its write role), plus writing its own log group', () => {
    // Arrange
    const functions = Object.fromEntries(resources(template, 'AWS::Lambda::Function'));
    const policies = resources(template, 'AWS::IAM::Policy');

    for (const operation of operations) {
      const fn = stack.functions.get(operation.functionName);
      if (!fn) throw new Error(`no function ${operation.functionName}`);
      const functionId = stack.getLogicalId(fn.node.defaultChild as never);
      const roleId = stack.getLogicalId(fn.executionRole.node.defaultChild as never);
      const logGroupId = stack.getLogicalId(fn.functionLogGroup.node.defaultChild as never);
      expect(functions[functionId]?.Properties.Role).toEqual({ 'Fn::GetAtt': [roleId, 'Arn'] });

      // Act
      const statements = policies
        .filter(([, policy]) => JSON.stringify(policy.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))
        .flatMap(([, policy]) => (policy.Properties.PolicyDocument as { Statement: Json[] }).Statement)
        .filter((statement) => statement.Effect === 'Allow'); // the write guard's Denies are tested below
      const writeStatements = fn.writeRole
        ? statementsOf(stack, template, fn.writeRole).filter((statement) => statement.Effect === 'Allow')
        : [];
      const logStatements = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('logs:')));
      const operationActions = statements
        .filter((s) => s.Sid !== 'ScanSnapshots')
        .flatMap(actionsOf)
        .filter((a) => !a.startsWith('logs:'));

      // Assert: the union of the operations its function serves (a read function also serves the previews),
      // and the plan key's value where one of them signs or checks planIds; the writes, and the rule reads
      // closing a port makes mid-write, only on the write role, which the execution role may assume.
      const served = operations.filter((o) => o.functionName === operation.functionName);
      const servedActions = served.flatMap((o) => o.iamActions);
      const writes = servedActions.filter((a) => WRITE_ACTION.test(a));
      const planKey = served.some((o) => o.usesPlanKey) ? ['secretsmanager:GetSecretValue'] : [];
      // The scan snapshot actions come in a statement of their own, on that table only (asserted below).
      const scanSnapshots = statements.filter((s) => s.Sid === 'ScanSnapshots');
      expect(scanSnapshots.flatMap(actionsOf).sort()).toEqual(
        [...new Set(served.flatMap((o) => o.snapshotActions ?? []))].sort(),
      );
      for (const statement of scanSnapshots)
        expect(statement.Resource).toEqual({
          'Fn::GetAtt': [stack.getLogicalId(stack.snapshots.table.node.defaultChild as never), 'Arn'],
        });
      expect(operationActions.sort()).toEqual(
        [
          ...new Set([
            ...servedActions.filter((a) => !WRITE_ACTION.test(a)),
            ...planKey,
            ...(writes.length > 0 ? ASSUME_WRITE_ROLE : []),
          ]),
        ].sort(),
      );
      expect(writeStatements.flatMap(actionsOf).sort()).toEqual(
        [
          ...writes,
          ...(writes.some((a) => a.startsWith('ec2:')) ? ['ec2:DescribeSecurityGroupRules'] : []),
        ].sort(),
      );
      expect(fn.writeRole === undefined).toBe(writes.length === 0);
      const planKeyId = stack.getLogicalId(stack.planKey.node.defaultChild as never);
      for (const statement of statements.filter((s) =>
        actionsOf(s).includes('secretsmanager:GetSecretValue'),
      )) {
        expect([statement.Action, statement.Resource]).toEqual([
          'secretsmanager:GetSecretValue',
          { Ref: planKeyId },
        ]);
      }
      expect(logStatements).toEqual([
        expect.objectContaining({
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Resource: { 'Fn::GetAtt': [logGroupId, 'Arn'] },
        }),
      ]);
      for (const statement of [...statements, ...writeStatements]) {
        expect(statement.Effect).toBe('Allow');
        for (const action of actionsOf(statement)) {
          expect(action).not.toContain('*');
          const resource = JSON.stringify(statement.Resource);
          if (/^s3:(Get|Put)Bucket/.test(action)) expect(resource).toContain(':s3:::*');
          if (/^ec2:(Authorize|Revoke)/.test(action)) expect(resource).toMatch(/security-group\/\*/);
          if (action.startsWith('dynamodb:'))
            expect(resource).toContain(
              statement.Sid === 'ScanSnapshots' ? 'ScanSnapshotsTable' : 'ChangeJournalTable',
            );
        }
      }
    }
  });

  it('denies every write on resources tagged as protected, and leaves the read roles without Denies', () => {
    const denies = denyStatementsByFunction(stack, template);
    for (const operation of operations) {
      const writes = operation.iamActions.filter((a) => /^(s3:Put|ec2:Authorize|ec2:Revoke)/.test(a)).sort();
      const statements = denies.get(operation.functionName) ?? [];
      if (writes.length === 0) {
        expect(statements).toEqual([]);
        continue;
      }
      // No Region limit unless allowedRegions is set.
      expect(statements).toEqual([
        {
          Sid: 'DenyWritesToProtectedResources',
          Effect: 'Deny',
          Action: writes.length === 1 ? writes[0] : writes,
          Resource: '*',
          Condition: { Null: { 'aws:ResourceTag/aiops-protected': 'false' } },
        },
      ]);
    }
  });

  it('lets no function write what another function writes, except the undo, which writes back what a change wrote', () => {
    const writers = new Map<string, string>();
    const isWrite = (a: string) => /:(Put|Authorize|Revoke|Create|Delete)/.test(a);
    // Every write function records its changes in the journal: that write is shared by design.
    const isJournal = (a: string) => a.startsWith('dynamodb:');
    const undo = operations.filter((o) => o.functionName === 'undo-change');
    for (const operation of operations.filter((o) => o.functionName !== 'undo-change')) {
      for (const action of operation.iamActions.filter((a) => isWrite(a) && !isJournal(a))) {
        expect(writers.get(action) ?? operation.functionName).toBe(operation.functionName);
        writers.set(action, operation.functionName);
      }
    }
    expect(writers.size).toBeGreaterThan(0);
    const undoWrites = undo.flatMap((o) => o.iamActions).filter((a) => isWrite(a) && !isJournal(a));
    expect(undoWrites.length).toBeGreaterThan(0);
    for (const action of undoWrites) expect(writers.has(action)).toBe(true);
  });

  it('builds every function with the shared defaults', () => {
    const triggerId = stack.getLogicalId(stack.auth?.tokenTrigger.node.defaultChild as never);
    for (const [id, fn] of resources(template, 'AWS::Lambda::Function')) {
      if (id === triggerId) continue; // Cognito's five seconds, tested with the trigger
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Timeout: 28,
        Handler: 'index.handler',
        LoggingConfig: { LogGroup: { Ref: expect.any(String) } },
        Environment: {
          Variables: {
            POWERTOOLS_SERVICE_NAME: 'aiops-exposure-api',
            POWERTOOLS_LOG_LEVEL: 'INFO',
          },
        },
      });
      // Source-mapped stack traces cost every cold start; they are opt-in.
      expect(fn.Properties.Environment).not.toHaveProperty('Variables.NODE_OPTIONS');
    }
    // One per registry entry file, plus the MCP function and the Cognito token trigger.
    expect(resources(template, 'AWS::Lambda::Function')).toHaveLength(
      new Set(operations.map((o) => o.functionName)).size + 2,
    );
  });

  it('maps stack traces to the sources only when asked (-c sourceMapStackTraces=true)', () => {
    // Arrange / Act
    const { template: mapped } = synth({ sourceMapStackTraces: 'true' });

    // Assert
    const functions = resources(mapped, 'AWS::Lambda::Function');
    expect(functions.length).toBeGreaterThan(0);
    for (const [, fn] of functions) {
      expect(fn.Properties.Environment).toMatchObject({
        Variables: { NODE_OPTIONS: '--enable-source-maps' },
      });
    }
    expect(() => synth({ sourceMapStackTraces: 'yes' })).toThrow(
      'Context sourceMapStackTraces must be true or false, got "yes".',
    );
  });

  it('gives the CPU-bound scans a full vCPU and the remediations the default memory', () => {
    const functions = Object.fromEntries(resources(template, 'AWS::Lambda::Function'));
    for (const operation of operations) {
      const fn = stack.functions.get(operation.functionName);
      if (!fn) throw new Error(`no function ${operation.functionName}`);
      const memory = functions[stack.getLogicalId(fn.node.defaultChild as never)]?.Properties.MemorySize;
      expect(memory).toBe(operation.scope === 'read' ? SCAN_MEMORY_MB : DEFAULT_MEMORY_MB);
    }
    expect(SCAN_MEMORY_MB).toBeGreaterThanOrEqual(1769);
  });

  it('owns the API Gateway execution log group, created before the stage so API Gateway never creates it', () => {
    // Arrange
    const [restApiId] = only(template, 'AWS::ApiGateway::RestApi');
    const [stageLogicalId, stage] = only(template, 'AWS::ApiGateway::Stage') as [
      string,
      Resource & { DependsOn?: string[] },
    ];
    const execution = resources(template, 'AWS::Logs::LogGroup').find(([, group]) =>
      JSON.stringify(group.Properties.LogGroupName ?? '').includes('API-Gateway-Execution-Logs_'),
    );
    if (!execution) throw new Error('no execution log group');

    // Act
    const name = evaluate(
      execution[1].Properties.LogGroupName,
      { [restApiId]: 'a1b2c3d4e5', [stageLogicalId]: 'prod' },
      {},
    );

    // Assert
    expect(name).toBe('API-Gateway-Execution-Logs_a1b2c3d4e5/prod');
    expect(execution[1]).toMatchObject({ DeletionPolicy: 'Delete', Properties: { RetentionInDays: 30 } });
    expect(stage.DependsOn).toContain(execution[0]);
  });

  it('keeps the functions’ log groups (audit records) a year and on destroy, and sets a retention on each', () => {
    const logGroups = resources(template, 'AWS::Logs::LogGroup');
    // One per function (the registry's, the MCP one and the token trigger), the access logs and the execution logs.
    expect(logGroups).toHaveLength(new Set(operations.map((o) => o.functionName)).size + 4);
    for (const fn of stack.functions.values()) {
      const logGroup =
        template.toJSON().Resources[stack.getLogicalId(fn.functionLogGroup.node.defaultChild as never)];
      expect(logGroup.DeletionPolicy).toBe('Retain');
      expect(logGroup.Properties.RetentionInDays).toBe(365);
    }
    for (const [, logGroup] of logGroups) {
      expect(logGroup.Properties.RetentionInDays).toEqual(expect.any(Number));
    }
  });

  it('gives each function every variable its operations read: the plan key’s joins the journal’s and the scope prefix', () => {
    for (const operation of operations) {
      // Arrange
      const fn = stack.functions.get(operation.functionName);
      if (!fn) throw new Error(`no function ${operation.functionName}`);
      const resource = template.toJSON().Resources[stack.getLogicalId(fn.node.defaultChild as never)];

      // Act
      const variables = Object.keys(resource.Properties.Environment.Variables);

      // Assert
      expect(variables).toContain('OAUTH_SCOPE_PREFIX');
      if (operation.iamActions.some((a) => a.startsWith('dynamodb:')))
        expect(variables).toContain('CHANGE_JOURNAL_TABLE');
      if (operation.usesPlanKey) expect(variables).toContain('PLAN_KEY_SECRET_ARN');
      if (operation.snapshotActions) expect(variables).toContain('SCAN_SNAPSHOT_TABLE');
    }
  });

  it('keeps scan snapshots in a table of their own that DynamoDB TTL empties and destroy removes', () => {
    // Arrange
    const snapshotId = stack.getLogicalId(stack.snapshots.table.node.defaultChild as never);

    // Act
    const table = template.toJSON().Resources[snapshotId];
    const fns = resources(template, 'AWS::Lambda::Function').map(([, fn]) => fn.Properties.Environment);
    const withTable = fns.filter((env) => JSON.stringify(env).includes('SCAN_SNAPSHOT_TABLE'));

    // Assert
    expect(table.DeletionPolicy).toBe('Delete');
    expect(table.Properties.TimeToLiveSpecification).toEqual({ AttributeName: 'expiresAt', Enabled: true });
    // Both finds, the three writes and the MCP function; each with the TTL the finds use.
    expect(withTable).toHaveLength(6);
    for (const env of withTable)
      expect((env as { Variables: Record<string, unknown> }).Variables.SCAN_SNAPSHOT_TTL_SECONDS).toBe('300');
  });

  it('keeps the change journal on destroy, with point-in-time recovery and deletion protection', () => {
    const [, table] = journalTable(template);
    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.Properties).toMatchObject({
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      Replicas: [
        expect.objectContaining({
          DeletionProtectionEnabled: true,
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        }),
      ],
    });
  });

  it('throttles and logs the stage, and keeps the shared API Gateway CloudWatch role on destroy', () => {
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'prod',
      AccessLogSetting: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('clientId') },
      MethodSettings: Match.arrayWith([
        Match.objectLike({
          HttpMethod: '*',
          ResourcePath: '/*',
          LoggingLevel: 'ERROR',
          DataTraceEnabled: false,
          ThrottlingRateLimit: STAGE_THROTTLING.rateLimit,
          ThrottlingBurstLimit: STAGE_THROTTLING.burstLimit,
        }),
      ]),
    });
    template.hasResource('AWS::ApiGateway::Account', { DeletionPolicy: 'Retain' });
    template.hasResource('AWS::IAM::Role', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        AssumeRolePolicyDocument: Match.objectLike({
          Statement: [Match.objectLike({ Principal: { Service: 'apigateway.amazonaws.com' } })],
        }),
      }),
    });
  });

  it('throttles each method by its cost, with logging kept on, and reserves each function’s concurrency', () => {
    // Arrange
    const [, stage] = only(template, 'AWS::ApiGateway::Stage');
    const settings = stage.Properties.MethodSettings as Json[];
    const functions = Object.fromEntries(resources(template, 'AWS::Lambda::Function'));

    for (const operation of operations) {
      // Assert: API Gateway names a method "/" + its path with each "/" escaped as "~1".
      expect(settings).toContainEqual({
        HttpMethod: operation.method.toUpperCase(),
        ResourcePath: `/${operation.path.replaceAll('/', '~1')}`,
        ThrottlingRateLimit: METHOD_THROTTLING[operation.scope].rateLimit,
        ThrottlingBurstLimit: METHOD_THROTTLING[operation.scope].burstLimit,
        LoggingLevel: 'ERROR',
        DataTraceEnabled: false,
        MetricsEnabled: true,
      });
      const fn = stack.functions.get(operation.functionName);
      if (!fn) throw new Error(`no function ${operation.functionName}`);
      const reserved =
        functions[stack.getLogicalId(fn.node.defaultChild as never)]?.Properties.ReservedConcurrentExecutions;
      expect(reserved).toBe(RESERVED_CONCURRENCY[operation.scope]);
      // A burst never asks for more executions than the function has.
      expect(METHOD_THROTTLING[operation.scope].burstLimit).toBeLessThanOrEqual(Number(reserved));
    }
    expect(METHOD_THROTTLING.read.rateLimit).toBeLessThan(METHOD_THROTTLING.remediate.rateLimit);
  });

  it('alarms on any function error or throttle and on API 5xx, and outputs the alarm names', () => {
    const alarms = resources(template, 'AWS::CloudWatch::Alarm');
    expect(alarms).toHaveLength(3);
    // One alarm per kind: CloudWatch lets an alarm's math expression use at most 10 metrics.
    for (const kind of ['Errors', 'Throttles']) {
      const math = alarms
        .map(([, a]) => a.Properties.Metrics as Json[] | undefined)
        .find((metrics) =>
          metrics?.some((m) => m.MetricStat && (m.MetricStat as { Metric: Json }).Metric.MetricName === kind),
        );
      if (!math) throw new Error(`no alarm on function ${kind}`);
      const metricNames = math.flatMap((m) =>
        m.MetricStat ? [(m.MetricStat as { Metric: Json }).Metric.MetricName] : [],
      );
      expect(metricNames).toEqual(Array(stack.functions.size).fill(kind));
      expect(metricNames.length).toBeLessThanOrEqual(10);
      expect(String(math.find((m) => m.Expression)?.Expression).split(' + ')).toHaveLength(
        stack.functions.size,
      );
    }
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: '5XXError',
      Namespace: 'AWS/ApiGateway',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
    template.hasOutput(STACK_OUTPUTS.alarmNames, Match.anyValue());
  });

  it.each(GATEWAY_ERROR_RESPONSES.map((r) => [r.type.responseType, r] as const))(
    'answers API Gateway %s in the API error shape',
    (type, response) => {
      // Arrange
      const found = resources(template, 'AWS::ApiGateway::GatewayResponse').find(
        ([, r]) => r.Properties.ResponseType === type,
      );
      if (!found) throw new Error(`no gateway response ${type}`);
      const body =
        (found[1].Properties.ResponseTemplates as Record<string, string>)['application/json'] ?? '';

      // Act: render the $context variables as API Gateway would (messageString is already a JSON string).
      const rendered = body
        .replaceAll('$context.error.messageString', '"Forbidden"')
        .replaceAll('$context.', '');

      // Assert
      expect(body).toBe(gatewayResponseTemplate(response));
      expect(JSON.parse(rendered)).toEqual({
        error: { code: response.code, message: expect.stringMatching(/\S/) },
      });
      if (response.statusCode) expect(found[1].Properties.StatusCode).toBe(response.statusCode);
    },
  );

  it('maps the statuses api.md names to its error codes', () => {
    const byType = Object.fromEntries(GATEWAY_ERROR_RESPONSES.map((r) => [r.type.responseType, r]));
    expect(byType.UNAUTHORIZED).toMatchObject({ statusCode: '401', code: 'Unauthorized' });
    // Cognito authorizers refuse a token without the method's scope with this same 401: the message says so.
    expect(byType.UNAUTHORIZED?.message).toContain('lacks the scope');
    expect(byType.UNAUTHORIZED?.message).toContain(SCOPES.read);
    expect(byType.UNAUTHORIZED?.message).toContain(SCOPES.remediate);
    expect(byType.ACCESS_DENIED).toMatchObject({ statusCode: '403', code: 'Forbidden' });
    expect(byType.MISSING_AUTHENTICATION_TOKEN).toMatchObject({ statusCode: '404', code: 'NotFound' });
    expect(byType.REQUEST_TOO_LARGE).toMatchObject({ statusCode: '413', code: 'ValidationError' });
    expect(byType.REQUEST_TOO_LARGE?.message).toContain('64 KiB');
    expect(byType.THROTTLED).toMatchObject({ statusCode: '429', code: 'TooManyRequests' });
    expect(byType.DEFAULT_5XX).toMatchObject({ code: 'InternalError' });
  });

  it('gives the plugin the deploy-time OpenAPI document: real URL without a trailing slash, Cognito OAuth', () => {
    // Arrange
    const [, plugin] = only(template, 'AWS::QBusiness::Plugin');
    const config = plugin.Properties.CustomPluginConfiguration as { ApiSchemaType: string; ApiSchema: Json };

    // Act
    const payload = evaluate(config.ApiSchema.Payload, refs, attrs) as string;

    // Assert
    expect(config.ApiSchemaType).toBe('OPEN_API_V3');
    // The plugin registers the assistant rendering: Q Business shows users only 2xx answers.
    expect(JSON.parse(payload)).toEqual(
      buildOpenApiDocument({ serverUrl: apiUrl, oauth: expectedOAuth, rendering: 'assistant' }),
    );
  });

  it('outputs what `npm run openapi -- --stack` needs to render the same document', () => {
    // Arrange
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    const values = Object.fromEntries(
      Object.entries(outputs).map(([key, output]) => [key, String(evaluate(output.Value, refs, attrs))]),
    );

    // Act
    const options = optionsFromStackOutputs(DEFAULT_STACK_NAME, values);

    // Assert
    expect(values[STACK_OUTPUTS.apiUrl]).toBe(apiUrl);
    expect(options).toEqual({ serverUrl: apiUrl, oauth: expectedOAuth });
    for (const key of Object.values(STACK_OUTPUTS)) {
      // SAML outputs come with federation; automation ones with -c automation=... (tested below).
      if (key === STACK_OUTPUTS.samlAcsUrl || key === STACK_OUTPUTS.samlAudience) continue;
      if (key.startsWith('Automation') || key === STACK_OUTPUTS.alarmNames) continue;
      expect(Object.keys(outputs)).toContain(key);
    }
    expect(values[STACK_OUTPUTS.interactiveClientSecretCommand]).toMatch(
      /^aws cognito-idp describe-user-pool-client --region eu-west-1 --user-pool-id .+ --client-id .+ --query UserPoolClient.ClientSecret --output text$/,
    );
    expect(values[STACK_OUTPUTS.webExperienceUrl]).toBe('https://abcd1234.chat.qbusiness.eu-west-1.on.aws/');
  });

  it('configures the plugin OAuth client: code grant, callbacks for Q Business and Amazon Quick, secret in Secrets Manager', () => {
    // Arrange
    const clients = resources(template, 'AWS::Cognito::UserPoolClient');
    const interactive = clients.find(([, c]) => c.Properties.ClientName === 'interactive');
    if (!interactive) throw new Error('no interactive client');
    const [, secret] = pluginSecret(template);

    // Act
    const callbacks = evaluate(interactive[1].Properties.CallbackURLs, refs, attrs);
    const secretString = JSON.parse(
      String(
        evaluate(
          secret.Properties.SecretString,
          { ...refs, [interactive[0]]: 'client-id' },
          { ...attrs, [`${interactive[0]}.ClientSecret`]: 'client-secret' },
        ),
      ),
    );

    // Assert
    expect(interactive[1].Properties).toMatchObject({ AllowedOAuthFlows: ['code'], GenerateSecret: true });
    expect(callbacks).toEqual([
      'https://abcd1234.chat.qbusiness.eu-west-1.on.aws/oauth/callback',
      QUICK_REDIRECT,
    ]);
    expect(secretString).toEqual({
      client_id: 'client-id',
      client_secret: 'client-secret',
      redirect_uri: 'https://abcd1234.chat.qbusiness.eu-west-1.on.aws/oauth/callback',
    });
    template.hasResourceProperties('AWS::QBusiness::Plugin', {
      Type: 'CUSTOM',
      State: 'ENABLED',
      DisplayName: Match.stringLikeRegexp('^\\S+$'),
      AuthConfiguration: {
        OAuth2ClientCredentialConfiguration: Match.objectLike({ SecretArn: { Ref: Match.anyValue() } }),
      },
    });
  });

  it('states each Cognito client’s sign-in flows instead of taking Cognito’s default set', () => {
    // Arrange: the automation client exists only on request.
    const { template: withClient } = synth({
      identityCenterInstanceArn: IDENTITY_CENTER,
      automation: 'client',
    });

    // Act
    const clients = Object.fromEntries(
      resources(withClient, 'AWS::Cognito::UserPoolClient').map(([, c]) => [
        c.Properties.ClientName,
        c.Properties.ExplicitAuthFlows,
      ]),
    );

    // Assert: client credentials sign in no user; people use SRP through the sign-in pages, and refresh tokens.
    expect(clients).toEqual({
      automation: ['ALLOW_REFRESH_TOKEN_AUTH'],
      interactive: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    });
  });

  it('has no automation client and no automation API unless asked for', () => {
    const names = resources(template, 'AWS::Cognito::UserPoolClient').map(([, c]) => c.Properties.ClientName);
    expect(names).toEqual(['interactive']);
    template.resourceCountIs('AWS::ApiGateway::RestApi', 1);
    template.resourceCountIs('AWS::IAM::ManagedPolicy', 0);
  });

  it('creates the Q Business application with Identity Center, names without spaces, no auto-subscription', () => {
    template.hasResourceProperties('AWS::QBusiness::Application', {
      IdentityType: 'AWS_IAM_IDC',
      IdentityCenterInstanceArn: IDENTITY_CENTER,
      DisplayName: Match.stringLikeRegexp('^\\S+$'),
    });
    // AWS documents auto-subscription for IAM identity federation applications only; grant subscribes people.
    const [, application] = only(template, 'AWS::QBusiness::Application');
    expect(application.Properties).not.toHaveProperty('AutoSubscriptionConfiguration');
    expect(JSON.stringify(template.toJSON())).not.toContain('user-subscriptions:CreateClaim');
  });

  it('trusts only the Q Business service principals, for this account and this application', () => {
    // Arrange
    const [applicationId] = only(template, 'AWS::QBusiness::Application');
    const trustOf = (role: Resource) =>
      (role.Properties.AssumeRolePolicyDocument as { Statement: Json[] }).Statement;
    const roles = resources(template, 'AWS::IAM::Role').map(([, role]) => trustOf(role));
    const byService = (service: string) =>
      roles.filter((statements) =>
        statements.some((s) => JSON.stringify(s.Principal) === JSON.stringify({ Service: service })),
      );
    const thisApplication = {
      StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
      ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [applicationId, 'ApplicationArn'] } },
    };

    // Assert: the web experience role (sts:AssumeRole + sts:SetContext).
    expect(byService('application.qbusiness.amazonaws.com')).toEqual([
      [
        {
          Effect: 'Allow',
          Principal: { Service: 'application.qbusiness.amazonaws.com' },
          Action: ['sts:AssumeRole', 'sts:SetContext'],
          Condition: thisApplication,
        },
      ],
    ]);
    // The plugin role names the application; the application role cannot (it exists before the application).
    const qbusinessTrusts = byService('qbusiness.amazonaws.com').map(
      (statements) => statements[0]?.Condition,
    );
    expect(qbusinessTrusts).toHaveLength(2);
    expect(qbusinessTrusts).toContainEqual(thisApplication);
    expect(qbusinessTrusts).toContainEqual({
      StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
      ArnLike: {
        'aws:SourceArn': {
          'Fn::Join': [
            '',
            [
              'arn:',
              { Ref: 'AWS::Partition' },
              ':qbusiness:',
              { Ref: 'AWS::Region' },
              ':',
              { Ref: 'AWS::AccountId' },
              ':application/*',
            ],
          ],
        },
      },
    });
    for (const statements of roles) expect(statements).toHaveLength(1);
  });

  it('lets the plugin role read only its OAuth secret', () => {
    const [secretId] = pluginSecret(template);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          Match.objectLike({ Action: 'secretsmanager:GetSecretValue', Resource: { Ref: secretId } }),
        ],
      },
    });
  });

  it('destroys the user pool with the stack by default', () => {
    template.hasResource('AWS::Cognito::UserPool', {
      DeletionPolicy: 'Delete',
      UpdateReplacePolicy: 'Delete',
      Properties: Match.objectLike({
        AdminCreateUserConfig: Match.objectLike({ AllowAdminCreateUserOnly: true }),
        MfaConfiguration: 'ON',
      }),
    });
  });

  it('synthesizes without warnings', () => {
    expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
    expect(Annotations.fromStack(stack).findError('*', Match.anyValue())).toEqual([]);
  });

  it('matches the snapshot (asset hashes and the OpenAPI payload normalised)', () => {
    const normalised = JSON.parse(
      JSON.stringify(template.toJSON(), (key, value: unknown) => {
        if (key === 'Payload' && typeof value === 'object') return '<the deploy-time OpenAPI document>';
        return typeof value === 'string' ? value.replace(/[0-9a-f]{64}/g, '<asset-hash>') : value;
      }),
    );
    expect(normalised).toMatchSnapshot();
  });
});

describe('context switches', () => {
  it('without identityCenterInstanceArn deploys the API alone and says how to add Q Business', () => {
    // Act
    const { stack, template } = synth();

    // Assert
    expect(Object.keys(template.toJSON().Resources).some((id) => id.startsWith('QBusiness'))).toBe(false);
    for (const type of [
      'AWS::QBusiness::Application',
      'AWS::QBusiness::WebExperience',
      'AWS::QBusiness::Plugin',
    ]) {
      template.resourceCountIs(type, 0);
    }
    // Only the plan key: no plugin, so no plugin OAuth secret.
    const [secretId] = only(template, 'AWS::SecretsManager::Secret');
    expect(secretId).toMatch(/^PlanKey/);
    const info = Annotations.fromStack(stack).findInfo(
      '*',
      Match.stringLikeRegexp('-c identityCenterInstanceArn='),
    );
    expect(info).toHaveLength(1);
    expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
    // No callback URL known yet, so no authorization-code client, and no automation client unless asked for.
    template.resourceCountIs('AWS::Cognito::UserPoolClient', 0);
  });

  it('derives the Cognito domain prefix from the stack name and its stack id, never the account id', () => {
    // Arrange
    const stackId =
      'arn:aws:cloudformation:eu-west-1:111122223333:stack/AiopsExposureApi/1a2b3c4d-5e6f-11ef-9a8b-0a1b2c3d4e5f';
    const domainOf = (template: Template) => {
      const [, domain] = only(template, 'AWS::Cognito::UserPoolDomain');
      return evaluate(domain.Properties.Domain, { 'AWS::StackId': stackId }, {});
    };

    // Act
    const { template } = synth();
    const { template: long } = synth({ stackName: `Exposure${'x'.repeat(60)}-` });

    // Assert
    expect(domainOf(template)).toBe('aiopsexposureapi-1a2b3c4d');
    expect(JSON.stringify(only(template, 'AWS::Cognito::UserPoolDomain'))).not.toContain('AWS::AccountId');
    const longPrefix = String(domainOf(long));
    expect(longPrefix).toHaveLength(63);
    expect(longPrefix).toMatch(/^exposurex+-1a2b3c4d$/);
  });

  it.each([
    [
      'AwsExposure',
      /"awsexposure-<8 hex digits>", made from stack name "AwsExposure", must not contain "aws"/,
    ],
    ['CognitoDemo', /must not contain "cognito"/],
    ['amazon-ops', /must not contain "amazon"/],
  ])('refuses a stack name (%s) whose default domain prefix Cognito would refuse', (stackName, message) => {
    expect(() => synth({ stackName })).toThrow(message);
    expect(() => synth({ stackName })).toThrow(
      /Set -c cognitoDomainPrefix=<prefix> or choose another -c stackName/,
    );
    // An explicit prefix that passes the same checks makes the name usable.
    const { template } = synth({ stackName, cognitoDomainPrefix: 'exposure-demo' });
    template.hasResourceProperties('AWS::Cognito::UserPoolDomain', { Domain: 'exposure-demo' });
  });

  it('refuses, at deploy, a Region without Amazon Q Business when identityCenterInstanceArn is set', () => {
    // Act
    const rules = synth({ identityCenterInstanceArn: IDENTITY_CENTER }).template.toJSON().Rules as Record<
      string,
      { Assertions: Array<{ Assert: unknown; AssertDescription: string }> }
    >;
    const apiAlone = synth().template.toJSON();

    // Assert: CloudFormation checks the Region before it creates anything (the stack is environment-agnostic).
    const assertions = Object.values(rules)
      .flatMap((rule) => rule.Assertions)
      .filter((assertion) => JSON.stringify(assertion.Assert).includes('AWS::Region'));
    expect(assertions).toEqual([
      {
        Assert: { 'Fn::Contains': [[...QBUSINESS_REGIONS], { Ref: 'AWS::Region' }] },
        AssertDescription: expect.stringContaining('Amazon Q Business does not exist in this Region'),
      },
    ]);
    expect(QBUSINESS_REGIONS).toEqual(['us-east-1', 'us-west-2', 'eu-west-1', 'ap-southeast-2']);
    expect(JSON.stringify(apiAlone.Rules ?? {})).not.toContain('AWS::Region');
  });

  it('refuses, at synth, a known deploy Region without Amazon Q Business, and warns where plugins are missing', () => {
    // Arrange
    const context = { ...BASE_CONTEXT, identityCenterInstanceArn: IDENTITY_CENTER };

    // Act + Assert
    expect(() => createApp({ context }, 'eu-central-1')).toThrow(
      'Amazon Q Business does not exist in eu-central-1: deploy a stack with identityCenterInstanceArn in one of us-east-1, us-west-2, eu-west-1, ap-southeast-2',
    );
    expect(() => createApp({ context: BASE_CONTEXT }, 'eu-central-1')).not.toThrow();
    const warningsIn = (region: string) =>
      Annotations.fromStack(createApp({ context }, region).stack).findWarning('*', Match.anyValue());
    expect(JSON.stringify(warningsIn('eu-west-1'))).toContain(QBUSINESS_ACTIONS_WARNING_ID);
    expect(warningsIn('us-east-1')).toEqual([]);
  });

  it('warns loudly at synth when a deploy would delete or replace the deployed Q Business application', () => {
    // Arrange: outputs of the stack as deployed with Q Business.
    const deployed = {
      ApiUrl: 'https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/prod',
      IdentityCenterInstanceArn: IDENTITY_CENTER,
    };
    const other = 'arn:aws:sso:::instance/ssoins-fedcba0987654321';
    const warningsOf = (context: Record<string, unknown>, outputs?: Record<string, string>) =>
      Annotations.fromStack(createApp({ context: { ...BASE_CONTEXT, ...context } }, undefined, outputs).stack)
        .findWarning('*', Match.anyValue())
        .map((w) => String(w.entry.data));

    // Act
    const forgotten = warningsOf({}, deployed);
    const replaced = warningsOf({ identityCenterInstanceArn: other }, deployed);
    const kept = warningsOf({ identityCenterInstanceArn: IDENTITY_CENTER }, deployed);
    const neverHadIt = warningsOf({}, { ApiUrl: deployed.ApiUrl });

    // Assert
    expect(forgotten).toEqual([
      expect.stringContaining('DEPLOYING THIS DELETES THE AMAZON Q BUSINESS APPLICATION'),
    ]);
    expect(forgotten[0]).toContain(
      `"identityCenterInstanceArn": "${IDENTITY_CENTER}" under "context" in cdk.json`,
    );
    expect(forgotten[0]).toContain(QBUSINESS_LOSS_WARNING_ID);
    expect(replaced).toEqual([expect.stringContaining('REPLACES THE AMAZON Q BUSINESS APPLICATION')]);
    expect(kept).toEqual([]);
    expect(neverHadIt).toEqual([]);
  });

  it('takes the protected tag key and the Regions writes may touch from context', () => {
    // Act
    const { stack, template } = synth({
      protectedTagKey: 'do-not-touch',
      allowedRegions: 'eu-west-1, eu-central-1',
    });

    // Assert
    const closePort = denyStatementsByFunction(stack, template).get('close-open-port') ?? [];
    expect(closePort).toEqual([
      expect.objectContaining({ Condition: { Null: { 'aws:ResourceTag/do-not-touch': 'false' } } }),
      {
        Sid: 'DenyWritesOutsideAllowedRegions',
        Effect: 'Deny',
        Action: ['ec2:AuthorizeSecurityGroupIngress', 'ec2:RevokeSecurityGroupIngress'],
        Resource: '*',
        Condition: { StringNotEquals: { 'aws:RequestedRegion': ['eu-west-1', 'eu-central-1'] } },
      },
    ]);
    expect(() => synth({ protectedTagKey: 'aws:protected' })).toThrow(/protectedTagKey must be a tag key/);
    expect(() => synth({ allowedRegions: 'eu-west-1,Ireland' })).toThrow(
      'Context allowedRegions must be Region codes separated by commas (us-east-1,eu-west-1), got "Ireland".',
    );
  });

  it('leaves concurrency unreserved with reservedConcurrency=false, for accounts with a low Lambda limit', () => {
    const { template } = synth({ reservedConcurrency: 'false' });
    for (const [, fn] of resources(template, 'AWS::Lambda::Function')) {
      expect(fn.Properties.ReservedConcurrentExecutions).toBeUndefined();
    }
  });

  it('takes the scan snapshot TTL from context and refuses one outside a minute to an hour', () => {
    const { template: tuned } = synth({ scanSnapshotTtlSeconds: '600' });
    const ttls = resources(tuned, 'AWS::Lambda::Function')
      .map(([, fn]) => (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables)
      .flatMap((variables) =>
        variables.SCAN_SNAPSHOT_TTL_SECONDS ? [variables.SCAN_SNAPSHOT_TTL_SECONDS] : [],
      );
    expect(new Set(ttls)).toEqual(new Set(['600']));
    for (const bad of ['30', '7200', 'five'])
      expect(() => synth({ scanSnapshotTtlSeconds: bad })).toThrow(
        /scanSnapshotTtlSeconds must be a whole number of seconds from 60 to 3600/,
      );
  });

  it('removes the journal and the audit log groups on destroy with auditRecordsRemovalPolicy=destroy, and takes the retention from context', () => {
    const { template: destroyed } = synth({
      auditRecordsRemovalPolicy: 'destroy',
      auditLogRetentionDays: '60',
    });
    const [, table] = journalTable(destroyed);
    expect(table.DeletionPolicy).toBe('Delete');
    const functionLogGroups = resources(destroyed, 'AWS::Logs::LogGroup').filter(
      ([, group]) => group.Properties.RetentionInDays === 60,
    );
    // Every function's (the MCP one's and the token trigger's, whose log records each role decision, too).
    expect(functionLogGroups).toHaveLength(new Set(operations.map((o) => o.functionName)).size + 2);
    for (const [, group] of functionLogGroups) expect(group.DeletionPolicy).toBe('Delete');
  });

  it('keeps the user pool on destroy when retainUserPool is set', () => {
    const { template } = synth({ retainUserPool: 'true' });
    template.hasResource('AWS::Cognito::UserPool', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({ DeletionProtection: 'ACTIVE' }),
    });
  });

  it('gives the opt-in automation client (automation=client) the read scope, and remediate only when asked', () => {
    const scopesOf = (template: Template) => {
      const automation = resources(template, 'AWS::Cognito::UserPoolClient').find(
        ([, c]) => c.Properties.ClientName === 'automation',
      );
      expect(automation?.[1].Properties.AllowedOAuthFlows).toEqual(['client_credentials']);
      return JSON.stringify(automation?.[1].Properties.AllowedOAuthScopes);
    };
    const readOnly = scopesOf(synth({ automation: 'client' }).template);
    const remediating = scopesOf(synth({ automation: 'client', automationRemediate: true }).template);
    expect(readOnly).toContain('/read');
    expect(readOnly).not.toContain('/remediate');
    expect(remediating).toContain('/remediate');
  });

  it('serves automation=iam from a second API whose every method needs an IAM permission made for it', () => {
    // Act
    const { stack, template } = synth({ automation: 'iam' });
    const { template: remediating } = synth({ automation: 'iam', automationRemediate: true });

    // Assert: the same routes, IAM-authorised, on their own API; no Cognito client exists for scripts.
    const api = stack.automationApi;
    if (!api) throw new Error('no automation API');
    const apiId = stack.getLogicalId(api.restApi.node.defaultChild as never);
    const methods = resources(template, 'AWS::ApiGateway::Method').filter(
      ([, m]) => JSON.stringify(m.Properties.RestApiId) === JSON.stringify({ Ref: apiId }),
    );
    expect(methods.map(([, m]) => m.Properties.OperationName).sort()).toEqual(
      operations.map((o) => o.operationId).sort(),
    );
    for (const [, method] of methods) expect(method.Properties.AuthorizationType).toBe('AWS_IAM');
    template.resourceCountIs('AWS::Cognito::UserPoolClient', 0);
    // One account-wide CloudWatch role setting, shared by both APIs.
    template.resourceCountIs('AWS::ApiGateway::Account', 1);

    // The read policy invokes only the GET routes of that API and stage; remediate is a second, opt-in policy.
    const invokes = (t: Template) =>
      resources(t, 'AWS::IAM::ManagedPolicy').map(([, p]) => {
        const [statement] = (p.Properties.PolicyDocument as { Statement: Json[] }).Statement;
        const resource = evaluate(
          statement?.Resource,
          {
            'AWS::Partition': 'aws',
            'AWS::Region': 'eu-west-1',
            'AWS::AccountId': '111122223333',
            [apiId]: 'auto123456',
          },
          {},
        );
        return `${String(statement?.Action)} ${String(resource)}`;
      });
    expect(invokes(template)).toEqual([
      'execute-api:Invoke arn:aws:execute-api:eu-west-1:111122223333:auto123456/prod/GET/*',
    ]);
    expect(invokes(remediating).sort()).toEqual([
      'execute-api:Invoke arn:aws:execute-api:eu-west-1:111122223333:auto123456/prod/GET/*',
      'execute-api:Invoke arn:aws:execute-api:eu-west-1:111122223333:auto123456/prod/POST/*',
    ]);
    template.hasOutput(STACK_OUTPUTS.automationApiUrl, Match.anyValue());
    template.hasOutput(STACK_OUTPUTS.automationReadPolicyArn, Match.anyValue());
    expect(template.toJSON().Outputs).not.toHaveProperty(STACK_OUTPUTS.automationRemediatePolicyArn);
  });

  it('adds the Amazon Quick redirect URL as the only callback when there is no Q Business', () => {
    const { template } = synth({ quickRedirectUrl: QUICK_REDIRECT });
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      ClientName: 'interactive',
      CallbackURLs: [QUICK_REDIRECT],
      AllowedOAuthFlows: ['code'],
    });
  });

  it('federates the user pool with IAM Identity Center when samlMetadataUrl is set', () => {
    // Act
    const metadataUrl = 'https://portal.sso.eu-west-1.amazonaws.com/saml/metadata/abc';
    const { template } = synth({ identityCenterInstanceArn: IDENTITY_CENTER, samlMetadataUrl: metadataUrl });

    // Assert
    const [providerId] = only(template, 'AWS::Cognito::UserPoolIdentityProvider');
    template.hasResourceProperties('AWS::Cognito::UserPoolIdentityProvider', {
      ProviderType: 'SAML',
      ProviderName: 'IdentityCenter',
      ProviderDetails: Match.objectLike({ MetadataURL: metadataUrl }),
      AttributeMapping: { email: 'email' },
    });
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      ClientName: 'interactive',
      SupportedIdentityProviders: [{ Ref: providerId }],
    });
    template.hasOutput(STACK_OUTPUTS.samlAcsUrl, Match.anyValue());
    template.hasOutput(STACK_OUTPUTS.samlAudience, Match.anyValue());
  });

  it('opens the API only with auth=none, and then warns at synth', () => {
    // Arrange: CDK's synth-time validation prints the warning report; capture it rather than let it reach the test output
    const printed = jest.spyOn(console, 'error').mockImplementation(() => undefined);

    // Act
    const { stack, template } = synth({ auth: 'none' });

    // Assert
    for (const [, method] of resources(template, 'AWS::ApiGateway::Method')) {
      expect(method.Properties.AuthorizationType).toBe('NONE');
    }
    template.resourceCountIs('AWS::Cognito::UserPool', 0);
    template.resourceCountIs('AWS::ApiGateway::Authorizer', 0);
    const warnings = Annotations.fromStack(stack).findWarning(
      '*',
      Match.stringLikeRegexp('NO authentication'),
    );
    expect(warnings).toHaveLength(1);
    expect(JSON.stringify(warnings)).toContain(AUTH_NONE_WARNING_ID);
    expect(template.toJSON().Outputs).not.toHaveProperty(STACK_OUTPUTS.oauthTokenUrl);
    expect(printed).toHaveBeenCalledWith(expect.stringContaining('NO authentication'));
    printed.mockRestore();
  });

  it.each([
    [{ auth: 'basic' }, /auth must be "oauth" \(default\) or "none"/],
    [{ identityCenterInstanceArn: 'ssoins-123' }, /sso-admin list-instances/],
    [{ quickRedirectUrl: 'http://example.com/cb' }, /quickRedirectUrl must be an https URL/],
    [{ retainUserPool: 'yes' }, /retainUserPool must be true or false/],
    [{ auditRecordsRemovalPolicy: 'keep' }, /auditRecordsRemovalPolicy must be "retain"/],
    [{ auditLogRetentionDays: '100' }, /auditLogRetentionDays must be a retention CloudWatch Logs accepts/],
    [{ automation: 'token' }, /automation must be "none" \(default\), "iam"/],
    [{ automationRemediate: true }, /automationRemediate needs an automation path: add -c automation=iam/],
    [{ auth: 'none', automation: 'client' }, /automation=client need auth=oauth/],
    [{ auth: 'none', samlMetadataUrl: 'https://example.com/m' }, /needs auth=oauth/],
    [
      { auth: 'none', identityCenterInstanceArn: IDENTITY_CENTER },
      /auth=none cannot be combined with identityCenterInstanceArn/,
    ],
    [{ cognitoDomainPrefix: 'my-cognito-login' }, /cognitoDomainPrefix must not contain "cognito"/],
    [{ cognitoDomainPrefix: 'Exposure' }, /cognitoDomainPrefix must be lower-case letters/],
    [
      { cognitoDomainPrefix: `e${'x'.repeat(63)}` },
      /cognitoDomainPrefix must be at most 63 characters \(it has 64\)/,
    ],
  ])('rejects context %j with a message that says what to set', (context, message) => {
    expect(() => createApp({ context: { ...BASE_CONTEXT, ...context } })).toThrow(message);
  });
});
