/**
 * `npm run grant -- --user NAME [--remediator | --read-only] | --group NAME [--stack NAME] [--region REGION]`:
 * gives an IAM Identity Center user or group access to the Q Business
 * application, replacing the console clicks: the Identity Center application
 * assignment (when the application requires assignments) and a Q Business
 * Pro subscription, which plugins need. Auto-subscription does not do this
 * for Identity Center applications: AWS documents it for IAM identity
 * federation applications only. For a user it also creates the matching Cognito user
 * (same email) that signs in to the plugin, unless the user pool is
 * federated with Identity Center, where the same identity already works.
 * `--remediator` puts the user's Cognito user in the remediators group (their
 * next token carries the remediate scope); `--read-only` takes it out.
 */
import { parseArgs } from 'node:util';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminRemoveUserFromGroupCommand,
  CognitoIdentityProviderClient,
  ListIdentityProvidersCommand,
  ListUsersCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  DescribeUserCommand,
  GetGroupIdCommand,
  GetUserIdCommand,
  IdentitystoreClient,
} from '@aws-sdk/client-identitystore';
import { CreateSubscriptionCommand, GetApplicationCommand, QBusinessClient } from '@aws-sdk/client-qbusiness';
import {
  CreateApplicationAssignmentCommand,
  GetApplicationAssignmentConfigurationCommand,
  paginateListInstances,
  SSOAdminClient,
} from '@aws-sdk/client-sso-admin';
import { DEFAULT_STACK_NAME, STACK_OUTPUTS } from '../../openapi/stack-outputs';
import { awsErrorName, OperatorError, readStackOutputs, requireOutput, runMain } from './deployed-stack';

/** Q Business Pro: custom plugins are not available to Lite subscribers. */
export const SUBSCRIPTION_TYPE = 'Q_BUSINESS';

export type Principal = { kind: 'user'; name: string } | { kind: 'group'; name: string };

/** What the user may do through the API: change things (remediator) or only read. Undefined: unchanged. */
export type ApiRole = 'remediator' | 'read-only';

export interface GrantDeps {
  readonly stackName: string;
  readonly cloudFormation: CloudFormationClient;
  readonly ssoAdmin: SSOAdminClient;
  readonly identityStore: IdentitystoreClient;
  readonly qbusiness: QBusinessClient;
  readonly cognito: CognitoIdentityProviderClient;
  /** Progress lines for the operator. */
  readonly log: (line: string) => void;
}

export interface GrantResult {
  readonly principalId: string;
  readonly identityStoreId: string;
  /** The Identity Center application assignment: needed only when the application requires assignments. */
  readonly assignment: 'created' | 'existing' | 'not-required';
  readonly subscription: 'created' | 'existing';
  readonly cognitoUser: 'created' | 'existing' | 'federated' | 'not-applicable';
  /** The Cognito users put in (remediator) or taken out of (read-only) the remediators group; absent without a role. */
  readonly role?: { readonly role: ApiRole; readonly group: string; readonly cognitoUsers: string[] };
}

async function identityStoreOf(ssoAdmin: SSOAdminClient, instanceArn: string): Promise<string> {
  for await (const page of paginateListInstances({ client: ssoAdmin }, {})) {
    const instance = (page.Instances ?? []).find((candidate) => candidate.InstanceArn === instanceArn);
    if (instance?.IdentityStoreId) return instance.IdentityStoreId;
  }
  throw new OperatorError(
    `IAM Identity Center instance ${instanceArn} (the application's) was not found from this account and Region. ` +
      'Run the command in the Region of the stack, with credentials of the account that owns the instance.',
  );
}

