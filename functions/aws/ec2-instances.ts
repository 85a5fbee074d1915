/**
 * EC2 read adapters: enabled Regions, instances with every network interface,
 * the ingress rules of a set of security groups, managed prefix list entries,
 * and the interfaces that use a group. Each read is a fixed number of paged
 * calls per Region (never one per instance); a failure is thrown as an
 * UpstreamError naming the call and the AWS error code.
 */
import {
  DescribeInstancesCommand,
  type DescribeInstancesCommandOutput,
  DescribeManagedPrefixListsCommand,
  type DescribeManagedPrefixListsCommandOutput,
  DescribeNetworkInterfacesCommand,
  type DescribeNetworkInterfacesCommandOutput,
  DescribeRegionsCommand,
  DescribeSecurityGroupRulesCommand,
  type DescribeSecurityGroupRulesCommandOutput,
  DescribeTagsCommand,
  type DescribeTagsCommandOutput,
  type EC2Client,
  type Filter,
  GetManagedPrefixListEntriesCommand,
  type GetManagedPrefixListEntriesCommandOutput,
  type Instance,
  type SecurityGroupRule,
} from '@aws-sdk/client-ec2';
import type { PrefixListFacts } from '../domain/port-closure-plan';
import type { IngressRule, InterfaceGroups } from '../domain/port-exposure';
import { UpstreamError } from '../shared/errors';
import { upstreamError } from './aws-errors';
import { mapWithConcurrency } from './concurrency';

/** An instance as the exposure rules see it: every interface with its groups, plus what the answer reports. */
export interface Ec2InstanceFacts {
  instanceId: string;
  /** Value of the Name tag; null if none. */
  name: string | null;
  state: string;
  /** A public IPv4 address on any interface, primary interface first; null if none. */
  publicIp: string | null;
  ipv6Addresses: string[];
  /** Every network interface, primary first. */
  interfaces: InterfaceGroups[];
  /** The instance's tags as DescribeInstances returns them (the intended-exposure tags are read from these). */
  tags?: ReadonlyArray<{ Key?: string | undefined; Value?: string | undefined }>;
  /** Group id -> group name, as DescribeInstances returns them with each interface's groups (raw text). */
  groupNames?: Readonly<Record<string, string>>;
}

/** A network interface that uses one of the groups asked about. */
export interface GroupUser {
  networkInterfaceId: string;
  /** The instance it is attached to; null for interfaces of other services or detached ones. */
  instanceId: string | null;
  groupIds: string[];
  /** The interface's own description (a load balancer or database names itself there); null if none. */
  description: string | null;
}

/** Largest page the EC2 Describe calls accept. */
const PAGE_SIZE = 1000;
/** GetManagedPrefixListEntries pages hold at most 100 entries. */
const PREFIX_LIST_PAGE_SIZE = 100;
/** Values per filter sent at once, so a Region with many groups is read in a few bounded calls. */
export const GROUP_IDS_PER_CALL = 200;
/** Calls in flight at once inside one Region. */
const CALLS_PER_REGION = 4;

/** Terminated and shutting-down instances are ignored (semantics.md), so AWS need not send them. */
const LIVE_STATES = ['pending', 'running', 'stopping', 'stopped'];

function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}

/** Sends paged calls until AWS returns no NextToken; a failure becomes an UpstreamError naming `call`. */
async function readAllPages<O extends { NextToken?: string | undefined }>(
  call: string,
  send: (nextToken: string | undefined) => Promise<O>,
): Promise<O[]> {
  const pages: O[] = [];
  let token: string | undefined;
  do {
    let page: O;
    try {
      page = await send(token);
    } catch (error) {
      throw upstreamError(call, error);
    }
    pages.push(page);
    token = page.NextToken || undefined;
  } while (token);
  return pages;
}

/** The Regions enabled for the account (`DescribeRegions` with `AllRegions` false), sorted. */
export async function listEnabledRegions(ec2: EC2Client): Promise<string[]> {
  try {
    const out = await ec2.send(new DescribeRegionsCommand({ AllRegions: false }));
    return (out.Regions ?? [])
      .map((region) => region.RegionName)
      .filter((name): name is string => typeof name === 'string' && name !== '')
      .sort();
  } catch (error) {
    throw upstreamError('ec2:DescribeRegions', error);
  }
}

