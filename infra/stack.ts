/**
 * The whole system in one stack: a function per registry operation with
 * exactly its IAM actions, the REST API in front of them, Cognito OAuth, and
 * (with an IAM Identity Center instance) the Amazon Q Business application,
 * web experience and custom plugin.
 */
import {
  Annotations,
  Aws,
  type CfnElement,
  CfnOutput,
  Duration,
  Fn,
  RemovalPolicy,
  SecretValue,
  Stack,
  type StackProps,
  Token,
  Validations,
} from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { type AnyOperation, type OperationScope, operations } from '../openapi/operations';
import { LOG_GROUP_OUTPUT_PREFIX, STACK_OUTPUTS } from '../openapi/stack-outputs';
import { ExposureApi, STAGE_NAME } from './constructs/api';
import { clientSecretCommand, ExposureAuth, RESOURCE_SERVER_ID } from './constructs/auth';
import { ChangeJournalTable } from './constructs/change-journal-table';
import { pascalCase } from './constructs/construct-ids';
import { ExposureFunction, RESERVED_CONCURRENCY, SCAN_MEMORY_MB } from './constructs/exposure-function';
import { McpEndpoint } from './constructs/mcp';
import { deployTimeDocumentPayload } from './constructs/openapi-payload';
import { grantOperationActions } from './constructs/operation-permissions';
import {
  QBUSINESS_REGIONS,
  QBUSINESS_REGIONS_WITHOUT_ACTIONS,
  QBusinessAssistant,
  qBusinessRegionMessage,
} from './constructs/q-business';
import { defaultDomainPrefixStem, readStackConfig, type StackConfig } from './constructs/stack-config';

/** CloudWatch's hard limit on the metrics one alarm's math expression may use. */
const MAX_ALARM_METRICS = 10;

export const AUTH_NONE_WARNING_ID = 'aiops:authNone';

export interface ExposureStackProps extends StackProps {
  /** Settings; read from context when absent. */
  readonly config?: StackConfig;
  /**
   * The Region the CDK CLI deploys this environment-agnostic stack to (`CDK_DEFAULT_REGION`), when known:
   * settings that cannot work there fail at synth instead of during the deploy.
   */
  readonly deployRegion?: string;
  /**
   * Outputs of the stack as deployed now, when synth could read them (credentials present): a deploy that would
   * delete or replace the Q Business application is then warned about at synth.
   */
  readonly deployedOutputs?: Readonly<Record<string, string>>;
}

export const QBUSINESS_LOSS_WARNING_ID = 'aiops:qBusinessWouldBeDeleted';

/**
 * What deploying `configured` over a stack deployed with `deployed` would do to its Q Business application,
 * as a warning; undefined when nothing is lost. Context settings last only as long as they are passed, so
 * forgetting `-c identityCenterInstanceArn` once deletes the application, its web experience, plugin and
 * users' conversations.
 */
export function qBusinessLossWarning(
  stackName: string,
  deployed: Readonly<Record<string, string>> | undefined,
  configured: string | undefined,
): string | undefined {
  const deployedArn = deployed?.[STACK_OUTPUTS.identityCenterInstanceArn];
  if (!deployedArn || deployedArn === configured) return undefined;
  const fix =
    `Put "identityCenterInstanceArn": "${deployedArn}" under "context" in cdk.json (or pass ` +
    `-c identityCenterInstanceArn=${deployedArn}) and synth again.`;
  return configured === undefined
    ? `!!! DEPLOYING THIS DELETES THE AMAZON Q BUSINESS APPLICATION of stack ${stackName} (its web experience, ` +
        `plugin, subscriptions and conversations): it is deployed with identityCenterInstanceArn ${deployedArn}, ` +
        `and this synth has none. ${fix}`
    : `!!! DEPLOYING THIS REPLACES THE AMAZON Q BUSINESS APPLICATION of stack ${stackName}: it is deployed with ` +
        `identityCenterInstanceArn ${deployedArn}, and this synth has ${configured}. If that is not intended: ${fix}`;
}

export const QBUSINESS_ACTIONS_WARNING_ID = 'aiops:qBusinessActions';

