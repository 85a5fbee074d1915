/**
 * The Cognito token trigger: a non-member's access token loses the remediate scope, a member's keeps it, and
 * every token carries the email claim the write functions name in CloudTrail.
 */
import type { PreTokenGenerationV2TriggerEvent } from 'aws-lambda';

process.env.REMEDIATOR_GROUP = 'remediators';
process.env.REMEDIATE_SCOPE = 'aiops-exposure-api/remediate';
process.env.MAPPED_GROUPS_ATTRIBUTE = 'custom:groups';

const { handler } =
  require('../../functions/pre-token-generation') as typeof import('../../functions/pre-token-generation');

function event(groups: string[], attributes: Record<string, string> = {}): PreTokenGenerationV2TriggerEvent {
  return {
    version: '2',
    triggerSource: 'TokenGeneration_HostedAuth',
    region: 'eu-west-1',
    userPoolId: 'eu-west-1_AbCdEf',
    userName: 'IdentityCenter_alice@example.com',
    callerContext: { awsSdkVersion: '1', clientId: 'client' },
    request: {
      userAttributes: { sub: '1111', email: 'alice@example.com', ...attributes },
      groupConfiguration: { groupsToOverride: groups },
      scopes: ['openid', 'aiops-exposure-api/read', 'aiops-exposure-api/remediate'],
    },
    response: { claimsAndScopeOverrideDetails: {} },
  } as PreTokenGenerationV2TriggerEvent;
}

describe('pre token generation trigger', () => {
  it('suppresses remediate for a user outside the group and keeps read', async () => {
    const out = await handler(event(['readers']));
    const access = out.response.claimsAndScopeOverrideDetails.accessTokenGeneration;
    expect(access?.scopesToSuppress).toEqual(['aiops-exposure-api/remediate']);
    expect(access?.scopesToSuppress).not.toContain('aiops-exposure-api/read');
  });

  it('leaves the scopes of a pool group member alone', async () => {
    const out = await handler(event(['remediators']));
    expect(
      out.response.claimsAndScopeOverrideDetails.accessTokenGeneration?.scopesToSuppress,
    ).toBeUndefined();
  });

  it('accepts membership from the SAML-mapped group list', async () => {
    const out = await handler(event([], { 'custom:groups': '[ops, remediators]' }));
    expect(
      out.response.claimsAndScopeOverrideDetails.accessTokenGeneration?.scopesToSuppress,
    ).toBeUndefined();
  });

  it('puts the email on the access token, for the source identity', async () => {
    const out = await handler(event([]));
    expect(out.response.claimsAndScopeOverrideDetails.accessTokenGeneration?.claimsToAddOrOverride).toEqual({
      email: 'alice@example.com',
    });
  });
});
