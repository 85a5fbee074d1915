/**
 * cdk-nag AWS Solutions checks: no unacknowledged finding in any supported
 * configuration, and every acknowledgement answers a real finding, on the
 * construct that raises it, with the narrowest id and a specific reason.
 */
import { App, Validations } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import cdkJson from '../../cdk.json';
import { createApp } from '../../infra/app';
import { ExposureStack } from '../../infra/stack';

const IDENTITY_CENTER = 'arn:aws:sso:::instance/ssoins-1234567890abcdef';

const CONFIGURATIONS: Array<[string, Record<string, unknown>]> = [
  ['the API alone (default)', {}],
  [
    'Q Business with Amazon Quick, Identity Center federation and a remediating IAM automation API',
    {
      identityCenterInstanceArn: IDENTITY_CENTER,
      quickRedirectUrl: 'https://us-east-1.quicksight.aws.amazon.com/sn/oauthcallback',
      samlMetadataUrl: 'https://portal.sso.eu-west-1.amazonaws.com/saml/metadata/abc',
      automation: 'iam',
      automationRemediate: true,
    },
  ],
  ['a remediating Cognito automation client', { automation: 'client', automationRemediate: true }],
  ['the auth=none demo', { auth: 'none' }],
];

/** The feature flags of cdk.json (as `cdk synth` uses them), without bundling. */
const BASE_CONTEXT = { ...cdkJson.context, 'aws:cdk:bundling-stacks': [] };

function appWith(context: Record<string, unknown>): App {
  return new App({ context: { ...BASE_CONTEXT, ...context } });
}

afterEach(() => jest.restoreAllMocks());

describe('cdk-nag AwsSolutionsChecks', () => {
  it('runs on every synth of the app: an unacknowledged finding fails it', () => {
    // Arrange: a queue without a dead-letter queue or TLS-only policy (AwsSolutions-SQS3, -SQS4).
    const { app, stack } = createApp({ context: BASE_CONTEXT });
    new sqs.Queue(stack, 'UnreviewedQueue');

    // Act + Assert
    expect(() => app.synth()).toThrow(/AwsSolutions-SQS3/);
  });

  it.each(CONFIGURATIONS)('reports no unacknowledged finding for %s', (_name, context) => {
    // Arrange
    const app = appWith(context);
    new ExposureStack(app, 'AiopsExposureApi');

    // Act
    const report = new AwsSolutionsChecks(app).validateScope(app);

    // Assert
    expect(report.violations.map((v) => `${v.ruleName} ${v.violatingResources[0]?.constructPath}`)).toEqual(
      [],
    );
    expect(report.success).toBe(true);
  });

  it.each(CONFIGURATIONS)(
    'acknowledges only real findings, each on its own construct, for %s',
    (_name, context) => {
      // Arrange: record acknowledgements instead of applying them, to see the raw findings.
      const acknowledged: Array<{ path: string; id: string; reason: string }> = [];
      jest.spyOn(Validations.prototype, 'acknowledge').mockImplementation(function (
        this: Validations,
        ...rules
      ) {
        const scope = (this as unknown as { scope: { node: { path: string } } }).scope;
        for (const rule of rules)
          acknowledged.push({ path: scope.node.path, id: rule.id, reason: rule.reason });
      });
      const app = appWith(context);
      new ExposureStack(app, 'AiopsExposureApi');

      // Act
      const findings = new AwsSolutionsChecks(app)
        .validateScope(app)
        .violations.flatMap((v) =>
          v.violatingResources.map((r) => ({ id: v.ruleName, path: r.constructPath ?? '' })),
        );
      expect(acknowledged.length).toBeGreaterThan(0);

      // Assert: each acknowledgement sits on (or just above) a construct whose resource raises exactly that id...
      for (const ack of acknowledged) {
        const answered = findings.filter((f) => f.id === ack.id && f.path.startsWith(`${ack.path}/`));
        expect({ ack: `${ack.id} at ${ack.path}`, answered: answered.length > 0 }).toEqual({
          ack: `${ack.id} at ${ack.path}`,
          answered: true,
        });
        expect(ack.reason.length).toBeGreaterThan(60);
      }
      // ...and every finding is acknowledged (the other test shows the acknowledgements take effect).
      for (const finding of findings) {
        expect(acknowledged.some((a) => a.id === finding.id && finding.path.startsWith(`${a.path}/`))).toBe(
          true,
        );
      }
      // IAM5 is acknowledged per wildcard finding, never for the whole rule.
      expect(
        acknowledged.filter((a) => a.id === 'AwsSolutions-IAM5' || a.id === 'AwsSolutions-IAM4'),
      ).toEqual([]);
    },
  );
});
