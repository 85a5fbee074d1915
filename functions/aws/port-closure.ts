/**
 * Carries out a port-closure plan on AWS: authorize every replacement rule
 * first (so the other ports never close, even briefly), then revoke the
 * exposing rules by `SecurityGroupRuleIds`. Someone else's concurrent change
 * is treated as done (semantics.md "Idempotent"); a failure half-way is an
 * UpstreamError whose details say what was and was not applied, with the undo
 * for the applied part, so a retry of the same request completes the change.
 */
import {
  AuthorizeSecurityGroupIngressCommand,
  type EC2Client,
  RevokeSecurityGroupIngressCommand,
  type SecurityGroupRule,
} from '@aws-sdk/client-ec2';
import type { PortClosurePlan } from '../domain/port-closure-plan';
import { toIpPermission, undoCommands } from '../domain/port-closure-undo';
import { compareText, type IngressRule } from '../domain/port-exposure';
import { type NewIngressRule, ruleIdentity, ruleSource, toRuleChange } from '../domain/security-group-rules';
import { UpstreamError } from '../shared/errors';
import { hasAwsErrorCode, upstreamError } from './aws-errors';
import { describeIngressRules, toIngressRule } from './ec2-instances';

/** What was written. Rules someone else had already removed or added count as done. */
export interface AppliedClosure {
  addedRules: Array<NewIngressRule & { securityGroupRuleId: string }>;
  revokedRules: IngressRule[];
  /** Sentences about concurrent changes that were treated as done. */
  notices: string[];
}

/** The identity of a rule AWS returned, by the same rule as the plan's ({@link ruleIdentity}). */
function identityOfSdkRule(rule: SecurityGroupRule): string | undefined {
  const ingress = toIngressRule(rule);
  return ingress === undefined ? undefined : ruleIdentity(ingress);
}

function byGroup<T extends { groupId: string }>(rules: readonly T[]): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const rule of [...rules].sort((a, b) => compareText(a.groupId, b.groupId))) {
    groups.set(rule.groupId, [...(groups.get(rule.groupId) ?? []), rule]);
  }
  return groups;
}

/** Codes a revoke by rule id fails with when one of the ids no longer exists (AWS, then emulators). */
const RULE_GONE_CODES = ['InvalidSecurityGroupRuleId.NotFound', 'InvalidPermission.NotFound'];

/** Finds the id of a rule already in its group (re-reading the group); undefined if it is not there. */
async function findRuleId(ec2: EC2Client, rule: NewIngressRule): Promise<string | undefined> {
  const rules = (await describeIngressRules(ec2, [rule.groupId])).get(rule.groupId) ?? [];
  return rules.find((candidate) => ruleIdentity(candidate) === ruleIdentity(rule))?.securityGroupRuleId;
}

/**
 * Authorizes the rules of one group in one call; on `InvalidPermission.Duplicate`
 * (the whole batch fails) authorizes them one by one, taking a duplicate's id
 * from the group as it now is.
 */
async function authorizeGroup(
  ec2: EC2Client,
  rules: readonly NewIngressRule[],
  applied: AppliedClosure,
): Promise<void> {
  const [first] = rules;
  if (first === undefined) return;
  let created: SecurityGroupRule[];
  try {
    const out = await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: first.groupId,
        IpPermissions: rules.map(toIpPermission),
      }),
    );
    created = out.SecurityGroupRules ?? [];
  } catch (error) {
    if (!hasAwsErrorCode(error, 'InvalidPermission.Duplicate')) {
      throw upstreamError('ec2:AuthorizeSecurityGroupIngress', error);
    }
    if (rules.length > 1) {
      for (const rule of rules) await authorizeGroup(ec2, [rule], applied);
      return;
    }
    const id = await findRuleId(ec2, first);
    if (id === undefined) throw upstreamError('ec2:AuthorizeSecurityGroupIngress', error);
    applied.addedRules.push({ ...first, securityGroupRuleId: id });
    applied.notices.push(
      `Rule ${id} (${first.ipProtocol} ${first.fromPort}-${first.toPort} from ${ruleSource(first)}) was already in ${first.groupId}, added by someone else meanwhile; it is kept and counted as added.`,
    );
    return;
  }
  const idsByKey = new Map(created.map((rule) => [identityOfSdkRule(rule), rule.SecurityGroupRuleId]));
  for (const rule of rules) {
    // AWS returns the new rules with their ids; if it did not (an older emulator), read them back.
    const id = idsByKey.get(ruleIdentity(rule)) ?? (await findRuleId(ec2, rule));
    applied.addedRules.push({ ...rule, securityGroupRuleId: id ?? 'unknown' });
  }
}

/** Revoke attempts per group; each retry follows a re-read, so more would only chase a group changing under us. */
const REVOKE_ATTEMPTS = 3;

/**
 * Revokes rules of one group by id. A revoke racing someone else's removal is
 * not an error: a NotFound code (the whole call failed) or a successful reply
 * listing `UnknownIpPermissions` (some were not there) both lead to re-reading
 * the group; rules no longer in it count as revoked, the rest are revoked again.
 */
