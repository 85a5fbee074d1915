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
  STAGE_THROTTLING,
} from '../../infra/constructs/api';
import { RESOURCE_SERVER_ID } from '../../infra/constructs/auth';
import { DEFAULT_MEMORY_MB, SCAN_MEMORY_MB } from '../../infra/constructs/exposure-function';
import { AUTH_NONE_WARNING_ID, type ExposureStack } from '../../infra/stack';
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

    // Assert
    expect(routes).toEqual(
      expect.arrayContaining(
        operations.map((o) => ({ operationId: o.operationId, method: o.method, path: o.path })),
      ),
    );
    expect(routes).toHaveLength(operations.length);
  });

  it('requires the Cognito authorizer on every method: GET needs the read scope, POST the remediate scope', () => {
    const [authorizerId, authorizer] = only(template, 'AWS::ApiGateway::Authorizer');
    expect(authorizer.Properties.Type).toBe('COGNITO_USER_POOLS');
    const methods = resources(template, 'AWS::ApiGateway::Method');
    expect(methods.length).toBeGreaterThan(0);
    for (const [, method] of methods) {
      expect(method.Properties).toMatchObject({
        AuthorizationType: 'COGNITO_USER_POOLS',
        AuthorizerId: { Ref: authorizerId },
        AuthorizationScopes: [method.Properties.HttpMethod === 'GET' ? SCOPES.read : SCOPES.remediate],
      });
    }
    for (const operation of operations) {
      template.hasResourceProperties('AWS::ApiGateway::Method', {
        OperationName: operation.operationId,
        AuthorizationScopes: [SCOPES[operation.scope]],
      });
    }
  });

  it('declares the registry parameters on each method and validates them', () => {
    const [validatorId] = only(template, 'AWS::ApiGateway::RequestValidator');
    template.hasResourceProperties('AWS::ApiGateway::Method', {
      OperationName: 'findEc2InstancesWithOpenPort',
      RequestParameters: Match.objectLike({ 'method.request.querystring.port': true }),
      RequestValidatorId: { Ref: validatorId },
    });
    template.hasResourceProperties('AWS::ApiGateway::Method', {
      OperationName: 'removePublicAccessFromS3Bucket',
      RequestParameters: { 'method.request.path.bucketName': true },
    });
  });

  it('grants each function exactly the IAM actions of its registry entry, plus writing its own log group', () => {
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
        .flatMap(([, policy]) => (policy.Properties.PolicyDocument as { Statement: Json[] }).Statement);
      const actionsOf = (statement: Json) => [statement.Action].flat() as string[];
      const logStatements = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('logs:')));
      const operationActions = statements.flatMap(actionsOf).filter((a) => !a.startsWith('logs:'));

      // Assert: a function serving several operations holds the union of their actions
      const served = operations.filter((o) => o.functionName === operation.functionName);
      expect(operationActions.sort()).toEqual([...new Set(served.flatMap((o) => o.iamActions))].sort());
      expect(logStatements).toEqual([
        expect.objectContaining({
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Resource: { 'Fn::GetAtt': [logGroupId, 'Arn'] },
        }),
      ]);
      for (const statement of statements) {
        expect(statement.Effect).toBe('Allow');
        for (const action of actionsOf(statement)) {
          expect(action).not.toContain('*');
          const resource = JSON.stringify(statement.Resource);
          if (/^s3:(Get|Put)Bucket/.test(action)) expect(resource).toContain(':s3:::*');
          if (/^ec2:(Authorize|Revoke)/.test(action)) expect(resource).toMatch(/security-group\/\*/);
          if (action.startsWith('dynamodb:')) expect(resource).toContain('ChangeJournalTable');
        }
      }
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
    for (const [, fn] of resources(template, 'AWS::Lambda::Function')) {
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
    expect(resources(template, 'AWS::Lambda::Function')).toHaveLength(
      new Set(operations.map((o) => o.functionName)).size,
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

  it('keeps the functions’ log groups (audit records) a year and on destroy, and the stage’s a retention', () => {
    const logGroups = resources(template, 'AWS::Logs::LogGroup');
    expect(logGroups).toHaveLength(new Set(operations.map((o) => o.functionName)).size + 1);
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

  it('keeps the change journal on destroy, with point-in-time recovery and deletion protection', () => {
    const [, table] = only(template, 'AWS::DynamoDB::GlobalTable');
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
      MethodSettings: [
        Match.objectLike({
          HttpMethod: '*',
          ResourcePath: '/*',
          LoggingLevel: 'ERROR',
          DataTraceEnabled: false,
          ThrottlingRateLimit: STAGE_THROTTLING.rateLimit,
          ThrottlingBurstLimit: STAGE_THROTTLING.burstLimit,
        }),
      ],
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
    expect(JSON.parse(payload)).toEqual(buildOpenApiDocument({ serverUrl: apiUrl, oauth: expectedOAuth }));
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
      if (key === STACK_OUTPUTS.samlAcsUrl || key === STACK_OUTPUTS.samlAudience) continue;
      expect(Object.keys(outputs)).toContain(key);
    }
    expect(values[STACK_OUTPUTS.automationClientSecretCommand]).toMatch(
      /^aws cognito-idp describe-user-pool-client --region eu-west-1 --user-pool-id .+ --client-id .+ --query UserPoolClient.ClientSecret --output text$/,
    );
    expect(values[STACK_OUTPUTS.webExperienceUrl]).toBe('https://abcd1234.chat.qbusiness.eu-west-1.on.aws/');
  });

  it('configures the plugin OAuth client: code grant, callbacks for Q Business and Amazon Quick, secret in Secrets Manager', () => {
    // Arrange
    const clients = resources(template, 'AWS::Cognito::UserPoolClient');
    const interactive = clients.find(([, c]) => c.Properties.ClientName === 'interactive');
    if (!interactive) throw new Error('no interactive client');
    const [, secret] = only(template, 'AWS::SecretsManager::Secret');

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

  it('gives the automation client the read scope only, by client credentials', () => {
    const automation = resources(template, 'AWS::Cognito::UserPoolClient').find(
      ([, c]) => c.Properties.ClientName === 'automation',
    );
    expect(evaluate(automation?.[1].Properties.AllowedOAuthScopes, refs, attrs)).toEqual([SCOPES.read]);
    expect(automation?.[1].Properties.AllowedOAuthFlows).toEqual(['client_credentials']);
  });

  it('creates the Q Business application with Identity Center and Pro auto-subscription, names without spaces', () => {
    template.hasResourceProperties('AWS::QBusiness::Application', {
      IdentityType: 'AWS_IAM_IDC',
      IdentityCenterInstanceArn: IDENTITY_CENTER,
      AutoSubscriptionConfiguration: { AutoSubscribe: 'ENABLED', DefaultSubscriptionType: 'Q_BUSINESS' },
      DisplayName: Match.stringLikeRegexp('^\\S+$'),
    });
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
    const [secretId] = only(template, 'AWS::SecretsManager::Secret');
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
    template.resourceCountIs('AWS::SecretsManager::Secret', 0);
    const info = Annotations.fromStack(stack).findInfo(
      '*',
      Match.stringLikeRegexp('-c identityCenterInstanceArn='),
    );
    expect(info).toHaveLength(1);
    expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
    // No callback URL known yet, so no authorization-code client; automation still works.
    template.resourceCountIs('AWS::Cognito::UserPoolClient', 1);
  });

  it('removes the journal and the audit log groups on destroy with auditRecordsRemovalPolicy=destroy, and takes the retention from context', () => {
    const { template: destroyed } = synth({
      auditRecordsRemovalPolicy: 'destroy',
      auditLogRetentionDays: '60',
    });
    const [, table] = only(destroyed, 'AWS::DynamoDB::GlobalTable');
    expect(table.DeletionPolicy).toBe('Delete');
    const functionLogGroups = resources(destroyed, 'AWS::Logs::LogGroup').filter(
      ([, group]) => group.Properties.RetentionInDays === 60,
    );
    expect(functionLogGroups).toHaveLength(new Set(operations.map((o) => o.functionName)).size);
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

  it('lets the automation client remediate only when automationRemediate is set', () => {
    const { template } = synth({ automationRemediate: true });
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      ClientName: 'automation',
      AllowedOAuthScopes: [
        { 'Fn::Join': ['', [{ Ref: Match.anyValue() }, '/read']] },
        { 'Fn::Join': ['', [{ Ref: Match.anyValue() }, '/remediate']] },
      ],
    });
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
    const { stack, template } = synth({ auth: 'none', identityCenterInstanceArn: IDENTITY_CENTER });

    // Assert
    for (const [, method] of resources(template, 'AWS::ApiGateway::Method')) {
      expect(method.Properties.AuthorizationType).toBe('NONE');
    }
    template.resourceCountIs('AWS::Cognito::UserPool', 0);
    template.resourceCountIs('AWS::ApiGateway::Authorizer', 0);
    template.hasResourceProperties('AWS::QBusiness::Plugin', {
      AuthConfiguration: { NoAuthConfiguration: {} },
    });
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
    [{ auth: 'none', samlMetadataUrl: 'https://example.com/m' }, /needs auth=oauth/],
    [{ cognitoDomainPrefix: 'my-cognito-login' }, /cognitoDomainPrefix/],
  ])('rejects context %j with a message that says what to set', (context, message) => {
    expect(() => createApp({ context: { ...BASE_CONTEXT, ...context } })).toThrow(message);
  });
});
