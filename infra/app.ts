/**
 * CDK app entry (`cdk.json`: `npx tsx infra/app.ts`): one stack, checked by
 * cdk-nag's AWS Solutions rules on every synth. Environment-agnostic and
 * free of lookups, so it synthesizes offline without credentials.
 */
import { App, type AppProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { DEFAULT_STACK_NAME } from '../openapi/stack-outputs';
import { CONTEXT_KEYS } from './constructs/stack-config';
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
): CreatedApp {
  const app = new App(props);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const stackName =
    (app.node.tryGetContext(CONTEXT_KEYS.stackName) as string | undefined) ?? DEFAULT_STACK_NAME;
  const stack = new ExposureStack(app, stackName, {
    stackName,
    ...(deployRegion ? { deployRegion } : {}),
  });
  return { app, stack };
}

if (require.main === module) {
  createApp().app.synth();
}
