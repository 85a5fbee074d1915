/**
 * Dependencies of the close-port Lambda: the EC2 ones plus the Service Quotas
 * client that reads the security group rule quota. A module of its own so the
 * find Lambda's bundle never holds that client.
 */
import { defaultClientSettings } from '../aws/client-config';
import { createServiceQuotasClients, readRulesPerGroupQuota } from '../aws/service-quotas';
import type { Ec2OperationDeps } from './ec2-deps';
import { lambdaEc2Deps } from './lambda-ec2-deps';

export function lambdaClosePortDeps(): Ec2OperationDeps {
  // One quota read per close that adds rules: a single socket is enough.
  const serviceQuotas = createServiceQuotasClients(defaultClientSettings({ concurrency: 1 }));
  return {
    ...lambdaEc2Deps(),
    rulesPerGroupQuota: (region) => readRulesPerGroupQuota(serviceQuotas(region)),
  };
}
