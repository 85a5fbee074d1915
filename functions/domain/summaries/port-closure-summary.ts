/** The `summary`, warnings and refusal of `closeUnwantedPortForEc2Instance`. */
import type { QuotaProblem } from '../port-closure-plan';
import type { PortExposure } from '../port-exposure';
import { type AddedRule, ruleSource } from '../security-group-rules';
import { quoteUntrusted } from '../untrusted-text';
import { plural } from './plural';

/** What a closure closes: one port, or every internet-open port of some protocols except those kept. */
export type PortQuerySummary =
  | { port: number; protocol: string }
  | { closing: { protocols: readonly string[]; keep: readonly number[] } };

/** `tcp port 22`, or `every internet-open tcp and udp port except 80, 443`. */
export function closureLabel(query: PortQuerySummary): string {
  if ('port' in query) return `${query.protocol} port ${query.port}`;
  const { protocols, keep } = query.closing;
  return `every internet-open ${protocols.join(' and ')} port${keep.length > 0 ? ` except ${keep.join(', ')}` : ''}`;
}

/** `Port 22/tcp`, `Every internet-open tcp port except 443`: the subject of a sentence. */
function closureSubject(query: PortQuerySummary): string {
  if ('port' in query) return `Port ${query.port}/${query.protocol}`;
  const label = closureLabel(query);
  return `${label.charAt(0).toUpperCase()}${label.slice(1)}`;
}

/** What the sentences need from one close-port call. */
export interface PortClosureSummaryInput {
  query: PortQuerySummary;
  /** The instance as a person knows it: name, id and Region. */
  instanceLabel: string;
  dryRun: boolean;
  /** A preview (a read that returns a planId): worded as a proposal to agree to, then apply. */
  preview?: boolean;
  changed: boolean;
  revoked: readonly AddedRule[];
  added: readonly AddedRule[];
  /** Groups the change touches. */
  changedGroupCount: number;
  /** Other instances (or interfaces) that use a changed group, with their names as cleaned data. */
  alsoAffected: ReadonlyArray<{
    instanceId: string | null;
    networkInterfaceId: string;
    name?: string | null;
    description?: string | null;
  }>;
  /** Revoked all-traffic rules: what their replacements keep; every other protocol from the source is lost. */
  protocolsLost: ReadonlyArray<{
    securityGroupRuleId: string;
    groupId: string;
    source: string;
    kept: string;
  }>;
  /** Revoked prefix-list rules whose private or narrow entries lose the port too. */
  prefixListLosses: ReadonlyArray<{ prefixListId: string; entries: readonly string[] }>;
  /** How full each group that gains rules gets, against its quota. */
  quotaUse?: ReadonlyArray<{
    groupId: string;
    family: string;
    currentRules: number;
    rulesAfter: number;
    limit: number;
    revokeFirst: boolean;
  }>;
  /** Whether the instance has a public IPv4 or IPv6 address (the port is reachable from the internet). */
  publicAddress?: boolean;
  stillOpen: boolean;
  /** Every-port closure: the ranges it closes. */
  closedPorts?: ReadonlyArray<{ protocol: string; fromPort: number; toPort: number }>;
  /** Group id -> group name as AWS returned it (quoted in the sentences); groups without one go by id. */
  groupNames?: ReadonlyMap<string, string>;
}

/** A group as a person knows it: `"name" (sg-…)`, or its id alone when it has no name of its own. */
export function groupLabel(groupId: string, names: ReadonlyMap<string, string> | undefined): string {
  const name = names?.get(groupId);
  // A group name is written by whoever can create groups: quoted and cleaned, it reads as data.
  return name && name !== groupId ? `${quoteUntrusted(name)} (${groupId})` : groupId;
}

/** Remote administration protocols whose loss can lock a person out, by port (tcp). */
const REMOTE_ACCESS: ReadonlyMap<number, 'SSH' | 'RDP'> = new Map([
  [22, 'SSH'],
  [3389, 'RDP'],
]);

/**
 * The remote access the change takes away from the internet: SSH (22) or RDP (3389) over tcp, when the
 * instance is reachable (a public address) and the port ends up closed. Null otherwise.
 */
export function remoteAccessLost(call: {
  query: PortQuerySummary;
  changed: boolean;
  stillOpen: boolean;
  publicAddress: boolean;
  /** Every-port closure: the ranges it closes (SSH or RDP counts when one of them holds its port). */
  closedPorts?: ReadonlyArray<{ protocol: string; fromPort: number; toPort: number }>;
}): 'SSH' | 'RDP' | null {
  if (!call.changed || call.stillOpen || !call.publicAddress) return null;
  if ('port' in call.query) {
    if (call.query.protocol !== 'tcp') return null;
    return REMOTE_ACCESS.get(call.query.port) ?? null;
  }
  for (const [port, name] of REMOTE_ACCESS) {
    if ((call.closedPorts ?? []).some((r) => r.protocol === 'tcp' && r.fromPort <= port && port <= r.toPort))
      return name;
  }
  return null;
}

