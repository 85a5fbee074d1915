/** Carrying out a closure plan against a mocked EC2 client: order, concurrent changes, half-way failures, undo. */
import {
  AuthorizeSecurityGroupIngressCommand,
  DescribeSecurityGroupRulesCommand,
  EC2Client,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { applyPortClosure } from '../../functions/aws/port-closure';
import { toIpPermission, undoCommands } from '../../functions/domain/port-closure-undo';
import type { IngressRule } from '../../functions/domain/port-exposure';
import type { NewIngressRule } from '../../functions/domain/security-group-rules';
import { UpstreamError } from '../../functions/shared/errors';
import { awsError } from '../support/aws-error';

const ec2Mock = mockClient(EC2Client);
const ec2 = new EC2Client({ region: 'us-east-1' });

const wide: IngressRule = {
  securityGroupRuleId: 'sgr-wide',
  groupId: 'sg-a',
  ipProtocol: 'tcp',
  fromPort: 0,
  toPort: 65535,
  cidrIpv4: '0.0.0.0/0',
  description: 'all tcp',
};
const low: NewIngressRule = {
  groupId: 'sg-a',
  ipProtocol: 'tcp',
  fromPort: 0,
  toPort: 21,
  cidrIpv4: '0.0.0.0/0',
  description: 'all tcp',
};
const high: NewIngressRule = { ...low, fromPort: 23, toPort: 65535 };
const plan = { authorize: [low, high], revoke: [wide] };

function created(rule: NewIngressRule, id: string) {
  return {
    SecurityGroupRuleId: id,
    GroupId: rule.groupId,
    IsEgress: false,
    IpProtocol: rule.ipProtocol,
    FromPort: rule.fromPort,
    ToPort: rule.toPort,
    CidrIpv4: rule.cidrIpv4,
  };
}

beforeEach(() => {
  ec2Mock.reset();
});

describe('applyPortClosure', () => {
  it('authorizes every replacement of a group in one call first, then revokes by rule id', async () => {
    // Arrange
    ec2Mock.on(AuthorizeSecurityGroupIngressCommand).resolves({
      Return: true,
      // AWS does not promise the order of the new rules; they are matched by permission.
      SecurityGroupRules: [created(high, 'sgr-high'), created(low, 'sgr-low')],
    });
    ec2Mock.on(RevokeSecurityGroupIngressCommand).resolves({ Return: true });

    // Act
    const applied = await applyPortClosure(ec2, 'us-east-1', plan);

    // Assert
    expect(applied.addedRules.map((r) => [r.fromPort, r.securityGroupRuleId])).toEqual([
      [0, 'sgr-low'],
      [23, 'sgr-high'],
    ]);
    expect(applied.revokedRules).toEqual([wide]);
    expect(applied.notices).toEqual([]);
    const calls = ec2Mock.calls().map((c) => c.args[0].constructor.name);
    expect(calls).toEqual(['AuthorizeSecurityGroupIngressCommand', 'RevokeSecurityGroupIngressCommand']);
    expect(ec2Mock).toHaveReceivedNthSpecificCommandWith(1, AuthorizeSecurityGroupIngressCommand, {
      GroupId: 'sg-a',
      IpPermissions: [
        {
          IpProtocol: 'tcp',
          FromPort: 0,
          ToPort: 21,
          IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'all tcp' }],
        },
        {
          IpProtocol: 'tcp',
          FromPort: 23,
          ToPort: 65535,
          IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'all tcp' }],
        },
      ],
    });
    expect(ec2Mock).toHaveReceivedNthSpecificCommandWith(1, RevokeSecurityGroupIngressCommand, {
      GroupId: 'sg-a',
      SecurityGroupRuleIds: ['sgr-wide'],
    });
  });

  it('on InvalidPermission.Duplicate authorizes one by one and takes the duplicate’s id from the group', async () => {
    // Arrange
    ec2Mock
      .on(AuthorizeSecurityGroupIngressCommand)
      .rejectsOnce(awsError('InvalidPermission.Duplicate'))
      .rejectsOnce(awsError('InvalidPermission.Duplicate'))
      .resolvesOnce({ SecurityGroupRules: [created(high, 'sgr-high')] });
    ec2Mock
      .on(DescribeSecurityGroupRulesCommand)
      .resolves({ SecurityGroupRules: [created(low, 'sgr-theirs')] });
    ec2Mock.on(RevokeSecurityGroupIngressCommand).resolves({ Return: true });

    // Act
    const applied = await applyPortClosure(ec2, 'us-east-1', plan);

    // Assert
    expect(applied.addedRules.map((r) => r.securityGroupRuleId)).toEqual(['sgr-theirs', 'sgr-high']);
    expect(applied.notices).toEqual([expect.stringContaining('sgr-theirs')]);
    const sizes = ec2Mock
      .commandCalls(AuthorizeSecurityGroupIngressCommand)
      .map((c) => c.args[0].input.IpPermissions?.length);
    expect(sizes).toEqual([2, 1, 1]);
  });

  it('on InvalidSecurityGroupRuleId.NotFound re-reads the group and retries without the missing ids', async () => {
    // Arrange
    const other: IngressRule = {
      ...wide,
      securityGroupRuleId: 'sgr-other',
      cidrIpv4: undefined,
      cidrIpv6: '::/0',
    };
    ec2Mock
      .on(RevokeSecurityGroupIngressCommand)
      .rejectsOnce(awsError('InvalidSecurityGroupRuleId.NotFound'))
      .resolvesOnce({ Return: true });
    ec2Mock.on(DescribeSecurityGroupRulesCommand).resolves({
      SecurityGroupRules: [
        { SecurityGroupRuleId: 'sgr-other', GroupId: 'sg-a', IpProtocol: 'tcp', CidrIpv6: '::/0' },
      ],
    });

    // Act
    const applied = await applyPortClosure(ec2, 'us-east-1', { authorize: [], revoke: [wide, other] });

    // Assert
    expect(applied.revokedRules.map((r) => r.securityGroupRuleId).sort()).toEqual(['sgr-other', 'sgr-wide']);
    expect(applied.notices).toEqual([expect.stringContaining('sgr-wide in sg-a had already been removed')]);
    expect(
      ec2Mock
        .commandCalls(RevokeSecurityGroupIngressCommand)
        .map((c) => c.args[0].input.SecurityGroupRuleIds),
    ).toEqual([['sgr-wide', 'sgr-other'], ['sgr-other']]);
  });

  it("treats moto's InvalidPermission.NotFound for a vanished rule id the same way", async () => {
    // Arrange: moto 5 fails a revoke naming a removed rule id with this code, the whole call unapplied.
    const other: IngressRule = {
      ...wide,
      securityGroupRuleId: 'sgr-other',
      cidrIpv4: undefined,
      cidrIpv6: '::/0',
    };
    ec2Mock
      .on(RevokeSecurityGroupIngressCommand)
      .rejectsOnce(awsError('InvalidPermission.NotFound'))
      .resolvesOnce({ Return: true });
    ec2Mock.on(DescribeSecurityGroupRulesCommand).resolves({
      SecurityGroupRules: [
        { SecurityGroupRuleId: 'sgr-other', GroupId: 'sg-a', IpProtocol: 'tcp', CidrIpv6: '::/0' },
      ],
    });

    // Act
    const applied = await applyPortClosure(ec2, 'us-east-1', { authorize: [], revoke: [wide, other] });

    // Assert
    expect(applied.revokedRules.map((r) => r.securityGroupRuleId).sort()).toEqual(['sgr-other', 'sgr-wide']);
    expect(applied.notices).toEqual([expect.stringContaining('sgr-wide in sg-a had already been removed')]);
    expect(
      ec2Mock
        .commandCalls(RevokeSecurityGroupIngressCommand)
        .map((c) => c.args[0].input.SecurityGroupRuleIds),
    ).toEqual([['sgr-wide', 'sgr-other'], ['sgr-other']]);
  });

  it('treats a successful reply listing UnknownIpPermissions as "some were already gone": re-reads and finishes', async () => {
    // Arrange: AWS revoked sgr-other; sgr-wide was gone already
    const other: IngressRule = {
      ...wide,
      securityGroupRuleId: 'sgr-other',
      cidrIpv4: undefined,
      cidrIpv6: '::/0',
    };
    ec2Mock.on(RevokeSecurityGroupIngressCommand).resolvesOnce({
      Return: true,
      UnknownIpPermissions: [
        { IpProtocol: 'tcp', FromPort: 0, ToPort: 65535, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
      ],
      RevokedSecurityGroupRules: [{ SecurityGroupRuleId: 'sgr-other', GroupId: 'sg-a' }],
    });
    ec2Mock.on(DescribeSecurityGroupRulesCommand).resolves({ SecurityGroupRules: [] });

    // Act
    const applied = await applyPortClosure(ec2, 'us-east-1', { authorize: [], revoke: [wide, other] });

    // Assert
    expect(applied.revokedRules.map((r) => r.securityGroupRuleId).sort()).toEqual(['sgr-other', 'sgr-wide']);
    expect(applied.notices).toEqual([expect.stringContaining('sgr-wide in sg-a had already been removed')]);
    expect(ec2Mock).toHaveReceivedCommandTimes(DescribeSecurityGroupRulesCommand, 1);
  });

  it('revokes again what a reply listing UnknownIpPermissions left in place', async () => {
    // Arrange
    ec2Mock
      .on(RevokeSecurityGroupIngressCommand)
      .resolvesOnce({ Return: true, UnknownIpPermissions: [{ IpProtocol: 'tcp' }] })
      .resolvesOnce({ Return: true });
    ec2Mock.on(DescribeSecurityGroupRulesCommand).resolves({
      SecurityGroupRules: [
        { SecurityGroupRuleId: 'sgr-wide', GroupId: 'sg-a', IpProtocol: 'tcp', CidrIpv4: '0.0.0.0/0' },
      ],
    });

    // Act
    const applied = await applyPortClosure(ec2, 'us-east-1', { authorize: [], revoke: [wide] });

    // Assert
    expect(applied.revokedRules.map((r) => r.securityGroupRuleId)).toEqual(['sgr-wide']);
    expect(applied.notices).toEqual([]);
    expect(ec2Mock).toHaveReceivedCommandTimes(RevokeSecurityGroupIngressCommand, 2);
  });

  it('throws an UpstreamError with applied, notApplied and undo when the revoke fails after the authorize', async () => {
    // Arrange
    ec2Mock
      .on(AuthorizeSecurityGroupIngressCommand)
      .resolves({ SecurityGroupRules: [created(low, 'sgr-low'), created(high, 'sgr-high')] });
    ec2Mock.on(RevokeSecurityGroupIngressCommand).rejects(awsError('UnauthorizedOperation', 403));

    // Act
    const failure = applyPortClosure(ec2, 'us-east-1', plan);

    // Assert
    await expect(failure).rejects.toBeInstanceOf(UpstreamError);
    const error = (await failure.catch((e: unknown) => e)) as UpstreamError;
    expect(error.awsCall).toBe('ec2:RevokeSecurityGroupIngress');
    expect(error.message).toContain('Part of the change was applied');
    expect(error.details).toMatchObject({
      awsErrorCode: 'UnauthorizedOperation',
      applied: {
        addedRules: [
          expect.objectContaining({ securityGroupRuleId: 'sgr-low' }),
          expect.objectContaining({ securityGroupRuleId: 'sgr-high' }),
        ],
        revokedRules: [],
      },
      notApplied: {
        addedRules: [],
        revokedRules: [expect.objectContaining({ securityGroupRuleId: 'sgr-wide' })],
      },
      undo: [
        'aws ec2 revoke-security-group-ingress --region us-east-1 --group-id sg-a --security-group-rule-ids sgr-low',
        'aws ec2 revoke-security-group-ingress --region us-east-1 --group-id sg-a --security-group-rule-ids sgr-high',
      ],
    });
  });

  it('says nothing was changed when the first authorize fails', async () => {
    // Arrange
    ec2Mock.on(AuthorizeSecurityGroupIngressCommand).rejects(awsError('RulesPerSecurityGroupLimitExceeded'));

    // Act
    const error = (await applyPortClosure(ec2, 'us-east-1', plan).catch((e: unknown) => e)) as UpstreamError;

    // Assert
    expect(error.awsErrorCode).toBe('RulesPerSecurityGroupLimitExceeded');
    expect(error.message).toContain('Nothing was changed');
    expect(error.details).toMatchObject({ applied: { addedRules: [], revokedRules: [] }, undo: [] });
    expect(ec2Mock).not.toHaveReceivedCommand(RevokeSecurityGroupIngressCommand);
  });
});

