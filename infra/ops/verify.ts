/**
 * `npm run verify [-- --stack NAME] [--region REGION]`: checks a deployed
 * stack end to end and prints a pass/fail report (exit 1 on any failure):
 * the Q Business application and web experience are ACTIVE and the plugin
 * is enabled, built and pointed at this API; the Region has Q Business and
 * people are assigned to its Identity Center application when it requires
 * it; method throttles, reserved concurrency and alarms are deployed; the
 * API refuses a call without a token; and, with an automation client, that
 * client gets a token and each read (GET) operation answers 200.
 */
import { parseArgs } from 'node:util';
import {
  CloudFormationClient,
  DescribeStackResourcesCommand,
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
import type { ParameterObject } from 'openapi3-ts/oas30';
import { buildOpenApiDocument, listOperations, normaliseServerUrl } from '../../openapi/build-document';
import { operations } from '../../openapi/operations';
import { DEFAULT_STACK_NAME, STACK_OUTPUTS } from '../../openapi/stack-outputs';
import { QBUSINESS_REGIONS } from '../constructs/regions';
import { OperatorError, readStackOutputs, requireOutput, runMain, type StackOutputs } from './deployed-stack';

/** API Gateway's own limit is 29 s; allow for the network on top. */
const CALL_TIMEOUT_MS = 35_000;

export type CheckStatus = 'pass' | 'fail' | 'skip';

export interface CheckResult {
  readonly name: string;
  readonly status: CheckStatus;
  readonly detail: string;
}

export interface VerifyDeps {
  readonly stackName: string;
  readonly cloudFormation: CloudFormationClient;
  readonly qbusiness: QBusinessClient;
  readonly ssoAdmin: SSOAdminClient;
  readonly cognito: CognitoIdentityProviderClient;
  readonly fetch: typeof fetch;
}

function pass(name: string, detail: string): CheckResult {
  return { name, status: 'pass', detail };
}
function fail(name: string, detail: string): CheckResult {
  return { name, status: 'fail', detail };
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** Runs one check; an exception is that check's failure, not the end of the report. */
async function check(name: string, run: () => Promise<CheckResult>): Promise<CheckResult> {
  try {
    return await run();
  } catch (error) {
    return fail(name, describeError(error));
  }
}

async function checkQBusiness(deps: VerifyDeps, outputs: StackOutputs): Promise<CheckResult[]> {
  const applicationId = outputs[STACK_OUTPUTS.applicationId];
  if (!applicationId) {
    return [
      {
        name: 'Amazon Q Business',
        status: 'skip',
        detail: 'not deployed (deploy with -c identityCenterInstanceArn=... to add it)',
      },
    ];
  }
  const webExperienceId = outputs[STACK_OUTPUTS.webExperienceId] ?? '';
  const pluginId = outputs[STACK_OUTPUTS.pluginId] ?? '';
  return [
    await check('Q Business application is ACTIVE', async () => {
      const application = await deps.qbusiness.send(new GetApplicationCommand({ applicationId }));
      const name = 'Q Business application is ACTIVE';
      return application.status === 'ACTIVE'
        ? pass(name, `${applicationId} (${application.displayName ?? ''})`)
        : fail(
            name,
            `${applicationId} is ${application.status ?? 'in no status'}${errorSuffix(application.error)}`,
          );
    }),
    await check('Q Business web experience is ACTIVE', async () => {
      const experience = await deps.qbusiness.send(
        new GetWebExperienceCommand({ applicationId, webExperienceId }),
      );
      const name = 'Q Business web experience is ACTIVE';
      return experience.status === 'ACTIVE'
        ? pass(name, experience.defaultEndpoint ?? webExperienceId)
        : fail(
            name,
            `${webExperienceId} is ${experience.status ?? 'in no status'}${errorSuffix(experience.error)}`,
          );
    }),
    await check('Q Business plugin is enabled, built and calls this API', async () => {
      const plugin = await deps.qbusiness.send(new GetPluginCommand({ applicationId, pluginId }));
      const name = 'Q Business plugin is enabled, built and calls this API';
      const problems: string[] = [];
      if (plugin.state !== 'ENABLED') problems.push(`state is ${plugin.state ?? 'unknown'} (want ENABLED)`);
      if (plugin.buildStatus !== 'READY')
        problems.push(`build status is ${plugin.buildStatus ?? 'unknown'} (want READY)`);
      const payload = plugin.customPluginConfiguration?.apiSchema;
      const schemaUrl =
        payload && 'payload' in payload && payload.payload
          ? (JSON.parse(payload.payload) as { servers?: Array<{ url?: string }> }).servers?.[0]?.url
          : undefined;
      const apiUrl = outputs[STACK_OUTPUTS.apiUrl];
      if (schemaUrl !== apiUrl)
        problems.push(`its OpenAPI servers URL is ${schemaUrl ?? 'missing'}, not ${apiUrl}`);
      return problems.length === 0
        ? pass(name, `${plugin.displayName ?? pluginId}: ENABLED, READY`)
        : fail(name, problems.join('; '));
    }),
  ];
}

/** The Region is one with Q Business, and people can reach the application (assignments, when required). */
async function checkQBusinessAccess(deps: VerifyDeps, outputs: StackOutputs): Promise<CheckResult[]> {
  const applicationId = outputs[STACK_OUTPUTS.applicationId];
  if (!applicationId) return [];
  const regionName = 'the Region has Amazon Q Business';
  const assignmentName = 'people are assigned to the Identity Center application (when it requires it)';
  return [
    await check(regionName, async () => {
      const region = await deps.cloudFormation.config.region();
      return (QBUSINESS_REGIONS as readonly string[]).includes(region)
        ? pass(regionName, region)
        : fail(regionName, `${region} is not one of ${QBUSINESS_REGIONS.join(', ')}`);
    }),
    await check(assignmentName, async () => {
      const application = await deps.qbusiness.send(new GetApplicationCommand({ applicationId }));
      const applicationArn = application.identityCenterApplicationArn;
      if (!applicationArn) return fail(assignmentName, `${applicationId} has no Identity Center application`);
      const configuration = await deps.ssoAdmin.send(
        new GetApplicationAssignmentConfigurationCommand({ ApplicationArn: applicationArn }),
      );
      if (configuration.AssignmentRequired !== true)
        return pass(assignmentName, 'assignments are not required');
      const assigned = await deps.ssoAdmin.send(
        new ListApplicationAssignmentsCommand({ ApplicationArn: applicationArn, MaxResults: 1 }),
      );
      return (assigned.ApplicationAssignments ?? []).length > 0
        ? pass(assignmentName, 'at least one user or group is assigned')
        : fail(
            assignmentName,
            'nobody is assigned, so nobody can open the web experience: npm run grant -- --user NAME',
          );
    }),
  ];
}

interface TemplateResource {
  Type: string;
  Properties?: Record<string, unknown>;
}

/**
 * The limits as CloudFormation deployed them (its processed template and resources; console edits since are not
 * seen): every API method throttled on its own, every function with reserved concurrency, the alarms created.
 */
async function checkLimits(deps: VerifyDeps, outputs: StackOutputs): Promise<CheckResult[]> {
  const throttleName = 'every API method has its own throttle';
  const concurrencyName = 'every function has reserved concurrency';
  const alarmName = 'the CloudWatch alarms exist';
  let template: Promise<Record<string, TemplateResource>> | undefined;
  const resources = () => {
    template ??= deps.cloudFormation
      .send(new GetTemplateCommand({ StackName: deps.stackName, TemplateStage: 'Processed' }))
      .then(
        (answer) =>
          (JSON.parse(answer.TemplateBody ?? '{}') as { Resources?: Record<string, TemplateResource> })
            .Resources ?? {},
      );
    return template;
  };
  const ofType = async (type: string) =>
    Object.entries(await resources()).filter(([, resource]) => resource.Type === type);
  return [
    await check(throttleName, async () => {
      const settings = (await ofType('AWS::ApiGateway::Stage')).flatMap(
        ([, stage]) => (stage.Properties?.MethodSettings ?? []) as Array<Record<string, unknown>>,
      );
      const methods = await ofType('AWS::ApiGateway::Method');
      const throttled = settings.filter(
        (s) => s.HttpMethod !== '*' && typeof s.ThrottlingRateLimit === 'number',
      );
      return methods.length > 0 && throttled.length >= methods.length
        ? pass(throttleName, `${throttled.length} method throttles for ${methods.length} methods`)
        : fail(throttleName, `${throttled.length} method throttles for ${methods.length} methods`);
    }),
    await check(concurrencyName, async () => {
      const missing = (await ofType('AWS::Lambda::Function'))
        .filter(([, fn]) => typeof fn.Properties?.ReservedConcurrentExecutions !== 'number')
        .map(([id]) => id);
      return missing.length === 0
        ? pass(concurrencyName, 'each function is capped')
        : fail(
            concurrencyName,
            `none on ${missing.join(', ')} (deployed with -c reservedConcurrency=false?)`,
          );
    }),
    await check(alarmName, async () => {
      const expected = (outputs[STACK_OUTPUTS.alarmNames] ?? '').split(',').filter((name) => name !== '');
      if (expected.length === 0)
        return fail(alarmName, 'the stack has no AlarmNames output: deploy the current version');
      const described = await deps.cloudFormation.send(
        new DescribeStackResourcesCommand({ StackName: deps.stackName }),
      );
      const created = new Set(
        (described.StackResources ?? [])
          .filter(
            (r) => r.ResourceType === 'AWS::CloudWatch::Alarm' && /_COMPLETE$/.test(r.ResourceStatus ?? ''),
          )
          .map((r) => r.PhysicalResourceId),
      );
      const absent = expected.filter((name) => !created.has(name));
      return absent.length === 0
        ? pass(alarmName, expected.join(', '))
        : fail(alarmName, `not created: ${absent.join(', ')}`);
    }),
  ];
}

function errorSuffix(error: { errorMessage?: string } | undefined): string {
  return error?.errorMessage ? `: ${error.errorMessage}` : '';
}

/** A client-credentials access token for the automation client, with the read scope. */
async function automationToken(deps: VerifyDeps, outputs: StackOutputs): Promise<string> {
  const hint = 'deploy the current version of the stack with auth=oauth (the default).';
  const userPoolId = requireOutput(outputs, STACK_OUTPUTS.userPoolId, deps.stackName, hint);
  const clientId = requireOutput(outputs, STACK_OUTPUTS.automationClientId, deps.stackName, hint);
  const tokenUrl = requireOutput(outputs, STACK_OUTPUTS.oauthTokenUrl, deps.stackName, hint);
  const scope = requireOutput(outputs, STACK_OUTPUTS.scopeRead, deps.stackName, hint);
  const described = await deps.cognito.send(
    new DescribeUserPoolClientCommand({ UserPoolId: userPoolId, ClientId: clientId }),
  );
  const secret = described.UserPoolClient?.ClientSecret;
  if (!secret)
    throw new OperatorError(
      `App client ${clientId} has no secret; it must be the stack's automation client.`,
    );
  const response = await deps.fetch(tokenUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`,
    },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope }).toString(),
    signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
  });
  const body = (await response.json().catch(() => ({}))) as { access_token?: string; error?: string };
  if (!response.ok || !body.access_token) {
    throw new Error(`the token endpoint answered ${response.status} ${body.error ?? ''}`.trim());
  }
  return body.access_token;
}

/** The URL of a read operation with each required parameter set to its documented example. */
export function exampleRequestUrl(apiUrl: string, operationId: string): string {
  const found = listOperations(buildOpenApiDocument()).find((o) => o.operation.operationId === operationId);
  if (!found) throw new Error(`Operation ${operationId} is not in the OpenAPI document.`);
  const parameters = (found.operation.parameters ?? []) as ParameterObject[];
  const exampleOf = (parameter: ParameterObject): string =>
    String(parameter.example ?? (parameter.schema as { example?: unknown } | undefined)?.example ?? '');
  let path = found.path;
  const query = new URLSearchParams();
  for (const parameter of parameters) {
    if (parameter.in === 'path')
      path = path.replace(`{${parameter.name}}`, encodeURIComponent(exampleOf(parameter)));
    else if (parameter.in === 'query' && parameter.required) query.set(parameter.name, exampleOf(parameter));
    else if (parameter.in === 'query' && parameter.name === 'limit') query.set('limit', '5');
  }
  const search = query.toString();
  return `${normaliseServerUrl(apiUrl)}${path}${search ? `?${search}` : ''}`;
}

async function callApi(
  deps: VerifyDeps,
  url: string,
  token: string | undefined,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await deps.fetch(url, {
    headers: { accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
  });
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  return { status: response.status, body };
}

function errorOf(body: Record<string, unknown>): string {
  const error = body.error as { code?: string; message?: string } | undefined;
  return error ? `${error.code ?? ''}: ${error.message ?? ''}` : JSON.stringify(body).slice(0, 200);
}

async function checkApi(deps: VerifyDeps, outputs: StackOutputs): Promise<CheckResult[]> {
  const apiUrl = requireOutput(
    outputs,
    STACK_OUTPUTS.apiUrl,
    deps.stackName,
    'deploy the current version first.',
  );
  // Reads that need no id from a previous answer (an undo preview needs a recorded change).
  const reads = operations.filter((operation) => operation.method === 'get' && !operation.path.includes('{'));
  const secured = outputs[STACK_OUTPUTS.oauthTokenUrl] !== undefined;
  const results: CheckResult[] = [];
  let token: string | undefined;

  if (secured) {
    const first = reads[0];
    if (first) {
      results.push(
        await check('API refuses a call without a token', async () => {
          const name = 'API refuses a call without a token';
          const { status, body } = await callApi(
            deps,
            exampleRequestUrl(apiUrl, first.operationId),
            undefined,
          );
          return status === 401 && (body.error as { code?: string } | undefined)?.code === 'Unauthorized'
            ? pass(name, `401 ${errorOf(body)}`)
            : fail(name, `expected 401 Unauthorized, got ${status} ${errorOf(body)}`);
        }),
      );
    }
    if (!outputs[STACK_OUTPUTS.automationClientId]) {
      const detail =
        'no Cognito automation client (deploy with -c automation=client to check reads with a token here; ' +
        'with automation=iam, sign requests to the AutomationApiUrl output)';
      return [
        ...results,
        ...reads.map((o) => ({ name: `GET ${o.operationId}`, status: 'skip' as const, detail })),
      ];
    }
    const tokenCheck = await check('automation client gets an OAuth token (client credentials)', async () => {
      token = await automationToken(deps, outputs);
      return pass(
        'automation client gets an OAuth token (client credentials)',
        `scope ${outputs[STACK_OUTPUTS.scopeRead]}`,
      );
    });
    results.push(tokenCheck);
    if (tokenCheck.status === 'fail') {
      return [
        ...results,
        ...reads.map((o) => ({ name: `GET ${o.operationId}`, status: 'skip' as const, detail: 'no token' })),
      ];
    }
  } else {
    results.push({ name: 'authentication', status: 'skip', detail: 'auth=none: the API is open' });
  }

  for (const operation of reads) {
    const name = `GET ${operation.path} (${operation.operationId}) answers 200`;
    results.push(
      await check(name, async () => {
        const { status, body } = await callApi(deps, exampleRequestUrl(apiUrl, operation.operationId), token);
        return status === 200 && typeof body.summary === 'string'
          ? pass(name, body.summary.slice(0, 160))
          : fail(name, `${status} ${errorOf(body)}`);
      }),
    );
  }
  return results;
}

/** Every check, in report order. Only a missing stack throws; each failed check is a line of the report. */
export async function verifyDeployment(deps: VerifyDeps): Promise<CheckResult[]> {
  const outputs = await readStackOutputs(deps.cloudFormation, deps.stackName);
  return [
    ...(await checkQBusiness(deps, outputs)),
    ...(await checkQBusinessAccess(deps, outputs)),
    ...(await checkLimits(deps, outputs)),
    ...(await checkApi(deps, outputs)),
  ];
}

export function formatReport(stackName: string, results: readonly CheckResult[]): string {
  const label: Record<CheckStatus, string> = { pass: 'PASS', fail: 'FAIL', skip: 'SKIP' };
  const failed = results.filter((r) => r.status === 'fail').length;
  const lines = results.map((r) => `${label[r.status]}  ${r.name}${r.detail ? ` — ${r.detail}` : ''}`);
  const verdict =
    failed === 0
      ? `Stack ${stackName}: all ${results.filter((r) => r.status === 'pass').length} checks passed.`
      : `Stack ${stackName}: ${failed} of ${results.length} checks FAILED.`;
  return `${[...lines, '', verdict].join('\n')}\n`;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { stack: { type: 'string', default: DEFAULT_STACK_NAME }, region: { type: 'string' } },
  });
  const stackName = values.stack ?? DEFAULT_STACK_NAME;
  const config = values.region ? { region: values.region } : {};
  const results = await verifyDeployment({
    stackName,
    cloudFormation: new CloudFormationClient(config),
    qbusiness: new QBusinessClient(config),
    ssoAdmin: new SSOAdminClient(config),
    cognito: new CognitoIdentityProviderClient(config),
    fetch: globalThis.fetch,
  });
  process.stdout.write(formatReport(stackName, results));
  return results.some((r) => r.status === 'fail') ? 1 : 0;
}

if (require.main === module) runMain(main);