/** Reads one instance into the shape the domain and the answer need. */
export function toInstanceFacts(instance: Instance): Ec2InstanceFacts | undefined {
  if (!instance.InstanceId) return undefined;
  const interfaces = [...(instance.NetworkInterfaces ?? [])].sort(
    (a, b) => (a.Attachment?.DeviceIndex ?? 0) - (b.Attachment?.DeviceIndex ?? 0),
  );
  const publicIps = [...interfaces.map((eni) => eni.Association?.PublicIp), instance.PublicIpAddress].filter(
    (ip): ip is string => typeof ip === 'string' && ip !== '',
  );
  const ipv6 = new Set<string>();
  for (const eni of interfaces) {
    for (const address of eni.Ipv6Addresses ?? []) if (address.Ipv6Address) ipv6.add(address.Ipv6Address);
  }
  if (instance.Ipv6Address) ipv6.add(instance.Ipv6Address);
  const interfaceGroups: InterfaceGroups[] = interfaces.flatMap((eni) =>
    eni.NetworkInterfaceId
      ? [
          {
            networkInterfaceId: eni.NetworkInterfaceId,
            groupIds: (eni.Groups ?? []).flatMap((group) => (group.GroupId ? [group.GroupId] : [])),
          },
        ]
      : [],
  );
  // An instance described without its interfaces (some emulators) still has its primary groups.
  if (interfaceGroups.length === 0 && (instance.SecurityGroups ?? []).length > 0) {
    interfaceGroups.push({
      networkInterfaceId: `${instance.InstanceId} (primary interface)`,
      groupIds: (instance.SecurityGroups ?? []).flatMap((group) => (group.GroupId ? [group.GroupId] : [])),
    });
  }
  // Group names come with the instance's groups: naming them in answers costs no call.
  const groupNames: Record<string, string> = {};
  for (const group of [
    ...interfaces.flatMap((eni) => eni.Groups ?? []),
    ...(instance.SecurityGroups ?? []),
  ]) {
    if (group.GroupId && group.GroupName) groupNames[group.GroupId] = group.GroupName;
  }
  return {
    instanceId: instance.InstanceId,
    name: instance.Tags?.find((tag) => tag.Key === 'Name')?.Value ?? null,
    state: instance.State?.Name ?? 'unknown',
    publicIp: publicIps[0] ?? null,
    ipv6Addresses: [...ipv6].sort(),
    interfaces: interfaceGroups,
    ...(instance.Tags !== undefined && instance.Tags.length > 0 ? { tags: instance.Tags } : {}),
    ...(Object.keys(groupNames).length > 0 ? { groupNames } : {}),
  };
}

/**
 * Every live instance of the Region (or only `instanceId`), in paged calls of 1000.
 * The id goes in a filter, not `InstanceIds`: an unknown id then answers an empty
 * list instead of an error, and `MaxResults` may be sent with it.
 */
export async function describeInstances(
  ec2: EC2Client,
  options: { instanceId?: string; name?: string } = {},
): Promise<Ec2InstanceFacts[]> {
  const filters: Filter[] = [{ Name: 'instance-state-name', Values: LIVE_STATES }];
  if (options.instanceId !== undefined) filters.push({ Name: 'instance-id', Values: [options.instanceId] });
  // Exact and case-sensitive, as EC2 matches tag values.
  if (options.name !== undefined) filters.push({ Name: 'tag:Name', Values: [options.name] });
  const pages = await readAllPages<DescribeInstancesCommandOutput>('ec2:DescribeInstances', (token) =>
    ec2.send(
      new DescribeInstancesCommand({
        Filters: filters,
        MaxResults: PAGE_SIZE,
        ...(token ? { NextToken: token } : {}),
      }),
    ),
  );
  const instances: Ec2InstanceFacts[] = [];
  for (const page of pages) {
    for (const reservation of page.Reservations ?? []) {
      for (const instance of reservation.Instances ?? []) {
        // The filter already drops them; this keeps the rule true against an API that ignores filters.
        if (!LIVE_STATES.includes(instance.State?.Name ?? 'running')) continue;
        const facts = toInstanceFacts(instance);
        if (facts) instances.push(facts);
      }
    }
  }
  return instances;
}

