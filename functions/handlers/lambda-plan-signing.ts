/**
 * The planId key inside Lambda: the stack's generated secret, named by PLAN_KEY_SECRET_ARN, read on the
 * first preview or apply with a planId in the container and kept. Nothing is read (or required) before:
 * a scan or a write without planId never pays for it.
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { readPlanKey } from '../aws/plan-key-secret';
import { requireEnv } from '../shared/env';
import { cachedPlanSigning, type PlanSigning } from '../shared/plan-signing';

export function lambdaPlanSigning(): PlanSigning {
  return cachedPlanSigning(async () =>
    readPlanKey(
      new SecretsManagerClient({ region: requireEnv('AWS_REGION') }),
      requireEnv('PLAN_KEY_SECRET_ARN'),
    ),
  );
}
