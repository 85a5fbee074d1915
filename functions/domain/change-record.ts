/**
 * What the change journal holds, and the pure rules around it: the undo plan
 * in machine form, whether an undo is still safe (the target is as the change
 * left it), and the one-paragraph summary of a change for chat.
 */
import type { PublicAccessBlockFlags } from './bucket-exposure';
import type { IngressRule } from './port-exposure';
import type { NewIngressRule } from './security-group-rules';
import { quoteUntrusted as quote } from './untrusted-text';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface ChangeWho {
  /** Best human identifier: user name, else client id, else sub. */
  principal: string;
  username?: string;
  sub?: string;
  clientId?: string;
}

export interface ChangeTarget {
  account: string;
  region: string;
  kind: 's3-bucket' | 's3-account' | 'ec2-instance';
  /** Bucket name, account id (s3-account: the account's own Block Public Access) or instance id. */
  id: string;
  /** The security groups the change touches (EC2). */
  securityGroupIds?: string[];
}

/** One step that reverses part of a change, in the order given. */
export type UndoStep =
  | {
      action: 'restoreBucketPublicAccessBlock';
      bucketName: string;
      region: string;
      /** The flags to put back; null = the bucket had no configuration: delete it. */
      flags: PublicAccessBlockFlags | null;
    }
  | {
      action: 'restoreAccountPublicAccessBlock';
      accountId: string;
      /** The account's flags to put back; null = the account had no configuration: delete it. */
      flags: PublicAccessBlockFlags | null;
    }
  | { action: 'authorizeIngressRule'; region: string; rule: NewIngressRule }
  | { action: 'revokeIngressRule'; region: string; groupId: string; securityGroupRuleId: string };

/** What is known before the AWS write. */
export interface ChangeIntent {
  changeId: string;
  startedAt: string;
  requestId: string;
  who: ChangeWho;
  operation: string;
  target: ChangeTarget;
  before: JsonValue;
  /** What the change is about to do, kept in case the completion never arrives. */
  planned: JsonValue;
  /** The change id this change undoes, when it is an undo. */
  undoOf?: string;
}

/** A rule revoked or added, as recorded (the API's RuleChange). */
export interface RecordedRule {
  securityGroupId: string;
  securityGroupRuleId?: string;
  ipProtocol: string;
  fromPort: number;
  toPort: number;
  source: string;
  description: string | null;
}

/** What is known after the AWS write. */
export interface ChangeCompletion {
  completedAt: string;
  outcome: 'changed' | 'failed';
  after: JsonValue;
  revokedRules: RecordedRule[];
  addedRules: RecordedRule[];
  undoPlan: UndoStep[];
  /** CLI text of the same steps, as the original answer showed it. */
  undoCommands: string[];
  error?: { code: string; message: string };
}

export interface ChangeRecord extends ChangeIntent {
  /** `intent`: the completion was never written (cut off, or still running). */
  status: 'intent' | 'completed';
  completion?: ChangeCompletion;
  undone: boolean;
  undoneBy?: string;
}

/** The undo plan of a bucket change: restore the bucket's own flags exactly (or remove them). */
export function bucketUndoPlan(
  bucketName: string,
  region: string,
  before: PublicAccessBlockFlags | null,
): UndoStep[] {
  return [
    {
      action: 'restoreBucketPublicAccessBlock',
      bucketName,
      region,
      flags: before === null ? null : { ...before },
    },
  ];
}

/** The undo plan of an account-wide block: restore the account's own flags exactly (or remove them). */
export function accountUndoPlan(accountId: string, before: PublicAccessBlockFlags | null): UndoStep[] {
  return [
    { action: 'restoreAccountPublicAccessBlock', accountId, flags: before === null ? null : { ...before } },
  ];
}

/** The undo plan of a port closure: put every revoked rule back, then remove every rule added. */
export function portClosureUndoPlan(
  region: string,
  revoked: readonly IngressRule[],
  added: ReadonlyArray<NewIngressRule & { securityGroupRuleId?: string }>,
): UndoStep[] {
  const restore: UndoStep[] = revoked.map((rule) => {
    const { securityGroupRuleId: _id, isEgress: _egress, ...rest } = rule;
    return { action: 'authorizeIngressRule', region, rule: rest };
  });
  const remove: UndoStep[] = added.flatMap((rule) =>
    rule.securityGroupRuleId
      ? [
          {
            action: 'revokeIngressRule' as const,
            region,
            groupId: rule.groupId,
            securityGroupRuleId: rule.securityGroupRuleId,
          },
        ]
      : [],
  );
  return [...restore, ...remove];
}