/** One SDK rule in the domain's shape; undefined for egress rules and rules without an id. */
export function toIngressRule(rule: SecurityGroupRule): IngressRule | undefined {
  if (rule.IsEgress === true || !rule.SecurityGroupRuleId || !rule.GroupId || !rule.IpProtocol) {
    return undefined;
  }
  return {
    securityGroupRuleId: rule.SecurityGroupRuleId,
    groupId: rule.GroupId,
    ipProtocol: rule.IpProtocol,
    fromPort: rule.FromPort ?? -1,
    toPort: rule.ToPort ?? -1,
    ...(rule.CidrIpv4 ? { cidrIpv4: rule.CidrIpv4 } : {}),
    ...(rule.CidrIpv6 ? { cidrIpv6: rule.CidrIpv6 } : {}),
    ...(rule.PrefixListId ? { prefixListId: rule.PrefixListId } : {}),
    ...(rule.ReferencedGroupInfo?.GroupId ? { referencedGroupId: rule.ReferencedGroupInfo.GroupId } : {}),
    ...(rule.Description ? { description: rule.Description } : {}),
  };
}

/**
 * The ingress rules of the given groups (every group asked about gets an entry,
 * empty if it has none), read with `DescribeSecurityGroupRules` filtered by
 * `group-id`, 200 groups per filter, 1000 rules per page.
 */
export async function describeIngressRules(
  ec2: EC2Client,
  groupIds: readonly string[],
): Promise<Map<string, IngressRule[]>> {
  const unique = [...new Set(groupIds)].sort();
  const rulesByGroup = new Map<string, IngressRule[]>(unique.map((groupId) => [groupId, []]));
  const chunks = await mapWithConcurrency(chunk(unique, GROUP_IDS_PER_CALL), CALLS_PER_REGION, (ids) =>
    readAllPages<DescribeSecurityGroupRulesCommandOutput>('ec2:DescribeSecurityGroupRules', (token) =>
      ec2.send(
        new DescribeSecurityGroupRulesCommand({
          Filters: [{ Name: 'group-id', Values: ids }],
          MaxResults: PAGE_SIZE,
          ...(token ? { NextToken: token } : {}),
        }),
      ),
    ),
  );
  for (const pages of chunks) {
    for (const page of pages ?? []) {
      for (const sdkRule of page.SecurityGroupRules ?? []) {
        const rule = toIngressRule(sdkRule);
        if (rule) rulesByGroup.get(rule.groupId)?.push(rule);
      }
    }
  }
  return rulesByGroup;
}

/** The CIDRs of one managed prefix list (current version), in paged `GetManagedPrefixListEntries` calls. */
async function readOnePrefixList(ec2: EC2Client, prefixListId: string): Promise<string[]> {
  const pages = await readAllPages<GetManagedPrefixListEntriesCommandOutput>(
    'ec2:GetManagedPrefixListEntries',
    (token) =>
      ec2.send(
        new GetManagedPrefixListEntriesCommand({
          PrefixListId: prefixListId,
          MaxResults: PREFIX_LIST_PAGE_SIZE,
          ...(token ? { NextToken: token } : {}),
        }),
      ),
  );
  return pages.flatMap((page) => (page.Entries ?? []).flatMap((entry) => (entry.Cidr ? [entry.Cidr] : [])));
}

/** The CIDRs of each managed prefix list (current version); the first list that cannot be read fails the whole read. */
export async function readPrefixListEntries(
  ec2: EC2Client,
  prefixListIds: readonly string[],
): Promise<Map<string, string[]>> {
  const unique = [...new Set(prefixListIds)].sort();
  const entries = await mapWithConcurrency(unique, CALLS_PER_REGION, (prefixListId) =>
    readOnePrefixList(ec2, prefixListId),
  );
  return new Map(unique.map((prefixListId, index) => [prefixListId, entries[index] ?? []]));
}

