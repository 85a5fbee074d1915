/**
 * `npm run verify` against mocked AWS clients and a fake fetch: the report
 * passes a healthy deployment and names what is wrong otherwise.
 */
import {
  CloudFormationClient,
  DescribeStackResourcesCommand,
  DescribeStacksCommand,
  GetTemplateCommand,
} from '@aws-sdk/client-cloudformation';
import {
  CognitoIdentityProviderClient,
  DescribeUserPoolClientCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  GetApplicationCommand,
  GetPluginCommand,
  GetWebExperienceCommand,
  QBusinessClient,
} from '@aws-sdk/client-qbusiness';
import {
  GetApplicationAssignmentConfigurationCommand,
  ListApplicationAssignmentsCommand,
  SSOAdminClient,
} from '@aws-sdk/client-sso-admin';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { OperatorError } from '../../infra/ops/deployed-stack';
import { exampleRequestUrl, formatReport, type VerifyDeps, verifyDeployment } from '../../infra/ops/verify';
import { operations } from '../../openapi/operations';
import { stackWith } from '../support/deployed-stack';

const API_URL = 'https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/prod';
const TOKEN_URL = 'https://aiops-111122223333.auth.eu-west-1.amazoncognito.com/oauth2/token';
const READS = operations.filter((o) => o.method === 'get' && !o.path.includes('{'));

const OUTPUTS: Record<string, string> = {
  ApiUrl: API_URL,
  OAuthAuthorizeUrl: 'https://aiops-111122223333.auth.eu-west-1.amazoncognito.com/oauth2/authorize',
  OAuthTokenUrl: TOKEN_URL,
  ScopeRead: 'aiops-exposure-api/read',
  ScopeRemediate: 'aiops-exposure-api/remediate',
  UserPoolId: 'eu-west-1_AbCdEf',
  AutomationClientId: 'automation-client',
  QBusinessApplicationId: 'app-1',
  QBusinessWebExperienceId: 'web-1',
  QBusinessPluginId: 'plugin-1',
  AlarmNames: 'AiopsExposureApi-function-errors-or-throttles,AiopsExposureApi-api-5xx',
};
const IDC_APPLICATION_ARN = 'arn:aws:sso::111122223333:application/ssoins-1234567890abcdef/apl-1';

/** The processed template as CloudFormation returns it: two throttled methods, two capped functions. */
function deployedTemplate(reserved: boolean): string {
  const fn = (name: string) => ({
    Type: 'AWS::Lambda::Function',
    Properties: { FunctionName: name, ...(reserved ? { ReservedConcurrentExecutions: 5 } : {}) },
  });
  return JSON.stringify({
    Resources: {
      ScanFn: fn('scan'),
      CloseFn: fn('close'),
      GetMethod: { Type: 'AWS::ApiGateway::Method', Properties: { HttpMethod: 'GET' } },
      PostMethod: { Type: 'AWS::ApiGateway::Method', Properties: { HttpMethod: 'POST' } },
      Stage: {
        Type: 'AWS::ApiGateway::Stage',
        Properties: {
          MethodSettings: [
            { HttpMethod: '*', ResourcePath: '/*', ThrottlingRateLimit: 10 },
            { HttpMethod: 'GET', ResourcePath: '/~1s3~1public-buckets', ThrottlingRateLimit: 0.2 },
            {
              HttpMethod: 'POST',
              ResourcePath: '/~1ec2~1instances~1{instanceId}~1close-port',
              ThrottlingRateLimit: 0.5,
            },
          ],
        },
      },
    },
  });
}

function alarmsCreated(names: string[]): void {
  cloudFormation.on(DescribeStackResourcesCommand).resolves({
    StackResources: names.map((name) => ({
      LogicalResourceId: name,
      PhysicalResourceId: name,
      ResourceType: 'AWS::CloudWatch::Alarm',
      ResourceStatus: 'CREATE_COMPLETE',
      Timestamp: new Date(0),
    })),
  });
}

const cloudFormation = mockClient(CloudFormationClient);
const qbusiness = mockClient(QBusinessClient);
const cognito = mockClient(CognitoIdentityProviderClient);
const ssoAdmin = mockClient(SSOAdminClient);