describe('undoCommands and toIpPermission', () => {
  it.each([
    [
      'an all-traffic IPv6 rule',
      {
        ...wide,
        ipProtocol: '-1',
        fromPort: -1,
        toPort: -1,
        cidrIpv4: undefined,
        cidrIpv6: '::/0',
        description: undefined,
      },
      `'[{"IpProtocol":"-1","Ipv6Ranges":[{"CidrIpv6":"::/0"}]}]'`,
    ],
    [
      'a prefix list rule given with protocol number 6',
      { ...wide, ipProtocol: '6', fromPort: 22, toPort: 22, cidrIpv4: undefined, prefixListId: 'pl-1' },
      `'[{"IpProtocol":"tcp","FromPort":22,"ToPort":22,"PrefixListIds":[{"PrefixListId":"pl-1","Description":"all tcp"}]}]'`,
    ],
    [
      'a description with a quote',
      { ...wide, description: "Bob's" },
      `'[{"IpProtocol":"tcp","FromPort":0,"ToPort":65535,"IpRanges":[{"CidrIp":"0.0.0.0/0","Description":"Bob'\\''s"}]}]'`,
    ],
  ])('re-authorizes %s exactly', (_case, revoked, permissions) => {
    // Act
    const [line] = undoCommands('eu-west-1', [revoked as IngressRule], []);

    // Assert
    expect(line).toBe(
      `aws ec2 authorize-security-group-ingress --region eu-west-1 --group-id sg-a --ip-permissions ${permissions}`,
    );
  });

  it('revokes added rules by id, or by exact permission before AWS assigned one (dry run)', () => {
    // Act
    const lines = undoCommands('us-east-1', [], [{ ...low, securityGroupRuleId: 'sgr-low' }, high]);

    // Assert
    expect(lines).toEqual([
      'aws ec2 revoke-security-group-ingress --region us-east-1 --group-id sg-a --security-group-rule-ids sgr-low',
      `aws ec2 revoke-security-group-ingress --region us-east-1 --group-id sg-a --ip-permissions '${JSON.stringify([toIpPermission(high)])}'`,
    ]);
  });
});
