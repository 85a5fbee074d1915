/**
 * The EC2 commands of the simulated account, answered the way EC2 answers
 * them: paging with MaxResults/NextToken (and its limits), the filters the
 * adapters send, rule ids `sgr-...`, a whole batch failing on one duplicate
 * or one missing rule id, the per-group rule quota, and UnauthorizedOperation
 * for commands a Region denies.
 */
import { createHash } from 'node:crypto';
import { parseCidr } from '../../domain/ip-ranges';
import { sandboxError } from './sandbox-errors';
import type { Scenario, ScenarioEc2Region, ScenarioRule, ScenarioSecurityGroup } from './scenario';

type Input = Record<string, unknown>;
type Output = Record<string, unknown>;
type ScenarioInstance = ScenarioEc2Region['instances'][number];
type ScenarioInterface = ScenarioInstance['networkInterfaces'][number];

const STATE_CODES: Record<string, number> = {
  pending: 0,
  running: 16,
  'shutting-down': 32,
  terminated: 48,
  stopping: 64,
  stopped: 80,
};

/** Protocol numbers EC2 stores under their names. */
const PROTOCOL_NAMES: Record<string, string> = { '1': 'icmp', '6': 'tcp', '17': 'udp', '58': 'icmpv6' };

const EMPTY_REGION: ScenarioEc2Region = {
  instances: [],
  securityGroups: [],
  prefixLists: [],
  otherInterfaces: [],
  denied: [],
  rulesPerGroupQuota: 60,
};

/** Rules created so far per scenario, so new rule ids are unique and repeat from run to run. */
const createdRules = new WeakMap<Scenario, number>();

function hex17(seed: string): string {
  return `0${createHash('sha256').update(seed).digest('hex').slice(0, 16)}`;
}

/** Gives every rule without an id a stable `sgr-` id, as AWS does for every rule. */
function assignRuleIds(region: string, data: ScenarioEc2Region): void {
  for (const group of data.securityGroups) {
    group.rules.forEach((rule, index) => {
      rule.ruleId ??= `sgr-${hex17(`${region}/${group.groupId}/${index}`)}`;
    });
  }
}

/** Handles one EC2 command sent by a client configured for `region`. */
export function handleEc2(scenario: Scenario, region: string, command: string, input: Input): Output {
  const data = scenario.ec2[region] ?? EMPTY_REGION;
  if (data.denied.includes(command)) {
    throw sandboxError(
      'UnauthorizedOperation',
      `You are not authorized to perform this operation (the sandbox denies ec2:${command} in ${region}).`,
    );
  }
  assignRuleIds(region, data);
  switch (command) {
    case 'DescribeRegions':
      return {
        Regions: scenario.regions.map((name) => ({
          RegionName: name,
          Endpoint: `ec2.${name}.amazonaws.com`,
          OptInStatus: 'opt-in-not-required',
        })),
      };
    case 'DescribeInstances':
      return describeInstances(scenario, data, input);
    case 'DescribeSecurityGroupRules':
      return describeSecurityGroupRules(scenario, data, input);
    case 'DescribeSecurityGroups':
      return describeSecurityGroups(data, input);
    case 'DescribeTags':
      return describeTags(data, input);
    case 'DescribeManagedPrefixLists':
      return describeManagedPrefixLists(scenario, data, input);
    case 'GetManagedPrefixListEntries':
      return getManagedPrefixListEntries(data, input);
    case 'DescribeNetworkInterfaces':
      return describeNetworkInterfaces(data, input);
    case 'AuthorizeSecurityGroupIngress':
      return authorizeIngress(scenario, region, data, input);
    case 'RevokeSecurityGroupIngress':
      return revokeIngress(data, input);
    default:
      throw sandboxError('NotImplemented', `The sandbox does not implement EC2 ${command}.`);
  }
}

// ---------- paging and filters ----------

