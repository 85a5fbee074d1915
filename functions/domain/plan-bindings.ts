/**
 * What a `planId` binds for each change (shared/plan-token.ts signs and checks it): the operation, the
 * target, the parameters that shape the plan, and the exact facts the plan is computed from. The plans
 * are pure functions of these facts, so equal facts give the same plan: an apply whose fresh read gives
 * the same binding applies exactly what was previewed.
 */
import type { PublicAccessBlockFlags } from './bucket-exposure';
import type { IngressRule, InterfaceGroups } from './port-exposure';

/** The binding's shape (as `PlanBinding` of shared/plan-token.ts, which the domain does not import). */
export interface ChangeBinding {
  operation: string;
  target: string;
  parameters: Record<string, unknown>;
  beforeState: unknown;
}

/**
 * Blocking public access on a bucket: its plan depends only on the bucket's own four flags (the write
 * turns on whichever are off), so those and the bucket's Region are the before-state.
 */
export function blockPublicAccessBinding(
  bucketName: string,
  region: string,
  before: PublicAccessBlockFlags | null,
): ChangeBinding {
  return {
    operation: 'removePublicAccessFromS3Bucket',
    target: bucketName,
    parameters: {},
    beforeState: { region, bucketFlags: before },
  };
}

/**
 * Blocking public access for the whole account: the plan depends only on the account's own four flags
 * (the write turns on whichever are off), so those are the before-state.
 */
export function accountBlockBinding(accountId: string, before: PublicAccessBlockFlags | null): ChangeBinding {
  return {
    operation: 'blockPublicAccessForS3Account',
    target: accountId,
    parameters: {},
    beforeState: { accountFlags: before },
  };
}

/**
 * Closing a port: the plan depends on the instance's interfaces and their groups, every ingress rule of
 * those groups (ids and contents, descriptions included, since replacements copy them) and the entries of
 * the prefix lists they reference. Listed in a fixed order, so the order AWS answers in does not matter.
 */
export function portClosureBinding(input: {
  instanceId: string;
  /** What is closed: `{ port, protocol }`, or every port (`allPorts`, protocols, kept ports). */
  parameters: Record<string, unknown>;
  region: string;
  interfaces: readonly InterfaceGroups[];
  rulesByGroup: ReadonlyMap<string, readonly IngressRule[]>;
  prefixListCidrs: ReadonlyMap<string, readonly string[]>;
}): ChangeBinding {
  return {
    operation: 'closeUnwantedPortForEc2Instance',
    target: input.instanceId,
    parameters: input.parameters,
    beforeState: {
      region: input.region,
      interfaces: [...input.interfaces]
        .map((eni) => ({ id: eni.networkInterfaceId, groups: [...eni.groupIds].sort() }))
        .sort((a, b) => byId(a.id, b.id)),
      rules: rulesInIdOrder(input.rulesByGroup),
      prefixLists: byKey(input.prefixListCidrs).map(([id, cidrs]) => [id, [...cidrs].sort()]),
    },
  };
}

/**
 * Undoing a recorded change: the steps are judged against the target as it is now (the bucket's flags, or
 * every ingress rule of the change's groups), so that state is the before-state; the change id is the target.
 */
export function undoBinding(
  changeId: string,
  current:
    | { kind: 's3-bucket'; flags: PublicAccessBlockFlags | null }
    | { kind: 's3-account'; flags: PublicAccessBlockFlags | null }
    | { kind: 'ec2-instance'; rulesByGroup: ReadonlyMap<string, readonly IngressRule[]> },
): ChangeBinding {
  const beforeState =
    current.kind === 's3-bucket'
      ? { bucketFlags: current.flags }
      : current.kind === 's3-account'
        ? { accountFlags: current.flags }
        : { rules: rulesInIdOrder(current.rulesByGroup) };
  return { operation: 'applyUndoOfChange', target: changeId, parameters: {}, beforeState };
}

/**
 * Every group's ingress rules, groups by id and each group's rules by rule id: the closure and the undo of
 * one list them alike, and neither depends on the order AWS answers in.
 */
function rulesInIdOrder(rulesByGroup: ReadonlyMap<string, readonly IngressRule[]>) {
  return byKey(rulesByGroup).map(([groupId, rules]) => [
    groupId,
    [...rules].sort((a, b) => byId(a.securityGroupRuleId, b.securityGroupRuleId)),
  ]);
}

/** Entries by their key, in code-unit order (as `sort()` with no comparator orders strings). */
function byKey<T>(entries: Iterable<[string, T]>): [string, T][] {
  return [...entries].sort(([a], [b]) => byId(a, b));
}

function byId(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
