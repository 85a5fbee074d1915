/**
 * The undo of a port closure: AWS CLI commands that put the security groups
 * back as they were. Beside the S3 undo (block-public-access-plan.ts), so both
 * remediations build their undo in the domain, from the rules alone.
 */
import { normaliseIpProtocol } from './port-exposure';
import type { AddedRule, NewIngressRule } from './security-group-rules';

interface SourceEntry {
  Description?: string;
}

/** EC2's `IpPermission` (the fields a single-source rule uses): what the SDK sends and the CLI reads. */
export interface IpPermissionShape {
  IpProtocol: string;
  FromPort?: number;
  ToPort?: number;
  IpRanges?: Array<SourceEntry & { CidrIp: string }>;
  Ipv6Ranges?: Array<SourceEntry & { CidrIpv6: string }>;
  PrefixListIds?: Array<SourceEntry & { PrefixListId: string }>;
  UserIdGroupPairs?: Array<SourceEntry & { GroupId: string }>;
}

/** One rule as an EC2 `IpPermission` with a single source; ports are left out for all-traffic rules. */
export function toIpPermission(rule: NewIngressRule): IpPermissionShape {
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

// Characters a reader cannot see (or that turn text around) in a description: JSON.stringify escapes
// only C0 controls, so these are escaped here too. The CLI reads the escape back as the same character,
// so the undo still restores the description's exact bytes while the answer shows nothing hidden.
const INVISIBLE_IN_JSON = /[\p{Cc}\p{Cf}\p{Co}\p{Cs}\p{Cn}\p{Zl}\p{Zp}]/gu;

/** JSON text with every invisible or direction-changing character written as a `\uXXXX` escape. */
export function visibleJson(value: unknown): string {
  return JSON.stringify(value).replace(INVISIBLE_IN_JSON, (char) =>
    [...Array(char.length).keys()]
      .map((i) => `\\u${char.charCodeAt(i).toString(16).padStart(4, '0')}`)
      .join(''),
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
 *
 * @param region - the Region of the groups, where every command must go
 * @returns the commands; empty when nothing was revoked or added
 */
export function undoCommands(
  region: string,
  revokedRules: readonly NewIngressRule[],
  addedRules: readonly AddedRule[],
): string[] {
  const authorize = revokedRules.map(
    (rule) =>
      `aws ec2 authorize-security-group-ingress --region ${region} --group-id ${rule.groupId} --ip-permissions ${shellQuote(visibleJson([toIpPermission(rule)]))}`,
  );
  const revoke = addedRules.map((rule) =>
    rule.securityGroupRuleId
      ? `aws ec2 revoke-security-group-ingress --region ${region} --group-id ${rule.groupId} --security-group-rule-ids ${rule.securityGroupRuleId}`
      : `aws ec2 revoke-security-group-ingress --region ${region} --group-id ${rule.groupId} --ip-permissions ${shellQuote(visibleJson([toIpPermission(rule)]))}`,
  );
  return [...authorize, ...revoke];
}