function page<T>(
  items: readonly T[],
  input: Input,
  command: string,
  limits: { min: number; max: number },
): { items: T[]; NextToken?: string } {
  const max = input.MaxResults;
  if (max !== undefined && (typeof max !== 'number' || max < limits.min || max > limits.max)) {
    throw sandboxError(
      'InvalidParameterValue',
      `Value (${String(max)}) for parameter maxResults is invalid. Expecting a value between ${limits.min} and ${limits.max}.`,
    );
  }
  let start = 0;
  if (input.NextToken !== undefined) {
    const decoded = /^(\w+):(\d+)$/.exec(Buffer.from(String(input.NextToken), 'base64').toString('utf8'));
    if (!decoded || decoded[1] !== command) {
      throw sandboxError('InvalidNextToken', 'The specified NextToken is not valid.');
    }
    start = Number(decoded[2]);
  }
  const size = typeof max === 'number' ? max : items.length;
  const slice = items.slice(start, start + size);
  const next = start + size;
  return next < items.length
    ? { items: slice, NextToken: Buffer.from(`${command}:${next}`).toString('base64') }
    : { items: slice };
}

/** Keeps the items that match every filter (any of its values); unknown filter names fail like EC2. */
function applyFilters<T>(
  items: readonly T[],
  input: Input,
  fields: Record<string, (item: T) => readonly (string | undefined)[]>,
): T[] {
  const filters = (input.Filters ?? []) as { Name?: string; Values?: string[] }[];
  for (const filter of filters) {
    if (!filter.Name || !Object.hasOwn(fields, filter.Name)) {
      throw sandboxError('InvalidParameterValue', `The filter '${String(filter.Name)}' is invalid`);
    }
  }
  return items.filter((item) =>
    filters.every((filter) => {
      const values = fields[filter.Name as string]?.(item) ?? [];
      return (filter.Values ?? []).some((wanted) => values.includes(wanted));
    }),
  );
}

function stringList(value: unknown): string[] | undefined {
  return Array.isArray(value) ? value.map(String) : undefined;
}

// ---------- instances and interfaces ----------

function groupName(data: ScenarioEc2Region, groupId: string): string {
  return data.securityGroups.find((group) => group.groupId === groupId)?.groupName ?? groupId;
}

function groupIdentifiers(data: ScenarioEc2Region, groupIds: readonly string[]) {
  return groupIds.map((groupId) => ({ GroupId: groupId, GroupName: groupName(data, groupId) }));
}

function describeInstances(scenario: Scenario, data: ScenarioEc2Region, input: Input): Output {
  const instanceIds = stringList(input.InstanceIds);
  if (instanceIds !== undefined && input.MaxResults !== undefined) {
    throw sandboxError(
      'InvalidParameterCombination',
      'The parameter instancesSet cannot be used with the parameter maxResults',
    );
  }
  let instances = data.instances;
  if (instanceIds !== undefined) {
    const missing = instanceIds.filter((id) => !instances.some((i) => i.instanceId === id));
    if (missing.length > 0) {
      throw sandboxError(
        'InvalidInstanceID.NotFound',
        `The instance IDs '${missing.join(', ')}' do not exist`,
      );
    }
    instances = instances.filter((instance) => instanceIds.includes(instance.instanceId));
  }
  const matching = applyFilters(instances, input, {
    'instance-id': (instance) => [instance.instanceId],
    'instance-state-name': (instance) => [instance.state],
    'instance.group-id': (instance) => instance.networkInterfaces.flatMap((eni) => eni.groupIds),
    'tag:Name': (instance) => (instance.name !== undefined ? [instance.name] : []),
  });
  const { items, NextToken } = page(matching, input, 'DescribeInstances', { min: 5, max: 1000 });
  return {
    Reservations: items.map((instance) => ({
      ReservationId: `r-${hex17(instance.instanceId)}`,
      OwnerId: scenario.accountId,
      Instances: [toSdkInstance(data, instance)],
    })),
    ...(NextToken ? { NextToken } : {}),
  };
}