async function revokeGroup(
  ec2: EC2Client,
  rules: readonly IngressRule[],
  applied: AppliedClosure,
): Promise<void> {
  const [first] = rules;
  if (first === undefined) return;
  let pending = [...rules];
  for (let attempt = 1; pending.length > 0; attempt++) {
    let failure: unknown;
    const revokedNow = new Set<string>();
    try {
      const out = await ec2.send(
        new RevokeSecurityGroupIngressCommand({
          GroupId: first.groupId,
          SecurityGroupRuleIds: pending.map((rule) => rule.securityGroupRuleId),
        }),
      );
      if ((out.UnknownIpPermissions ?? []).length === 0) {
        applied.revokedRules.push(...pending);
        return;
      }
      for (const rule of out.RevokedSecurityGroupRules ?? []) {
        if (rule.SecurityGroupRuleId) revokedNow.add(rule.SecurityGroupRuleId);
      }
    } catch (error) {
      if (!hasAwsErrorCode(error, ...RULE_GONE_CODES) || attempt >= REVOKE_ATTEMPTS) {
        throw upstreamError('ec2:RevokeSecurityGroupIngress', error);
      }
      failure = error;
    }
    const present = new Set(
      ((await describeIngressRules(ec2, [first.groupId])).get(first.groupId) ?? []).map(
        (rule) => rule.securityGroupRuleId,
      ),
    );
    const gone = pending.filter((rule) => !present.has(rule.securityGroupRuleId));
    if (failure !== undefined && gone.length === 0)
      throw upstreamError('ec2:RevokeSecurityGroupIngress', failure);
    applied.revokedRules.push(...gone);
    for (const rule of gone) {
      if (revokedNow.has(rule.securityGroupRuleId)) continue;
      applied.notices.push(
        `Rule ${rule.securityGroupRuleId} in ${rule.groupId} had already been removed by someone else; it is counted as revoked.`,
      );
    }
    pending = pending.filter((rule) => present.has(rule.securityGroupRuleId));
    if (pending.length > 0 && attempt >= REVOKE_ATTEMPTS) {
      throw new UpstreamError(
        'ec2:RevokeSecurityGroupIngress',
        'UnknownIpPermissions',
        `AWS ec2:RevokeSecurityGroupIngress answered that it did not know rules ${pending.map((rule) => rule.securityGroupRuleId).join(', ')}, yet they are still in ${first.groupId}. Try again.`,
        { awsCall: 'ec2:RevokeSecurityGroupIngress', awsErrorCode: 'UnknownIpPermissions' },
      );
    }
  }
}

/**
 * Applies a plan in one Region. Never call it with quota problems in the plan.
 *
 * @throws UpstreamError when AWS fails; its details hold `applied`, `notApplied` and `undo`
 */
export async function applyPortClosure(
  ec2: EC2Client,
  region: string,
  plan: Pick<PortClosurePlan, 'authorize' | 'revoke'> & Partial<Pick<PortClosurePlan, 'revokeFirstGroupIds'>>,
): Promise<AppliedClosure> {
  const applied: AppliedClosure = { addedRules: [], revokedRules: [], notices: [] };
  const revokeFirst = new Set(plan.revokeFirstGroupIds ?? []);
  const additions = [...byGroup(plan.authorize)];
  try {
    // Replacements go in first wherever they fit next to what they replace, so those ports never close.
    for (const [groupId, rules] of additions) {
      if (!revokeFirst.has(groupId)) await authorizeGroup(ec2, rules, applied);
    }
    for (const rules of byGroup(plan.revoke).values()) await revokeGroup(ec2, rules, applied);
    for (const [groupId, rules] of additions) {
      if (revokeFirst.has(groupId)) await authorizeGroup(ec2, rules, applied);
    }
  } catch (error) {
    throw halfWayError(error, region, plan, applied);
  }
  return applied;
}

function halfWayError(
  error: unknown,
  region: string,
  plan: Pick<PortClosurePlan, 'authorize' | 'revoke'>,
  applied: AppliedClosure,
): UpstreamError {
  const base =
    error instanceof UpstreamError ? error : upstreamError('ec2:AuthorizeSecurityGroupIngress', error);
  const addedKeys = new Set(applied.addedRules.map(ruleIdentity));
  const revokedIds = new Set(applied.revokedRules.map((rule) => rule.securityGroupRuleId));
  const anyApplied = applied.addedRules.length > 0 || applied.revokedRules.length > 0;
  const next = anyApplied
    ? ' Part of the change was applied (details.applied); the port may still be open. Send the same request again to finish it (nothing is added twice), or run details.undo to reverse the applied part.'
    : ' Nothing was changed.';
  return new UpstreamError(base.awsCall, base.awsErrorCode, `${base.message}${next}`, {
    ...base.details,
    applied: {
      addedRules: applied.addedRules.map(toRuleChange),
      revokedRules: applied.revokedRules.map(toRuleChange),
    },
    notApplied: {
      addedRules: plan.authorize.filter((rule) => !addedKeys.has(ruleIdentity(rule))).map(toRuleChange),
      revokedRules: plan.revoke.filter((rule) => !revokedIds.has(rule.securityGroupRuleId)).map(toRuleChange),
    },
    undo: undoCommands(region, applied.revokedRules, applied.addedRules),
  });
}
