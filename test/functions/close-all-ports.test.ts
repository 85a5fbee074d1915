/**
 * Closing every internet-open port of one instance except the kept ones (issue 15, point 2), over HTTP on
 * the sandbox: preview with a planId, apply exactly that, kept ports stay open, a second call changes
 * nothing, the undo lines restore the groups, and unclear requests are refused with what to send.
 */
import { inMemoryPlanSigning } from '../../functions/shared/plan-signing';
import { newPlanKey } from '../../functions/shared/plan-token';
import { defaultScenario, startTestApi, type TestApi } from '../support/local-api';

const WEB = 'i-0b8bfaa60ede5b648';
const preview = (query: string) => `/ec2/instances/${WEB}/close-port/preview?${query}`;
const apply = `/ec2/instances/${WEB}/close-port`;

let api: TestApi;
beforeEach(async () => {
  api = await startTestApi(defaultScenario(), { plans: inMemoryPlanSigning(newPlanKey(), () => Date.now()) });
});
afterEach(() => api.close());

/** Runs one undo line on the sandbox the way the AWS CLI would send it. */
async function runUndoLine(line: string): Promise<void> {
  const region = /--region (\S+)/.exec(line)?.[1] as string;
  const groupId = /--group-id (\S+)/.exec(line)?.[1];
  const permissions = /--ip-permissions '(.*)'$/.exec(line)?.[1];
  const ruleIds = /--security-group-rule-ids (.+)$/.exec(line)?.[1];
  const command = line.startsWith('aws ec2 authorize')
    ? 'AuthorizeSecurityGroupIngress'
    : 'RevokeSecurityGroupIngress';
  await api.sandbox.answer('ec2', region, command, {
    GroupId: groupId,
    ...(permissions ? { IpPermissions: JSON.parse(permissions) } : {}),
    ...(ruleIds ? { SecurityGroupRuleIds: ruleIds.split(' ') } : {}),
  });
}

/** The instance's open (protocol, range)s as the every-port find reports them. */
async function openOnWeb(): Promise<string[]> {
  const find = await api.call('GET', '/ec2/instances-with-open-port?region=us-east-1');
  const instance = find.body.instances.find((i) => i.instanceId === WEB);
  return (instance?.openPorts ?? []).map((p) => `${p.protocol} ${p.fromPort}-${p.toPort}`).sort();
}

describe('close every port of an instance but the kept ones', () => {
  it('previews, applies exactly the preview by planId, and leaves only the kept ports open', async () => {
    expect(await openOnWeb()).toEqual(['tcp 0-65535']);

    const seen = await api.call('GET', preview('keep=80,443'));
    expect(seen.status).toBe(200);
    expect(seen.body).toMatchObject({ port: null, protocol: 'tcp and udp', keep: [80, 443], dryRun: true });
    expect(seen.body.closedPorts).toEqual([
      expect.objectContaining({
        protocol: 'tcp',
        fromPort: 0,
        toPort: 79,
        service: expect.stringContaining('SSH'),
      }),
      expect.objectContaining({ protocol: 'tcp', fromPort: 81, toPort: 442 }),
      expect.objectContaining({
        protocol: 'tcp',
        fromPort: 444,
        toPort: 65535,
        service: expect.stringContaining('SMB'),
      }),
    ]);
    expect(seen.body.summary).toContain('every internet-open tcp and udp port except 80, 443');
    expect(api.sandbox.writeCalls()).toEqual([]);

    const done = await api.call('POST', apply, { keep: '443, 80', planId: seen.body.planId });
    expect(done.status).toBe(200);
    expect(done.body.changed).toBe(true);
    expect(done.body.revokedRules).toEqual(seen.body.revokedRules);
    expect(done.body.addedRules.map((r) => `${r.ipProtocol} ${r.fromPort}-${r.toPort} ${r.source}`)).toEqual([
      'tcp 80-80 0.0.0.0/0',
      'tcp 443-443 0.0.0.0/0',
    ]);
    expect(done.body.stillOpen).toBe(false);
    expect(await openOnWeb()).toEqual(['tcp 443-443', 'tcp 80-80']);

    const again = await api.call('POST', apply, { allPorts: true, keep: '80,443' });
    expect(again.body).toMatchObject({ changed: false, revokedRules: [], addedRules: [], undo: [] });
    expect(again.body.summary).toContain('No tcp or udp port other than 80, 443 is open to the internet');
  });

  it('allPorts alone closes every open port; a planId for one port does not apply it', async () => {
    const onePort = await api.call('GET', preview('port=22'));
    const refused = await api.call('POST', apply, { allPorts: true, planId: onePort.body.planId });
    expect(refused.status).toBe(409);
    expect(api.sandbox.writeCalls()).toEqual([]);

    const done = await api.call('POST', apply, { allPorts: true });
    expect(done.body).toMatchObject({ changed: true, stillOpen: false, keep: [] });
    expect(await openOnWeb()).toEqual([]);
  });

  it('the undo lines of an every-port closure restore the groups exactly', async () => {
    const inbound = () =>
      (api.sandbox.scenario.ec2['us-east-1']?.securityGroups ?? [])
        .flatMap((g) =>
          g.rules
            .filter((r) => !r.egress)
            .map(
              (r) =>
                `${g.groupId} ${r.ipProtocol} ${r.fromPort}-${r.toPort} ${r.cidrIpv4 ?? r.cidrIpv6} ${r.description}`,
            ),
        )
        .sort();
    const before = inbound();
    const done = await api.call('POST', apply, { keep: '80', protocol: 'tcp' });
    expect(done.body.changed).toBe(true);
    expect(inbound()).not.toEqual(before);
    for (const line of done.body.undo) await runUndoLine(line);
    expect(inbound()).toEqual(before);
  });

  it.each([
    ['port and keep together', { port: 22, keep: '80' }, 'send port alone, or allPorts/keep without port'],
    ['port and allPorts together', { port: 22, allPorts: true }, 'send port alone'],
    ['neither port nor allPorts', { protocol: 'tcp' }, 'say what to close: port'],
    ['a kept port out of range', { keep: '80,70000' }, 'every port must be from 0 to 65535'],
    ['a kept list that is not ports', { keep: '80, https' }, 'comma-separated list of ports'],
  ])('refuses %s with what to send, and writes nothing', async (_case, body, message) => {
    const reply = await api.call('POST', apply, body);
    expect(reply.status).toBe(400);
    expect(reply.body.error.code).toBe('ValidationError');
    expect(reply.body.error.message).toContain(message);
    expect(api.sandbox.writeCalls()).toEqual([]);
  });

  it('refuses a keep list that is not ports in the preview query', async () => {
    const reply = await api.call('GET', preview('keep=80,https'));
    expect(reply.status).toBe(400);
    expect(reply.body.error.message).toMatch(/keep/);
  });
});
