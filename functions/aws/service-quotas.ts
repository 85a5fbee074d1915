/**
 * The account's "Inbound or outbound rules per security group" quota, read
 * from Service Quotas (service code `vpc`, quota code `L-0EA8095F`) in the
 * security group's Region, so the close plan counts against the real limit.
 */
import { GetServiceQuotaCommand, ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { DEFAULT_RULES_PER_GROUP_LIMIT } from '../domain/port-closure-plan';
import { awsErrorCode } from './aws-errors';
import { type AwsClientSettings, baseClientConfig, perRegion, prepareClientStack } from './client-config';

/** The rule quota, and whether it was read from the account or assumed. */
export interface RulesPerGroupQuota {
  limit: number;
  /** Set when the value is AWS's default because the account's could not be read: says why. */
  assumedBecause?: string;
}

/** Service Quotas files the security group rule quota under Amazon VPC, not EC2. */
export const RULES_PER_GROUP_QUOTA = { ServiceCode: 'vpc', QuotaCode: 'L-0EA8095F' } as const;

export function createServiceQuotasClients(
  settings: AwsClientSettings,
): (region: string) => ServiceQuotasClient {
  return perRegion((region) => {
    const client = new ServiceQuotasClient(baseClientConfig(settings, 'servicequotas', region));
    prepareClientStack(client.middlewareStack, settings, 'servicequotas', region);
    return client;
  });
}

/**
 * The quota's value for the account in the client's Region. Any failure (no
 * permission, an emulator without Service Quotas) or a reply without a positive
 * integer value falls back to AWS's default, with the reason, never to a guess.
 */
export async function readRulesPerGroupQuota(client: ServiceQuotasClient): Promise<RulesPerGroupQuota> {
  try {
    const out = await client.send(new GetServiceQuotaCommand({ ...RULES_PER_GROUP_QUOTA }));
    const value = out.Quota?.Value;
    if (typeof value === 'number' && Number.isInteger(value) && value > 0) return { limit: value };
    return {
      limit: DEFAULT_RULES_PER_GROUP_LIMIT,
      assumedBecause: 'servicequotas:GetServiceQuota answered without a value',
    };
  } catch (error) {
    return {
      limit: DEFAULT_RULES_PER_GROUP_LIMIT,
      assumedBecause: `servicequotas:GetServiceQuota failed with ${awsErrorCode(error)}`,
    };
  }
}
