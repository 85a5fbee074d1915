/** A mocked CloudFormation that describes the deployed stack with the given outputs. */
import { type CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import type { AwsClientStub } from 'aws-sdk-client-mock';

export function stackWith(
  cloudFormation: AwsClientStub<CloudFormationClient>,
  outputs: Record<string, string>,
): void {
  cloudFormation.on(DescribeStacksCommand).resolves({
    Stacks: [
      {
        StackName: 'AiopsExposureApi',
        StackStatus: 'CREATE_COMPLETE',
        CreationTime: new Date(0),
        Outputs: Object.entries(outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
      },
    ],
  });
}
