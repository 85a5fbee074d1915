/** Test support: security group rules and exposure/closure inputs written compactly. */
import type { PortClosureInput } from '../../functions/domain/port-closure-plan';
import type { IngressRule, PortProtocol } from '../../functions/domain/port-exposure';

/** One ingress rule; the source's form says its kind (pl-…, sg-…, IPv6 with ':', else IPv4). */
export function rule(
  securityGroupRuleId: string,
  groupId: string,
  ipProtocol: string,
  fromPort: number,
  toPort: number,
  source: string,
  description?: string,
): IngressRule {
  const base = {
    securityGroupRuleId,
    groupId,
    ipProtocol,
    fromPort,
    toPort,
    ...(description !== undefined ? { description } : {}),
  };
  if (source.startsWith('pl-')) return { ...base, prefixListId: source };
  if (source.startsWith('sg-')) return { ...base, referencedGroupId: source };
  if (source.includes(':')) return { ...base, cidrIpv6: source };
  return { ...base, cidrIpv4: source };
}

export interface PortScenario {
  /** Interface id → its group ids (default: one interface with sg-a). */
  interfaces?: Record<string, string[]>;
  rules: IngressRule[];
  prefixLists?: Record<string, string[]>;
  port?: number;
  protocol?: PortProtocol;
  rulesPerGroupLimit?: number;
}

/** The input of findPortExposures / planPortClosure for a scenario (every interface's groups get a rule list). */
export function portInput({
  interfaces = { 'eni-1': ['sg-a'] },
  rules,
  prefixLists = {},
  port = 22,
  protocol = 'tcp',
  rulesPerGroupLimit,
}: PortScenario): PortClosureInput {
  const rulesByGroup = new Map<string, IngressRule[]>();
  for (const groupIds of Object.values(interfaces)) {
    for (const groupId of groupIds) rulesByGroup.set(groupId, []);
  }
  for (const r of rules) rulesByGroup.set(r.groupId, [...(rulesByGroup.get(r.groupId) ?? []), r]);
  return {
    interfaces: Object.entries(interfaces).map(([networkInterfaceId, groupIds]) => ({
      networkInterfaceId,
      groupIds,
    })),
    rulesByGroup,
    prefixListCidrs: new Map(Object.entries(prefixLists)),
    port,
    protocol,
    ...(rulesPerGroupLimit !== undefined ? { rulesPerGroupLimit } : {}),
  };
}
