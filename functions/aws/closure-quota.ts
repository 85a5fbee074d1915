/** The facts a closure's quota check needs: the account's rule quota and the weights of prefix lists. */
import type { EC2Client } from '@aws-sdk/client-ec2';
import { DEFAULT_RULES_PER_GROUP_LIMIT } from '../domain/port-closure-plan';
import { UpstreamError } from '../shared/errors';
import { describePrefixListFacts } from './ec2-instances';
import type { GroupRuleFacts } from './ec2-port-scan';
import type { RulesPerGroupQuota } from './service-quotas';

/** The rule quota of the Region, or AWS's default with the reason when it cannot be read. */
export async function rulesPerGroupQuotaOf(
  read: ((region: string) => Promise<RulesPerGroupQuota>) | undefined,
  region: string,
): Promise<RulesPerGroupQuota> {
  if (read === undefined) {
    return { limit: DEFAULT_RULES_PER_GROUP_LIMIT, assumedBecause: 'no Service Quotas client is configured' };
  }
  return read(region);
}

/**
 * Weights of the prefix lists the changed groups reference. If they cannot be
 * read, the plan treats those groups' counts as unknown (additions first, so a
 * full group refuses the addition before anything is revoked) and a note says so.
 */
export async function prefixListFactsOf(
  ec2: EC2Client,
  groupIds: readonly string[],
  facts: GroupRuleFacts,
  notes: string[],
) {
  const ids = groupIds.flatMap((groupId) =>
    (facts.rulesByGroup.get(groupId) ?? []).flatMap((rule) => (rule.prefixListId ? [rule.prefixListId] : [])),
  );
  try {
    return await describePrefixListFacts(ec2, ids);
  } catch (error) {
    if (!(error instanceof UpstreamError)) throw error;
    notes.push(
      `The prefix lists' sizes could not be read (${error.awsCall} failed with ${error.awsErrorCode}), so the rule count of groups that reference them is not checked.`,
    );
    return undefined;
  }
}