/** The state of the target now, read just before an undo. */
export type CurrentTargetState =
  | { kind: 's3-bucket'; flags: PublicAccessBlockFlags | null }
  | { kind: 's3-account'; flags: PublicAccessBlockFlags | null }
  | { kind: 'ec2-instance'; rulesByGroup: ReadonlyMap<string, readonly IngressRule[]> };

export type UndoVerdict =
  | { undoable: true; steps: UndoStep[] }
  | { undoable: false; reason: string; conflicts: string[] };

function sameRule(a: NewIngressRule, b: NewIngressRule): boolean {
  return (
    a.groupId === b.groupId &&
    a.ipProtocol === b.ipProtocol &&
    a.fromPort === b.fromPort &&
    a.toPort === b.toPort &&
    a.cidrIpv4 === b.cidrIpv4 &&
    a.cidrIpv6 === b.cidrIpv6 &&
    a.prefixListId === b.prefixListId &&
    a.referencedGroupId === b.referencedGroupId
  );
}

const FLAGS = ['BlockPublicAcls', 'IgnorePublicAcls', 'BlockPublicPolicy', 'RestrictPublicBuckets'] as const;

function sameFlags(a: PublicAccessBlockFlags | null, b: PublicAccessBlockFlags | null): boolean {
  if (a === null || b === null) return a === b;
  return FLAGS.every((flag) => a[flag] === b[flag]);
}

function describeFlags(flags: PublicAccessBlockFlags | null, level = 'bucket'): string {
  if (flags === null) return `no ${level}-level configuration`;
  const on = FLAGS.filter((flag) => flags[flag]);
  return on.length === 0
    ? 'all four flags off'
    : on.length === 4
      ? 'all four flags on'
      : `only ${on.join(', ')} on`;
}

/**
 * Decides whether a recorded change can be undone now: only when the target is as the change left it
 * (its `after`), so an undo never silently overwrites someone else's later change.
 */
export function judgeUndo(record: ChangeRecord, current: CurrentTargetState): UndoVerdict {
  const refuse = (reason: string, conflicts: string[] = []): UndoVerdict => ({
    undoable: false,
    reason,
    conflicts,
  });
  if (record.undone) {
    return refuse(
      `Change ${record.changeId} was already undone${record.undoneBy ? ` by ${record.undoneBy}` : ''}.`,
    );
  }
  const completion = record.completion;
  if (record.status !== 'completed' || completion === undefined) {
    return refuse(
      `Change ${record.changeId} has no recorded outcome (it was cut off or is still running), so there is no exact state to return to. ${whatToCheck(record)}`,
    );
  }
  if (completion.outcome !== 'changed' || completion.undoPlan.length === 0) {
    return refuse(`Change ${record.changeId} changed nothing, so there is nothing to undo.`);
  }
  if (current.kind === 's3-bucket') {
    const after = completion.after as unknown as PublicAccessBlockFlags | null;
    if (!sameFlags(current.flags, after)) {
      return refuse(
        `Bucket ${quote(record.target.id)} was changed again after ${record.changeId}: it now has ${describeFlags(current.flags)}, not ${describeFlags(after)} as that change left it. Undoing would overwrite the later change; look at the bucket and change it directly if needed.`,
        [`bucket ${record.target.id}: ${describeFlags(current.flags)}`],
      );
    }
    return { undoable: true, steps: completion.undoPlan };
  }
  if (current.kind === 's3-account') {
    const after = completion.after as unknown as PublicAccessBlockFlags | null;
    if (!sameFlags(current.flags, after)) {
      return refuse(
        `Account ${record.target.id}'s Block Public Access was changed again after ${record.changeId}: it now has ${describeFlags(current.flags, 'account')}, not ${describeFlags(after, 'account')} as that change left it. Undoing would overwrite the later change; look at the account's flags and change them directly if needed.`,
        [`account ${record.target.id}: ${describeFlags(current.flags, 'account')}`],
      );
    }
    return { undoable: true, steps: completion.undoPlan };
  }
  const conflicts: string[] = [];
  for (const step of completion.undoPlan) {
    const rules = current.rulesByGroup.get(
      step.action === 'authorizeIngressRule'
        ? step.rule.groupId
        : step.action === 'revokeIngressRule'
          ? step.groupId
          : '',
    );
    if (step.action === 'revokeIngressRule') {
      if (!rules?.some((rule) => rule.securityGroupRuleId === step.securityGroupRuleId)) {
        conflicts.push(`rule ${step.securityGroupRuleId} that the change added to ${step.groupId} is gone`);
      }
    } else if (step.action === 'authorizeIngressRule') {
      if (rules?.some((rule) => sameRule(rule, step.rule))) {
        conflicts.push(
          `a rule like the revoked one (${step.rule.ipProtocol} ${step.rule.fromPort}-${step.rule.toPort} from ${step.rule.cidrIpv4 ?? step.rule.cidrIpv6 ?? step.rule.prefixListId ?? step.rule.referencedGroupId}) is back in ${step.rule.groupId}`,
        );
      }
    }
  }
  if (conflicts.length > 0) {
    return refuse(
      `The security groups were changed again after ${record.changeId}: ${conflicts.join('; ')}. Undoing would overwrite the later change; nothing was changed.`,
      conflicts,
    );
  }
  return { undoable: true, steps: completion.undoPlan };
}