function toSdkInstance(data: ScenarioEc2Region, instance: ScenarioInstance): Output {
  const [primary] = instance.networkInterfaces;
  return {
    InstanceId: instance.instanceId,
    InstanceType: 't3.micro',
    State: { Name: instance.state, Code: STATE_CODES[instance.state] },
    Tags: [
      ...(instance.name !== undefined ? [{ Key: 'Name', Value: instance.name }] : []),
      ...Object.entries(instance.tags).map(([Key, Value]) => ({ Key, Value })),
    ],
    PrivateIpAddress: primary?.privateIp,
    ...(primary?.publicIp ? { PublicIpAddress: primary.publicIp } : {}),
    ...(primary?.ipv6Addresses[0] ? { Ipv6Address: primary.ipv6Addresses[0] } : {}),
    SecurityGroups: groupIdentifiers(data, primary?.groupIds ?? []),
    NetworkInterfaces: instance.networkInterfaces.map((eni, index) => ({
      NetworkInterfaceId: eni.networkInterfaceId,
      Attachment: { DeviceIndex: index, Status: 'attached' },
      Groups: groupIdentifiers(data, eni.groupIds),
      PrivateIpAddress: eni.privateIp,
      Ipv6Addresses: eni.ipv6Addresses.map((address) => ({ Ipv6Address: address })),
      ...(eni.publicIp ? { Association: { PublicIp: eni.publicIp, IpOwnerId: 'amazon' } } : {}),
      Status: 'in-use',
    })),
  };
}

interface SandboxInterface {
  eni: ScenarioInterface & { description?: string | undefined };
  instanceId: string | null;
  deviceIndex: number;
}

function describeNetworkInterfaces(data: ScenarioEc2Region, input: Input): Output {
  const all: SandboxInterface[] = [
    ...data.instances
      .filter((instance) => instance.state !== 'terminated')
      .flatMap((instance) =>
        instance.networkInterfaces.map((eni, deviceIndex) => ({
          eni,
          instanceId: instance.instanceId,
          deviceIndex,
        })),
      ),
    ...data.otherInterfaces.map((eni) => ({ eni, instanceId: null, deviceIndex: 1 })),
  ];
  const matching = applyFilters(all, input, {
    'group-id': (item) => item.eni.groupIds,
    'network-interface-id': (item) => [item.eni.networkInterfaceId],
    'attachment.instance-id': (item) => (item.instanceId ? [item.instanceId] : []),
  });
  const { items, NextToken } = page(matching, input, 'DescribeNetworkInterfaces', { min: 5, max: 1000 });
  return {
    NetworkInterfaces: items.map(({ eni, instanceId, deviceIndex }) => ({
      NetworkInterfaceId: eni.networkInterfaceId,
      ...(eni.description !== undefined ? { Description: eni.description } : {}),
      ...(instanceId
        ? { Attachment: { InstanceId: instanceId, DeviceIndex: deviceIndex, Status: 'attached' } }
        : {}),
      Groups: groupIdentifiers(data, eni.groupIds),
      PrivateIpAddress: eni.privateIp,
      ...(eni.publicIp ? { Association: { PublicIp: eni.publicIp } } : {}),
      Status: 'in-use',
    })),
    ...(NextToken ? { NextToken } : {}),
  };
}

// ---------- security group rules ----------

function ruleSourceKey(rule: ScenarioRule): string {
  const cidr = (text: string) => parseCidr(text)?.cidr ?? text;
  if (rule.cidrIpv4 !== undefined) return `v4:${cidr(rule.cidrIpv4)}`;
  if (rule.cidrIpv6 !== undefined) return `v6:${cidr(rule.cidrIpv6)}`;
  if (rule.prefixListId !== undefined) return `pl:${rule.prefixListId}`;
  return `sg:${rule.referencedGroupId ?? ''}`;
}

/** What EC2 compares to find a duplicate: direction, protocol, ports and source, not the description. */
function ruleKey(rule: ScenarioRule): string {
  const protocol = PROTOCOL_NAMES[rule.ipProtocol] ?? rule.ipProtocol;
  return [rule.egress ? 'egress' : 'ingress', protocol, rule.fromPort, rule.toPort, ruleSourceKey(rule)].join(
    '|',
  );
}

