/**
 * The deploy-time OpenAPI document (the assistant rendering) as a CloudFormation value: the same
 * builder as `npm run openapi -- --stack NAME`, rendered once with
 * placeholders, then `Fn::Sub` puts in the real API URL, Cognito endpoints
 * and scope names, which only exist at deploy time.
 */
import { Fn } from 'aws-cdk-lib';
import { buildOpenApiDocument } from '../../openapi/build-document';
import type { OperationScope } from '../../openapi/operations';

export interface DeployTimeDocumentValues {
  /** The stage URL (tokens allowed), without a trailing slash. */
  readonly apiUrl: string;
  readonly oauth?: {
    readonly authorizationUrl: string;
    readonly tokenUrl: string;
    readonly scopes: Record<OperationScope, string>;
  };
}

/** Fn::Sub variable names, and the placeholder each stands in for while the builder renders. */
const VARIABLES = {
  ApiUrl: 'https://aiops-placeholder-api-url.invalid',
  AuthorizeUrl: 'https://aiops-placeholder-authorize-url.invalid',
  TokenUrl: 'https://aiops-placeholder-token-url.invalid',
  ScopeRead: 'aiops-placeholder-scope-read',
  ScopeRemediate: 'aiops-placeholder-scope-remediate',
} as const;

/** The compact JSON document with `${Variable}` references, and the values to substitute. */
export function deployTimeDocumentTemplate(values: DeployTimeDocumentValues): {
  template: string;
  variables: Record<string, string>;
} {
  // Q Business shows its users only 2xx answers: the plugin gets the assistant rendering.
  const document = buildOpenApiDocument({
    rendering: 'assistant',
    serverUrl: VARIABLES.ApiUrl,
    ...(values.oauth
      ? {
          oauth: {
            authorizationUrl: VARIABLES.AuthorizeUrl,
            tokenUrl: VARIABLES.TokenUrl,
            scopes: { read: VARIABLES.ScopeRead, remediate: VARIABLES.ScopeRemediate },
          },
        }
      : {}),
  });
  // Literal "${" in the document must not be read as a reference: Fn::Sub's escape is "${!".
  let template = JSON.stringify(document).replaceAll('${', '${!');
  for (const [name, placeholder] of Object.entries(VARIABLES)) {
    template = template.replaceAll(placeholder, `\${${name}}`);
  }
  const variables: Record<string, string> = { ApiUrl: values.apiUrl };
  if (values.oauth) {
    variables.AuthorizeUrl = values.oauth.authorizationUrl;
    variables.TokenUrl = values.oauth.tokenUrl;
    variables.ScopeRead = values.oauth.scopes.read;
    variables.ScopeRemediate = values.oauth.scopes.remediate;
  }
  return { template, variables };
}

/** The plugin payload: the deploy-time document, resolved by CloudFormation. */
export function deployTimeDocumentPayload(values: DeployTimeDocumentValues): string {
  const { template, variables } = deployTimeDocumentTemplate(values);
  return Fn.sub(template, variables);
}