function healthyQBusiness(): void {
  qbusiness.on(GetApplicationCommand).resolves({
    status: 'ACTIVE',
    displayName: 'AiopsExposureAssistant',
    identityCenterApplicationArn: IDC_APPLICATION_ARN,
  });
  ssoAdmin.on(GetApplicationAssignmentConfigurationCommand).resolves({ AssignmentRequired: true });
  ssoAdmin.on(ListApplicationAssignmentsCommand).resolves({
    ApplicationAssignments: [
      { ApplicationArn: IDC_APPLICATION_ARN, PrincipalId: 'group-1', PrincipalType: 'GROUP' },
    ],
  });
  qbusiness.on(GetWebExperienceCommand).resolves({
    status: 'ACTIVE',
    defaultEndpoint: 'https://abcd.chat.qbusiness.eu-west-1.on.aws/',
  });
  qbusiness.on(GetPluginCommand).resolves({
    displayName: 'AiopsExposureApi',
    state: 'ENABLED',
    buildStatus: 'READY',
    customPluginConfiguration: {
      description: 'd',
      apiSchemaType: 'OPEN_API_V3',
      apiSchema: { payload: JSON.stringify({ servers: [{ url: API_URL }] }) },
    },
  });
}

/** Answers a call, or undefined to let the default answer it. */
type Handler = (url: string, init: RequestInit) => { status: number; body: unknown } | undefined;

/** A fetch that answers like Cognito's token endpoint and the deployed API, recording each call. */
function fakeFetch(overrides: { token?: Handler; api?: Handler } = {}) {
  const calls: Array<{ url: string; init: RequestInit }> = [];
  const fn = jest.fn(async (input: string | URL | Request, init: RequestInit = {}) => {
    const url = String(input);
    calls.push({ url, init });
    const headers = (init.headers ?? {}) as Record<string, string>;
    const answer =
      url === TOKEN_URL
        ? (overrides.token?.(url, init) ?? {
            status: 200,
            body: { access_token: 'token-1', token_type: 'Bearer' },
          })
        : (overrides.api?.(url, init) ??
          (headers.authorization === 'Bearer token-1'
            ? { status: 200, body: { summary: 'No public buckets found in 3 buckets.' } }
            : { status: 401, body: { error: { code: 'Unauthorized', message: 'Not signed in.' } } }));
    return new Response(JSON.stringify(answer.body), {
      status: answer.status,
      headers: { 'content-type': 'application/json' },
    });
  });
  return { fetch: fn as unknown as typeof fetch, calls };
}

function deps(fetchFn: typeof fetch): VerifyDeps {
  const config = { region: 'eu-west-1' };
  return {
    stackName: 'AiopsExposureApi',
    cloudFormation: new CloudFormationClient(config),
    qbusiness: new QBusinessClient(config),
    ssoAdmin: new SSOAdminClient(config),
    cognito: new CognitoIdentityProviderClient(config),
    fetch: fetchFn,
  };
}

beforeEach(() => {
  cloudFormation.reset();
  qbusiness.reset();
  cognito.reset();
  ssoAdmin.reset();
  cognito.on(DescribeUserPoolClientCommand).resolves({ UserPoolClient: { ClientSecret: 'shh' } });
  cloudFormation.on(GetTemplateCommand).resolves({ TemplateBody: deployedTemplate(true) });
  alarmsCreated(['AiopsExposureApi-function-errors-or-throttles', 'AiopsExposureApi-api-5xx']);
});

