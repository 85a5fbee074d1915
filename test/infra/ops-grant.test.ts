/**
 * `npm run grant` against mocked AWS clients: finds the principal in the
 * Identity Center identity store, assigns it to the application's Identity
 * Center application when that requires assignments, subscribes it to Q
 * Business Pro, and for a user creates the matching Cognito user unless the
 * pool is federated.
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminRemoveUserFromGroupCommand,
  CognitoIdentityProviderClient,
  ListIdentityProvidersCommand,
  ListUsersCommand,
  UsernameExistsException,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  DescribeUserCommand,
  GetGroupIdCommand,
  GetUserIdCommand,
  IdentitystoreClient,
  ResourceNotFoundException,
} from '@aws-sdk/client-identitystore';
import {
  ConflictException,
  CreateSubscriptionCommand,
  GetApplicationCommand,
  QBusinessClient,
} from '@aws-sdk/client-qbusiness';
import {
  ConflictException as AssignmentConflictException,
  CreateApplicationAssignmentCommand,
  GetApplicationAssignmentConfigurationCommand,
  ListInstancesCommand,
  SSOAdminClient,
} from '@aws-sdk/client-sso-admin';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { OperatorError } from '../../infra/ops/deployed-stack';
import { type GrantDeps, grantAccess, parsePrincipal, parseRole } from '../../infra/ops/grant';
import { stackWith } from '../support/deployed-stack';

const INSTANCE_ARN = 'arn:aws:sso:::instance/ssoins-1234567890abcdef';
const IDC_APPLICATION_ARN = 'arn:aws:sso::111122223333:application/ssoins-1234567890abcdef/apl-1';
const OUTPUTS: Record<string, string> = {
  ApiUrl: 'https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/prod',
  UserPoolId: 'eu-west-1_AbCdEf',
  RemediatorGroupName: 'remediators',
  QBusinessApplicationId: 'app-1',
  IdentityCenterInstanceArn: INSTANCE_ARN,
};

const cloudFormation = mockClient(CloudFormationClient);
const ssoAdmin = mockClient(SSOAdminClient);
const identityStore = mockClient(IdentitystoreClient);
const qbusiness = mockClient(QBusinessClient);
const cognito = mockClient(CognitoIdentityProviderClient);

function deps(): GrantDeps & { lines: string[] } {
  const config = { region: 'eu-west-1' };
  const lines: string[] = [];
  return {
    stackName: 'AiopsExposureApi',
    cloudFormation: new CloudFormationClient(config),
    ssoAdmin: new SSOAdminClient(config),
    identityStore: new IdentitystoreClient(config),
    qbusiness: new QBusinessClient(config),
    cognito: new CognitoIdentityProviderClient(config),
    log: (line) => lines.push(line),
    lines,
  };
}

beforeEach(() => {
  for (const mock of [cloudFormation, ssoAdmin, identityStore, qbusiness, cognito]) mock.reset();
  stackWith(cloudFormation, OUTPUTS);
  // Two pages: the application's instance is on the second one.
  ssoAdmin
    .on(ListInstancesCommand)
    .resolvesOnce({
      Instances: [
        { InstanceArn: 'arn:aws:sso:::instance/ssoins-other000000000', IdentityStoreId: 'd-other' },
      ],
      NextToken: 'page-2',
    })
    .resolvesOnce({ Instances: [{ InstanceArn: INSTANCE_ARN, IdentityStoreId: 'd-1234567890' }] });
  identityStore.on(GetUserIdCommand).resolves({ IdentityStoreId: 'd-1234567890', UserId: 'user-1' });
  identityStore.on(GetGroupIdCommand).resolves({ IdentityStoreId: 'd-1234567890', GroupId: 'group-1' });
  identityStore.on(DescribeUserCommand).resolves({
    IdentityStoreId: 'd-1234567890',
    UserId: 'user-1',
    Emails: [
      { Value: 'alice@old.example.com', Primary: false },
      { Value: 'alice@example.com', Primary: true },
    ],
  });
  qbusiness
    .on(CreateSubscriptionCommand)
    .resolves({ subscriptionArn: 'arn:aws:qbusiness:eu-west-1:1:sub/1' });
  qbusiness.on(GetApplicationCommand).resolves({
    applicationId: 'app-1',
    status: 'ACTIVE',
    identityCenterApplicationArn: IDC_APPLICATION_ARN,
  });
  ssoAdmin.on(GetApplicationAssignmentConfigurationCommand).resolves({ AssignmentRequired: true });
  ssoAdmin.on(CreateApplicationAssignmentCommand).resolves({});
  cognito.on(ListIdentityProvidersCommand).resolves({ Providers: [] });
  cognito.on(AdminCreateUserCommand).resolves({});
});

describe('grantAccess', () => {
  it('subscribes a user to Q Business Pro and creates the matching Cognito user with the same email', async () => {
    // Act
    const result = await grantAccess(deps(), { kind: 'user', name: 'alice' });

    // Assert
    expect(result).toEqual({
      principalId: 'user-1',
      identityStoreId: 'd-1234567890',
      assignment: 'created',
      subscription: 'created',
      cognitoUser: 'created',
    });
    expect(ssoAdmin).toHaveReceivedCommandWith(GetApplicationAssignmentConfigurationCommand, {
      ApplicationArn: IDC_APPLICATION_ARN,
    });
    expect(ssoAdmin).toHaveReceivedNthSpecificCommandWith(1, CreateApplicationAssignmentCommand, {
      ApplicationArn: IDC_APPLICATION_ARN,
      PrincipalId: 'user-1',
      PrincipalType: 'USER',
    });
    expect(identityStore).toHaveReceivedNthSpecificCommandWith(1, GetUserIdCommand, {
      IdentityStoreId: 'd-1234567890',
      AlternateIdentifier: { UniqueAttribute: { AttributePath: 'userName', AttributeValue: 'alice' } },
    });
    expect(qbusiness).toHaveReceivedNthSpecificCommandWith(1, CreateSubscriptionCommand, {
      applicationId: 'app-1',
      principal: { user: 'user-1' },
      type: 'Q_BUSINESS',
    });
    expect(cognito).toHaveReceivedNthSpecificCommandWith(1, AdminCreateUserCommand, {
      UserPoolId: 'eu-west-1_AbCdEf',
      Username: 'alice@example.com',
      UserAttributes: [
        { Name: 'email', Value: 'alice@example.com' },
        { Name: 'email_verified', Value: 'true' },
      ],
      DesiredDeliveryMediums: ['EMAIL'],
    });
  });

  it('subscribes a group by display name and creates no Cognito user', async () => {
    // Arrange
    const d = deps();

    // Act
    const result = await grantAccess(d, { kind: 'group', name: 'SecOps' });

    // Assert
    expect(result).toMatchObject({
      principalId: 'group-1',
      subscription: 'created',
      cognitoUser: 'not-applicable',
    });
    expect(identityStore).toHaveReceivedCommandWith(GetGroupIdCommand, {
      AlternateIdentifier: { UniqueAttribute: { AttributePath: 'displayName', AttributeValue: 'SecOps' } },
    });
    expect(qbusiness).toHaveReceivedCommandWith(CreateSubscriptionCommand, {
      principal: { group: 'group-1' },
    });
    expect(ssoAdmin).toHaveReceivedCommandWith(CreateApplicationAssignmentCommand, {
      PrincipalId: 'group-1',
      PrincipalType: 'GROUP',
    });
    expect(cognito.calls()).toHaveLength(0);
    expect(d.lines.join('\n')).toContain('grant --user for each member');
  });

  it('creates no Cognito user when the pool is federated with Identity Center', async () => {
    // Arrange
    cognito.on(ListIdentityProvidersCommand).resolves({
      Providers: [{ ProviderName: 'IdentityCenter', ProviderType: 'SAML' }],
    });

    // Act
    const result = await grantAccess(deps(), { kind: 'user', name: 'alice' });

    // Assert
    expect(result.cognitoUser).toBe('federated');
    expect(cognito).not.toHaveReceivedCommand(AdminCreateUserCommand);
  });

  it('is idempotent: an existing subscription and Cognito user are reported, not errors', async () => {
    // Arrange
    qbusiness
      .on(CreateSubscriptionCommand)
      .rejects(
        new ConflictException({ message: 'exists', resourceId: 's', resourceType: 't', $metadata: {} }),
      );
    cognito
      .on(AdminCreateUserCommand)
      .rejects(new UsernameExistsException({ message: 'exists', $metadata: {} }));

    // Act
    const result = await grantAccess(deps(), { kind: 'user', name: 'alice' });

    // Assert
    expect(result).toMatchObject({ subscription: 'existing', cognitoUser: 'existing' });
  });

  it('treats "already assigned" as success', async () => {
    // Arrange
    ssoAdmin
      .on(CreateApplicationAssignmentCommand)
      .rejects(new AssignmentConflictException({ message: 'already assigned', $metadata: {} }));

    // Act
    const result = await grantAccess(deps(), { kind: 'user', name: 'alice' });

    // Assert
    expect(result.assignment).toBe('existing');
    expect(result.subscription).toBe('created');
  });

  it('creates no assignment when the Identity Center application does not require one', async () => {
    // Arrange
    ssoAdmin.on(GetApplicationAssignmentConfigurationCommand).resolves({ AssignmentRequired: false });
    const d = deps();

    // Act
    const result = await grantAccess(d, { kind: 'group', name: 'SecOps' });

    // Assert
    expect(result.assignment).toBe('not-required');
    expect(ssoAdmin).not.toHaveReceivedCommand(CreateApplicationAssignmentCommand);
    expect(d.lines.join('\n')).toContain('does not require assignments');
  });

  it('stops with a next step when the application has no Identity Center application yet', async () => {
    // Arrange
    qbusiness.on(GetApplicationCommand).resolves({ applicationId: 'app-1', status: 'CREATING' });

    // Act
    const run = grantAccess(deps(), { kind: 'user', name: 'alice' });

    // Assert
    await expect(run).rejects.toThrow(OperatorError);
    await expect(run).rejects.toThrow('has no IAM Identity Center application yet (status CREATING)');
    expect(qbusiness).not.toHaveReceivedCommand(CreateSubscriptionCommand);
  });

  it('passes on an assignment failure other than "already assigned"', async () => {
    ssoAdmin
      .on(CreateApplicationAssignmentCommand)
      .rejects(Object.assign(new Error('not allowed'), { name: 'AccessDeniedException' }));
    await expect(grantAccess(deps(), { kind: 'user', name: 'alice' })).rejects.toThrow('not allowed');
    expect(qbusiness).not.toHaveReceivedCommand(CreateSubscriptionCommand);
  });

  it('says when the user is not in the identity store', async () => {
    // Arrange
    identityStore
      .on(GetUserIdCommand)
      .rejects(new ResourceNotFoundException({ message: 'not found', $metadata: {} }));

    // Act
    const run = grantAccess(deps(), { kind: 'user', name: 'mallory' });

    // Assert
    await expect(run).rejects.toThrow(OperatorError);
    await expect(run).rejects.toThrow('No user with user name "mallory" in identity store d-1234567890');
    expect(qbusiness.calls()).toHaveLength(0);
  });

  it('says when the group is not in the identity store', async () => {
    identityStore
      .on(GetGroupIdCommand)
      .rejects(new ResourceNotFoundException({ message: 'not found', $metadata: {} }));
    await expect(grantAccess(deps(), { kind: 'group', name: 'Nobody' })).rejects.toThrow(
      'No group named "Nobody" in identity store d-1234567890',
    );
  });

  it('says how to add Q Business when the stack was deployed without it', async () => {
    // Arrange
    stackWith(cloudFormation, { ApiUrl: OUTPUTS.ApiUrl ?? '', UserPoolId: 'eu-west-1_AbCdEf' });

    // Act + Assert
    await expect(grantAccess(deps(), { kind: 'user', name: 'alice' })).rejects.toThrow(
      /no output QBusinessApplicationId: .*-c identityCenterInstanceArn=/,
    );
  });

  it('says which stack is missing', async () => {
    cloudFormation.on(DescribeStacksCommand).rejects(
      Object.assign(new Error('Stack with id AiopsExposureApi does not exist'), {
        name: 'ValidationError',
      }),
    );
    await expect(grantAccess(deps(), { kind: 'user', name: 'alice' })).rejects.toThrow(
      'Stack AiopsExposureApi was not found in eu-west-1',
    );
  });

  it('says when the Identity Center instance is not visible from this account and Region', async () => {
    ssoAdmin.reset();
    ssoAdmin.on(ListInstancesCommand).resolves({ Instances: [] });
    await expect(grantAccess(deps(), { kind: 'user', name: 'alice' })).rejects.toThrow(
      `IAM Identity Center instance ${INSTANCE_ARN}`,
    );
  });
});

describe('grantAccess with a role', () => {
  beforeEach(() => {
    cognito.on(ListUsersCommand).resolves({
      Users: [{ Username: 'a1b2-uuid' }, { Username: 'IdentityCenter_alice@example.com' }],
    });
  });

  it('--remediator puts every Cognito user with the email in the remediators group', async () => {
    // Act
    const result = await grantAccess(deps(), { kind: 'user', name: 'alice' }, 'remediator');

    // Assert
    expect(result.role).toEqual({
      role: 'remediator',
      group: 'remediators',
      cognitoUsers: ['a1b2-uuid', 'IdentityCenter_alice@example.com'],
    });
    expect(cognito).toHaveReceivedCommandWith(ListUsersCommand, {
      UserPoolId: 'eu-west-1_AbCdEf',
      Filter: 'email = "alice@example.com"',
    });
    expect(cognito).toHaveReceivedCommandTimes(AdminAddUserToGroupCommand, 2);
    expect(cognito).toHaveReceivedCommandWith(AdminAddUserToGroupCommand, {
      UserPoolId: 'eu-west-1_AbCdEf',
      Username: 'IdentityCenter_alice@example.com',
      GroupName: 'remediators',
    });
    expect(cognito).not.toHaveReceivedCommand(AdminRemoveUserFromGroupCommand);
  });

  it('--read-only takes them out of the group, and says when it takes effect', async () => {
    // Arrange
    const d = deps();

    // Act
    const result = await grantAccess(d, { kind: 'user', name: 'alice' }, 'read-only');

    // Assert
    expect(result.role?.role).toBe('read-only');
    expect(cognito).toHaveReceivedCommandWith(AdminRemoveUserFromGroupCommand, {
      Username: 'a1b2-uuid',
      GroupName: 'remediators',
    });
    expect(cognito).not.toHaveReceivedCommand(AdminAddUserToGroupCommand);
    expect(d.lines.join('\n')).toContain('within an hour');
  });

  it('asks a federated user to sign in once when Cognito has no user with that email yet', async () => {
    // Arrange
    cognito.on(ListIdentityProvidersCommand).resolves({
      Providers: [{ ProviderName: 'IdentityCenter', ProviderType: 'SAML' }],
    });
    cognito.on(ListUsersCommand).resolves({ Users: [] });

    // Act + Assert
    await expect(grantAccess(deps(), { kind: 'user', name: 'alice' }, 'remediator')).rejects.toThrow(
      /No Cognito user has the email alice@example.com.*sign in to the plugin once/,
    );
    expect(cognito).not.toHaveReceivedCommand(AdminAddUserToGroupCommand);
  });

  it('refuses a role for a group before changing anything', async () => {
    await expect(grantAccess(deps(), { kind: 'group', name: 'SecOps' }, 'remediator')).rejects.toThrow(
      /--remediator applies to users/,
    );
    expect(qbusiness.calls()).toHaveLength(0);
  });

  it('says to deploy again when the stack predates the remediators group', async () => {
    // Arrange
    const { RemediatorGroupName: _omitted, ...older } = OUTPUTS;
    stackWith(cloudFormation, older);

    // Act + Assert
    await expect(grantAccess(deps(), { kind: 'user', name: 'alice' }, 'remediator')).rejects.toThrow(
      /has no remediators group/,
    );
    expect(qbusiness.calls()).toHaveLength(0);
  });
});

describe('parseRole', () => {
  it.each([
    [{}, undefined],
    [{ remediator: true }, 'remediator'],
    [{ 'read-only': true }, 'read-only'],
  ])('reads %j', (values, role) => {
    expect(parseRole(values)).toBe(role);
  });

  it('refuses both at once', () => {
    expect(() => parseRole({ remediator: true, 'read-only': true })).toThrow('not both');
  });
});

describe('parsePrincipal', () => {
  it.each([
    [{ user: 'alice' }, { kind: 'user', name: 'alice' }],
    [{ group: 'SecOps' }, { kind: 'group', name: 'SecOps' }],
  ])('reads %j', (values, principal) => {
    expect(parsePrincipal(values)).toEqual(principal);
  });

  it.each([[{}], [{ user: 'alice', group: 'SecOps' }]])('prints the usage for %j', (values) => {
    expect(() => parsePrincipal(values)).toThrow(
      /Usage: npm run grant -- --user USER_NAME \[--remediator \| --read-only\] \| --group GROUP_NAME/,
    );
  });
});