function toSdkRule(scenario: Scenario, group: ScenarioSecurityGroup, rule: ScenarioRule): Output {
  return {
    SecurityGroupRuleId: rule.ruleId,
    GroupId: group.groupId,
    GroupOwnerId: scenario.accountId,
    IsEgress: rule.egress,
    IpProtocol: rule.ipProtocol,
    FromPort: rule.fromPort,
    ToPort: rule.toPort,
    ...(rule.cidrIpv4 !== undefined ? { CidrIpv4: rule.cidrIpv4 } : {}),
    ...(rule.cidrIpv6 !== undefined ? { CidrIpv6: rule.cidrIpv6 } : {}),
    ...(rule.prefixListId !== undefined ? { PrefixListId: rule.prefixListId } : {}),
    ...(rule.referencedGroupId !== undefined
      ? { ReferencedGroupInfo: { GroupId: rule.referencedGroupId, UserId: scenario.accountId } }
      : {}),
    ...(rule.description !== undefined ? { Description: rule.description } : {}),
    Tags: [],
    SecurityGroupRuleArn: `arn:aws:ec2:sandbox:${scenario.accountId}:security-group-rule/${rule.ruleId}`,
  };
}

function describeSecurityGroupRules(scenario: Scenario, data: ScenarioEc2Region, input: Input): Output {
  const all = data.securityGroups.flatMap((group) => group.rules.map((rule) => ({ group, rule })));
  const ids = stringList(input.SecurityGroupRuleIds);
  let selected = all;
  if (ids !== undefined) {
    const missing = ids.filter((id) => !all.some(({ rule }) => rule.ruleId === id));
    if (missing.length > 0) {
      throw sandboxError(
        'InvalidSecurityGroupRuleId.NotFound',
        `The security group rule ID '${missing.join(', ')}' does not exist`,
      );
    }
    selected = all.filter(({ rule }) => ids.includes(rule.ruleId ?? ''));
  }
  const matching = applyFilters(selected, input, {
    'group-id': ({ group }) => [group.groupId],
    'security-group-rule-id': ({ rule }) => [rule.ruleId],
  });
  const { items, NextToken } = page(matching, input, 'DescribeSecurityGroupRules', { min: 5, max: 1000 });
  return {
    SecurityGroupRules: items.map(({ group, rule }) => toSdkRule(scenario, group, rule)),
    ...(NextToken ? { NextToken } : {}),
  };
}

/** The older per-group view (one IpPermission per rule); only the benchmark's reference algorithm asks for it. */
function describeSecurityGroups(data: ScenarioEc2Region, input: Input): Output {
  const ids = stringList(input.GroupIds) ?? data.securityGroups.map((group) => group.groupId);
  const groups = ids.map((id) => findGroup(data, id));
  const permission = (rule: ScenarioSecurityGroup['rules'][number]) => ({
    IpProtocol: rule.ipProtocol,
    ...(rule.ipProtocol === '-1' ? {} : { FromPort: rule.fromPort, ToPort: rule.toPort }),
    IpRanges: rule.cidrIpv4 ? [{ CidrIp: rule.cidrIpv4, Description: rule.description }] : [],
    Ipv6Ranges: rule.cidrIpv6 ? [{ CidrIpv6: rule.cidrIpv6, Description: rule.description }] : [],
    PrefixListIds: rule.prefixListId ? [{ PrefixListId: rule.prefixListId }] : [],
    UserIdGroupPairs: rule.referencedGroupId ? [{ GroupId: rule.referencedGroupId }] : [],
  });
  return {
    SecurityGroups: groups.map((group) => ({
      GroupId: group.groupId,
      GroupName: group.groupName ?? group.groupId,
      VpcId: group.vpcId,
      Description: group.description,
      IpPermissions: group.rules.filter((rule) => !rule.egress).map(permission),
      IpPermissionsEgress: group.rules.filter((rule) => rule.egress).map(permission),
      Tags: Object.entries(group.tags).map(([Key, Value]) => ({ Key, Value })),
    })),
  };
}

/** Security-group tags, filtered by resource type, key and resource id as EC2 filters them (MaxResults 5-1000). */
function describeTags(data: ScenarioEc2Region, input: Input): Output {
  const all = data.securityGroups.flatMap((group) =>
    Object.entries(group.tags).map(([Key, Value]) => ({ ResourceId: group.groupId, Key, Value })),
  );
  const matching = applyFilters(all, input, {
    'resource-type': () => ['security-group'],
    'resource-id': (tag) => [tag.ResourceId],
    key: (tag) => [tag.Key],
    value: (tag) => [tag.Value],
  });
  const { items, NextToken } = page(matching, input, 'DescribeTags', { min: 5, max: 1000 });
  return {
    Tags: items.map((tag) => ({ ...tag, ResourceType: 'security-group' })),
    ...(NextToken ? { NextToken } : {}),
  };
}