/** Prefix list entries as far as they could be read: a list that fails is named with its error, the others stand. */
export interface PrefixListReads {
  cidrs: Map<string, string[]>;
  /** Prefix list id -> the failure, as an UpstreamError naming the call and the AWS error code. */
  failures: Map<string, UpstreamError>;
}

/**
 * Reads each prefix list on its own, so one list the role cannot read (another
 * account's, or a denied call) makes unknown only what depends on that list.
 */
export async function readPrefixListsEach(
  ec2: EC2Client,
  prefixListIds: readonly string[],
): Promise<PrefixListReads> {
  const unique = [...new Set(prefixListIds)].sort();
  type Outcome = { cidrs: string[] } | { error: UpstreamError };
  const outcomes = await mapWithConcurrency(
    unique,
    CALLS_PER_REGION,
    async (prefixListId): Promise<Outcome> => {
      try {
        return { cidrs: await readOnePrefixList(ec2, prefixListId) };
      } catch (error) {
        if (error instanceof UpstreamError) return { error };
        throw error;
      }
    },
  );
  const reads: PrefixListReads = { cidrs: new Map(), failures: new Map() };
  unique.forEach((prefixListId, index) => {
    const outcome = outcomes[index];
    if (outcome === undefined) return;
    if ('error' in outcome) reads.failures.set(prefixListId, outcome.error);
    else reads.cidrs.set(prefixListId, outcome.cidrs);
  });
  return reads;
}

/**
 * Every network interface (of any instance or service) that uses one of the
 * groups: `DescribeNetworkInterfaces` filtered by `group-id`, managed resources included.
 */
export async function describeGroupUsers(ec2: EC2Client, groupIds: readonly string[]): Promise<GroupUser[]> {
  const unique = [...new Set(groupIds)].sort();
  const chunks = await mapWithConcurrency(chunk(unique, GROUP_IDS_PER_CALL), CALLS_PER_REGION, (ids) =>
    readAllPages<DescribeNetworkInterfacesCommandOutput>('ec2:DescribeNetworkInterfaces', (token) =>
      ec2.send(
        new DescribeNetworkInterfacesCommand({
          Filters: [{ Name: 'group-id', Values: ids }],
          IncludeManagedResources: true,
          MaxResults: PAGE_SIZE,
          ...(token ? { NextToken: token } : {}),
        }),
      ),
    ),
  );
  const users = new Map<string, GroupUser>();
  for (const pages of chunks) {
    for (const page of pages ?? []) {
      for (const eni of page.NetworkInterfaces ?? []) {
        if (!eni.NetworkInterfaceId) continue;
        users.set(eni.NetworkInterfaceId, {
          networkInterfaceId: eni.NetworkInterfaceId,
          instanceId: eni.Attachment?.InstanceId || null,
          groupIds: (eni.Groups ?? []).flatMap((group) => (group.GroupId ? [group.GroupId] : [])),
          description: eni.Description || null,
        });
      }
    }
  }
  return [...users.values()].sort((a, b) => (a.networkInterfaceId < b.networkInterfaceId ? -1 : 1));
}

/**
 * The Name tag of each instance (null when it has none), in paged `DescribeInstances` calls filtered by id:
 * the names a person knows the other instances by, when a shared group changes under them.
 */
export async function describeInstanceNames(
  ec2: EC2Client,
  instanceIds: readonly string[],
): Promise<Map<string, string | null>> {
  const unique = [...new Set(instanceIds)].sort();
  const names = new Map<string, string | null>();
  const chunks = await mapWithConcurrency(chunk(unique, GROUP_IDS_PER_CALL), CALLS_PER_REGION, (ids) =>
    readAllPages<DescribeInstancesCommandOutput>('ec2:DescribeInstances', (token) =>
      ec2.send(
        new DescribeInstancesCommand({
          Filters: [{ Name: 'instance-id', Values: ids }],
          MaxResults: PAGE_SIZE,
          ...(token ? { NextToken: token } : {}),
        }),
      ),
    ),
  );
  for (const pages of chunks) {
    for (const page of pages ?? []) {
      for (const reservation of page.Reservations ?? []) {
        for (const instance of reservation.Instances ?? []) {
          if (!instance.InstanceId) continue;
          names.set(instance.InstanceId, instance.Tags?.find((tag) => tag.Key === 'Name')?.Value ?? null);
        }
      }
    }
  }
  return names;
}

