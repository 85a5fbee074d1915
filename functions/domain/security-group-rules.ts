/**
 * Security group rules as the API reports and compares them: one source per
 * rule, and one identity for "the same rule" (the one AWS uses to reject
 * `InvalidPermission.Duplicate`).
 */
import { parseCidr } from './ip-ranges';
import { type IngressRule, normaliseIpProtocol } from './port-exposure';
import { cleanUntrustedText } from './untrusted-text';

/** A rule to authorize, shaped after EC2 `IpPermission` flattened to one source: an ingress rule before it has an id. */
export type NewIngressRule = Omit<IngressRule, 'securityGroupRuleId' | 'isEgress'>;

/** A replacement rule, with its id once AWS has created it. */
export type AddedRule = NewIngressRule & { securityGroupRuleId?: string };

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

/** The source of a rule as one string (CIDR, prefix list id or group id). */
export function ruleSource(rule: NewIngressRule): string {
  return rule.cidrIpv4 ?? rule.cidrIpv6 ?? rule.prefixListId ?? rule.referencedGroupId ?? 'unknown source';
}

/**
 * Identity of a rule as AWS judges duplicates: group, protocol, ports and
 * source, not the description. Protocol names and numbers count as one
 * (`6` is `tcp`), an all-traffic rule has no ports, and a CIDR counts by the
 * range it denotes (`10.0.0.1/8` is `10.0.0.0/8`).
 *
 * @returns a string equal for two rules exactly when AWS treats them as the same rule
 */
export function ruleIdentity(rule: NewIngressRule): string {
  const normalisedCidr = (text: string): string => parseCidr(text)?.cidr ?? text;
  const protocol = normaliseIpProtocol(rule.ipProtocol);
  const ports = protocol === '-1' ? '-1|-1' : `${rule.fromPort}|${rule.toPort}`;
  const source =
    rule.cidrIpv4 !== undefined
      ? `v4:${normalisedCidr(rule.cidrIpv4)}`
      : rule.cidrIpv6 !== undefined
        ? `v6:${normalisedCidr(rule.cidrIpv6)}`
        : rule.prefixListId !== undefined
          ? `pl:${rule.prefixListId}`
          : `sg:${rule.referencedGroupId ?? ''}`;
  return [rule.groupId, protocol, ports, source].join('|');
}

/** A rule as the API reports it in `revokedRules` and `addedRules`. */
export function toRuleChange(rule: AddedRule): RuleChange {
  return {
    securityGroupId: rule.groupId,
    ...(rule.securityGroupRuleId ? { securityGroupRuleId: rule.securityGroupRuleId } : {}),
    ipProtocol: rule.ipProtocol,
    fromPort: rule.fromPort,
    toPort: rule.toPort,
    source: ruleSource(rule),
    // The write keeps the description's bytes (same rule); the answer carries it cleaned, as data.
    description: rule.description === undefined ? null : cleanUntrustedText(rule.description),
  };
}