function findGroup(data: ScenarioEc2Region, groupId: unknown): ScenarioSecurityGroup {
  if (typeof groupId !== 'string' || groupId === '') {
    throw sandboxError('MissingParameter', 'The request must contain the parameter groupId');
  }
  const group = data.securityGroups.find((candidate) => candidate.groupId === groupId);
  if (!group) throw sandboxError('InvalidGroup.NotFound', `The security group '${groupId}' does not exist`);
  return group;
}

interface SdkPermission {
  IpProtocol?: string;
  FromPort?: number;
  ToPort?: number;
  IpRanges?: { CidrIp?: string; Description?: string }[];
  Ipv6Ranges?: { CidrIpv6?: string; Description?: string }[];
  PrefixListIds?: { PrefixListId?: string; Description?: string }[];
  UserIdGroupPairs?: { GroupId?: string; Description?: string }[];
}

/** One permission as the rules EC2 would store, one per source, validated like EC2. */
function rulesOfPermission(data: ScenarioEc2Region, permission: SdkPermission): ScenarioRule[] {
  const raw = String(permission.IpProtocol ?? '').toLowerCase();
  const ipProtocol = PROTOCOL_NAMES[raw] ?? raw;
  let fromPort = -1;
  let toPort = -1;
  if (ipProtocol === 'tcp' || ipProtocol === 'udp') {
    fromPort = permission.FromPort ?? Number.NaN;
    toPort = permission.ToPort ?? Number.NaN;
    if (!(fromPort >= 0 && toPort <= 65535 && fromPort <= toPort)) {
      throw sandboxError(
        'InvalidParameterValue',
        `Invalid port range: FromPort ${permission.FromPort} and ToPort ${permission.ToPort} must be 0-65535 with FromPort <= ToPort`,
      );
    }
  } else if (ipProtocol === 'icmp' || ipProtocol === 'icmpv6') {
    fromPort = permission.FromPort ?? -1;
    toPort = permission.ToPort ?? -1;
  } else if (!(ipProtocol === '-1' || /^\d{1,3}$/.test(ipProtocol))) {
    throw sandboxError('InvalidParameterValue', `Invalid value '${raw}' for IP protocol`);
  }
  const base = { ipProtocol, fromPort, toPort, egress: false };
  const described = (description: string | undefined) => (description !== undefined ? { description } : {});
  const rules: ScenarioRule[] = [
    ...(permission.IpRanges ?? []).map((range) => {
      if (parseCidr(range.CidrIp ?? '')?.family !== 4) {
        throw sandboxError('InvalidParameterValue', `CIDR block ${range.CidrIp} is malformed`);
      }
      return { ...base, cidrIpv4: range.CidrIp, ...described(range.Description) };
    }),
    ...(permission.Ipv6Ranges ?? []).map((range) => {
      if (parseCidr(range.CidrIpv6 ?? '')?.family !== 6) {
        throw sandboxError('InvalidParameterValue', `CIDR block ${range.CidrIpv6} is malformed`);
      }
      return { ...base, cidrIpv6: range.CidrIpv6, ...described(range.Description) };
    }),
    ...(permission.PrefixListIds ?? []).map((entry) => {
      if (!data.prefixLists.some((list) => list.prefixListId === entry.PrefixListId)) {
        throw sandboxError(
          'InvalidPrefixListID.NotFound',
          `The prefix list ID '${entry.PrefixListId}' does not exist`,
        );
      }
      return { ...base, prefixListId: entry.PrefixListId, ...described(entry.Description) };
    }),
    ...(permission.UserIdGroupPairs ?? []).map((pair) => ({
      ...base,
      referencedGroupId: pair.GroupId,
      ...described(pair.Description),
    })),
  ];
  if (rules.length === 0) {
    throw sandboxError('InvalidParameterValue', 'Each IP permission needs at least one source');
  }
  return rules;
}

/**
 * Rules as the quota counts them, per family: a CIDR counts in its family, a
 * group reference or an AWS-managed prefix list once in each, a
 * customer-managed prefix list as its MaxEntries in its own family.
 */