async function principalId(deps: GrantDeps, identityStoreId: string, principal: Principal): Promise<string> {
  const attributePath = principal.kind === 'user' ? 'userName' : 'displayName';
  const alternate = { UniqueAttribute: { AttributePath: attributePath, AttributeValue: principal.name } };
  try {
    if (principal.kind === 'user') {
      const found = await deps.identityStore.send(
        new GetUserIdCommand({ IdentityStoreId: identityStoreId, AlternateIdentifier: alternate }),
      );
      if (found.UserId) return found.UserId;
    } else {
      const found = await deps.identityStore.send(
        new GetGroupIdCommand({ IdentityStoreId: identityStoreId, AlternateIdentifier: alternate }),
      );
      if (found.GroupId) return found.GroupId;
    }
  } catch (error) {
    if (awsErrorName(error) !== 'ResourceNotFoundException') throw error;
  }
  throw new OperatorError(
    principal.kind === 'user'
      ? `No user with user name "${principal.name}" in identity store ${identityStoreId}. Use the user name ` +
          '(as shown in the IAM Identity Center console), not the display name or email.'
      : `No group named "${principal.name}" in identity store ${identityStoreId}. Use the group's display name ` +
          'as shown in the IAM Identity Center console.',
  );
}

async function subscribe(
  deps: GrantDeps,
  applicationId: string,
  principal: Principal,
  id: string,
): Promise<GrantResult['subscription']> {
  try {
    const created = await deps.qbusiness.send(
      new CreateSubscriptionCommand({
        applicationId,
        principal: principal.kind === 'user' ? { user: id } : { group: id },
        type: SUBSCRIPTION_TYPE,
      }),
    );
    deps.log(
      `Subscribed ${principal.kind} ${principal.name} to Q Business Pro (${created.subscriptionArn ?? 'created'}).`,
    );
    return 'created';
  } catch (error) {
    if (awsErrorName(error) !== 'ConflictException') throw error;
    deps.log(`${principal.kind} ${principal.name} already has a subscription to the application.`);
    return 'existing';
  }
}

/**
 * Q Business creates an Identity Center application for its application. When that application requires
 * assignments, a user or group without one cannot open the web experience even with a subscription, so grant
 * assigns them too. "Already assigned" (ConflictException) is success.
 */
async function assign(
  deps: GrantDeps,
  applicationId: string,
  principal: Principal,
  id: string,
): Promise<GrantResult['assignment']> {
  const application = await deps.qbusiness.send(new GetApplicationCommand({ applicationId }));
  const applicationArn = application.identityCenterApplicationArn;
  if (!applicationArn) {
    throw new OperatorError(
      `Q Business application ${applicationId} has no IAM Identity Center application yet (status ` +
        `${application.status ?? 'unknown'}); wait until it is ACTIVE (npm run verify) and run grant again.`,
    );
  }
  const configuration = await deps.ssoAdmin.send(
    new GetApplicationAssignmentConfigurationCommand({ ApplicationArn: applicationArn }),
  );
  if (configuration.AssignmentRequired !== true) {
    deps.log('The Identity Center application does not require assignments: none created.');
    return 'not-required';
  }
  try {
    await deps.ssoAdmin.send(
      new CreateApplicationAssignmentCommand({
        ApplicationArn: applicationArn,
        PrincipalId: id,
        PrincipalType: principal.kind === 'user' ? 'USER' : 'GROUP',
      }),
    );
    deps.log(
      `Assigned ${principal.kind} ${principal.name} to the Identity Center application ${applicationArn}.`,
    );
    return 'created';
  } catch (error) {
    if (awsErrorName(error) !== 'ConflictException') throw error;
    deps.log(`${principal.kind} ${principal.name} is already assigned to the Identity Center application.`);
    return 'existing';
  }
}

async function isFederated(cognito: CognitoIdentityProviderClient, userPoolId: string): Promise<boolean> {
  const providers = await cognito.send(
    new ListIdentityProvidersCommand({ UserPoolId: userPoolId, MaxResults: 1 }),
  );
  return (providers.Providers ?? []).length > 0;
}

