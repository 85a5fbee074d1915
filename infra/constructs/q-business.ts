/**
 * Amazon Q Business: an application tied to IAM Identity Center (people get
 * Pro, which custom plugins need, from `npm run grant`), its web experience, and
 * the custom plugin that calls the API with the user's own OAuth token. Each
 * role trusts only its Q Business service principal, for this account and
 * this application.
 */
import { Aws, CfnRule, Fn, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as qbusiness from 'aws-cdk-lib/aws-qbusiness';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { QBUSINESS_REGIONS, qBusinessRegionMessage } from './regions';

/** Display names without spaces (the console and some APIs reject them). */
export const APPLICATION_DISPLAY_NAME = 'AiopsExposureAssistant';
export const PLUGIN_DISPLAY_NAME = 'AiopsExposureApi';

export const PLUGIN_DESCRIPTION =
  'Finds and fixes public S3 buckets and EC2 ports open to the internet in this AWS account.';

/**
 * A service principal whose trust statement also allows `sts:SetContext`: the web experience role passes
 * the signed-in Identity Center user to Q Business that way.
 */
class ContextServicePrincipal extends iam.ServicePrincipal {
  override addToAssumeRolePolicy(document: iam.PolicyDocument): void {
    document.addStatements(
      new iam.PolicyStatement({ actions: ['sts:AssumeRole', 'sts:SetContext'], principals: [this] }),
    );
  }
}

export { QBUSINESS_REGIONS, QBUSINESS_REGIONS_WITHOUT_ACTIONS, qBusinessRegionMessage } from './regions';

export interface QBusinessAssistantProps {
  readonly identityCenterInstanceArn: string;
}

export interface PluginProps {
  /** The OpenAPI document (JSON string, may hold CloudFormation tokens). */
  readonly apiSchemaPayload: string;
  /**
   * OAuth: a secret with client_id, client_secret and redirect_uri, and the Cognito endpoints. Always present:
   * the stack settings refuse Q Business in front of an open (auth=none) API.
   */
  readonly oauth: {
    readonly secret: secretsmanager.ISecret;
    readonly authorizationUrl: string;
    readonly tokenUrl: string;
  };
}

export class QBusinessAssistant extends Construct {
  readonly application: qbusiness.CfnApplication;
  readonly webExperience: qbusiness.CfnWebExperience;
  readonly applicationRole: iam.Role;
  readonly webExperienceRole: iam.Role;
  /** `https://<id>.chat.qbusiness.<region>.on.aws/` */
  readonly webExperienceUrl: string;
  /** Where Q Business receives the OAuth authorization code for plugins: `<web experience URL>/oauth/callback`. */
  readonly oauthCallbackUrl: string;
  plugin?: qbusiness.CfnPlugin;
  pluginRole?: iam.Role;

  constructor(scope: Construct, id: string, props: QBusinessAssistantProps) {
    super(scope, id);

    // The stack is environment-agnostic: this rule refuses the deploy before any resource is created.
    new CfnRule(this, 'RegionRule', {
      assertions: [
        {
          assert: Fn.conditionContains([...QBUSINESS_REGIONS], Aws.REGION),
          assertDescription: qBusinessRegionMessage('this Region'),
        },
      ],
    });

    // The application's own role (CloudWatch metrics and logs). Its trust cannot name the application: the
    // application needs the role's ARN first, and the reverse reference would be a cycle. It is limited to
    // Q Business applications of this account in this Region.
    this.applicationRole = new iam.Role(this, 'ApplicationRole', {
      description: 'Lets the AIOps exposure Q Business application write its CloudWatch metrics and logs.',
      assumedBy: new iam.ServicePrincipal('qbusiness.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
          ArnLike: {
            'aws:SourceArn': `arn:${Aws.PARTITION}:qbusiness:${Aws.REGION}:${Aws.ACCOUNT_ID}:application/*`,
          },
        },
      }),
    });
    const logGroupArn = `arn:${Aws.PARTITION}:logs:${Aws.REGION}:${Aws.ACCOUNT_ID}:log-group:/aws/qbusiness/*`;
    this.applicationRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'PutQBusinessMetrics',
        actions: ['cloudwatch:PutMetricData'],
        resources: ['*'],
        conditions: { StringEquals: { 'cloudwatch:namespace': 'AWS/QBusiness' } },
      }),
    );
    this.applicationRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'DescribeLogGroups',
        actions: ['logs:DescribeLogGroups'],
        resources: ['*'],
      }),
    );
    this.applicationRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'CreateQBusinessLogGroup',
        actions: ['logs:CreateLogGroup'],
        resources: [logGroupArn],
      }),
    );
    this.applicationRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'WriteQBusinessLogs',
        actions: ['logs:DescribeLogStreams', 'logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [`${logGroupArn}:log-stream:*`],
      }),
    );
    Validations.of(this.applicationRole).acknowledge(
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'cloudwatch:PutMetricData has no resource type (it is limited to the AWS/QBusiness namespace by a ' +
          'condition) and logs:DescribeLogGroups only accepts "*"; both are in the role AWS documents for Q Business.',
      },
      {
        id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:/aws/qbusiness/*]',
        reason: 'Q Business names its own log groups under /aws/qbusiness/; the role may create only those.',
      },
      {
        id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:/aws/qbusiness/*:log-stream:*]',
        reason:
          'Q Business names its own log streams in its /aws/qbusiness/ log groups; only those are writable.',
      },
    );

    this.application = new qbusiness.CfnApplication(this, 'Application', {
      displayName: APPLICATION_DISPLAY_NAME,
      description:
        'Chat assistant that finds and fixes public S3 buckets and EC2 ports open to the internet.',
      identityType: 'AWS_IAM_IDC',
      identityCenterInstanceArn: props.identityCenterInstanceArn,
      roleArn: this.applicationRole.roleArn,
      // No autoSubscriptionConfiguration: AWS documents it for applications using IAM identity federation, not
      // Identity Center ones like this. People get their Q Business Pro subscription (custom plugins need Pro)
      // and, when required, their Identity Center assignment from `npm run grant`.
      attachmentsConfiguration: { attachmentsControlMode: 'DISABLED' },
      qAppsConfiguration: { qAppsControlMode: 'DISABLED' },
    });
    this.application.node.addDependency(this.applicationRole);

    const applicationArn = this.application.attrApplicationArn;
    const forThisApplication = {
      StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
      ArnEquals: { 'aws:SourceArn': applicationArn },
    };

    this.webExperienceRole = new iam.Role(this, 'WebExperienceRole', {
      description:
        'Lets the AIOps exposure Q Business web experience chat and use plugins for signed-in users.',
      assumedBy: new ContextServicePrincipal('application.qbusiness.amazonaws.com', {
        conditions: forThisApplication,
      }),
    });
    this.webExperienceRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'QBusinessConversationPermission',
        actions: [
          'qbusiness:Chat',
          'qbusiness:ChatSync',
          'qbusiness:ListMessages',
          'qbusiness:ListConversations',
          'qbusiness:DeleteConversation',
          'qbusiness:PutFeedback',
          'qbusiness:GetWebExperience',
          'qbusiness:GetApplication',
          'qbusiness:ListPlugins',
          'qbusiness:ListPluginActions',
          'qbusiness:GetChatControlsConfiguration',
          'qbusiness:ListRetrievers',
        ],
        resources: [applicationArn],
      }),
    );
    this.webExperienceRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'QBusinessPluginDiscoveryPermissions',
        actions: ['qbusiness:ListPluginTypeMetadata', 'qbusiness:ListPluginTypeActions'],
        resources: ['*'],
      }),
    );
    // The role AWS documents also allows user-subscriptions:CreateClaim for auto-subscription, which an Identity
    // Center application does not use (subscriptions come from npm run grant): left out.
    Validations.of(this.webExperienceRole).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'qbusiness:ListPluginTypeMetadata and ListPluginTypeActions (the plugin catalogue) have no resource ' +
        'type; they are in the web experience role AWS documents and only read metadata.',
    });

    this.webExperience = new qbusiness.CfnWebExperience(this, 'WebExperience', {
      applicationId: this.application.attrApplicationId,
      roleArn: this.webExperienceRole.roleArn,
      title: 'AIOps exposure assistant',
      subtitle: 'Public S3 buckets and open EC2 ports, found and fixed',
      welcomeMessage:
        'Ask "Which S3 buckets are public?" or "Which EC2 instances have port 22 open?". Choose the ' +
        `${PLUGIN_DISPLAY_NAME} plugin to let me check and fix them; every change asks for your confirmation.`,
      samplePromptsControlMode: 'ENABLED',
    });
    this.webExperience.node.addDependency(this.webExperienceRole);

    // DefaultEndpoint is an https URL (with a trailing slash); rebuild it from the host so the callback never
    // carries a double slash.
    const host = Fn.select(2, Fn.split('/', this.webExperience.attrDefaultEndpoint));
    this.webExperienceUrl = `https://${host}/`;
    this.oauthCallbackUrl = `https://${host}/oauth/callback`;
  }

  /** The custom plugin: the deploy-time OpenAPI document inline, and the users' OAuth tokens when secured. */
  addPlugin(props: PluginProps): qbusiness.CfnPlugin {
    const applicationArn = this.application.attrApplicationArn;
    this.pluginRole = new iam.Role(this, 'PluginRole', {
      description: 'Lets the AIOps exposure Q Business plugin read its OAuth client secret.',
      assumedBy: new iam.ServicePrincipal('qbusiness.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
          ArnEquals: { 'aws:SourceArn': applicationArn },
        },
      }),
    });
    this.pluginRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadPluginOAuthSecret',
        actions: ['secretsmanager:GetSecretValue'],
        resources: [props.oauth.secret.secretArn],
      }),
    );
    const authConfiguration: qbusiness.CfnPlugin.PluginAuthConfigurationProperty = {
      oAuth2ClientCredentialConfiguration: {
        roleArn: this.pluginRole.roleArn,
        secretArn: props.oauth.secret.secretArn,
        authorizationUrl: props.oauth.authorizationUrl,
        tokenUrl: props.oauth.tokenUrl,
      },
    };

    this.plugin = new qbusiness.CfnPlugin(this, 'Plugin', {
      applicationId: this.application.attrApplicationId,
      displayName: PLUGIN_DISPLAY_NAME,
      type: 'CUSTOM',
      state: 'ENABLED',
      authConfiguration,
      customPluginConfiguration: {
        description: PLUGIN_DESCRIPTION,
        apiSchemaType: 'OPEN_API_V3',
        apiSchema: { payload: props.apiSchemaPayload },
      },
    });
    this.plugin.node.addDependency(this.pluginRole);

    // The web experience lists the plugin's actions for the signed-in user. A separate policy, not the role's
    // default one: the web experience waits for its role, and the plugin (after it) must not be in that wait.
    new iam.Policy(this, 'WebExperiencePluginPolicy', {
      roles: [this.webExperienceRole],
      statements: [
        new iam.PolicyStatement({
          sid: 'QBusinessPluginActions',
          actions: ['qbusiness:ListPluginActions'],
          resources: [this.plugin.attrPluginArn],
        }),
      ],
    });
    return this.plugin;
  }
}
