/**
 * Names of the deployed stack's CloudFormation outputs, all in one place: the
 * CDK stack defines outputs with exactly these keys, the document generator
 * and the operator commands (infra/ops) read them. No CDK import, so the
 * commands start fast.
 */
export const STACK_OUTPUTS = {
  // Read by the OpenAPI document generator.
  apiUrl: 'ApiUrl',
  oauthAuthorizeUrl: 'OAuthAuthorizeUrl',
  oauthTokenUrl: 'OAuthTokenUrl',
  scopeRead: 'ScopeRead',
  scopeRemediate: 'ScopeRemediate',
  // Read by the operator commands only.
  cognitoDomainUrl: 'CognitoDomainUrl',
  userPoolId: 'UserPoolId',
  remediatorGroupName: 'RemediatorGroupName',
  automationClientId: 'AutomationClientId',
  automationClientSecretCommand: 'AutomationClientSecretCommand',
  automationApiUrl: 'AutomationApiUrl',
  automationReadPolicyArn: 'AutomationReadPolicyArn',
  automationRemediatePolicyArn: 'AutomationRemediatePolicyArn',
  alarmNames: 'AlarmNames',
  interactiveClientId: 'OAuthClientId',
  interactiveClientSecretCommand: 'OAuthClientSecretCommand',
  samlAcsUrl: 'SamlAcsUrl',
  samlAudience: 'SamlAudience',
  identityCenterInstanceArn: 'IdentityCenterInstanceArn',
  applicationId: 'QBusinessApplicationId',
  webExperienceId: 'QBusinessWebExperienceId',
  webExperienceUrl: 'WebExperienceUrl',
  pluginId: 'QBusinessPluginId',
  pluginSecretArn: 'PluginOAuthSecretArn',
  changeJournalTableName: 'ChangeJournalTableName',
  // For people setting up an MCP client (docs/mcp.md).
  mcpUrl: 'McpUrl',
  mcpProtectedResourceMetadataUrl: 'McpProtectedResourceMetadataUrl',
} as const;

/** Outputs naming each function's log group: this prefix and the function's name in PascalCase (LogGroupCloseOpenPort). */
export const LOG_GROUP_OUTPUT_PREFIX = 'LogGroup';

export const DEFAULT_STACK_NAME = 'AiopsExposureApi';
