import {
  bucketSeverity,
  compareSeverity,
  portSeverity,
  type Severity,
  serviceName,
  servicesInRange,
} from '../../functions/domain/exposure-risk';

describe('portSeverity', () => {
  const running = { state: 'running', hasPublicAddress: true };
  it.each<[string, Parameters<typeof portSeverity>[0], Severity]>([
    [
      'SSH on a running instance with a public address',
      { ipProtocol: 'tcp', fromPort: 22, toPort: 22, ...running },
      'critical',
    ],
    ['PostgreSQL', { ipProtocol: 'tcp', fromPort: 5432, toPort: 5432, ...running }, 'critical'],
    ['SMB', { ipProtocol: 'tcp', fromPort: 445, toPort: 445, ...running }, 'critical'],
    ['all traffic includes SSH', { ipProtocol: '-1', fromPort: -1, toPort: -1, ...running }, 'critical'],
    ['tcp 0-65535 includes SSH', { ipProtocol: 'tcp', fromPort: 0, toPort: 65535, ...running }, 'critical'],
    ['an unknown port', { ipProtocol: 'tcp', fromPort: 7000, toPort: 7000, ...running }, 'high'],
    ['HTTPS', { ipProtocol: 'tcp', fromPort: 443, toPort: 443, ...running }, 'medium'],
    ['80-80 web', { ipProtocol: 'tcp', fromPort: 80, toPort: 80, ...running }, 'medium'],
    [
      '80-443 is more than web ports',
      { ipProtocol: 'tcp', fromPort: 80, toPort: 443, ...running },
      'critical',
    ],
    ['udp 443 is not HTTPS', { ipProtocol: 'udp', fromPort: 443, toPort: 443, ...running }, 'high'],
    [
      'SSH on a stopped instance',
      { ipProtocol: 'tcp', fromPort: 22, toPort: 22, state: 'stopped', hasPublicAddress: true },
      'high',
    ],
    [
      'SSH without a public address',
      { ipProtocol: 'tcp', fromPort: 22, toPort: 22, state: 'running', hasPublicAddress: false },
      'high',
    ],
    [
      'an unknown port, stopped',
      { ipProtocol: 'tcp', fromPort: 7000, toPort: 7000, state: 'stopped', hasPublicAddress: true },
      'medium',
    ],
    [
      'HTTPS, stopped',
      { ipProtocol: 'tcp', fromPort: 443, toPort: 443, state: 'stopped', hasPublicAddress: false },
      'low',
    ],
  ])('%s → %s', (_label, input, expected) => {
    expect(portSeverity(input)).toBe(expected);
  });
});

describe('bucketSeverity', () => {
  it.each<[string, Parameters<typeof bucketSeverity>[0], Severity]>([
    ['public write', { publicWrite: true, website: false }, 'critical'],
    ['public write on a website', { publicWrite: true, website: true }, 'critical'],
    ['public read', { publicWrite: false, website: false }, 'high'],
    ['public read, website unknown', { publicWrite: false, website: null }, 'high'],
    ['public read of a static website', { publicWrite: false, website: true }, 'medium'],
  ])('%s → %s', (_label, input, expected) => {
    expect(bucketSeverity(input)).toBe(expected);
  });
});

describe('services', () => {
  it.each([
    [22, 'tcp', 'SSH'],
    [3389, 'tcp', 'RDP'],
    [27017, 'tcp', 'MongoDB'],
    [22, 'udp', null],
    [7000, 'tcp', null],
  ] as const)('port %i/%s is %s', (port, protocol, name) => {
    expect(serviceName(port, protocol)).toBe(name);
  });

  it('finds the services inside a range, for that protocol only', () => {
    expect(servicesInRange('tcp', 20, 25).map((s) => s.name)).toEqual([
      'FTP data',
      'FTP',
      'SSH',
      'Telnet',
      'SMTP',
    ]);
    expect(servicesInRange('udp', 20, 25)).toEqual([]);
  });

  it('sorts worst first', () => {
    const sorted = (['low', 'critical', 'medium', 'high'] as Severity[]).sort(compareSeverity);
    expect(sorted).toEqual(['critical', 'high', 'medium', 'low']);
  });
});
