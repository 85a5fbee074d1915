/**
 * The whole system in one stack: a function per registry operation with
 * exactly its IAM actions, the REST API in front of them, Cognito OAuth, and
 * (with an IAM Identity Center instance) the Amazon Q Business application,
 * web experience and custom plugin.
 */
import {
  Annotations,
  Aws,
  CfnOutput,
  RemovalPolicy,
  SecretValue,
  Stack,
  type StackProps,
  Validations,
} from 'aws-cdk-lib';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { type AnyOperation, operations } from '../openapi/operations';
import { LOG_GROUP_OUTPUT_PREFIX, STACK_OUTPUTS } from '../openapi/stack-outputs';
import { ExposureApi } from './constructs/api';
import { clientSecretCommand, ExposureAuth, RESOURCE_SERVER_ID } from './constructs/auth';
import { ChangeJournalTable } from './constructs/change-journal-table';
import { pascalCase } from './constructs/construct-ids';
import { ExposureFunction, SCAN_MEMORY_MB } from './constructs/exposure-function';
import { deployTimeDocumentPayload } from './constructs/openapi-payload';
import { grantOperationActions } from './constructs/operation-permissions';
import { QBusinessAssistant } from './constructs/q-business';
import { readStackConfig, type StackConfig } from './constructs/stack-config';

export const AUTH_NONE_WARNING_ID = 'aiops:authNone';

export interface ExposureStackProps extends StackProps {
  /** Settings; read from context when absent. */
  readonly config?: StackConfig;
}

export class ExposureStack extends Stack {
  readonly config: StackConfig;
  readonly functions = new Map<string, ExposureFunction>();
  readonly api: ExposureApi;
  readonly journal: ChangeJournalTable;
  readonly auth?: ExposureAuth;
  readonly assistant?: QBusinessAssistant;
  readonly interactiveClient?: cognito.UserPoolClient;
  /** The Q Business plugin's OAuth client (client_id, client_secret, redirect_uri). */
  pluginSecret?: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: ExposureStackProps = {}) {
    super(scope, id, {
      description: 'AIOps exposure API: find and fix public S3 buckets and EC2 ports open to the internet.',
      ...props,
    });
    const config = props.config ?? readStackConfig(this.node);
    this.config = config;

    if (config.auth === 'oauth') {
      this.auth = new ExposureAuth(this, 'Auth', {
        domainPrefix: config.cognitoDomainPrefix ?? `${this.stackName.toLowerCase()}-${Aws.ACCOUNT_ID}`,
        userPoolRemovalPolicy: config.retainUserPool ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
        automationCanRemediate: config.automationRemediate,
        ...(config.samlMetadataUrl ? { samlMetadataUrl: config.samlMetadataUrl } : {}),
      });
    } else {
      Annotations.of(this).addWarningV2(
        AUTH_NONE_WARNING_ID,
        'auth=none: the API has NO authentication. Anyone who finds its URL can list and change S3 bucket and ' +
          'security group settings in this account. Use it only for a short demo, then deploy without -c auth=none.',
      );
    }

    this.journal = new ChangeJournalTable(this, 'ChangeJournal', { retain: config.retainAuditRecords });
    for (const operation of operations) this.functionFor(operation);

    this.api = new ExposureApi(this, 'Api', {
      operations,
      functionFor: (operation) => this.functionFor(operation),
      ...(this.auth ? { auth: { userPool: this.auth.userPool, scopeNames: this.auth.scopeNames } } : {}),
    });

    if (config.identityCenterInstanceArn) {
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
    this.addOutputs();
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
      },
      // Read operations are the account-wide scans.
      ...(served.some((o) => o.scope === 'read') ? { memorySize: SCAN_MEMORY_MB } : {}),
    });
    grantOperationActions(
      fn.executionRole,
      served.flatMap((o) => o.iamActions),
      { journalTableArn: this.journal.table.tableArn },
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
    if (!auth) {
      assistant.addPlugin({ apiSchemaPayload: payload });
      return;
    }
    // With Q Business there is always a callback URL, hence this client.
    if (!client) throw new Error('The Q Business plugin needs the authorization-code client.');
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
    for (const [name, fn] of this.functions) {
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
        STACK_OUTPUTS.automationClientId,
        auth.automationClient.userPoolClientId,
        'Client-credentials app client for scripts and curl.',
      );
      output(
        STACK_OUTPUTS.automationClientSecretCommand,
        clientSecretCommand(auth.userPool, auth.automationClient),
        'Prints the automation client secret.',
      );
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
