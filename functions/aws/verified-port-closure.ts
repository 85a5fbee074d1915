/**
 * A port closure with its check: write the plan (unless a dry run or empty),
 * then read the groups back and report what is still exposed.
 */
import type { EC2Client } from '@aws-sdk/client-ec2';
import { exposuresOfRanges, judgeOpenPortRanges } from '../domain/open-port-ranges';
import {
  type ClosureQuery,
  openRangesToClose,
  type PortClosurePlan,
  rulesAfterPlan,
} from '../domain/port-closure-plan';
import type { IngressRule, PortExposure, UnknownExposure } from '../domain/port-exposure';
import type { AddedRule } from '../domain/security-group-rules';
import { verifyFailedWarning } from '../domain/summaries/port-closure-summary';
import { UpstreamError } from '../shared/errors';
import type { Ec2InstanceFacts } from './ec2-instances';
import {
  type GroupRuleFacts,
  groupIdsOf,
  readGroupRuleFacts,
  type ScanQuery,
  verdictOf,
} from './ec2-port-scan';
import type { LocatedInstance } from './instance-location';
import { applyPortClosure } from './port-closure';

/** What the write did (or, in a dry run or with nothing to do, what the plan predicts). */
export interface ClosureOutcome {
  revoked: IngressRule[];
  added: AddedRule[];
  /** Exposures left: read back after a write, predicted otherwise. */
  remaining: PortExposure[];
  verifiedAfterWrite: boolean;
  warnings: string[];
}

/** What to read to judge a closure: the port, or every port of the protocols closed. */
export function scanQueryOf(query: ClosureQuery): ScanQuery {
  if ('port' in query) return { port: query.port, protocol: query.protocol };
  const [first = 'tcp'] = query.closing.protocols;
  return { protocol: first, allProtocols: query.closing.protocols.length > 1 };
}

/** What the closure leaves open on the facts (the exposures it was to close), and what cannot be judged. */
export function remainingAfter(
  instance: Ec2InstanceFacts,
  facts: GroupRuleFacts,
  query: ClosureQuery,
): { exposures: PortExposure[]; unknown: UnknownExposure[] } {
  if ('port' in query) return verdictOf(instance, facts, query);
  const input = { ...facts, interfaces: instance.interfaces };
  return {
    exposures: exposuresOfRanges(openRangesToClose(input, query.closing)),
    unknown: judgeOpenPortRanges(input, query.closing.protocols).unknown,
  };
}

/**
 * Carries out a port-closure plan unless it is a dry run or empty, then reads the groups back to see
 * whether the port is closed. A failed read-back is a warning: the change was made.
 *
 * @param writer - the client the writes (and the reads that reconcile them mid-write) go through: the
 *   assumed write role's, as the caller; the read-back after the write uses `ec2`
 */
export async function closePortAndVerify(
  ec2: EC2Client,
  located: LocatedInstance,
  facts: GroupRuleFacts,
  plan: PortClosurePlan,
  write: { query: ClosureQuery; dryRun: boolean; changed: boolean },
  writer: EC2Client = ec2,
): Promise<ClosureOutcome> {
  const { instance, region } = located;
  const predicted = { ...facts, rulesByGroup: rulesAfterPlan(facts.rulesByGroup, plan, 'planned-rule-') };
  const predictedVerdict = remainingAfter(instance, predicted, write.query);
  const outcome: ClosureOutcome = {
    revoked: plan.revoke,
    added: plan.authorize,
    remaining: predictedVerdict.exposures,
    verifiedAfterWrite: false,
    warnings: [...plan.warnings],
  };
  const asked = 'port' in write.query ? `port ${write.query.port}/${write.query.protocol}` : 'a port';
  for (const rule of predictedVerdict.unknown) {
    outcome.warnings.push(
      `Rule ${rule.securityGroupRuleId} in ${rule.securityGroupId} admits ${asked} from prefix list ${rule.prefixListId}, which could not be read (${facts.unreadablePrefixLists.get(rule.prefixListId) ?? 'read failed'}): it was left alone, and it may still open the port to the internet.`,
    );
  }
  if (!write.changed || write.dryRun) return outcome;
  const applied = await applyPortClosure(writer, region, plan);
  outcome.revoked = applied.revokedRules;
  outcome.added = applied.addedRules;
  outcome.warnings.push(...applied.notices);
  try {
    const after = await readGroupRuleFacts(ec2, groupIdsOf([instance]), scanQueryOf(write.query));
    outcome.remaining = remainingAfter(instance, after, write.query).exposures;
    outcome.verifiedAfterWrite = true;
  } catch (error) {
    if (!(error instanceof UpstreamError)) throw error;
    outcome.warnings.push(verifyFailedWarning(error));
  }
  return outcome;
}
