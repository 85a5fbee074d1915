/** Risk order and counts for exposed instances, where many instances share one list of open ranges. */
import type { OpenPortSummary } from '../../functions/domain/open-port-ranges';
import { rankExposedInstances } from '../../functions/domain/risk-report';

const ssh: OpenPortSummary = { protocol: 'tcp', fromPort: 22, toPort: 22, service: 'SSH' };
const https: OpenPortSummary = { protocol: 'tcp', fromPort: 443, toPort: 443, service: 'HTTPS' };

const instance = (
  id: string,
  openPorts: OpenPortSummary[],
  state = 'running',
  publicIp: string | null = '203.0.113.1',
) => ({
  instanceId: id,
  name: null,
  region: 'eu-west-1',
  state,
  publicIp,
  ipv6Addresses: [],
  exposures: [],
  openPorts,
});

describe('rankExposedInstances', () => {
  it('ranks instances sharing one list of ranges by their own state and address, and counts every one', () => {
    // Arrange: one list of ranges shared by four instances (a fleet on the same groups), one list of its own.
    const shared = [https, ssh];
    const found = [
      instance('i-1', shared),
      instance('i-2', shared, 'stopped'),
      instance('i-3', shared),
      instance('i-4', shared, 'running', null),
      instance('i-5', [https]),
    ];

    // Act
    const { instances, counts } = rankExposedInstances(found, { protocol: 'tcp' });

    // Assert
    const byId = new Map(instances.map((ranked) => [ranked.instance.instanceId, ranked]));
    expect(instances.map((ranked) => [ranked.instance.instanceId, ranked.severity])).toEqual([
      ['i-1', 'critical'],
      ['i-3', 'critical'],
      ['i-2', 'high'],
      ['i-4', 'high'],
      ['i-5', 'medium'],
    ]);
    expect(byId.get('i-1')?.openPorts).toEqual([
      { ...ssh, severity: 'critical' },
      { ...https, severity: 'medium' },
    ]);
    expect(byId.get('i-2')?.openPorts.map((port) => port.severity)).toEqual(['high', 'low']);
    // Alike instances share one ranked list; a different state or address gets its own.
    expect(byId.get('i-1')?.openPorts).toBe(byId.get('i-3')?.openPorts);
    expect(byId.get('i-1')?.openPorts).not.toBe(byId.get('i-2')?.openPorts);
    expect(byId.get('i-1')?.openPorts).not.toBe(byId.get('i-4')?.openPorts);
    expect(counts.byPort).toEqual([
      { protocol: 'tcp', fromPort: 443, toPort: 443, service: 'HTTPS', count: 5 },
      { protocol: 'tcp', fromPort: 22, toPort: 22, service: 'SSH', count: 4 },
    ]);
    expect(counts.bySeverity).toEqual({ critical: 2, high: 2, medium: 1, low: 0 });
  });

  it('one port asked: every instance ranks on that port, by its state and address', () => {
    // Arrange
    const found = [instance('i-1', []), instance('i-2', [], 'stopped'), instance('i-3', [])];

    // Act
    const { instances, counts } = rankExposedInstances(found, { port: 3306, protocol: 'tcp' });

    // Assert
    expect(instances.map((ranked) => [ranked.instance.instanceId, ranked.openPorts])).toEqual([
      ['i-1', [{ protocol: 'tcp', fromPort: 3306, toPort: 3306, service: 'MySQL', severity: 'critical' }]],
      ['i-3', [{ protocol: 'tcp', fromPort: 3306, toPort: 3306, service: 'MySQL', severity: 'critical' }]],
      ['i-2', [{ protocol: 'tcp', fromPort: 3306, toPort: 3306, service: 'MySQL', severity: 'high' }]],
    ]);
    expect(counts.byPort).toEqual([
      { protocol: 'tcp', fromPort: 3306, toPort: 3306, service: 'MySQL', count: 3 },
    ]);
  });
});