/** What someone should look at when a change has no recorded outcome. */
export function whatToCheck(record: ChangeIntent): string {
  const { target } = record;
  if (target.kind === 's3-bucket') {
    return `Check the bucket's flags with: aws s3api get-public-access-block --bucket ${target.id} --region ${target.region}`;
  }
  if (target.kind === 's3-account') {
    return `Check the account's flags with: aws s3control get-public-access-block --account-id ${target.id}`;
  }
  const groups = target.securityGroupIds?.join(',') ?? '';
  return `Check the security group rules with: aws ec2 describe-security-group-rules --region ${target.region} --filters Name=group-id,Values=${groups}`;
}

function describeRecordedRule(rule: RecordedRule): string {
  const ports =
    rule.ipProtocol === '-1'
      ? 'all traffic'
      : rule.fromPort === rule.toPort
        ? `${rule.ipProtocol} ${rule.fromPort}`
        : `${rule.ipProtocol} ${rule.fromPort}-${rule.toPort}`;
  return `${ports} from ${quote(rule.source)} in ${rule.securityGroupId}`;
}

const OPERATION_VERBS: Record<string, { done: string; todo: string }> = {
  removePublicAccessFromS3Bucket: {
    done: 'blocked public access on bucket',
    todo: 'block public access on bucket',
  },
  blockPublicAccessForS3Account: {
    done: 'blocked public access for the whole account',
    todo: 'block public access for the whole account',
  },
  closeUnwantedPortForEc2Instance: { done: 'closed a port on instance', todo: 'close a port on instance' },
  applyUndoOfChange: { done: 'undid an earlier change on', todo: 'undo an earlier change on' },
};

/** One paragraph for chat about one recorded change: when, who, what, and whether it can be undone. */
export function summarizeChange(record: ChangeRecord): string {
  const who = quote(record.who.username ?? record.who.principal);
  const when = record.startedAt.replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
  const target = `${quote(record.target.id)} (${record.target.region})`;
  const verb = OPERATION_VERBS[record.operation] ?? {
    done: `ran ${record.operation} on`,
    todo: `run ${record.operation} on`,
  };
  const completion = record.completion;
  if (record.status !== 'completed' || completion === undefined) {
    return `${when}: ${who} started to ${verb.todo} ${target} (change ${record.changeId}), but no outcome was recorded: the call was cut off or is still running, so the outcome is unknown. ${whatToCheck(record)}`;
  }
  if (completion.outcome === 'failed') {
    return `${when}: ${who} tried to ${verb.todo} ${target} (change ${record.changeId}); it failed with ${completion.error?.code ?? 'an error'}${completion.revokedRules.length + completion.addedRules.length > 0 ? ' after part of it was applied (see the rules)' : ''}.`;
  }
  const parts = [`${when}: ${who} ${verb.done} ${target} (change ${record.changeId}).`];
  if (record.target.kind === 's3-bucket') {
    parts.push(
      `Before: ${describeFlags(record.before as unknown as PublicAccessBlockFlags | null)}; after: ${describeFlags(completion.after as unknown as PublicAccessBlockFlags | null)}.`,
    );
  }
  if (record.target.kind === 's3-account') {
    parts.push(
      `Before: ${describeFlags(record.before as unknown as PublicAccessBlockFlags | null, 'account')}; after: ${describeFlags(completion.after as unknown as PublicAccessBlockFlags | null, 'account')}.`,
    );
  }
  if (completion.revokedRules.length > 0)
    parts.push(`Revoked: ${completion.revokedRules.map(describeRecordedRule).join('; ')}.`);
  if (completion.addedRules.length > 0)
    parts.push(`Added: ${completion.addedRules.map(describeRecordedRule).join('; ')}.`);
  if (record.undoOf) parts.push(`This undid change ${record.undoOf}.`);
  parts.push(
    record.undone
      ? `It was undone${record.undoneBy ? ` by change ${record.undoneBy}` : ''}.`
      : record.undoOf
        ? ''
        : `It can be undone: preview with GET /changes/${record.changeId}/undo.`,
  );
  return parts.filter((part) => part !== '').join(' ');
}
