/**
 * Who may change what, in the template: the remediators group and the V2_0 token trigger that keeps
 * `remediate` for its members only, and the write roles that only their function may assume, only while
 * setting a source identity, holding the writes (and the protected-tag Denies) the execution roles no longer have.
 */
import { Match, Template } from 'aws-cdk-lib/assertions';
import cdkJson from '../../cdk.json';
import { createApp } from '../../infra/app';
import { RESOURCE_SERVER_ID } from '../../infra/constructs/auth';
import type { ExposureFunction } from '../../infra/constructs/exposure-function';
import type { ExposureStack } from '../../infra/stack';
import { operations } from '../../openapi/operations';
import { STACK_OUTPUTS } from '../../openapi/stack-outputs';

type Json = Record<string, unknown>;
const BASE_CONTEXT = { ...cdkJson.context, 'aws:cdk:bundling-stacks': [] };
const QUICK_REDIRECT = 'https://us-east-1.quicksight.aws.amazon.com/sn/oauthcallback';
const SAML_METADATA = 'https://portal.sso.eu-west-1.amazonaws.com/saml/metadata/abc';
const WRITE_ACTION = /^(s3:Put|ec2:Authorize|ec2:Revoke|s3:Delete)/;

function synth(context: Record<string, unknown> = {}): { stack: ExposureStack; template: Template } {
  const { stack } = createApp({ context: { ...BASE_CONTEXT, quickRedirectUrl: QUICK_REDIRECT, ...context } });
  return { stack, template: Template.fromStack(stack) };
}

function logicalId(stack: ExposureStack, construct: { node: { defaultChild?: unknown } }): string {
  return stack.getLogicalId(construct.node.defaultChild as never);
}

function policyStatements(
  stack: ExposureStack,
  template: Template,
  role: { node: { defaultChild?: unknown } },
) {
  const roleId = logicalId(stack, role);
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((policy) => JSON.stringify(policy.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))
    .flatMap((policy) => (policy.Properties.PolicyDocument as { Statement: Json[] }).Statement);
}

const actionsOf = (statement: Json) => [statement.Action].flat() as string[];

describe('the remediators group and the token trigger', () => {
  const { stack, template } = synth();

  it('creates the group and wires the trigger as a V2_0 pre token generation trigger', () => {
    const trigger = stack.auth?.tokenTrigger;
    if (!trigger) throw new Error('no token trigger');
    template.hasResourceProperties('AWS::Cognito::UserPoolGroup', { GroupName: 'remediators' });
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      UserPoolAddOns: Match.absent(),
      UserPoolTier: 'ESSENTIALS',
      LambdaConfig: {
        PreTokenGenerationConfig: {
          LambdaArn: { 'Fn::GetAtt': [logicalId(stack, trigger), 'Arn'] },
          LambdaVersion: 'V2_0',
        },
      },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Timeout: 5,
      Environment: {
        Variables: Match.objectLike({
          REMEDIATOR_GROUP: 'remediators',
          REMEDIATE_SCOPE: `${RESOURCE_SERVER_ID}/remediate`,
        }),
      },
    });
    expect(template.toJSON().Outputs[STACK_OUTPUTS.remediatorGroupName]).toMatchObject({
      Value: 'remediators',
    });
  });

  it('lets the trigger do nothing but write its own log group', () => {
    const trigger = stack.auth?.tokenTrigger as ExposureFunction;
    const actions = policyStatements(stack, template, trigger.executionRole).flatMap(actionsOf);
    expect(actions.sort()).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents']);
  });

  it('lets people write no attribute of their own but their email through the interactive client', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      ClientName: 'interactive',
      WriteAttributes: ['email'],
    });
  });

  it('takes the group name from context, and a SAML group list mapped to custom:groups', () => {
    // Act
    const { template: federated } = synth({
      remediatorGroup: 'aiops-fixers',
      samlMetadataUrl: SAML_METADATA,
      samlGroupsAttribute: 'groups',
    });

    // Assert
    federated.hasResourceProperties('AWS::Cognito::UserPoolGroup', { GroupName: 'aiops-fixers' });
    federated.hasResourceProperties('AWS::Cognito::UserPool', {
      Schema: Match.arrayWith([
        Match.objectLike({ Name: 'groups', AttributeDataType: 'String', Mutable: true }),
      ]),
    });
    federated.hasResourceProperties('AWS::Cognito::UserPoolIdentityProvider', {
      AttributeMapping: { email: 'email', 'custom:groups': 'groups' },
    });
    federated.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      ClientName: 'interactive',
      WriteAttributes: ['custom:groups', 'email'],
    });
    federated.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          REMEDIATOR_GROUP: 'aiops-fixers',
          MAPPED_GROUPS_ATTRIBUTE: 'custom:groups',
        }),
      },
    });
  });

  it.each([
    [{ samlGroupsAttribute: 'groups' }, /samlGroupsAttribute needs samlMetadataUrl/],
    [{ remediatorGroup: 'two words' }, /remediatorGroup must be a Cognito group name/],
    [{ remediatorGroup: 'a,b' }, /remediatorGroup must be a Cognito group name/],
  ])('refuses %j', (context, message) => {
    expect(() => synth(context)).toThrow(message);
  });
});

