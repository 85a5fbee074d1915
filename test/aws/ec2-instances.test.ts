/** The EC2 read adapters and the Region scan against a mocked SDK client: paging, filters, error mapping. */
import {
  DescribeInstancesCommand,
  DescribeNetworkInterfacesCommand,
  DescribeRegionsCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeTagsCommand,
  EC2Client,
  GetManagedPrefixListEntriesCommand,
  type Instance,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import {
  describeGroupUsers,
  describeIngressRules,
  describeInstances,
  describeSecurityGroupTags,
  listEnabledRegions,
  readPrefixListEntries,
} from '../../functions/aws/ec2-instances';
import { scanRegionsForOpenPort } from '../../functions/aws/ec2-port-scan';
import { UpstreamError } from '../../functions/shared/errors';
import { awsError } from '../support/aws-error';

const ec2Mock = mockClient(EC2Client);
const ec2 = new EC2Client({ region: 'us-east-1' });

function instance(id: string, extra: Partial<Instance> = {}): Instance {
  return {
    InstanceId: id,
    State: { Name: 'running', Code: 16 },
    NetworkInterfaces: [
      { NetworkInterfaceId: `eni-${id}`, Attachment: { DeviceIndex: 0 }, Groups: [{ GroupId: 'sg-a' }] },
    ],
    ...extra,
  };
}

beforeEach(() => {
  ec2Mock.reset();
});

describe('listEnabledRegions', () => {
  it('asks for enabled Regions only and sorts them', async () => {
    // Arrange
    ec2Mock
      .on(DescribeRegionsCommand)
      .resolves({ Regions: [{ RegionName: 'us-east-1' }, { RegionName: 'eu-west-1' }] });

    // Act
    const regions = await listEnabledRegions(ec2);

    // Assert
    expect(regions).toEqual(['eu-west-1', 'us-east-1']);
    expect(ec2Mock).toHaveReceivedNthSpecificCommandWith(1, DescribeRegionsCommand, { AllRegions: false });
  });
});

describe('describeInstances', () => {
  it('pages with NextToken, 1000 at a time, filtering out terminated and shutting-down instances', async () => {
    // Arrange
    ec2Mock
      .on(DescribeInstancesCommand)
      .resolvesOnce({ Reservations: [{ Instances: [instance('i-1')] }], NextToken: 'page-2' })
      .resolvesOnce({
        Reservations: [{ Instances: [instance('i-2'), instance('i-3', { State: { Name: 'terminated' } })] }],
      });

    // Act
    const instances = await describeInstances(ec2);

    // Assert
    expect(instances.map((i) => i.instanceId)).toEqual(['i-1', 'i-2']);
    const inputs = ec2Mock.commandCalls(DescribeInstancesCommand).map((call) => call.args[0].input);
    expect(inputs).toEqual([
      {
        Filters: [{ Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped'] }],
        MaxResults: 1000,
      },
      {
        Filters: [{ Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped'] }],
        MaxResults: 1000,
        NextToken: 'page-2',
      },
    ]);
  });

  it('looks one instance up by an instance-id filter (no error for an unknown id)', async () => {
    // Arrange
    ec2Mock.on(DescribeInstancesCommand).resolves({ Reservations: [] });

    // Act
    const instances = await describeInstances(ec2, { instanceId: 'i-0123456789abcdef0' });

    // Assert
    expect(instances).toEqual([]);
    expect(ec2Mock).toHaveReceivedCommandWith(DescribeInstancesCommand, {
      Filters: expect.arrayContaining([{ Name: 'instance-id', Values: ['i-0123456789abcdef0'] }]),
    });
  });

  it('reads every interface, primary first, the Name tag, the first public IPv4 and every IPv6 address', async () => {
    // Arrange
    ec2Mock.on(DescribeInstancesCommand).resolves({
      Reservations: [
        {
          Instances: [
            instance('i-1', {
              Tags: [
                { Key: 'team', Value: 'x' },
                { Key: 'Name', Value: 'web' },
              ],
              State: { Name: 'stopped' },
              NetworkInterfaces: [
                {
                  NetworkInterfaceId: 'eni-second',
                  Attachment: { DeviceIndex: 1 },
                  Groups: [{ GroupId: 'sg-b' }, { GroupId: 'sg-c' }],
                  Association: { PublicIp: '198.51.100.2' },
                  Ipv6Addresses: [{ Ipv6Address: '2001:db8::2' }],
                },
                {
                  NetworkInterfaceId: 'eni-primary',
                  Attachment: { DeviceIndex: 0 },
                  Groups: [{ GroupId: 'sg-a' }],
                  Ipv6Addresses: [{ Ipv6Address: '2001:db8::1' }],
                },
              ],
            }),
          ],
        },
      ],
    });

    // Act
    const [facts] = await describeInstances(ec2);

    // Assert
    expect(facts).toEqual({
      instanceId: 'i-1',
      name: 'web',
      state: 'stopped',
      publicIp: '198.51.100.2',
      ipv6Addresses: ['2001:db8::1', '2001:db8::2'],
      interfaces: [
        { networkInterfaceId: 'eni-primary', groupIds: ['sg-a'] },
        { networkInterfaceId: 'eni-second', groupIds: ['sg-b', 'sg-c'] },
      ],
      // Every tag is kept: the intended-exposure tag names are configurable.
      tags: [
        { Key: 'team', Value: 'x' },
        { Key: 'Name', Value: 'web' },
      ],
    });
  });

  it.each([
    ['UnauthorizedOperation', 403, /Grant the API’s role permission/],
    ['RequestLimitExceeded', 503, /throttling/],
    ['InternalError', 500, /Try again/],
  ])('maps %s to an UpstreamError naming the call', async (code, status, hint) => {
    // Arrange
    ec2Mock.on(DescribeInstancesCommand).rejects(awsError(code, status));

    // Act
    const failure = describeInstances(ec2);

    // Assert
    await expect(failure).rejects.toBeInstanceOf(UpstreamError);
    await expect(failure).rejects.toMatchObject({
      status: 502,
      awsCall: 'ec2:DescribeInstances',
      awsErrorCode: code,
      message: expect.stringMatching(hint),
    });
  });
});

describe('describeIngressRules', () => {
  it('filters by group id, 200 groups per call, pages each, and keeps only ingress rules', async () => {
    // Arrange
    const groupIds = Array.from({ length: 450 }, (_, i) => `sg-${String(i).padStart(3, '0')}`);
    ec2Mock
      .on(DescribeSecurityGroupRulesCommand)
      .callsFake((input: { Filters: { Values: string[] }[]; NextToken?: string }) => {
        const [first] = input.Filters[0]?.Values ?? [];
        if (first === 'sg-000' && !input.NextToken) {
          return {
            SecurityGroupRules: [
              {
                SecurityGroupRuleId: 'sgr-1',
                GroupId: 'sg-000',
                IpProtocol: 'tcp',
                FromPort: 22,
                ToPort: 22,
                CidrIpv4: '0.0.0.0/0',
              },
              {
                SecurityGroupRuleId: 'sgr-2',
                GroupId: 'sg-000',
                IsEgress: true,
                IpProtocol: '-1',
                CidrIpv4: '0.0.0.0/0',
              },
            ],
            NextToken: 'more',
          };
        }
        if (first === 'sg-000') {
          return {
            SecurityGroupRules: [
              {
                SecurityGroupRuleId: 'sgr-3',
                GroupId: 'sg-001',
                IpProtocol: 'tcp',
                FromPort: 22,
                ToPort: 22,
                ReferencedGroupInfo: { GroupId: 'sg-other' },
                Description: 'from peers',
              },
            ],
          };
        }
        return { SecurityGroupRules: [] };
      });

    // Act
    const rules = await describeIngressRules(ec2, groupIds);

    // Assert
    const calls = ec2Mock.commandCalls(DescribeSecurityGroupRulesCommand).map((c) => c.args[0].input);
    expect(calls.map((input) => input.Filters?.[0]?.Values?.length)).toEqual([200, 200, 50, 200]);
    expect(calls.every((input) => input.MaxResults === 1000)).toBe(true);
    expect(rules.size).toBe(450);
    expect(rules.get('sg-000')).toEqual([
      {
        securityGroupRuleId: 'sgr-1',
        groupId: 'sg-000',
        ipProtocol: 'tcp',
        fromPort: 22,
        toPort: 22,
        cidrIpv4: '0.0.0.0/0',
      },
    ]);
    expect(rules.get('sg-001')).toEqual([
      {
        securityGroupRuleId: 'sgr-3',
        groupId: 'sg-001',
        ipProtocol: 'tcp',
        fromPort: 22,
        toPort: 22,
        referencedGroupId: 'sg-other',
        description: 'from peers',
      },
    ]);
  });
});

describe('readPrefixListEntries and describeGroupUsers', () => {
  it('pages a prefix list 100 entries at a time', async () => {
    // Arrange
    ec2Mock
      .on(GetManagedPrefixListEntriesCommand)
      .resolvesOnce({ Entries: [{ Cidr: '0.0.0.0/1' }], NextToken: 't' })
      .resolvesOnce({ Entries: [{ Cidr: '128.0.0.0/1' }] });

    // Act
    const entries = await readPrefixListEntries(ec2, ['pl-1', 'pl-1']);

    // Assert
    expect(entries).toEqual(new Map([['pl-1', ['0.0.0.0/1', '128.0.0.0/1']]]));
    expect(ec2Mock.commandCalls(GetManagedPrefixListEntriesCommand).map((c) => c.args[0].input)).toEqual([
      { PrefixListId: 'pl-1', MaxResults: 100 },
      { PrefixListId: 'pl-1', MaxResults: 100, NextToken: 't' },
    ]);
  });

  it('lists the interfaces using the groups, with their instance or null, managed ones included', async () => {
    // Arrange
    ec2Mock.on(DescribeNetworkInterfacesCommand).resolves({
      NetworkInterfaces: [
        { NetworkInterfaceId: 'eni-b', Groups: [{ GroupId: 'sg-a' }] },
        {
          NetworkInterfaceId: 'eni-a',
          Attachment: { InstanceId: 'i-1' },
          Groups: [{ GroupId: 'sg-a' }, { GroupId: 'sg-x' }],
        },
      ],
    });

    // Act
    const users = await describeGroupUsers(ec2, ['sg-a']);

    // Assert
    expect(users).toEqual([
      { networkInterfaceId: 'eni-a', instanceId: 'i-1', groupIds: ['sg-a', 'sg-x'], description: null },
      { networkInterfaceId: 'eni-b', instanceId: null, groupIds: ['sg-a'], description: null },
    ]);
    expect(ec2Mock).toHaveReceivedNthSpecificCommandWith(1, DescribeNetworkInterfacesCommand, {
      Filters: [{ Name: 'group-id', Values: ['sg-a'] }],
      IncludeManagedResources: true,
      MaxResults: 1000,
    });
  });
});

describe('scanRegionsForOpenPort', () => {
  const clients = new Map<string, EC2Client>();
  const clientFor = (region: string) => {
    let client = clients.get(region);
    if (!client) {
      client = new EC2Client({ region });
      clients.set(region, client);
    }
    return client;
  };

  it('reports a failing Region as unknown with the call and code, and the others as scanned', async () => {
    // Arrange
    ec2Mock.on(DescribeInstancesCommand).callsFake(async (_input, getClient) => {
      const region = await (getClient() as EC2Client).config.region();
      if (region === 'eu-west-1') throw awsError('UnauthorizedOperation', 403);
      return { Reservations: [{ Instances: [instance('i-1')] }] };
    });
    ec2Mock.on(DescribeSecurityGroupRulesCommand).resolves({
      SecurityGroupRules: [
        {
          SecurityGroupRuleId: 'sgr-1',
          GroupId: 'sg-a',
          IpProtocol: 'tcp',
          FromPort: 22,
          ToPort: 22,
          CidrIpv6: '::/0',
        },
      ],
    });

    // Act
    const result = await scanRegionsForOpenPort(clientFor, {
      regions: ['eu-west-1', 'us-east-1'],
      port: 22,
      protocol: 'tcp',
      concurrency: 4,
      shouldStop: () => false,
    });

    // Assert
    expect(result.scannedRegions).toEqual(['us-east-1']);
    expect(result.unknownRegions).toEqual([
      {
        region: 'eu-west-1',
        reason:
          'DescribeInstances failed with UnauthorizedOperation, so instances in this Region could not be checked',
      },
    ]);
    expect(result.instances.map((i) => [i.instanceId, i.region, i.exposures[0]?.source])).toEqual([
      ['i-1', 'us-east-1', '::/0'],
    ]);
  });

  it('leaves Regions not started when the time budget runs out', async () => {
    // Arrange
    ec2Mock.on(DescribeInstancesCommand).resolves({ Reservations: [] });
    let started = 0;

    // Act
    const result = await scanRegionsForOpenPort(clientFor, {
      regions: ['a-1', 'b-1', 'c-1'],
      port: 22,
      protocol: 'tcp',
      concurrency: 1,
      shouldStop: () => started++ >= 1,
    });

    // Assert
    expect(result.scannedRegions).toEqual(['a-1']);
    expect(result.notAttempted).toEqual(['b-1', 'c-1']);
  });
});

describe('describeSecurityGroupTags', () => {
  it('filters by resource type and key, pages 1000 at a time, and groups the tags by security group', async () => {
    // Arrange
    ec2Mock
      .on(DescribeTagsCommand)
      .resolvesOnce({
        Tags: [
          { ResourceId: 'sg-1', ResourceType: 'security-group', Key: 'aiops:exposure', Value: 'intended' },
          { ResourceId: 'sg-2', ResourceType: 'security-group', Key: 'aiops:exposure', Value: 'reviewed' },
        ],
        NextToken: 'page-2',
      })
      .resolvesOnce({
        Tags: [
          { ResourceId: 'sg-1', ResourceType: 'security-group', Key: 'aiops:exposure-reason', Value: 'site' },
        ],
      });

    // Act
    const tags = await describeSecurityGroupTags(ec2, ['aiops:exposure', 'aiops:exposure-reason']);

    // Assert
    expect(tags).toEqual(
      new Map([
        ['sg-1', { 'aiops:exposure': 'intended', 'aiops:exposure-reason': 'site' }],
        ['sg-2', { 'aiops:exposure': 'reviewed' }],
      ]),
    );
    expect(ec2Mock).toHaveReceivedCommandTimes(DescribeTagsCommand, 2);
    expect(ec2Mock).toHaveReceivedNthSpecificCommandWith(1, DescribeTagsCommand, {
      Filters: [
        { Name: 'resource-type', Values: ['security-group'] },
        { Name: 'key', Values: ['aiops:exposure', 'aiops:exposure-reason'] },
      ],
      MaxResults: 1000,
    });
    expect(ec2Mock).toHaveReceivedNthSpecificCommandWith(2, DescribeTagsCommand, {
      NextToken: 'page-2',
    });
  });

  it('asks about named groups 200 at a time, and asks nothing for none', async () => {
    // Arrange
    ec2Mock.on(DescribeTagsCommand).resolves({ Tags: [] });
    const ids = Array.from({ length: 450 }, (_, i) => `sg-${String(i).padStart(17, '0')}`);

    // Act
    await describeSecurityGroupTags(ec2, ['aiops:exposure'], ids);
    const none = await describeSecurityGroupTags(ec2, ['aiops:exposure'], []);

    // Assert
    expect(none.size).toBe(0);
    const asked = ec2Mock
      .commandCalls(DescribeTagsCommand)
      .map((call) => call.args[0].input.Filters?.find((f) => f.Name === 'resource-id')?.Values?.length);
    expect(asked).toEqual([200, 200, 50]);
  });

  it('throws an UpstreamError naming ec2:DescribeTags', async () => {
    ec2Mock.on(DescribeTagsCommand).rejects(awsError('UnauthorizedOperation'));
    await expect(describeSecurityGroupTags(ec2, ['aiops:exposure'])).rejects.toMatchObject({
      awsCall: 'ec2:DescribeTags',
      awsErrorCode: 'UnauthorizedOperation',
    });
  });
});