/** The user's primary email in Identity Center: the Cognito user (own or federated) carries the same one. */
async function emailOf(
  deps: GrantDeps,
  identityStoreId: string,
  userId: string,
  name: string,
): Promise<string> {
  const user = await deps.identityStore.send(
    new DescribeUserCommand({ IdentityStoreId: identityStoreId, UserId: userId }),
  );
  const emails = user.Emails ?? [];
  const email = (emails.find((candidate) => candidate.Primary) ?? emails[0])?.Value;
  if (!email) {
    throw new OperatorError(
      `User ${name} has no email in IAM Identity Center, so no matching Cognito user can be found or created. ` +
        'Add an email to the user in IAM Identity Center.',
    );
  }
  return email;
}

/**
 * Puts every Cognito user with this email (the pool's own user, and the federated `IdentityCenter_...` user
 * once it has signed in) in the remediators group, or takes them out. Both calls are idempotent. The change
 * reaches the API with the user's next token: at the next sign-in or refresh, within the access token's hour.
 */
async function setRole(
  deps: GrantDeps,
  userPoolId: string,
  group: string,
  email: string,
  role: ApiRole,
): Promise<string[]> {
  if (email.includes('"') || email.includes('\\')) {
    throw new OperatorError(`The email ${JSON.stringify(email)} cannot be searched for in Cognito.`);
  }
  const found = await deps.cognito.send(
    new ListUsersCommand({ UserPoolId: userPoolId, Filter: `email = "${email}"`, Limit: 60 }),
  );
  const usernames = (found.Users ?? [])
    .map((user) => user.Username)
    .filter((username): username is string => username !== undefined);
  if (usernames.length === 0) {
    throw new OperatorError(
      `No Cognito user has the email ${email}. With Identity Center federation Cognito creates the user at ` +
        'the first sign-in: ask them to sign in to the plugin once, then run grant again (or map a SAML group ' +
        'list with -c samlGroupsAttribute, docs/deploy.md).',
    );
  }
  for (const username of usernames) {
    if (role === 'remediator') {
      await deps.cognito.send(
        new AdminAddUserToGroupCommand({ UserPoolId: userPoolId, Username: username, GroupName: group }),
      );
      deps.log(`Added Cognito user ${username} to ${group}: their next token carries the remediate scope.`);
    } else {
      await deps.cognito.send(
        new AdminRemoveUserFromGroupCommand({ UserPoolId: userPoolId, Username: username, GroupName: group }),
      );
      deps.log(
        `Removed Cognito user ${username} from ${group}: read-only from their next token (at the latest ` +
          'when the current one expires, within an hour).',
      );
    }
  }
  return usernames;
}

async function createCognitoUser(
  deps: GrantDeps,
  userPoolId: string | undefined,
  identityStoreId: string,
  userId: string,
  name: string,
): Promise<GrantResult['cognitoUser']> {
  if (!userPoolId) {
    deps.log('The stack has no user pool (auth=none): no Cognito user to create.');
    return 'not-applicable';
  }
  if (await isFederated(deps.cognito, userPoolId)) {
    deps.log(
      `The user pool is federated with IAM Identity Center: ${name} signs in to the plugin as themselves.`,
    );
    return 'federated';
  }
  const email = await emailOf(deps, identityStoreId, userId, name);
  try {
    await deps.cognito.send(
      new AdminCreateUserCommand({
        UserPoolId: userPoolId,
        Username: email,
        UserAttributes: [
          { Name: 'email', Value: email },
          { Name: 'email_verified', Value: 'true' },
        ],
        DesiredDeliveryMediums: ['EMAIL'],
      }),
    );
    deps.log(`Created Cognito user ${email}; Cognito emailed a temporary password for the plugin sign-in.`);
    return 'created';
  } catch (error) {
    if (awsErrorName(error) !== 'UsernameExistsException') throw error;
    deps.log(`Cognito user ${email} already exists.`);
    return 'existing';
  }
}