function quotaWeight(data: ScenarioEc2Region, rules: readonly ScenarioRule[]): Record<4 | 6, number> {
  const weight = { 4: 0, 6: 0 };
  for (const rule of rules) {
    if (rule.cidrIpv4 !== undefined) weight[4] += 1;
    else if (rule.cidrIpv6 !== undefined) weight[6] += 1;
    else if (rule.prefixListId !== undefined) {
      const list = data.prefixLists.find((candidate) => candidate.prefixListId === rule.prefixListId);
      if (list === undefined || list.ownerId === 'AWS') {
        weight[4] += 1;
        weight[6] += 1;
      } else weight[prefixListFamily(list) === 'IPv6' ? 6 : 4] += list.maxEntries;
    } else {
      weight[4] += 1;
      weight[6] += 1;
    }
  }
  return weight;
}

function prefixListFamily(list: ScenarioEc2Region['prefixLists'][number]): 'IPv4' | 'IPv6' {
  return list.cidrs.length > 0 && list.cidrs.every((cidr) => parseCidr(cidr)?.family === 6) ? 'IPv6' : 'IPv4';
}

/** Service Quotas: the rule quota of the Region; other quotas are not modelled. */
export function handleServiceQuotas(
  scenario: Scenario,
  region: string,
  command: string,
  input: Input,
): Output {
  const data = scenario.ec2[region] ?? EMPTY_REGION;
  if (data.denied.includes(command)) {
    throw sandboxError('AccessDeniedException', `The sandbox denies servicequotas:${command} in ${region}.`);
  }
  if (command !== 'GetServiceQuota') {
    throw sandboxError('NotImplemented', `The sandbox does not implement Service Quotas ${command}.`);
  }
  if (input.ServiceCode !== 'vpc' || input.QuotaCode !== 'L-0EA8095F') {
    throw sandboxError('NoSuchResourceException', `The sandbox knows only quota vpc/L-0EA8095F.`);
  }
  return {
    Quota: {
      ServiceCode: 'vpc',
      QuotaCode: 'L-0EA8095F',
      QuotaName: 'Inbound or outbound rules per security group',
      Value: data.rulesPerGroupQuota,
      Adjustable: true,
    },
  };
}

function authorizeIngress(scenario: Scenario, region: string, data: ScenarioEc2Region, input: Input): Output {
  const group = findGroup(data, input.GroupId);
  const permissions = (input.IpPermissions ?? []) as SdkPermission[];
  const added = permissions.flatMap((permission) => rulesOfPermission(data, permission));
  const existing = new Set(group.rules.map(ruleKey));
  for (const rule of added) {
    const key = ruleKey(rule);
    // One duplicate, against the group or within the request, fails the whole call.
    if (existing.has(key)) {
      throw sandboxError(
        'InvalidPermission.Duplicate',
        `the specified rule "peer: ${ruleSourceKey(rule).slice(3)}, ${rule.ipProtocol.toUpperCase()}, from port: ${rule.fromPort}, to port: ${rule.toPort}, ALLOW" already exists`,
      );
    }
    existing.add(key);
  }
  const after = quotaWeight(data, [...group.rules.filter((rule) => !rule.egress), ...added]);
  const before = quotaWeight(
    data,
    group.rules.filter((rule) => !rule.egress),
  );
  // Like AWS: each family is checked on its own, and only a family this call adds to can be refused.
  if (
    (after[4] > before[4] && after[4] > data.rulesPerGroupQuota) ||
    (after[6] > before[6] && after[6] > data.rulesPerGroupQuota)
  ) {
    throw sandboxError(
      'RulesPerSecurityGroupLimitExceeded',
      'The maximum number of rules per security group has been reached.',
    );
  }
  for (const rule of added) {
    const serial = (createdRules.get(scenario) ?? 0) + 1;
    createdRules.set(scenario, serial);
    rule.ruleId = `sgr-${hex17(`${region}/${group.groupId}/created/${serial}`)}`;
    group.rules.push(rule);
  }
  return { Return: true, SecurityGroupRules: added.map((rule) => toSdkRule(scenario, group, rule)) };
}