/** The port of a remote access protocol. */
function remotePort(name: 'SSH' | 'RDP'): number {
  return name === 'SSH' ? 22 : 3389;
}

function describeAffected(affected: PortClosureSummaryInput['alsoAffected'][number]): string {
  // Names and descriptions are written by whoever owns the instance or interface: quoted, they read as data.
  if (affected.instanceId !== null) {
    return affected.name ? `${quoteUntrusted(affected.name)} (${affected.instanceId})` : affected.instanceId;
  }
  return affected.description
    ? `${affected.networkInterfaceId} (${quoteUntrusted(affected.description)})`
    : affected.networkInterfaceId;
}

/** An instance as a person knows it: `name (id, Region)`, or `id (Region)` when it has no name. */
export function instanceLabel(
  instance: { instanceId: string; name?: string | null | undefined },
  region: string,
): string {
  // A Name tag is written by whoever can tag the instance: quoted and cleaned, it reads as data.
  return instance.name
    ? `${quoteUntrusted(instance.name)} (${instance.instanceId}, ${region})`
    : `${instance.instanceId} (${region})`;
}

function describeRule(rule: AddedRule, names: ReadonlyMap<string, string> | undefined): string {
  const ports =
    rule.ipProtocol === '-1'
      ? 'all traffic'
      : rule.fromPort === -1
        ? `all ${rule.ipProtocol}`
        : rule.fromPort === rule.toPort
          ? `${rule.ipProtocol} ${rule.fromPort}`
          : `${rule.ipProtocol} ${rule.fromPort}-${rule.toPort}`;
  return `${groupLabel(rule.groupId, names)} ${ports} from ${ruleSource(rule)}`;
}

/**
 * The answer's summary: what was (or would be) revoked and added, and every consequence a person must see
 * before agreeing: other instances and interfaces that lose the port too (by name), protocols lost with an
 * all-traffic rule, the only internet path for SSH or RDP, prefix-list entries, the rule quota, whether the
 * port stays open. A preview ends by saying how to apply exactly this change.
 */