describe('the write roles', () => {
  const { stack, template } = synth({ allowedRegions: 'eu-west-1' });
  const functions = [...stack.functions.values(), stack.mcp.function];
  const writers = functions.filter((fn) => fn.writeRole !== undefined);

  it('exist for exactly the functions that write (the remediation functions, undo and MCP)', () => {
    expect(writers.map((fn) => fn.node.id).sort()).toEqual([
      'BlockBucketPublicAccess',
      'CloseOpenPort',
      'Function',
      'UndoChange',
    ]);
  });

  it('trust only their own function’s execution role, for AssumeRole together with SetSourceIdentity', () => {
    const roles = template.findResources('AWS::IAM::Role');
    for (const fn of writers) {
      const trust = roles[logicalId(stack, fn.writeRole as never)]?.Properties.AssumeRolePolicyDocument;
      expect(trust.Statement).toEqual([
        {
          Effect: 'Allow',
          Principal: { AWS: { 'Fn::GetAtt': [logicalId(stack, fn.executionRole), 'Arn'] } },
          Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'],
        },
      ]);
      expect(roles[logicalId(stack, fn.writeRole as never)]?.Properties.MaxSessionDuration).toBe(3600);
    }
  });

  it('are handed to their function, whose execution role may assume them and writes nothing itself', () => {
    const lambdas = template.findResources('AWS::Lambda::Function');
    for (const fn of functions) {
      const own = policyStatements(stack, template, fn.executionRole);
      expect(
        own
          .filter((s) => s.Effect === 'Allow')
          .flatMap(actionsOf)
          .filter((a) => WRITE_ACTION.test(a)),
      ).toEqual([]);
      expect(own.filter((s) => s.Effect === 'Deny')).toEqual([]);
      const lambda = lambdas[logicalId(stack, fn)];
      if (!lambda) throw new Error(`no function ${fn.node.path}`);
      const variables = (lambda.Properties.Environment as { Variables: Json }).Variables;
      if (!fn.writeRole) {
        expect(variables.WRITE_ROLE_ARN).toBeUndefined();
        expect(own.flatMap(actionsOf)).not.toContain('sts:AssumeRole');
        continue;
      }
      const writeRoleArn = { 'Fn::GetAtt': [logicalId(stack, fn.writeRole), 'Arn'] };
      expect(variables.WRITE_ROLE_ARN).toEqual(writeRoleArn);
      expect(own).toContainEqual({
        Sid: 'AssumeWriteRoleAsCaller',
        Effect: 'Allow',
        Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'],
        Resource: writeRoleArn,
      });
    }
  });

  it('carry the writes and the protected-tag and Region Denies on them', () => {
    for (const fn of writers) {
      const statements = policyStatements(stack, template, fn.writeRole as never);
      const writes = statements
        .filter((s) => s.Effect === 'Allow')
        .flatMap(actionsOf)
        .filter((a) => WRITE_ACTION.test(a))
        .sort();
      expect(writes.length).toBeGreaterThan(0);
      const denies = statements.filter((s) => s.Effect === 'Deny');
      expect(denies).toEqual([
        expect.objectContaining({
          Sid: 'DenyWritesToProtectedResources',
          Condition: { Null: { 'aws:ResourceTag/aiops-protected': 'false' } },
        }),
        expect.objectContaining({
          Sid: 'DenyWritesOutsideAllowedRegions',
          Condition: { StringNotEquals: { 'aws:RequestedRegion': ['eu-west-1'] } },
        }),
      ]);
      for (const deny of denies) expect([deny.Action].flat().sort()).toEqual(writes);
    }
  });
});

describe('the environment each function reads', () => {
  const { stack, template } = synth();
  const lambdas = template.findResources('AWS::Lambda::Function');

  it.each([...new Set(operations.map((operation) => operation.functionName))])(
    '%s gets its scope prefix, plan key, journal table, remediators group and protected tag key together',
    (functionName) => {
      // Arrange: what its operations need, from the registry
      const served = operations.filter((operation) => operation.functionName === functionName);
      const fn = stack.functions.get(functionName);
      if (!fn) throw new Error(`no function ${functionName}`);

      // Act
      const lambda = lambdas[logicalId(stack, fn)];
      if (!lambda) throw new Error(`no template resource for ${functionName}`);
      const variables = (lambda.Properties.Environment as { Variables: Json }).Variables;

      // Assert: without OAUTH_SCOPE_PREFIX the function's own scope check would be off
      expect(variables.OAUTH_SCOPE_PREFIX).toBe(RESOURCE_SERVER_ID);
      const has = (name: string) => Object.hasOwn(variables, name);
      expect(has('PLAN_KEY_SECRET_ARN')).toBe(served.some((operation) => operation.usesPlanKey));
      expect(has('REMEDIATOR_GROUP')).toBe(served.some((operation) => operation.usesPlanKey));
      expect(has('CHANGE_JOURNAL_TABLE')).toBe(
        served.some((operation) => operation.iamActions.some((action) => action.startsWith('dynamodb:'))),
      );
      expect(has('PROTECTED_TAG_KEY')).toBe(
        served.some((operation) => operation.iamActions.includes('s3:GetBucketTagging')),
      );
    },
  );
});
