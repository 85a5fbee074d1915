/**
 * The blast radius of changing a security group: every other network
 * interface that uses a changed group feels the change too.
 */
import { compareText } from './port-exposure';
import { cleanUntrustedText } from './untrusted-text';

/** A network interface and the groups it uses. */
export interface GroupUserFacts {
  networkInterfaceId: string;
  /** The instance it is attached to; null for interfaces of other services or detached ones. */
  instanceId: string | null;
  groupIds: readonly string[];
  /** The interface's description; null or absent if none. Untrusted: anyone who creates the interface writes it. */
  description?: string | null;
}

/** One other interface affected through one changed group. */
export interface AlsoAffected {
  networkInterfaceId: string;
  instanceId: string | null;
  /** The instance's Name tag, cleaned; null when none (or no instance). */
  name: string | null;
  /** The interface's description, cleaned; null when none. */
  description: string | null;
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
  /** Name tags of the other instances, by id (absent: not read). */
  instanceNames?: ReadonlyMap<string, string | null>;
}): AlsoAffected[] {
  const cleaned = (text: string | null | undefined) => (text ? cleanUntrustedText(text) || null : null);
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
          name: user.instanceId === null ? null : cleaned(input.instanceNames?.get(user.instanceId)),
          description: cleaned(user.description),
          securityGroupId,
        })),
    )
    .sort(
      (a, b) =>
        compareText(a.securityGroupId, b.securityGroupId) ||
        compareText(a.networkInterfaceId, b.networkInterfaceId),
    );
}
