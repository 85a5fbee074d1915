/** The `summary`, warnings and refusal of `closeUnwantedPortForEc2Instance`. */
import type { QuotaProblem } from '../port-closure-plan';
import type { PortExposure } from '../port-exposure';
import { type AddedRule, ruleSource } from '../security-group-rules';
import { quoteUntrusted } from '../untrusted-text';
import { plural } from './plural';

/** The port asked about. */
export interface PortQuerySummary {
  port: number;
  protocol: string;
}

/** What the sentences need from one close-port call. */
export interface PortClosureSummaryInput {
  query: PortQuerySummary;
  /** The instance as a person knows it: name, id and Region. */
  instanceLabel: string;
  dryRun: boolean;
  changed: boolean;
  revoked: readonly AddedRule[];
  added: readonly AddedRule[];
  /** Groups the change touches. */
  changedGroupCount: number;
  /** Other instances (or interfaces) that use a changed group. */
  alsoAffected: ReadonlyArray<{ instanceId: string | null; networkInterfaceId: string }>;
  /** True when an all-traffic rule is replaced, so protocols are lost. */
  protocolsLost: boolean;
  /** Revoked prefix-list rules whose private or narrow entries lose the port too. */
  prefixListLosses: ReadonlyArray<{ prefixListId: string; entries: readonly string[] }>;
  stillOpen: boolean;
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

function describeRule(rule: AddedRule): string {
  const ports =
    rule.ipProtocol === '-1'
      ? 'all traffic'
      : rule.fromPort === -1
        ? `all ${rule.ipProtocol}`
        : rule.fromPort === rule.toPort
          ? `${rule.ipProtocol} ${rule.fromPort}`
          : `${rule.ipProtocol} ${rule.fromPort}-${rule.toPort}`;
  return `${rule.groupId} ${ports} from ${ruleSource(rule)}`;
}

/** The answer's summary: what was (or would be) revoked and added, who else is affected, whether it worked. */
export function summarisePortClosure(call: PortClosureSummaryInput): string {
  const { query, dryRun, revoked, added } = call;
  if (!call.changed) {
    return `Port ${query.port}/${query.protocol} is not open to the internet on ${call.instanceLabel}; nothing was changed.`;
  }
  const sentences: string[] = [];
  const [revokeVerb, addVerb] = dryRun ? ['would revoke', 'add'] : ['revoked', 'added'];
  const addedText =
    added.length > 0
      ? ` and ${addVerb} ${plural(added.length, 'rule')} so the other ports stay open (${added.map(describeRule).join('; ')})`
      : '';
  const change = `${revokeVerb} ${plural(revoked.length, 'rule')} (${revoked.map(describeRule).join('; ')})${addedText}`;
  sentences.push(
    dryRun
      ? `Dry run: closing ${query.protocol} port ${query.port} to the internet on ${call.instanceLabel} ${change}.`
      : `Closed ${query.protocol} port ${query.port} to the internet on ${call.instanceLabel}: ${change}.`,
  );
  if (call.alsoAffected.length > 0) {
    const instances = [...new Set(call.alsoAffected.map((a) => a.instanceId ?? a.networkInterfaceId))];
    sentences.push(
      `The changed security group${call.changedGroupCount > 1 ? 's are' : ' is'} shared: ${instances.join(', ')} ${dryRun ? 'would be' : 'are'} affected too (see alsoAffected).`,
    );
  }
  if (call.protocolsLost) {
    sentences.push('An all-traffic rule is replaced, so some protocols are lost (see warnings).');
  }
  for (const loss of call.prefixListLosses) {
    sentences.push(
      `Revoking the rule that references prefix list ${loss.prefixListId} ${dryRun ? 'would also close' : 'also closed'} the port to its private or narrow entries ${loss.entries.join(', ')} (see warnings).`,
    );
  }
  sentences.push(
    call.stillOpen
      ? `The port ${dryRun ? 'would still be' : 'is still'} open to the internet (see warnings).`
      : `The port ${dryRun ? 'would no longer be' : 'is no longer'} open to the internet.`,
  );
  sentences.push(dryRun ? 'Nothing was changed.' : 'The undo list restores the previous rules.');
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
  return afterWrite
    ? `Port ${query.port}/${query.protocol} is still open to the internet through ${through}: the group changed while this request ran. Send the request again to close it.`
    : `Port ${query.port}/${query.protocol} would still be open to the internet through ${through}.`;
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
  return `Closing port ${query.port}/${query.protocol} on ${instanceId} keeps the other ports open by adding rules, but ${over}. Nothing was changed: remove unneeded inbound rules from the group first (or raise the "Inbound or outbound rules per security group" quota), then try again.`;
}

/** The warning when the account's rule quota could not be read and AWS's default is used instead. */
export function assumedQuotaWarning(quota: { limit: number; assumedBecause?: string }): string {
  return `The account's "Inbound or outbound rules per security group" quota could not be read (${quota.assumedBecause}); AWS's default of ${quota.limit} is assumed.`;
}

/** The warning when the write went through but reading the groups back failed. */
export function verifyFailedWarning(failure: { awsCall: string; awsErrorCode: string }): string {
  return `The change was made, but re-reading the groups to verify it failed (${failure.awsCall} failed with ${failure.awsErrorCode}); stillOpen is the prediction.`;
}
