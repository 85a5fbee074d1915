/**
 * The blast radius of changing a security group: every other network
 * interface that uses a changed group feels the change too.
 */
import { compareText } from './port-exposure';

/** A network interface and the groups it uses. */
export interface GroupUserFacts {
  networkInterfaceId: string;
  /** The instance it is attached to; null for interfaces of other services or detached ones. */
  instanceId: string | null;
  groupIds: readonly string[];
}

/** One other interface affected through one changed group. */
export interface AlsoAffected {
  networkInterfaceId: string;
  instanceId: string | null;
  securityGroupId: string;
}

/**
 * The interfaces besides the instance's own that use a changed group, one
 * entry per (interface, group), sorted by group then interface.
 *
 * @param input.instanceId - the instance being changed; its interfaces are not "also" affected
 * @param input.ownInterfaceIds - the instance's interfaces (an interface may be reported without the instance id)
 */
export function findAlsoAffected(input: {
  instanceId: string;
  ownInterfaceIds: ReadonlySet<string>;
  changedGroupIds: readonly string[];
  users: readonly GroupUserFacts[];
}): AlsoAffected[] {
  return input.users
    .filter(
      (user) => !input.ownInterfaceIds.has(user.networkInterfaceId) && user.instanceId !== input.instanceId,
    )
    .flatMap((user) =>
      input.changedGroupIds
        .filter((groupId) => user.groupIds.includes(groupId))
        .map((securityGroupId) => ({
          networkInterfaceId: user.networkInterfaceId,
          instanceId: user.instanceId,
          securityGroupId,
        })),
    )
    .sort(
      (a, b) =>
        compareText(a.securityGroupId, b.securityGroupId) ||
        compareText(a.networkInterfaceId, b.networkInterfaceId),
    );
}
