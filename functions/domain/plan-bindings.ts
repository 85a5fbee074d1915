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
  const byKey = <T>(entries: Iterable<[string, T]>) =>
    [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    operation: 'closeUnwantedPortForEc2Instance',
    target: input.instanceId,
    parameters: input.parameters,
    beforeState: {
      region: input.region,
      interfaces: [...input.interfaces]
        .map((eni) => ({ id: eni.networkInterfaceId, groups: [...eni.groupIds].sort() }))
        .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
      rules: byKey(input.rulesByGroup).map(([groupId, rules]) => [
        groupId,
        [...rules].sort((a, b) =>
          a.securityGroupRuleId < b.securityGroupRuleId
            ? -1
            : a.securityGroupRuleId > b.securityGroupRuleId
              ? 1
              : 0,
        ),
      ]),
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
    | { kind: 'ec2-instance'; rulesByGroup: ReadonlyMap<string, readonly IngressRule[]> },
): ChangeBinding {
  const beforeState =
    current.kind === 's3-bucket'
      ? { bucketFlags: current.flags }
      : {
          rules: [...current.rulesByGroup]
            .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
            .map(([groupId, rules]) => [
              groupId,
              [...rules].sort((a, b) =>
                a.securityGroupRuleId < b.securityGroupRuleId
                  ? -1
                  : a.securityGroupRuleId > b.securityGroupRuleId
                    ? 1
                    : 0,
              ),
            ]),
        };
  return { operation: 'applyUndoOfChange', target: changeId, parameters: {}, beforeState };
}
