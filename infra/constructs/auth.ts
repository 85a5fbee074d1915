/**
 * OAuth for the API: a Cognito user pool without self sign-up, a domain for
 * the OAuth endpoints, a resource server whose `read` and `remediate` scopes
 * the API's methods require, optionally a client-credentials client for automation, and
 * (once the callback URLs are known) an authorization-code client for the
 * Q Business plugin and Amazon Quick. Optionally federated with IAM Identity
 * Center over SAML, so chat users sign in to the plugin with the identity
 * they already use.
 */
import { Aws, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { OperationScope } from '../../openapi/operations';
import { ExposureFunction } from './exposure-function';

/** Cognito resource server identifier: full scope names are `<identifier>/<scope>`. */
export const RESOURCE_SERVER_ID = 'aiops-exposure-api';

/** Name of the SAML identity provider (IAM Identity Center) when the pool is federated. */
export const SAML_PROVIDER_NAME = 'IdentityCenter';

const SCOPE_DESCRIPTIONS: Record<OperationScope, string> = {
  read: 'Find public S3 buckets and EC2 ports open to the internet (read-only)',
  remediate: 'Block S3 bucket public access and close EC2 ports (changes AWS resources)',
};

/** No SDK sign-in flow: only the client-credentials grant (CDK adds ALLOW_REFRESH_TOKEN_AUTH to any list). */
export const AUTOMATION_AUTH_FLOWS: cognito.AuthFlow = { userSrp: false };

/**
 * People sign in through the Cognito sign-in pages (or Identity Center, federated) and the plugin refreshes its
 * token: SRP (the password never crosses the wire) and refresh tokens. Not plain-password, admin-password or
 * custom (Lambda) sign-in, which Cognito's default or a broader list would allow to anyone holding the client id.
 */
export const INTERACTIVE_AUTH_FLOWS: cognito.AuthFlow = { userSrp: true };

export interface ExposureAuthProps {
  /** Cognito domain prefix for the OAuth endpoints (`<prefix>.auth.<region>.amazoncognito.com`). */
  readonly domainPrefix: string;
  /** DESTROY (default) or RETAIN: users survive `cdk destroy` only when asked for. */
  readonly userPoolRemovalPolicy: RemovalPolicy;
  /** IAM Identity Center SAML metadata URL: when set, users sign in through Identity Center. */
  readonly samlMetadataUrl?: string;
  /** The user pool group whose members get the `remediate` scope on their access tokens. */
  readonly remediatorGroupName: string;
  /**
   * With SAML: the name of the SAML attribute that carries the user's group names. It is mapped to the custom
   * attribute `custom:groups`, which the token trigger also reads for membership.
   */
  readonly samlGroupsAttribute?: string;
  readonly sourceMapStackTraces?: boolean;
  /** The token trigger's log group (which records each role decision): retention and what destroy does. */
  readonly triggerLogRetention?: logs.RetentionDays;
  readonly triggerLogRemovalPolicy?: RemovalPolicy;
}

/** The custom attribute (without `custom:`) a SAML group list is mapped to. */
export const MAPPED_GROUPS_ATTRIBUTE = 'groups';

export class ExposureAuth extends Construct {
  readonly userPool: cognito.UserPool;
  readonly domain: cognito.UserPoolDomain;
  readonly resourceServer: cognito.UserPoolResourceServer;
  /** The scope objects, for app clients. */
  readonly scopes: Record<OperationScope, cognito.OAuthScope>;
  /** Full scope names (`aiops-exposure-api/read`), for the API methods and the OpenAPI document. */
  readonly scopeNames: Record<OperationScope, string>;
  /** The client-credentials client, only with automation=client. */
  automationClient?: cognito.UserPoolClient;
  /** `https://<prefix>.auth.<region>.amazoncognito.com`. */
  readonly domainUrl: string;
  readonly authorizeUrl: string;
  readonly tokenUrl: string;
  readonly samlProvider?: cognito.UserPoolIdentityProviderSaml;
  /** The group whose members may remediate, and the trigger that suppresses `remediate` for everyone else. */
  readonly remediatorGroup: cognito.CfnUserPoolGroup;
  readonly tokenTrigger: ExposureFunction;
  /** The group whose members get the remediate scope. */
  readonly remediatorGroupName: string;
  /** A SAML attribute's group list is mapped to `custom:groups` (federation with samlGroupsAttribute). */
  readonly mapsGroups: boolean;

  constructor(scope: Construct, id: string, props: ExposureAuthProps) {
    super(scope, id);
    this.remediatorGroupName = props.remediatorGroupName;
    this.mapsGroups = props.samlMetadataUrl !== undefined && props.samlGroupsAttribute !== undefined;

    this.userPool = new cognito.UserPool(this, 'UserPool', {
      // Only operators add users (npm run grant); nobody signs up on their own.
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      autoVerify: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      // Only with a SAML group list to map: a custom attribute cannot be removed from a pool once added.
      ...(this.mapsGroups
        ? {
            customAttributes: {
              [MAPPED_GROUPS_ATTRIBUTE]: new cognito.StringAttribute({ mutable: true, maxLen: 2048 }),
            },
          }
        : {}),
      signInCaseSensitive: false,
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      featurePlan: cognito.FeaturePlan.ESSENTIALS,
      userInvitation: {
        emailSubject: 'Your sign-in to the AIOps exposure API',
        emailBody:
          'You can now sign in to the AIOps exposure API (used by the Amazon Q Business plugin) as {username} ' +
          'with the temporary password {####}. You will choose a new password and set up an authenticator app.',
      },
      removalPolicy: props.userPoolRemovalPolicy,
      deletionProtection: props.userPoolRemovalPolicy === RemovalPolicy.RETAIN,
    });
    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-COG8',
      reason:
        'The Essentials plan is enough here: no self sign-up (operators add users), TOTP MFA required for local ' +
        'users, and with Identity Center federation sign-in risk is handled there; Plus threat protection is ' +
        'billed per monthly active user.',
    });

    this.domain = this.userPool.addDomain('Domain', { cognitoDomain: { domainPrefix: props.domainPrefix } });
    this.domainUrl = this.domain.baseUrl();
    this.authorizeUrl = `${this.domainUrl}/oauth2/authorize`;
    this.tokenUrl = `${this.domainUrl}/oauth2/token`;

    const read = new cognito.ResourceServerScope({
      scopeName: 'read',
      scopeDescription: SCOPE_DESCRIPTIONS.read,
    });
    const remediate = new cognito.ResourceServerScope({
      scopeName: 'remediate',
      scopeDescription: SCOPE_DESCRIPTIONS.remediate,
    });
    this.resourceServer = this.userPool.addResourceServer('ResourceServer', {
      identifier: RESOURCE_SERVER_ID,
      userPoolResourceServerName: 'AIOps exposure API',
      scopes: [read, remediate],
    });
    this.scopes = {
      read: cognito.OAuthScope.resourceServer(this.resourceServer, read),
      remediate: cognito.OAuthScope.resourceServer(this.resourceServer, remediate),
    };
    this.scopeNames = { read: `${RESOURCE_SERVER_ID}/read`, remediate: `${RESOURCE_SERVER_ID}/remediate` };

    if (props.samlMetadataUrl) {
      this.samlProvider = new cognito.UserPoolIdentityProviderSaml(this, 'IdentityCenterSaml', {
        userPool: this.userPool,
        name: SAML_PROVIDER_NAME,
        metadata: cognito.UserPoolIdentityProviderSamlMetadata.url(props.samlMetadataUrl),
        // Identity Center's SAML application maps the user's email to the attribute named "email".
        attributeMapping: {
          email: cognito.ProviderAttribute.other('email'),
          ...(props.samlGroupsAttribute
            ? {
                custom: {
                  [`custom:${MAPPED_GROUPS_ATTRIBUTE}`]: cognito.ProviderAttribute.other(
                    props.samlGroupsAttribute,
                  ),
                },
              }
            : {}),
        },
        idpSignout: false,
      });
    }

    this.remediatorGroup = new cognito.CfnUserPoolGroup(this, 'RemediatorGroup', {
      userPoolId: this.userPool.userPoolId,
      groupName: props.remediatorGroupName,
      description:
        'Members get the remediate scope on their access tokens (npm run grant -- --user NAME --remediator); everyone else reads only.',
    });
    this.tokenTrigger = new ExposureFunction(this, 'TokenTrigger', {
      functionName: 'pre-token-generation',
      description: `AIOps exposure API: access tokens carry the remediate scope only for members of ${props.remediatorGroupName}`,
      // Cognito waits at most five seconds for a trigger; the decision is a list look-up.
      memorySize: 256,
      timeout: Duration.seconds(5),
      ...(props.sourceMapStackTraces ? { sourceMapStackTraces: true } : {}),
      ...(props.triggerLogRetention ? { logRetention: props.triggerLogRetention } : {}),
      ...(props.triggerLogRemovalPolicy ? { logRemovalPolicy: props.triggerLogRemovalPolicy } : {}),
      environment: {
        REMEDIATOR_GROUP: props.remediatorGroupName,
        REMEDIATE_SCOPE: this.scopeNames.remediate,
        ...(this.mapsGroups ? { MAPPED_GROUPS_ATTRIBUTE: `custom:${MAPPED_GROUPS_ATTRIBUTE}` } : {}),
      },
    });
    Validations.of(this.tokenTrigger).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Pinned to nodejs22.x, the runtime the bundle targets (esbuild target node22) and the code is tested on; ' +
        'it moves to a newer runtime together with the toolchain, not silently.',
    });
    // V2_0: access-token customisation (the Essentials plan above has it); V1_0 could only change ID tokens.
    this.userPool.addTrigger(
      cognito.UserPoolOperation.PRE_TOKEN_GENERATION_CONFIG,
      this.tokenTrigger,
      cognito.LambdaVersion.V2_0,
    );
  }

  /**
   * The client-credentials client for scripts (automation=client, opt-in): its secret is readable by anyone
   * allowed cognito-idp:DescribeUserPoolClient (AmazonCognitoReadOnly has it), so that read access becomes API
   * access; automation=iam avoids the secret altogether.
   */
  addAutomationClient(canRemediate: boolean): cognito.UserPoolClient {
    this.automationClient = this.userPool.addClient('AutomationClient', {
      userPoolClientName: 'automation',
      generateSecret: true,
      // Stated rather than Cognito's default (SRP, custom auth, refresh): client credentials sign in no user, so
      // no user sign-in flow is allowed. CDK always adds refresh tokens, which this grant never issues.
      authFlows: AUTOMATION_AUTH_FLOWS,
      oAuth: {
        flows: { clientCredentials: true },
        scopes: canRemediate ? [this.scopes.read, this.scopes.remediate] : [this.scopes.read],
      },
      // Client credentials involve no user, so no identity provider either.
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
      accessTokenValidity: Duration.hours(1),
      preventUserExistenceErrors: true,
    });
    return this.automationClient;
  }

  /** Where an IdP posts SAML responses (for the Identity Center application's ACS URL). */
  get samlAcsUrl(): string {
    return `${this.domainUrl}/saml2/idpresponse`;
  }

  /** The SAML audience (SP entity id) Identity Center must send. */
  get samlAudience(): string {
    return `urn:amazon:cognito:sp:${this.userPool.userPoolId}`;
  }

  /**
   * The authorization-code client that people's tools use (the Q Business plugin, Amazon Quick): it may ask
   * for `read` and `remediate`, and the token trigger takes `remediate` away from anyone outside the
   * remediators group, so the API's own methods then decide what each call needs.
   */
  addInteractiveClient(id: string, callbackUrls: string[]): cognito.UserPoolClient {
    const client = this.userPool.addClient(id, {
      userPoolClientName: 'interactive',
      generateSecret: true,
      authFlows: INTERACTIVE_AUTH_FLOWS,
      // Only what federation maps (Cognito requires mapped attributes to be writable): nothing else a user could
      // change about themselves. The client's scopes never include aws.cognito.signin.user.admin, so its tokens
      // cannot call UpdateUserAttributes, and federation overwrites the mapped group list at each sign-in.
      writeAttributes: this.mapsGroups
        ? new cognito.ClientAttributes()
            .withStandardAttributes({ email: true })
            .withCustomAttributes(MAPPED_GROUPS_ATTRIBUTE)
        : new cognito.ClientAttributes().withStandardAttributes({ email: true }),
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [
          cognito.OAuthScope.OPENID,
          cognito.OAuthScope.EMAIL,
          this.scopes.read,
          this.scopes.remediate,
        ],
        callbackUrls,
      },
      supportedIdentityProviders: this.samlProvider
        ? [cognito.UserPoolClientIdentityProvider.custom(this.samlProvider.providerName)]
        : [cognito.UserPoolClientIdentityProvider.COGNITO],
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(1),
      preventUserExistenceErrors: true,
    });
    if (this.samlProvider) client.node.addDependency(this.samlProvider);
    return client;
  }
}

/** `aws cognito-idp describe-user-pool-client ...` that prints a client's secret. */
export function clientSecretCommand(userPool: cognito.IUserPool, client: cognito.IUserPoolClient): string {
  return (
    `aws cognito-idp describe-user-pool-client --region ${Aws.REGION} --user-pool-id ${userPool.userPoolId} ` +
    `--client-id ${client.userPoolClientId} --query UserPoolClient.ClientSecret --output text`
  );
}
