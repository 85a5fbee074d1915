/**
 * Where Amazon Q Business exists (AWS General Reference, "Amazon Q Business endpoints and quotas"). No CDK
 * import: the stack's Region guard and `npm run verify` share it.
 */
export const QBUSINESS_REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'ap-southeast-2'] as const;

/** Q Business Regions whose feature list, per the same page, does not yet include Q Actions (plugins). */
export const QBUSINESS_REGIONS_WITHOUT_ACTIONS = ['eu-west-1', 'ap-southeast-2'] as const;

/** The refusal, in CloudFormation's words and at synth when the Region is known. */
export function qBusinessRegionMessage(region: string): string {
  return (
    `Amazon Q Business does not exist in ${region}: deploy a stack with identityCenterInstanceArn in one of ` +
    `${QBUSINESS_REGIONS.join(', ')} (set AWS_REGION), or deploy the API alone without identityCenterInstanceArn.`
  );
}
