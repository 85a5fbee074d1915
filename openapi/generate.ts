/**
 * `npm run openapi`: writes both renderings (placeholder server, no auth): openapi/openapi.json (REST, for
 * curl and scripts) and openapi/openapi.assistant.json (the assistant rendering).
 * `npm run openapi -- --stack NAME`: reads the deployed stack's outputs and
 * writes openapi/openapi.NAME.json, the deploy-time document (real URL, OAuth2) of the assistant rendering
 * to register as an Amazon Quick OpenAPI action connector (`--rendering rest` for the REST one).
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { buildOpenApiDocument, type DocumentOptions, renderOpenApiJson } from './build-document';
import type { Rendering } from './renderings';
import { STACK_OUTPUTS } from './stack-outputs';

export const COMMITTED_DOCUMENT = resolve(__dirname, 'openapi.json');
export const COMMITTED_ASSISTANT_DOCUMENT = resolve(__dirname, 'openapi.assistant.json');

function renderingOption(value: string | undefined): Rendering {
  if (value === undefined || value === 'assistant' || value === 'rest') return value ?? 'assistant';
  throw new Error(`--rendering must be assistant or rest, not ${value}.`);
}

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
  const { values } = parseArgs({
    options: { stack: { type: 'string' }, out: { type: 'string' }, rendering: { type: 'string' } },
  });
  if (values.stack) {
    const rendering = renderingOption(values.rendering);
    const options = optionsFromStackOutputs(values.stack, await stackOutputs(values.stack));
    const file = resolve(values.out ?? `openapi/openapi.${values.stack}.json`);
    writeFileSync(file, renderOpenApiJson(buildOpenApiDocument({ ...options, rendering })));
    process.stdout.write(`Wrote the deploy-time ${rendering} document of stack ${values.stack} to ${file}\n`);
    return;
  }
  if (values.out) {
    const file = resolve(values.out);
    writeFileSync(
      file,
      renderOpenApiJson(buildOpenApiDocument({ rendering: renderingOption(values.rendering ?? 'rest') })),
    );
    process.stdout.write(`Wrote ${file}\n`);
    return;
  }
  writeFileSync(COMMITTED_DOCUMENT, renderOpenApiJson(buildOpenApiDocument()));
  writeFileSync(
    COMMITTED_ASSISTANT_DOCUMENT,
    renderOpenApiJson(buildOpenApiDocument({ rendering: 'assistant' })),
  );
  process.stdout.write(`Wrote ${COMMITTED_DOCUMENT} and ${COMMITTED_ASSISTANT_DOCUMENT}\n`);
}

if (require.main === module) {
  main().catch((error: Error) => {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  });
}
