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
  type IpPermission,
  RevokeSecurityGroupIngressCommand,
  type SecurityGroupRule,
} from '@aws-sdk/client-ec2';
import { parseCidr } from '../domain/ip-ranges';
import type { NewIngressRule, PortClosurePlan } from '../domain/port-closure-plan';
import { compareText, type IngressRule, normaliseIpProtocol } from '../domain/port-exposure';
import { UpstreamError } from '../shared/errors';
import { hasAwsErrorCode, upstreamError } from './aws-errors';
import { describeIngressRules } from './ec2-instances';

/** A rule revoked or added, as the API reports it. */
export interface RuleChange {
  securityGroupId: string;
  securityGroupRuleId?: string;
  ipProtocol: string;
  fromPort: number;
  toPort: number;
  /** The CIDR, prefix list id or referenced group id, exactly as in the rule. */
  source: string;
  description: string | null;
}

/** A replacement rule, with its id once AWS has created it. */
export type AddedRule = NewIngressRule & { securityGroupRuleId?: string };

/** What was written. Rules someone else had already removed or added count as done. */
export interface AppliedClosure {
  addedRules: Array<NewIngressRule & { securityGroupRuleId: string }>;
  revokedRules: IngressRule[];
  /** Sentences about concurrent changes that were treated as done. */
  notices: string[];
}

type AnyRule = NewIngressRule | IngressRule;

/** The source of a rule as one string (CIDR, prefix list id or group id). */
export function ruleSource(rule: AnyRule): string {
  return rule.cidrIpv4 ?? rule.cidrIpv6 ?? rule.prefixListId ?? rule.referencedGroupId ?? 'unknown source';
}

export function toRuleChange(rule: AnyRule & { securityGroupRuleId?: string }): RuleChange {
  return {
    securityGroupId: rule.groupId,
    ...(rule.securityGroupRuleId ? { securityGroupRuleId: rule.securityGroupRuleId } : {}),
    ipProtocol: rule.ipProtocol,
    fromPort: rule.fromPort,
    toPort: rule.toPort,
    source: ruleSource(rule),
    description: rule.description ?? null,
  };
}

/** One rule as an EC2 `IpPermission` with a single source; ports are left out for all-traffic rules. */
export function toIpPermission(rule: AnyRule): IpPermission {
  const description = rule.description !== undefined ? { Description: rule.description } : {};
  const ipProtocol = normaliseIpProtocol(rule.ipProtocol);
  return {
    IpProtocol: ipProtocol,
    ...(ipProtocol === '-1' ? {} : { FromPort: rule.fromPort, ToPort: rule.toPort }),
    ...(rule.cidrIpv4 !== undefined ? { IpRanges: [{ CidrIp: rule.cidrIpv4, ...description }] } : {}),
    ...(rule.cidrIpv6 !== undefined ? { Ipv6Ranges: [{ CidrIpv6: rule.cidrIpv6, ...description }] } : {}),
    ...(rule.prefixListId !== undefined
      ? { PrefixListIds: [{ PrefixListId: rule.prefixListId, ...description }] }
      : {}),
    ...(rule.referencedGroupId !== undefined
      ? { UserIdGroupPairs: [{ GroupId: rule.referencedGroupId, ...description }] }
      : {}),
  };
}

/** Identity of a rule as AWS judges duplicates: group, protocol, ports, source (not the description). */
function permissionKey(
  groupId: string,
  ipProtocol: string,
  fromPort: number,
  toPort: number,
  source: string,
): string {
  const protocol = normaliseIpProtocol(ipProtocol);
  const ports = protocol === '-1' ? '-1|-1' : `${fromPort}|${toPort}`;
  return [groupId, protocol, ports, parseCidr(source)?.cidr ?? source].join('|');
}

function keyOfRule(rule: AnyRule): string {
  return permissionKey(rule.groupId, rule.ipProtocol, rule.fromPort, rule.toPort, ruleSource(rule));
}

function keyOfSdkRule(rule: SecurityGroupRule): string {
  const source =
    rule.CidrIpv4 ?? rule.CidrIpv6 ?? rule.PrefixListId ?? rule.ReferencedGroupInfo?.GroupId ?? '';
  return permissionKey(
    rule.GroupId ?? '',
    rule.IpProtocol ?? '',
    rule.FromPort ?? -1,
    rule.ToPort ?? -1,
    source,
  );
}

