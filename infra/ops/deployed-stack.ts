/**
 * What the operator commands share: the deployed stack's outputs, read
 * through CloudFormation, with errors that say what to do next.
 */
import { type CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';

export type StackOutputs = Readonly<Record<string, string>>;

/** An error meant for the operator: printed as is, without a stack trace. */
export class OperatorError extends Error {
  override readonly name = 'OperatorError';
}

/** The outputs of `stackName`, or an OperatorError naming the stack and Region when it is not deployed. */
export async function readStackOutputs(
  cloudFormation: CloudFormationClient,
  stackName: string,
): Promise<StackOutputs> {
  const region = await cloudFormation.config.region();
  let stack: { Outputs?: Array<{ OutputKey?: string; OutputValue?: string }> } | undefined;
  try {
    stack = (await cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }))).Stacks?.[0];
  } catch (error) {
    if (error instanceof Error && error.name === 'ValidationError' && /does not exist/.test(error.message)) {
      stack = undefined;
    } else {
      throw error;
    }
  }
  if (!stack) {
    throw new OperatorError(
      `Stack ${stackName} was not found in ${region}. Deploy it first (npm run deploy), or pass --stack NAME ` +
        'and the Region it is in (AWS_REGION or --region).',
    );
  }
  return Object.fromEntries(
    (stack.Outputs ?? [])
      .filter((output) => output.OutputKey && output.OutputValue !== undefined)
      .map((output) => [output.OutputKey as string, output.OutputValue as string]),
  );
}

/** The output's value, or an OperatorError saying which deployment adds it. */
export function requireOutput(outputs: StackOutputs, key: string, stackName: string, hint: string): string {
  const value = outputs[key];
  if (!value) throw new OperatorError(`Stack ${stackName} has no output ${key}: ${hint}`);
  return value;
}

/** The AWS error name of an SDK error (`ResourceNotFoundException`, ...), or undefined. */
export function awsErrorName(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}

/** Runs a command's main: operator errors print one line, anything else its stack; both exit 1. */
export function runMain(main: () => Promise<number>): void {
  main()
    .then((code) => {
      process.exitCode = code;
    })
    .catch((error: unknown) => {
      if (error instanceof OperatorError) {
        process.stderr.write(`${error.message}\n`);
      } else if (awsErrorName(error) === 'CredentialsProviderError') {
        process.stderr.write(
          'No AWS credentials: sign in (aws sso login, or set AWS_PROFILE / AWS_ACCESS_KEY_ID) and set AWS_REGION ' +
            'to the Region of the stack, then run the command again.\n',
        );
      } else {
        process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      }
      process.exitCode = 1;
    });
}
