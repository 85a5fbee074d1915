/**
 * Cognito pre token generation trigger (event V2_0, access-token customisation): only members of the
 * remediators group keep the `remediate` scope on their access tokens, and the token carries the user's email
 * so the write functions can name the person in CloudTrail (source identity). It runs on every sign-in and
 * every refresh, so a change of membership takes effect with the next token (at most an hour).
 */
import type { PreTokenGenerationV2TriggerEvent } from 'aws-lambda';
import { isRemediator, scopesToSuppress } from './domain/remediator-role';
import { requireEnv } from './shared/env';
import { logger } from './shared/logger';

const GROUP = requireEnv('REMEDIATOR_GROUP');
const REMEDIATE_SCOPE = requireEnv('REMEDIATE_SCOPE');
/** The custom attribute a SAML identity provider's group list is mapped to; unset without one. */
const MAPPED_GROUPS_ATTRIBUTE = process.env.MAPPED_GROUPS_ATTRIBUTE || undefined;

export async function handler(
  event: PreTokenGenerationV2TriggerEvent,
): Promise<PreTokenGenerationV2TriggerEvent> {
  const attributes = event.request.userAttributes ?? {};
  const facts = {
    poolGroups: event.request.groupConfiguration?.groupsToOverride ?? [],
    mappedGroups: MAPPED_GROUPS_ATTRIBUTE ? attributes[MAPPED_GROUPS_ATTRIBUTE] : undefined,
  };
  const suppress = scopesToSuppress(facts, GROUP, REMEDIATE_SCOPE);
  const email = attributes.email;
  event.response = {
    claimsAndScopeOverrideDetails: {
      accessTokenGeneration: {
        ...(email ? { claimsToAddOrOverride: { email } } : {}),
        ...(suppress.length > 0 ? { scopesToSuppress: suppress } : {}),
      },
    },
  };
  logger.info('token scopes', {
    trigger: event.triggerSource,
    username: event.userName,
    remediator: isRemediator(facts, GROUP),
  });
  return event;
}
