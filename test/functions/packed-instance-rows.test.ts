/**
 * Every-port answers store their instances packed: instances on the same security groups share their named
 * exposures (but for the interface ids) and their ranked ranges, stored once per snapshot chunk. Packing must
 * never show: every page, the first included, is exactly what listing each instance on its own gives. The
 * oracle is the same account with one extra, unused security group tagged as exposed on purpose in each
 * Region, which sends every instance through the path that names each exposure on its own (no sharing).
 */
import { brotliDecompressSync } from 'node:zlib';
import { SANDBOX_SNAPSHOT_TABLE } from '../../functions/local/local-backend';
import type { ScenarioInput } from '../../functions/local/sandbox/scenario';
import { scenario, startTestApi, type TestApi } from '../support/local-api';

const REGIONS = ['us-east-1', 'eu-west-1'];
// Untrusted names and descriptions, cleaned in answers: the shared text must be cleaned exactly alike.
const NAMES = ['web "public"', 'admin\u202e ssh', 'db\nmain', 'plain'];

function account(withUnusedTaggedGroup: boolean): ReturnType<typeof scenario> {
  const ec2: Record<string, unknown> = {};
  REGIONS.forEach((region, r) => {
    const group = (g: number) => `sg-0${r}${String(g).padStart(15, '0')}`;
    const securityGroups = NAMES.map((groupName, g) => ({
      groupId: group(g),
      groupName,
      rules: [
        { ipProtocol: 'tcp', fromPort: 443, toPort: 443, cidrIpv4: '0.0.0.0/0', description: `web\t${g}` },
        ...(g % 2 === 1 ? [{ ipProtocol: 'tcp', fromPort: 22, toPort: 22, cidrIpv6: '::/0' }] : []),
        ...(g === 2 ? [{ ipProtocol: '-1', fromPort: -1, toPort: -1, cidrIpv4: '198.51.100.0/24' }] : []),
      ],
    }));
    if (withUnusedTaggedGroup)
      securityGroups.push({
        groupId: group(9),
        groupName: 'unused',
        tags: { 'aiops:exposure': 'intended' },
        rules: [],
      } as never);
    const instances = Array.from({ length: 60 }, (_, i) => {
      const id = `${r}${String(i).padStart(16, '0')}`;
      const eni = (n: number, groupIds: string[]) => ({
        networkInterfaceId: `eni-${n}${id.slice(1)}`,
        groupIds,
        ...(i % 3 === 0 ? { publicIp: `203.0.113.${i}` } : {}),
        ...(i % 5 === 0 ? { ipv6Addresses: [`2001:db8::${i}`] } : {}),
      });
      return {
        instanceId: `i-${id}`,
        ...(i % 4 === 0 ? {} : { name: `app-${i % 7}` }),
        ...(i % 6 === 0 ? { state: 'stopped' } : {}),
        // Two interfaces on some: the shared exposures hold one placeholder per interface.
        networkInterfaces:
          i % 4 === 1
            ? [eni(2, [group(i % 4)]), eni(1, [group((i + 1) % 4), group(i % 4)])]
            : [eni(1, [group(i % 4), group((i + 2) % 4)])],
      };
    });
    ec2[region] = { securityGroups, instances };
  });
  return scenario({ ec2: ec2 as ScenarioInput['ec2'] });
}

let api: TestApi;
afterEach(() => api?.close());

/** The stored chunks of the listed instances (every snapshot so far), decompressed. */
function storedChunks(): Array<{ shared: Record<string, unknown>; rows: unknown[][] }> {
  return api.sandbox.tables
    .items(SANDBOX_SNAPSHOT_TABLE)
    .filter((item) => item.sk?.S?.startsWith('rows#instances#'))
    .map((item) => JSON.parse(brotliDecompressSync(item.rows?.B ?? new Uint8Array()).toString('utf8')));
}

const storedRows = () => storedChunks().flatMap((chunk) => chunk.rows);

/** Every page of one find, rows concatenated per list. */
async function allPages(query: string) {
  const lists: Record<string, unknown[]> = { instances: [], intendedInstances: [], unknownInstances: [] };
  let token: string | null = null;
  do {
    const reply = await api.call(
      'GET',
      `/ec2/instances-with-open-port?${query}${token ? `&nextToken=${encodeURIComponent(token)}` : ''}`,
    );
    expect(reply.status).toBe(200);
    const body = reply.body as unknown as Record<string, unknown>;
    for (const name of Object.keys(lists)) lists[name]?.push(...(body[name] as unknown[]));
    token = body.nextToken as string | null;
  } while (token !== null);
  return lists;
}

describe('packed instance rows', () => {
  it.each([
    ['every port', 'limit=7'],
    ['one port', 'port=443&limit=7'],
    ['tcp only', 'protocol=tcp&limit=50'],
  ])('%s: every page is what listing each instance on its own gives', async (_, query) => {
    // Arrange
    api = await startTestApi(account(true));
    const unshared = await allPages(query);
    // The oracle really lists each instance's exposures on its own.
    expect(storedRows().every((row) => typeof (row[7] as unknown[])[0] !== 'number')).toBe(true);
    api.close();
    api = await startTestApi(account(false));

    // Act
    const packed = await allPages(query);

    // Assert
    expect(unshared.instances?.length).toBeGreaterThan(60);
    expect(JSON.stringify(packed)).toBe(JSON.stringify(unshared));
  });

  it('stores each group set’s exposures once per chunk, not once per instance', async () => {
    // Arrange
    api = await startTestApi(account(false));

    // Act
    await api.call('GET', '/ec2/instances-with-open-port?limit=5');

    // Assert
    const rows = storedRows();
    expect(rows).toHaveLength(120);
    // Each row refers to its exposures' template by number and carries only its interface ids.
    expect(rows.every((row) => typeof (row[7] as unknown[])[0] === 'number')).toBe(true);
    // A few dozen group sets, names and ranked ranges: shared values, not 120 copies.
    expect(storedChunks().flatMap((chunk) => Object.keys(chunk.shared)).length).toBeLessThan(40);
  });
});
