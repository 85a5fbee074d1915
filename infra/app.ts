/**
 * CDK app entry (`cdk.json`: `npx tsx infra/app.ts`): one stack, checked by
 * cdk-nag's AWS Solutions rules on every synth. Environment-agnostic and
 * free of lookups, so it synthesizes offline without credentials; with
 * them, it reads the deployed stack's outputs (one DescribeStacks, a few
 * seconds at most) to warn before a deploy deletes the Q Business application.
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { App, type AppProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { DEFAULT_STACK_NAME } from '../openapi/stack-outputs';
import { CONTEXT_KEYS } from './constructs/stack-config';
import { readStackOutputs, type StackOutputs } from './ops/deployed-stack';
import { ExposureStack } from './stack';

export interface CreatedApp {
  readonly app: App;
  readonly stack: ExposureStack;
}

/**
 * Builds the app; tests pass context (and `aws:cdk:bundling-stacks: []` to skip bundling). `deployRegion` is
 * where the CDK CLI will deploy (it sets CDK_DEFAULT_REGION from AWS_REGION or the profile).
 */
export function createApp(
  props: AppProps = {},
  deployRegion: string | undefined = process.env.CDK_DEFAULT_REGION,
  deployedOutputs?: StackOutputs,
): CreatedApp {
  const app = new App(props);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const stackName =
    (app.node.tryGetContext(CONTEXT_KEYS.stackName) as string | undefined) ?? DEFAULT_STACK_NAME;
  const stack = new ExposureStack(app, stackName, {
    stackName,
    ...(deployRegion ? { deployRegion } : {}),
    ...(deployedOutputs ? { deployedOutputs } : {}),
  });
  return { app, stack };
}

/**
 * The outputs of the stack as deployed, or undefined when they cannot be read quickly: the CDK CLI sets
 * CDK_DEFAULT_ACCOUNT only when it found credentials, so an offline synth never tries.
 */
async function deployedStackOutputs(): Promise<StackOutputs | undefined> {
  if (!process.env.CDK_DEFAULT_ACCOUNT || !process.env.CDK_DEFAULT_REGION) return undefined;
  const stackName =
    (new App().node.tryGetContext(CONTEXT_KEYS.stackName) as string | undefined) ?? DEFAULT_STACK_NAME;
  const cloudFormation = new CloudFormationClient({
    region: process.env.CDK_DEFAULT_REGION,
    maxAttempts: 1,
    requestHandler: { connectionTimeout: 3_000, requestTimeout: 5_000 },
  });
  try {
    return await readStackOutputs(cloudFormation, stackName);
  } catch {
    return undefined; // not deployed yet, or no permission to read it: nothing to compare with
  } finally {
    cloudFormation.destroy();
  }
}

if (require.main === module) {
  void deployedStackOutputs().then((outputs) => createApp({}, undefined, outputs).app.synth());
}
