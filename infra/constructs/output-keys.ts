/**
 * Keys of the stack's CloudFormation outputs besides the ones the OpenAPI
 * generator reads (`STACK_OUTPUTS` in openapi/stack-outputs.ts). The stack
 * defines them; the operator commands (infra/ops) read them. No CDK import,
 * so the commands start fast.
 */
export const EXTRA_OUTPUTS = {
  cognitoDomainUrl: 'CognitoDomainUrl',
  userPoolId: 'UserPoolId',
  automationClientId: 'AutomationClientId',
  automationClientSecretCommand: 'AutomationClientSecretCommand',
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
} as const;