export async function grantAccess(
  deps: GrantDeps,
  principal: Principal,
  role?: ApiRole,
): Promise<GrantResult> {
  const outputs = await readStackOutputs(deps.cloudFormation, deps.stackName);
  const hint =
    'it was deployed without Q Business; deploy again with -c identityCenterInstanceArn=arn:aws:sso:::instance/ssoins-...';
  const applicationId = requireOutput(outputs, STACK_OUTPUTS.applicationId, deps.stackName, hint);
  const instanceArn = requireOutput(outputs, STACK_OUTPUTS.identityCenterInstanceArn, deps.stackName, hint);

  if (role !== undefined && principal.kind === 'group') {
    throw new OperatorError(
      `--${role} applies to users: run grant --user NAME --${role} for each member of ${principal.name}, or ` +
        'map the Identity Center group through a SAML attribute (-c samlGroupsAttribute, docs/deploy.md).',
    );
  }
  const userPoolId = outputs[STACK_OUTPUTS.userPoolId];
  const group = outputs[STACK_OUTPUTS.remediatorGroupName];
  if (role !== undefined && (!userPoolId || !group)) {
    throw new OperatorError(
      `Stack ${deps.stackName} has no remediators group (outputs ${STACK_OUTPUTS.userPoolId} and ` +
        `${STACK_OUTPUTS.remediatorGroupName}): deploy this version with auth=oauth, then run grant again.`,
    );
  }
  const identityStoreId = await identityStoreOf(deps.ssoAdmin, instanceArn);
  const id = await principalId(deps, identityStoreId, principal);
  const assignment = await assign(deps, applicationId, principal, id);
  const subscription = await subscribe(deps, applicationId, principal, id);
  let cognitoUser: GrantResult['cognitoUser'] = 'not-applicable';
  if (principal.kind === 'user') {
    cognitoUser = await createCognitoUser(
      deps,
      outputs[STACK_OUTPUTS.userPoolId],
      identityStoreId,
      id,
      principal.name,
    );
  } else {
    deps.log(
      'Groups get no Cognito users: federate the user pool with Identity Center, or run grant --user for each member.',
    );
  }
  let roleResult: GrantResult['role'];
  if (role !== undefined && userPoolId && group) {
    const email = await emailOf(deps, identityStoreId, id, principal.name);
    roleResult = { role, group, cognitoUsers: await setRole(deps, userPoolId, group, email, role) };
  }
  return {
    principalId: id,
    identityStoreId,
    assignment,
    subscription,
    cognitoUser,
    ...(roleResult ? { role: roleResult } : {}),
  };
}

/** `--remediator` or `--read-only`, at most one. */
export function parseRole(values: {
  remediator?: boolean | undefined;
  'read-only'?: boolean | undefined;
}): ApiRole | undefined {
  if (values.remediator && values['read-only']) {
    throw new OperatorError('Give --remediator or --read-only, not both.');
  }
  if (values.remediator) return 'remediator';
  if (values['read-only']) return 'read-only';
  return undefined;
}

/** `--user NAME` or `--group NAME`, exactly one. */
export function parsePrincipal(values: { user?: string | undefined; group?: string | undefined }): Principal {
  if (values.user && !values.group) return { kind: 'user', name: values.user };
  if (values.group && !values.user) return { kind: 'group', name: values.group };
  throw new OperatorError(
    'Usage: npm run grant -- --user USER_NAME [--remediator | --read-only] | --group GROUP_NAME [--stack NAME] [--region REGION]',
  );
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      user: { type: 'string' },
      group: { type: 'string' },
      remediator: { type: 'boolean' },
      'read-only': { type: 'boolean' },
      stack: { type: 'string', default: DEFAULT_STACK_NAME },
      region: { type: 'string' },
    },
  });
  const principal = parsePrincipal(values);
  const role = parseRole(values);
  const config = values.region ? { region: values.region } : {};
  await grantAccess(
    {
      stackName: values.stack ?? DEFAULT_STACK_NAME,
      cloudFormation: new CloudFormationClient(config),
      ssoAdmin: new SSOAdminClient(config),
      identityStore: new IdentitystoreClient(config),
      qbusiness: new QBusinessClient(config),
      cognito: new CognitoIdentityProviderClient(config),
      log: (line) => process.stdout.write(`${line}\n`),
    },
    principal,
    role,
  );
  return 0;
}

if (require.main === module) runMain(main);