describe('verifyDeployment', () => {
  it('passes a healthy deployment: Q Business ready, token obtained, every read answers 200', async () => {
    // Arrange
    stackWith(cloudFormation, OUTPUTS);
    healthyQBusiness();
    const { fetch, calls } = fakeFetch();

    // Act
    const results = await verifyDeployment(deps(fetch));

    // Assert
    expect(results.filter((r) => r.status !== 'pass')).toEqual([]);
    expect(results.map((r) => r.name)).toEqual([
      'Q Business application is ACTIVE',
      'Q Business web experience is ACTIVE',
      'Q Business plugin is enabled, built and calls this API',
      'the Region has Amazon Q Business',
      'people are assigned to the Identity Center application (when it requires it)',
      'every API method has its own throttle',
      'every function has reserved concurrency',
      'the CloudWatch alarms exist',
      'API refuses a call without a token',
      'automation client gets an OAuth token (client credentials)',
      ...READS.map((o) => `GET ${o.path} (${o.operationId}) answers 200`),
    ]);
    const tokenCall = calls.find((c) => c.url === TOKEN_URL);
    if (!tokenCall) throw new Error('no token request');
    expect(tokenCall.init.body).toBe('grant_type=client_credentials&scope=aiops-exposure-api%2Fread');
    expect((tokenCall.init.headers as Record<string, string>).authorization).toBe(
      `Basic ${Buffer.from('automation-client:shh').toString('base64')}`,
    );
    expect(cognito).toHaveReceivedNthSpecificCommandWith(1, DescribeUserPoolClientCommand, {
      UserPoolId: 'eu-west-1_AbCdEf',
      ClientId: 'automation-client',
    });
    const apiCalls = calls.filter((c) => c.url.startsWith(API_URL)).map((c) => c.url);
    expect(apiCalls).toEqual(
      expect.arrayContaining(
        READS.map((o) =>
          expect.stringMatching(
            new RegExp(`^${`${API_URL}${o.path}`.replace(/[.?]/g, '\\$&').replace(/\{\w+\}/g, '[^/?]+')}`),
          ),
        ),
      ),
    );
    expect(formatReport('AiopsExposureApi', results)).toMatch(/all \d+ checks passed/);
  });

  it('fails in a Region without Q Business, without assignments, without limits or alarms, and says what to do', async () => {
    // Arrange
    stackWith(cloudFormation, OUTPUTS);
    healthyQBusiness();
    ssoAdmin.on(ListApplicationAssignmentsCommand).resolves({ ApplicationAssignments: [] });
    cloudFormation.on(GetTemplateCommand).resolves({ TemplateBody: deployedTemplate(false) });
    alarmsCreated(['AiopsExposureApi-api-5xx']);
    const d = {
      ...deps(fakeFetch().fetch),
      cloudFormation: new CloudFormationClient({ region: 'eu-central-1' }),
    };

    // Act
    const results = await verifyDeployment(d);

    // Assert
    const failed = Object.fromEntries(
      results.filter((r) => r.status === 'fail').map((r) => [r.name, r.detail]),
    );
    expect(failed).toEqual({
      'the Region has Amazon Q Business':
        'eu-central-1 is not one of us-east-1, us-west-2, eu-west-1, ap-southeast-2',
      'people are assigned to the Identity Center application (when it requires it)':
        'nobody is assigned, so nobody can open the web experience: npm run grant -- --user NAME',
      'every function has reserved concurrency':
        'none on ScanFn, CloseFn (deployed with -c reservedConcurrency=false?)',
      'the CloudWatch alarms exist': 'not created: AiopsExposureApi-function-errors-or-throttles',
    });
    expect(ssoAdmin).toHaveReceivedCommandWith(GetApplicationAssignmentConfigurationCommand, {
      ApplicationArn: IDC_APPLICATION_ARN,
    });
  });

  it('passes the assignment check when the Identity Center application requires none', async () => {
    stackWith(cloudFormation, OUTPUTS);
    healthyQBusiness();
    ssoAdmin.on(GetApplicationAssignmentConfigurationCommand).resolves({ AssignmentRequired: false });
    const results = await verifyDeployment(deps(fakeFetch().fetch));
    expect(results.find((r) => r.name.startsWith('people are assigned'))).toMatchObject({
      status: 'pass',
      detail: 'assignments are not required',
    });
    expect(ssoAdmin).not.toHaveReceivedCommand(ListApplicationAssignmentsCommand);
  });

  it('skips the token and read checks when there is no Cognito automation client', async () => {
    // Arrange: the default deployment has no automation client.
    const { AutomationClientId: _omitted, ...withoutClient } = OUTPUTS;
    stackWith(cloudFormation, withoutClient);
    healthyQBusiness();

    // Act
    const results = await verifyDeployment(deps(fakeFetch().fetch));

    // Assert
    expect(results.filter((r) => r.status === 'fail')).toEqual([]);
    expect(results.find((r) => r.name === 'API refuses a call without a token')?.status).toBe('pass');
    const reads = results.filter((r) => r.name.startsWith('GET '));
    expect(reads.map((r) => r.status)).toEqual(READS.map(() => 'skip'));
    expect(reads[0]?.detail).toContain('-c automation=client');
    expect(cognito.calls()).toHaveLength(0);
  });

  it('fails the plugin check when it is not built or points at another API', async () => {
    // Arrange
    stackWith(cloudFormation, OUTPUTS);
    healthyQBusiness();
    qbusiness.on(GetPluginCommand).resolves({
      state: 'ENABLED',
      buildStatus: 'CREATE_FAILED',
      customPluginConfiguration: {
        description: 'd',
        apiSchemaType: 'OPEN_API_V3',
        apiSchema: { payload: JSON.stringify({ servers: [{ url: 'https://old.example.com/prod' }] }) },
      },
    });
    qbusiness
      .on(GetApplicationCommand)
      .resolves({ status: 'FAILED', error: { errorMessage: 'role not trusted' } });

    // Act
    const results = await verifyDeployment(deps(fakeFetch().fetch));

    // Assert
    const failures = results.filter((r) => r.status === 'fail');
    expect(failures.map((r) => r.name)).toEqual([
      'Q Business application is ACTIVE',
      'Q Business plugin is enabled, built and calls this API',
      'people are assigned to the Identity Center application (when it requires it)',
    ]);
    expect(failures[0]?.detail).toBe('app-1 is FAILED: role not trusted');
    expect(failures[1]?.detail).toContain('build status is CREATE_FAILED (want READY)');
    expect(failures[1]?.detail).toContain('https://old.example.com/prod');
    expect(failures[2]?.detail).toBe('app-1 has no Identity Center application');
    expect(formatReport('AiopsExposureApi', results)).toContain(`3 of ${results.length} checks FAILED`);
  });

  it('reports an operation that answers an error, with its code and message', async () => {
    // Arrange
    stackWith(cloudFormation, OUTPUTS);
    healthyQBusiness();
    const first = READS[0];
    if (!first) throw new Error('the registry has no read operation');
    const { fetch } = fakeFetch({
      api: (url, init) =>
        url.startsWith(`${API_URL}${first.path}`) && (init.headers as Record<string, string>).authorization
          ? { status: 502, body: { error: { code: 'UpstreamError', message: 'ListBuckets: AccessDenied' } } }
          : undefined,
    });

    // Act
    const results = await verifyDeployment(deps(fetch));

    // Assert
    expect(results.find((r) => r.name.includes(first.operationId))).toEqual({
      name: `GET ${first.path} (${first.operationId}) answers 200`,
      status: 'fail',
      detail: '502 UpstreamError: ListBuckets: AccessDenied',
    });
  });

  it('fails when the API answers without a token, and skips the reads when no token can be had', async () => {
    // Arrange
    stackWith(cloudFormation, OUTPUTS);
    healthyQBusiness();
    const { fetch } = fakeFetch({
      token: () => ({ status: 400, body: { error: 'invalid_scope' } }),
      api: () => ({ status: 200, body: { summary: 'open' } }),
    });

    // Act
    const results = await verifyDeployment(deps(fetch));

    // Assert
    expect(results.find((r) => r.name === 'API refuses a call without a token')?.status).toBe('fail');
    expect(results.find((r) => r.name.startsWith('automation client'))).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('400 invalid_scope'),
    });
    expect(results.filter((r) => r.name.startsWith('GET ')).map((r) => r.status)).toEqual(
      READS.map(() => 'skip'),
    );
  });

  it('skips Q Business and authentication for an API-only auth=none stack', async () => {
    // Arrange
    stackWith(cloudFormation, { ApiUrl: API_URL, AlarmNames: OUTPUTS.AlarmNames ?? '' });
    const { fetch, calls } = fakeFetch({ api: () => ({ status: 200, body: { summary: 'ok' } }) });

    // Act
    const results = await verifyDeployment(deps(fetch));

    // Assert
    expect(results.filter((r) => r.status === 'skip').map((r) => r.name)).toEqual([
      'Amazon Q Business',
      'authentication',
    ]);
    expect(results.filter((r) => r.status === 'fail')).toEqual([]);
    expect(qbusiness.calls()).toHaveLength(0);
    expect(calls.every((c) => !(c.init.headers as Record<string, string>).authorization)).toBe(true);
  });

  it('says which stack and Region it could not find', async () => {
    // Arrange
    cloudFormation.on(DescribeStacksCommand).rejects(
      Object.assign(new Error('Stack with id AiopsExposureApi does not exist'), {
        name: 'ValidationError',
      }),
    );

    // Act + Assert
    const run = verifyDeployment(deps(fakeFetch().fetch));
    await expect(run).rejects.toThrow(OperatorError);
    await expect(run).rejects.toThrow('Stack AiopsExposureApi was not found in eu-west-1');
  });
});

describe('exampleRequestUrl', () => {
  it('fills required parameters with their documented examples and keeps lists short', () => {
    expect(exampleRequestUrl(`${API_URL}/`, 'findEc2InstancesWithOpenPort')).toBe(
      `${API_URL}/ec2/instances-with-open-port?limit=5`,
    );
    expect(exampleRequestUrl(API_URL, 'findS3BucketsWithPublicAccess')).toBe(
      `${API_URL}/s3/public-buckets?limit=5`,
    );
  });
});