/** Quotes text for a POSIX shell. */
function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * AWS CLI commands that put the groups back as they were, in order: first
 * re-authorize each revoked rule (exact protocol, ports, source, description),
 * then revoke each added rule, by rule id where it exists (after a real
 * change) or by its exact permission (in a dry run, before AWS assigned ids).
 */
export function undoCommands(
  region: string,
  revokedRules: readonly IngressRule[],
  addedRules: readonly AddedRule[],
): string[] {
  const authorize = revokedRules.map(
    (rule) =>
      `aws ec2 authorize-security-group-ingress --region ${region} --group-id ${rule.groupId} --ip-permissions ${shellQuote(JSON.stringify([toIpPermission(rule)]))}`,
  );
  const revoke = addedRules.map((rule) =>
    rule.securityGroupRuleId
      ? `aws ec2 revoke-security-group-ingress --region ${region} --group-id ${rule.groupId} --security-group-rule-ids ${rule.securityGroupRuleId}`
      : `aws ec2 revoke-security-group-ingress --region ${region} --group-id ${rule.groupId} --ip-permissions ${shellQuote(JSON.stringify([toIpPermission(rule)]))}`,
  );
  return [...authorize, ...revoke];
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
  return rules.find((candidate) => keyOfRule(candidate) === keyOfRule(rule))?.securityGroupRuleId;
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
  const idsByKey = new Map(created.map((rule) => [keyOfSdkRule(rule), rule.SecurityGroupRuleId]));
  for (const rule of rules) {
    // AWS returns the new rules with their ids; if it did not (an older emulator), read them back.
    const id = idsByKey.get(keyOfRule(rule)) ?? (await findRuleId(ec2, rule));
    applied.addedRules.push({ ...rule, securityGroupRuleId: id ?? 'unknown' });
  }
}

/**
 * Revokes rules of one group by id. When any id is gone the whole call fails, with
 * `InvalidSecurityGroupRuleId.NotFound` on AWS and `InvalidPermission.NotFound` on moto:
 * re-read the group and retry without the missing ids (someone else already removed them).
 */
async function revokeGroup(
  ec2: EC2Client,
  rules: readonly IngressRule[],
  applied: AppliedClosure,
): Promise<void> {
  const [first] = rules;
  if (first === undefined) return;
  let pending = [...rules];
  for (let attempt = 0; pending.length > 0; attempt++) {
    try {
      await ec2.send(
        new RevokeSecurityGroupIngressCommand({
          GroupId: first.groupId,
          SecurityGroupRuleIds: pending.map((rule) => rule.securityGroupRuleId),
        }),
      );
      applied.revokedRules.push(...pending);
      return;
    } catch (error) {
      if (!hasAwsErrorCode(error, ...RULE_GONE_CODES) || attempt >= 2) {
        throw upstreamError('ec2:RevokeSecurityGroupIngress', error);
      }
      const present = new Set(
        ((await describeIngressRules(ec2, [first.groupId])).get(first.groupId) ?? []).map(
          (rule) => rule.securityGroupRuleId,
        ),
      );
      const gone = pending.filter((rule) => !present.has(rule.securityGroupRuleId));
      if (gone.length === 0) throw upstreamError('ec2:RevokeSecurityGroupIngress', error);
      applied.revokedRules.push(...gone);
      for (const rule of gone) {
        applied.notices.push(
          `Rule ${rule.securityGroupRuleId} in ${rule.groupId} had already been removed by someone else; it is counted as revoked.`,
        );
      }
      pending = pending.filter((rule) => present.has(rule.securityGroupRuleId));
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
  plan: Pick<PortClosurePlan, 'authorize' | 'revoke'>,
): Promise<AppliedClosure> {
  const applied: AppliedClosure = { addedRules: [], revokedRules: [], notices: [] };
  try {
    for (const rules of byGroup(plan.authorize).values()) await authorizeGroup(ec2, rules, applied);
    for (const rules of byGroup(plan.revoke).values()) await revokeGroup(ec2, rules, applied);
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
  const addedKeys = new Set(applied.addedRules.map(keyOfRule));
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
      addedRules: plan.authorize.filter((rule) => !addedKeys.has(keyOfRule(rule))).map(toRuleChange),
      revokedRules: plan.revoke.filter((rule) => !revokedIds.has(rule.securityGroupRuleId)).map(toRuleChange),
    },
    undo: undoCommands(region, applied.revokedRules, applied.addedRules),
  });
}