export class ExposureStack extends Stack {
  readonly config: StackConfig;
  readonly functions = new Map<string, ExposureFunction>();
  readonly api: ExposureApi;
  readonly journal: ChangeJournalTable;
  readonly mcp: McpEndpoint;
  readonly auth?: ExposureAuth;
  readonly assistant?: QBusinessAssistant;
  readonly interactiveClient?: cognito.UserPoolClient;
  /** automation=iam: the same operations behind IAM (SigV4) authorization, and the policies that grant them. */
  automationApi?: ExposureApi;
  readonly automationPolicies: Partial<Record<OperationScope, iam.ManagedPolicy>> = {};
  readonly alarms: cloudwatch.Alarm[] = [];
  /** The Q Business plugin's OAuth client (client_id, client_secret, redirect_uri). */
  pluginSecret?: secretsmanager.Secret;
  /** The key that signs previews' planIds and checks them on apply. */
  readonly planKey: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: ExposureStackProps = {}) {
    super(scope, id, {
      description: 'AIOps exposure API: find and fix public S3 buckets and EC2 ports open to the internet.',
      ...props,
    });
    const config = props.config ?? readStackConfig(this.node);
    this.config = config;

    if (config.auth === 'oauth') {
      this.auth = new ExposureAuth(this, 'Auth', {
        domainPrefix: config.cognitoDomainPrefix ?? this.defaultDomainPrefix(),
        userPoolRemovalPolicy: config.retainUserPool ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
        ...(config.samlMetadataUrl ? { samlMetadataUrl: config.samlMetadataUrl } : {}),
        remediatorGroupName: config.remediatorGroupName,
        ...(config.samlGroupsAttribute ? { samlGroupsAttribute: config.samlGroupsAttribute } : {}),
        sourceMapStackTraces: config.sourceMapStackTraces,
        // Its log says, at every token, whether the person got the remediate scope: kept like the audit records.
        triggerLogRetention: config.auditLogRetentionDays as logs.RetentionDays,
        triggerLogRemovalPolicy: config.retainAuditRecords ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      });
    } else {
      Annotations.of(this).addWarningV2(
        AUTH_NONE_WARNING_ID,
        'auth=none: the API has NO authentication. Anyone who finds its URL can list and change S3 bucket and ' +
          'security group settings in this account. Use it only for a short demo, then deploy without -c auth=none.',
      );
    }

    this.journal = new ChangeJournalTable(this, 'ChangeJournal', { retain: config.retainAuditRecords });
    this.planKey = new secretsmanager.Secret(this, 'PlanKey', {
      description:
        'AIOps exposure API: HMAC key that signs the planId of each preview, so a write applies exactly what was previewed.',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy: RemovalPolicy.DESTROY,
    });
    Validations.of(this.planKey).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'An HMAC key for planIds that live ten minutes: replacing it (update the secret, or redeploy) only makes ' +
        'previews in flight ask to be previewed again, so a rotation Lambda would add a moving part for nothing.',
    });

    for (const operation of operations) this.functionFor(operation);

    this.api = new ExposureApi(this, 'Api', {
      operations,
      functionFor: (operation) => this.functionFor(operation),
      ...(this.auth ? { auth: { userPool: this.auth.userPool, scopeNames: this.auth.scopeNames } } : {}),
    });
    if (config.automation === 'client' && this.auth)
      this.auth.addAutomationClient(config.automationRemediate);
    if (config.automation === 'iam') this.addAutomationApi(config.automationRemediate);

    const loss = qBusinessLossWarning(
      this.stackName,
      props.deployedOutputs,
      config.identityCenterInstanceArn,
    );
    if (loss) Annotations.of(this).addWarningV2(QBUSINESS_LOSS_WARNING_ID, loss);

    this.mcp = new McpEndpoint(this, 'Mcp', {
      api: this.api,
      journal: this.journal.table,
      logRetention: this.config.auditLogRetentionDays as logs.RetentionDays,
      logRemovalPolicy: this.config.retainAuditRecords ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      planKey: this.planKey,
      sourceMapStackTraces: this.config.sourceMapStackTraces,
      writeGuard: {
        protectedTagKey: this.config.protectedTagKey,
        ...(this.config.allowedRegions ? { allowedRegions: this.config.allowedRegions } : {}),
      },
      ...(this.config.reservedConcurrency
        ? { reservedConcurrentExecutions: Math.max(...Object.values(RESERVED_CONCURRENCY)) }
        : {}),
      ...(this.auth ? { auth: this.auth } : {}),
    });

    if (config.identityCenterInstanceArn) {
      this.checkQBusinessRegion(Token.isUnresolved(this.region) ? props.deployRegion : this.region);
      this.assistant = new QBusinessAssistant(this, 'QBusiness', {
        identityCenterInstanceArn: config.identityCenterInstanceArn,
      });
    } else {
      Annotations.of(this).addInfo(
        'No Amazon Q Business resources: context identityCenterInstanceArn is not set, so this stack deploys the ' +
          'API alone. To add the Q Business application, web experience and plugin, deploy again with ' +
          '-c identityCenterInstanceArn=arn:aws:sso:::instance/ssoins-... (aws sso-admin list-instances prints it).',
      );
    }

    if (this.auth) {
      const callbackUrls = [this.assistant?.oauthCallbackUrl, config.quickRedirectUrl].filter(
        (url): url is string => url !== undefined,
      );
      if (callbackUrls.length > 0)
        this.interactiveClient = this.auth.addInteractiveClient('InteractiveClient', callbackUrls);
    }

    if (this.assistant) this.addPlugin(this.assistant);
    this.addAlarms();
    this.addOutputs();
  }

  /**
   * Alarms on what a runaway caller or a broken deploy shows first: any function error or throttle (a throttle
   * means callers hit the reserved concurrency), and any 5xx from an API. They have no action: subscribe a topic
   * in the console or add one here; `npm run verify` checks they exist.
   */
  private addAlarms(): void {
    const period = Duration.minutes(5);
    const alarm = (id: string, suffix: string, metric: cloudwatch.IMetric, description: string) => {
      const created = new cloudwatch.Alarm(this, id, {
        alarmName: `${this.stackName}-${suffix}`,
        alarmDescription: description,
        metric,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      this.alarms.push(created);
    };
    // One alarm per kind, summed over the functions: an alarm's math expression may use at most 10 metrics.
    const sumOverFunctions = (kind: 'errors' | 'throttles') => {
      const functions = [...this.functions.values()];
      if (functions.length > MAX_ALARM_METRICS) {
        throw new Error(
          `${functions.length} functions exceed the ${MAX_ALARM_METRICS} metrics a CloudWatch alarm may sum: ` +
            'split the function alarms in infra/stack.ts (addAlarms).',
        );
      }
      const usingMetrics: Record<string, cloudwatch.IMetric> = {};
      functions.forEach((fn, index) => {
        usingMetrics[`${kind}${index}`] =
          kind === 'errors'
            ? fn.metricErrors({ period, statistic: 'Sum' })
            : fn.metricThrottles({ period, statistic: 'Sum' });
      });
      return new cloudwatch.MathExpression({
        expression: Object.keys(usingMetrics)
          .map((name) => `FILL(${name}, 0)`)
          .join(' + '),
        usingMetrics,
        period,
        label: kind === 'errors' ? 'Errors of every function' : 'Throttles of every function',
      });
    };
    alarm(
      'FunctionErrorsAlarm',
      'function-errors',
      sumOverFunctions('errors'),
      'A function of the AIOps exposure API failed.',
    );
    alarm(
      'FunctionThrottlesAlarm',
      'function-throttles',
      sumOverFunctions('throttles'),
      'A function of the AIOps exposure API was throttled (callers exceed its reserved concurrency).',
    );
    alarm(
      'Api5xxAlarm',
      'api-5xx',
      this.api.restApi.metricServerError({ period, statistic: 'Sum' }),
      'The AIOps exposure API answered 5xx.',
    );
    if (this.automationApi) {
      alarm(
        'AutomationApi5xxAlarm',
        'automation-api-5xx',
        this.automationApi.restApi.metricServerError({ period, statistic: 'Sum' }),
        'The AIOps exposure automation API answered 5xx.',
      );
    }
  }

  /**
   * A second REST API with the same routes and functions, every method authorized by IAM: a script needs a
   * SigV4 signature from a principal that was given `execute-api:Invoke` on it, which only an administrator
   * grants (by attaching the read or remediate policy below). No long-lived secret exists to leak.
   */
  private addAutomationApi(canRemediate: boolean): void {
    const api = new ExposureApi(this, 'AutomationApi', {
      operations,
      functionFor: (operation) => this.functionFor(operation),
      iam: true,
      // Scripts want REST statuses; the assistant rendering is for chat.
      assistantRendering: false,
      restApiName: 'aiops-exposure-automation',
      accountCloudWatchSetting: this.api.restApi.node.findChild('Account'),
    });
    this.automationApi = api;
    // Its calls are signed, not tokens: the functions' own scope check accepts them from this API only.
    for (const fn of this.functions.values()) fn.addEnvironment('AUTOMATION_API_ID', api.restApi.restApiId);
    const scopes: OperationScope[] = canRemediate ? ['read', 'remediate'] : ['read'];
    for (const scope of scopes) {
      const method = scope === 'read' ? 'GET' : 'POST';
      const policy = new iam.ManagedPolicy(
        this,
        `Automation${scope === 'read' ? 'Read' : 'Remediate'}Policy`,
        {
          description:
            scope === 'read'
              ? 'Lets scripts call the read (GET) operations of the AIOps exposure automation API.'
              : 'Lets scripts call the remediate (POST) operations of the AIOps exposure automation API.',
          statements: [
            new iam.PolicyStatement({
              sid: `Invoke${method}`,
              actions: ['execute-api:Invoke'],
              resources: [api.restApi.arnForExecuteApi(method, '/*', STAGE_NAME)],
            }),
          ],
        },
      );
      Validations.of(policy).acknowledge({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:<${this.getLogicalId(api.restApi.node.defaultChild as CfnElement)}>/${STAGE_NAME}/${method}/*]`,
        reason: `Every ${method} route of this one API and stage, and nothing else: the ${scope} operations are exactly its ${method} methods.`,
      });
      this.automationPolicies[scope] = policy;
    }
  }

  /** Refuses a known Region without Q Business at synth; the stack's CloudFormation rule refuses it at deploy. */
  private checkQBusinessRegion(region: string | undefined): void {
    if (region === undefined) return;
    if (!(QBUSINESS_REGIONS as readonly string[]).includes(region))
      throw new Error(qBusinessRegionMessage(region));
    if ((QBUSINESS_REGIONS_WITHOUT_ACTIONS as readonly string[]).includes(region)) {
      Annotations.of(this).addWarningV2(
        QBUSINESS_ACTIONS_WARNING_ID,
        `Amazon Q Business in ${region} does not list Q Actions (plugins) among its features yet: the plugin may ` +
          'fail to deploy or to run there. us-east-1 and us-west-2 have them.',
      );
    }
  }

  /**
   * `<stack name>-<first 8 hex digits of the stack id>`: the domain is in every OAuth URL, so it carries no
   * account id. The stack id's UUID is random and fixed for the stack's life, so the prefix is stable across
   * updates and unique across accounts; a hash of anything known at synth (this stack is environment-agnostic)
   * would be the same for every account that keeps the default stack name.
   */
  private defaultDomainPrefix(): string {
    const stem = defaultDomainPrefixStem(this.stackName);
    const stackUuid = Fn.select(2, Fn.split('/', Aws.STACK_ID));
    return `${stem}-${Fn.select(0, Fn.split('-', stackUuid))}`;
  }

  /** One function per entry file; operations served by the same entry share it and the union of actions. */
  private functionFor(operation: AnyOperation): ExposureFunction {
    const existing = this.functions.get(operation.functionName);
    if (existing) return existing;
    const served = operations.filter((candidate) => candidate.functionName === operation.functionName);
    const fn = new ExposureFunction(this, pascalCase(operation.functionName), {
      functionName: operation.functionName,
      description: `AIOps exposure API: ${served.map((o) => `${o.method.toUpperCase()} ${o.path}`).join(', ')}`,
      sourceMapStackTraces: this.config.sourceMapStackTraces,
      // The log groups hold the audit records (one per remediation call, refusals included).
      logRetention: this.config.auditLogRetentionDays as logs.RetentionDays,
      logRemovalPolicy: this.config.retainAuditRecords ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      environment: {
        ...(served.some((o) => o.iamActions.some((action) => action.startsWith('dynamodb:')))
          ? { CHANGE_JOURNAL_TABLE: this.journal.table.tableName }
          : {}),
        // The functions check the token's scopes themselves too (defence in depth behind the authorizer).
        ...(this.auth ? { OAUTH_SCOPE_PREFIX: RESOURCE_SERVER_ID } : {}),
        // Previews name the group to a read-only person.
        ...(this.auth && served.some((o) => o.usesPlanKey)
          ? { REMEDIATOR_GROUP: this.config.remediatorGroupName }
          : {}),
        // Bucket tags are read before a write: IAM's Deny sees them only on buckets with ABAC enabled.
        ...(served.some((o) => o.iamActions.includes('s3:GetBucketTagging'))
          ? { PROTECTED_TAG_KEY: this.config.protectedTagKey }
          : {}),
        ...(served.some((o) => o.usesPlanKey) ? { PLAN_KEY_SECRET_ARN: this.planKey.secretArn } : {}),
      },
      // Read operations are the account-wide scans.
      ...(served.some((o) => o.scope === 'read') ? { memorySize: SCAN_MEMORY_MB } : {}),
      ...(this.config.reservedConcurrency
        ? {
            reservedConcurrentExecutions: Math.max(...served.map((o) => RESERVED_CONCURRENCY[o.scope])),
          }
        : {}),
    });
    if (served.some((o) => o.usesPlanKey)) {
      // Only the value, of this one secret: not DescribeSecret, not the other secrets of the stack.
      fn.executionRole.addToPolicy(
        new iam.PolicyStatement({
          sid: 'ReadPlanKey',
          actions: ['secretsmanager:GetSecretValue'],
          resources: [this.planKey.secretArn],
        }),
      );
    }
    grantOperationActions(
      fn,
      served.flatMap((o) => o.iamActions),
      { journalTableArn: this.journal.table.tableArn },
      {
        protectedTagKey: this.config.protectedTagKey,
        ...(this.config.allowedRegions ? { allowedRegions: this.config.allowedRegions } : {}),
      },
    );
    Validations.of(fn).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Pinned to nodejs22.x, the runtime the bundle targets (esbuild target node22) and the code is tested on; ' +
        'it moves to a newer runtime together with the toolchain, not silently.',
    });
    this.functions.set(operation.functionName, fn);
    return fn;
  }

  private addPlugin(assistant: QBusinessAssistant): void {
    const auth = this.auth;
    const client = this.interactiveClient;
    const payload = deployTimeDocumentPayload({
      apiUrl: this.api.url,
      ...(auth
        ? { oauth: { authorizationUrl: auth.authorizeUrl, tokenUrl: auth.tokenUrl, scopes: auth.scopeNames } }
        : {}),
    });
    // The settings refuse auth=none with Q Business, and with Q Business there is always a callback URL, hence
    // this client.
    if (!auth || !client)
      throw new Error('The Q Business plugin needs the user pool and its authorization-code client.');
    const cfnClient = client.node.defaultChild as cognito.CfnUserPoolClient;
    const secret = new secretsmanager.Secret(this, 'PluginOAuthSecret', {
      description:
        'OAuth client of the AIOps exposure Q Business plugin (client_id, client_secret, redirect_uri).',
      // The secret is read from the client with Fn::GetAtt at deploy time: it never appears in the template.
      secretObjectValue: {
        client_id: SecretValue.unsafePlainText(client.userPoolClientId),
        client_secret: SecretValue.resourceAttribute(cfnClient.attrClientSecret),
        redirect_uri: SecretValue.unsafePlainText(assistant.oauthCallbackUrl),
      },
      removalPolicy: RemovalPolicy.DESTROY,
    });
    Validations.of(secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'It holds a copy of a Cognito app client secret, which Secrets Manager cannot rotate; the secret changes ' +
        'only when the client is replaced, and this stack then writes the new value.',
    });
    this.pluginSecret = secret;
    assistant.addPlugin({
      apiSchemaPayload: payload,
      oauth: { secret, authorizationUrl: auth.authorizeUrl, tokenUrl: auth.tokenUrl },
    });
  }

  private addOutputs(): void {
    const output = (key: string, value: string, description: string) =>
      new CfnOutput(this, key, { key, value, description });

    output(
      STACK_OUTPUTS.apiUrl,
      this.api.url,
      'API base URL (the OpenAPI servers URL), without a trailing slash.',
    );
    output(
      STACK_OUTPUTS.changeJournalTableName,
      this.journal.table.tableName,
      'DynamoDB table of the change journal (npm start -- --aws --journal-table NAME).',
    );
    output(
      STACK_OUTPUTS.mcpUrl,
      this.mcp.url,
      'MCP endpoint (Streamable HTTP) for Amazon Quick and other MCP clients.',
    );
    output(
      STACK_OUTPUTS.mcpProtectedResourceMetadataUrl,
      this.mcp.protectedResourceMetadataUrl,
      'OAuth protected-resource metadata (RFC 9728) of the MCP endpoint.',
    );
    for (const [name, fn] of [...this.functions, ['mcp', this.mcp.function] as const]) {
      output(
        `${LOG_GROUP_OUTPUT_PREFIX}${pascalCase(name)}`,
        fn.functionLogGroup.logGroupName,
        `CloudWatch log group of the ${name} function (its audit records).`,
      );
    }
    const auth = this.auth;
    if (auth) {
      output(
        STACK_OUTPUTS.oauthAuthorizeUrl,
        auth.authorizeUrl,
        'OAuth 2.0 authorization endpoint (Cognito).',
      );
      output(STACK_OUTPUTS.oauthTokenUrl, auth.tokenUrl, 'OAuth 2.0 token endpoint (Cognito).');
      output(STACK_OUTPUTS.scopeRead, auth.scopeNames.read, 'Scope the GET operations require.');
      output(STACK_OUTPUTS.scopeRemediate, auth.scopeNames.remediate, 'Scope the POST operations require.');
      output(
        STACK_OUTPUTS.cognitoDomainUrl,
        auth.domainUrl,
        'Cognito domain (hosted sign-in and OAuth endpoints).',
      );
      output(STACK_OUTPUTS.userPoolId, auth.userPool.userPoolId, 'Cognito user pool id.');
      output(
        STACK_OUTPUTS.remediatorGroupName,
        this.config.remediatorGroupName,
        'Cognito group whose members may change things (npm run grant -- --user NAME --remediator).',
      );
      if (auth.automationClient) {
        output(
          STACK_OUTPUTS.automationClientId,
          auth.automationClient.userPoolClientId,
          'Client-credentials app client for scripts and curl (automation=client).',
        );
        output(
          STACK_OUTPUTS.automationClientSecretCommand,
          clientSecretCommand(auth.userPool, auth.automationClient),
          'Prints the automation client secret.',
        );
      }
      if (this.interactiveClient) {
        output(
          STACK_OUTPUTS.interactiveClientId,
          this.interactiveClient.userPoolClientId,
          'Authorization-code app client (Q Business plugin, Amazon Quick action connector).',
        );
        output(
          STACK_OUTPUTS.interactiveClientSecretCommand,
          clientSecretCommand(auth.userPool, this.interactiveClient),
          'Prints the authorization-code client secret.',
        );
      }
      // Available before federation exists: the Identity Center SAML application is created from these.
      output(
        STACK_OUTPUTS.samlAcsUrl,
        auth.samlAcsUrl,
        'ACS URL for the IAM Identity Center SAML application.',
      );
      output(
        STACK_OUTPUTS.samlAudience,
        auth.samlAudience,
        'Audience for the IAM Identity Center SAML application.',
      );
    }
    output(
      STACK_OUTPUTS.alarmNames,
      this.alarms.map((a) => a.alarmName).join(','),
      'CloudWatch alarms on function errors and throttles and on API 5xx (npm run verify checks them).',
    );
    if (this.automationApi) {
      output(
        STACK_OUTPUTS.automationApiUrl,
        this.automationApi.url,
        'IAM-authorised API for scripts (SigV4, service execute-api), without a trailing slash.',
      );
      const { read, remediate } = this.automationPolicies;
      if (read)
        output(
          STACK_OUTPUTS.automationReadPolicyArn,
          read.managedPolicyArn,
          'Attach to call the automation API reads.',
        );
      if (remediate) {
        output(
          STACK_OUTPUTS.automationRemediatePolicyArn,
          remediate.managedPolicyArn,
          'Attach to call the automation API changes.',
        );
      }
    }
    const assistant = this.assistant;
    if (assistant && this.config.identityCenterInstanceArn) {
      output(
        STACK_OUTPUTS.identityCenterInstanceArn,
        this.config.identityCenterInstanceArn,
        'IAM Identity Center instance of the Q Business application.',
      );
      output(
        STACK_OUTPUTS.applicationId,
        assistant.application.attrApplicationId,
        'Q Business application id.',
      );
      output(
        STACK_OUTPUTS.webExperienceId,
        assistant.webExperience.attrWebExperienceId,
        'Q Business web experience id.',
      );
      output(
        STACK_OUTPUTS.webExperienceUrl,
        assistant.webExperienceUrl,
        'Sign in here to chat with the assistant.',
      );
      if (assistant.plugin)
        output(STACK_OUTPUTS.pluginId, assistant.plugin.attrPluginId, 'Q Business plugin id.');
      if (this.pluginSecret) {
        output(
          STACK_OUTPUTS.pluginSecretArn,
          this.pluginSecret.secretArn,
          'Secret with the plugin OAuth client.',
        );
      }
    }
  }
}
