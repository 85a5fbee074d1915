/**
 * Names of the deployed stack's CloudFormation outputs that the document
 * builder (and the operator commands) read. The CDK stack defines outputs
 * with exactly these keys.
 */
export const STACK_OUTPUTS = {
  apiUrl: 'ApiUrl',
  oauthAuthorizeUrl: 'OAuthAuthorizeUrl',
  oauthTokenUrl: 'OAuthTokenUrl',
  scopeRead: 'ScopeRead',
  scopeRemediate: 'ScopeRemediate',
} as const;

export const DEFAULT_STACK_NAME = 'AiopsExposureApi';