export function summarisePortClosure(call: PortClosureSummaryInput): string {
  const { query, revoked, added } = call;
  const preview = call.preview === true;
  const dryRun = call.dryRun || preview;
  if (!call.changed) {
    const nothing = preview ? 'would change' : 'was changed';
    return 'port' in query
      ? `Port ${query.port}/${query.protocol} is not open to the internet on ${call.instanceLabel}; nothing ${nothing}.`
      : `No ${query.closing.protocols.join(' or ')} port${query.closing.keep.length > 0 ? ` other than ${query.closing.keep.join(', ')}` : ''} is open to the internet on ${call.instanceLabel}; nothing ${nothing}.`;
  }
  const thePort = 'port' in query ? 'The port' : 'Something it should close';
  const sentences: string[] = [];
  const [revokeVerb, addVerb] = dryRun ? ['would revoke', 'add'] : ['revoked', 'added'];
  const addedText =
    added.length > 0
      ? ` and ${addVerb} ${plural(added.length, 'rule')} so the other ports stay open (${added.map((rule) => describeRule(rule, call.groupNames)).join('; ')})`
      : '';
  const change = `${revokeVerb} ${plural(revoked.length, 'rule')} (${revoked.map((rule) => describeRule(rule, call.groupNames)).join('; ')})${addedText}`;
  const closing = `closing ${closureLabel(query)} to the internet on ${call.instanceLabel} ${change}.`;
  sentences.push(
    preview
      ? `Preview: ${closing}`
      : dryRun
        ? `Dry run: ${closing}`
        : `Closed ${closureLabel(query)} to the internet on ${call.instanceLabel}: ${change}.`,
  );
  if (call.alsoAffected.length > 0) {
    const seen = new Map<string, string>();
    for (const affected of call.alsoAffected) {
      const key = affected.instanceId ?? affected.networkInterfaceId;
      if (!seen.has(key)) seen.set(key, describeAffected(affected));
    }
    const others = [...seen.values()];
    sentences.push(
      `The changed security group${call.changedGroupCount > 1 ? 's are' : ' is'} shared, so the port ${dryRun ? 'would close' : 'closed'} for ${others.length === 1 ? 'another instance or interface' : `${others.length} other instances or interfaces`} too: ${others.join(', ')} (see alsoAffected).`,
    );
  }
  for (const loss of call.protocolsLost) {
    sentences.push(
      `Rule ${loss.securityGroupRuleId} in ${groupLabel(loss.groupId, call.groupNames)} allowed all traffic from ${loss.source}: only ${loss.kept} ${dryRun ? 'would stay' : 'stay'} open from there, so every other protocol (such as GRE 47 or ESP 50) ${dryRun ? 'would be' : 'is'} lost.`,
    );
  }
  const remote = remoteAccessLost({
    query,
    changed: call.changed,
    stillOpen: call.stillOpen,
    publicAddress: call.publicAddress === true,
    ...(call.closedPorts !== undefined ? { closedPorts: call.closedPorts } : {}),
  });
  if (remote !== null) {
    sentences.push(
      `This ${dryRun ? 'would remove' : 'removed'} the only path for ${remote} (port ${remotePort(remote)}) from the internet to this instance: make sure there is another way in (AWS Systems Manager Session Manager, EC2 Instance Connect Endpoint, a VPN or a bastion)${dryRun ? ' before applying' : ''}.`,
    );
  }
  for (const loss of call.prefixListLosses) {
    sentences.push(
      `Revoking the rule that references prefix list ${loss.prefixListId} ${dryRun ? 'would also close' : 'also closed'} ${'port' in query ? 'the port' : 'those ports'} to its private or narrow entries ${loss.entries.join(', ')} (see warnings).`,
    );
  }
  for (const use of call.quotaUse ?? []) {
    sentences.push(
      `${groupLabel(use.groupId, call.groupNames)} ${dryRun ? 'would go' : 'went'} from ${use.currentRules} to ${use.rulesAfter} inbound ${use.family} rules of its limit of ${use.limit}${
        use.revokeFirst
          ? `; with no room to add first, its rules ${dryRun ? 'would be' : 'were'} revoked before the replacements ${dryRun ? 'are' : 'were'} added, so its other ports close for a moment`
          : ''
      }.`,
    );
  }
  sentences.push(
    call.stillOpen
      ? `${thePort} ${dryRun ? 'would still be' : 'is still'} open to the internet (see warnings).`
      : 'port' in query
        ? `The port ${dryRun ? 'would no longer be' : 'is no longer'} open to the internet.`
        : `No port it closes ${dryRun ? 'would still be' : 'is still'} open to the internet.`,
  );
  if (preview) {
    sentences.push(
      'Nothing was changed. Show this to the user; only if they agree, apply exactly this change with closeUnwantedPortForEc2Instance and this planId.',
    );
  } else {
    sentences.push(dryRun ? 'Nothing was changed.' : 'The undo list restores the previous rules.');
  }
  return sentences.join(' ');
}

/** The warning when the port stays open: predicted, or seen again after the write (a concurrent change). */
export function stillOpenWarning(
  exposures: readonly PortExposure[],
  query: PortQuerySummary,
  afterWrite: boolean,
): string {
  const through = exposures
    .map(
      (e) =>
        `rule ${e.securityGroupRuleId} in ${e.securityGroupId} (${e.ipProtocol} ${e.fromPort}-${e.toPort} from ${e.source})`,
    )
    .join(', ');
  const subject = closureSubject(query);
  return afterWrite
    ? `${subject} is still open to the internet through ${through}: the group changed while this request ran. Send the request again to close it.`
    : `${subject} would still be open to the internet through ${through}.`;
}

/** Why nothing was written when a group would go over its rule quota, and what to do about it. */
export function quotaRefusal(
  query: PortQuerySummary,
  instanceId: string,
  problems: readonly QuotaProblem[],
): string {
  const over = problems
    .map(
      (p) =>
        `${p.groupId} has ${p.currentRules} inbound ${p.family} rules and would need ${p.rulesAfter}, over its limit of ${p.limit}`,
    )
    .join('; ');
  const what = 'port' in query ? `port ${query.port}/${query.protocol}` : closureLabel(query);
  return `Closing ${what} on ${instanceId} keeps the other ports open by adding rules, but ${over}. Nothing was changed: remove unneeded inbound rules from the group first (or raise the "Inbound or outbound rules per security group" quota), then try again.`;
}

/** The warning when the account's rule quota could not be read and AWS's default is used instead. */
export function assumedQuotaWarning(quota: { limit: number; assumedBecause?: string }): string {
  return `The account's "Inbound or outbound rules per security group" quota could not be read (${quota.assumedBecause}); AWS's default of ${quota.limit} is assumed.`;
}

/** The warning when the write went through but reading the groups back failed. */
export function verifyFailedWarning(failure: { awsCall: string; awsErrorCode: string }): string {
  return `The change was made, but re-reading the groups to verify it failed (${failure.awsCall} failed with ${failure.awsErrorCode}); stillOpen is the prediction.`;
}