/**
 * The tags with the given keys on security groups of the Region, by group id: `DescribeTags` filtered by
 * resource type and key, so one page answers however many groups the Region has (only groups carrying one
 * of the keys come back). With `groupIds`, only those groups are asked about (200 per call).
 *
 * @throws UpstreamError naming ec2:DescribeTags
 */
export async function describeSecurityGroupTags(
  ec2: EC2Client,
  keys: readonly string[],
  groupIds?: readonly string[],
): Promise<Map<string, Record<string, string>>> {
  const tags = new Map<string, Record<string, string>>();
  const idChunks =
    groupIds === undefined ? [undefined] : chunk([...new Set(groupIds)].sort(), GROUP_IDS_PER_CALL);
  if (idChunks.length === 0) return tags;
  const chunks = await mapWithConcurrency(idChunks, CALLS_PER_REGION, (ids) =>
    readAllPages<DescribeTagsCommandOutput>('ec2:DescribeTags', (token) =>
      ec2.send(
        new DescribeTagsCommand({
          Filters: [
            { Name: 'resource-type', Values: ['security-group'] },
            { Name: 'key', Values: [...new Set(keys)] },
            ...(ids === undefined ? [] : [{ Name: 'resource-id', Values: ids }]),
          ],
          MaxResults: PAGE_SIZE,
          ...(token ? { NextToken: token } : {}),
        }),
      ),
    ),
  );
  for (const pages of chunks) {
    for (const page of pages ?? []) {
      for (const tag of page.Tags ?? []) {
        if (!tag.ResourceId || tag.Key === undefined) continue;
        const own = tags.get(tag.ResourceId) ?? {};
        own[tag.Key] = tag.Value ?? '';
        tags.set(tag.ResourceId, own);
      }
    }
  }
  return tags;
}

/** DescribeManagedPrefixLists pages hold at most 100 lists. */
const PREFIX_LISTS_PAGE_SIZE = 100;

/**
 * Family, MaxEntries and owner of each prefix list (what the rule quota counts),
 * in paged `DescribeManagedPrefixLists` calls. A list missing from the answer
 * is left out: the plan then treats its weight as unknown.
 *
 * @throws UpstreamError naming ec2:DescribeManagedPrefixLists
 */
export async function describePrefixListFacts(
  ec2: EC2Client,
  prefixListIds: readonly string[],
): Promise<Map<string, PrefixListFacts>> {
  const unique = [...new Set(prefixListIds)].sort();
  const facts = new Map<string, PrefixListFacts>();
  if (unique.length === 0) return facts;
  const pages = await readAllPages<DescribeManagedPrefixListsCommandOutput>(
    'ec2:DescribeManagedPrefixLists',
    (token) =>
      ec2.send(
        new DescribeManagedPrefixListsCommand({
          Filters: [{ Name: 'prefix-list-id', Values: unique }],
          MaxResults: PREFIX_LISTS_PAGE_SIZE,
          ...(token ? { NextToken: token } : {}),
        }),
      ),
  );
  for (const page of pages) {
    for (const list of page.PrefixLists ?? []) {
      const family = list.AddressFamily === 'IPv4' ? 4 : list.AddressFamily === 'IPv6' ? 6 : undefined;
      if (!list.PrefixListId || family === undefined || typeof list.MaxEntries !== 'number') continue;
      facts.set(list.PrefixListId, {
        family,
        maxEntries: list.MaxEntries,
        awsManaged: list.OwnerId === 'AWS',
      });
    }
  }
  return facts;
}