function revokeIngress(data: ScenarioEc2Region, input: Input): Output {
  const group = findGroup(data, input.GroupId);
  const ids = stringList(input.SecurityGroupRuleIds) ?? [];
  const missing = ids.filter((id) => !group.rules.some((rule) => rule.ruleId === id && !rule.egress));
  if (missing.length > 0) {
    throw sandboxError(
      'InvalidSecurityGroupRuleId.NotFound',
      `The security group rule ID '${missing.join(', ')}' does not exist`,
    );
  }
  // Revoking by permission removes the rules with that exact permission; unknown ones are reported, not failed.
  const byPermission = new Set<string>();
  const unknown: SdkPermission[] = [];
  for (const permission of (input.IpPermissions ?? []) as SdkPermission[]) {
    for (const rule of rulesOfPermission(data, permission)) {
      const key = ruleKey(rule);
      if (group.rules.some((candidate) => ruleKey(candidate) === key)) byPermission.add(key);
      else unknown.push(permission);
    }
  }
  const revoked = group.rules.filter(
    (rule) => !rule.egress && (ids.includes(rule.ruleId ?? '') || byPermission.has(ruleKey(rule))),
  );
  group.rules = group.rules.filter((rule) => !revoked.includes(rule));
  return {
    Return: true,
    ...(unknown.length > 0 ? { UnknownIpPermissions: unknown } : {}),
    RevokedSecurityGroupRules: revoked.map((rule) => ({
      SecurityGroupRuleId: rule.ruleId,
      GroupId: group.groupId,
      IsEgress: false,
      IpProtocol: rule.ipProtocol,
      FromPort: rule.fromPort,
      ToPort: rule.toPort,
      ...(rule.cidrIpv4 !== undefined ? { CidrIpv4: rule.cidrIpv4 } : {}),
      ...(rule.cidrIpv6 !== undefined ? { CidrIpv6: rule.cidrIpv6 } : {}),
      ...(rule.prefixListId !== undefined ? { PrefixListId: rule.prefixListId } : {}),
      ...(rule.referencedGroupId !== undefined ? { ReferencedSecurityGroupId: rule.referencedGroupId } : {}),
      ...(rule.description !== undefined ? { Description: rule.description } : {}),
    })),
  };
}

// ---------- managed prefix lists ----------

function describeManagedPrefixLists(scenario: Scenario, data: ScenarioEc2Region, input: Input): Output {
  const ids = stringList(input.PrefixListIds);
  if (ids !== undefined) {
    const missing = ids.filter((id) => !data.prefixLists.some((list) => list.prefixListId === id));
    if (missing.length > 0) {
      throw sandboxError(
        'InvalidPrefixListID.NotFound',
        `The prefix list ID '${missing.join(', ')}' does not exist`,
      );
    }
  }
  const selected = data.prefixLists.filter((list) => ids === undefined || ids.includes(list.prefixListId));
  const matching = applyFilters(selected, input, {
    'prefix-list-id': (list) => [list.prefixListId],
    'prefix-list-name': (list) => [list.name],
  });
  const { items, NextToken } = page(matching, input, 'DescribeManagedPrefixLists', { min: 1, max: 100 });
  return {
    PrefixLists: items.map((list) => ({
      PrefixListId: list.prefixListId,
      PrefixListName: list.name,
      MaxEntries: list.maxEntries,
      State: 'create-complete',
      AddressFamily: prefixListFamily(list),
      Version: 1,
      OwnerId: list.ownerId ?? scenario.accountId,
    })),
    ...(NextToken ? { NextToken } : {}),
  };
}

function getManagedPrefixListEntries(data: ScenarioEc2Region, input: Input): Output {
  const list = data.prefixLists.find((candidate) => candidate.prefixListId === input.PrefixListId);
  if (!list) {
    throw sandboxError(
      'InvalidPrefixListID.NotFound',
      `The prefix list ID '${String(input.PrefixListId)}' does not exist`,
    );
  }
  const { items, NextToken } = page(list.cidrs, input, 'GetManagedPrefixListEntries', { min: 1, max: 100 });
  return { Entries: items.map((cidr) => ({ Cidr: cidr })), ...(NextToken ? { NextToken } : {}) };
}
