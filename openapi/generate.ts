/**
 * `npm run openapi`: writes openapi/openapi.json (placeholder server, no auth).
 * `npm run openapi -- --stack NAME`: reads the deployed stack's outputs and
 * writes openapi/openapi.NAME.json, the deploy-time document (real URL, OAuth2)
 * to register as an Amazon Quick OpenAPI action connector.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { buildOpenApiDocument, type DocumentOptions, renderOpenApiJson } from './build-document';
import { STACK_OUTPUTS } from './stack-outputs';

export const COMMITTED_DOCUMENT = resolve(__dirname, 'openapi.json');

/** Deploy-time options from a stack's outputs; names the missing output if any. */
export function optionsFromStackOutputs(stackName: string, outputs: Record<string, string>): DocumentOptions {
  const need = (key: string) => {
    const value = outputs[key];
    if (!value)
      throw new Error(
        `Stack ${stackName} has no output ${key}; deploy the current version of the stack first.`,
      );
    return value;
  };
  const apiUrl = need(STACK_OUTPUTS.apiUrl);
  if (!outputs[STACK_OUTPUTS.oauthTokenUrl]) return { serverUrl: apiUrl };
  return {
    serverUrl: apiUrl,
    oauth: {
      authorizationUrl: need(STACK_OUTPUTS.oauthAuthorizeUrl),
      tokenUrl: need(STACK_OUTPUTS.oauthTokenUrl),
      scopes: { read: need(STACK_OUTPUTS.scopeRead), remediate: need(STACK_OUTPUTS.scopeRemediate) },
    },
  };
}

async function stackOutputs(stackName: string): Promise<Record<string, string>> {
  const out = await new CloudFormationClient({}).send(new DescribeStacksCommand({ StackName: stackName }));
  const stack = out.Stacks?.[0];
  if (!stack) throw new Error(`Stack ${stackName} was not found in this account and Region.`);
  return Object.fromEntries((stack.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? '']));
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { stack: { type: 'string' }, out: { type: 'string' } } });
  if (values.stack) {
    const options = optionsFromStackOutputs(values.stack, await stackOutputs(values.stack));
    const file = resolve(values.out ?? `openapi/openapi.${values.stack}.json`);
    writeFileSync(file, renderOpenApiJson(buildOpenApiDocument(options)));
    process.stdout.write(`Wrote the deploy-time document of stack ${values.stack} to ${file}\n`);
    return;
  }
  const file = values.out ? resolve(values.out) : COMMITTED_DOCUMENT;
  writeFileSync(file, renderOpenApiJson(buildOpenApiDocument()));
  process.stdout.write(`Wrote ${file}\n`);
}

if (require.main === module) {
  main().catch((error: Error) => {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  });
}
