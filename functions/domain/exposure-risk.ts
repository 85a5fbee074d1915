/**
 * How bad is an exposure? A severity per finding, so lists put the worst first and "how bad is it?"
 * has an answer in one call. The rules (also in docs/safety.md):
 *
 * EC2, per exposed (protocol, port range) on an instance:
 * - critical: an admin, database or file-sharing service (SSH, RDP, MySQL, SMB, ...) on a running or
 *   pending instance with a public address;
 * - high: another non-web port on such an instance, or a critical service on an instance without a
 *   public address (reachable through a load balancer or NAT) or stopped (exposed on start);
 * - medium: a web port (80, 443, 8080, 8443) on a running instance with a public address, or another
 *   non-web port on an instance without a public address or stopped;
 * - low: a web port on an instance without a public address or stopped.
 * A range counts as its worst port: an all-traffic rule or tcp 0-65535 includes SSH.
 *
 * S3, per public bucket: critical when anyone may write (an ACL grant of WRITE, WRITE_ACP or
 * FULL_CONTROL, or a public statement allowing a write action); high when anyone may read; medium when
 * the bucket hosts a static website (public reading is often the point, but it is still public);
 * low for latent exposure (neutralised by Block Public Access today).
 */

export type Severity = 'critical' | 'high' | 'medium' | 'low';

/** Worst first; the index is the sort rank. */
export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low'];

export type ServiceKind = 'admin' | 'database' | 'file-sharing' | 'web' | 'other';

export interface WellKnownService {
  port: number;
  protocol: 'tcp' | 'udp';
  name: string;
  kind: ServiceKind;
}

/** Services people ask about by name, and how dangerous each is when open to everyone. */
export const WELL_KNOWN_SERVICES: readonly WellKnownService[] = [
  { port: 20, protocol: 'tcp', name: 'FTP data', kind: 'file-sharing' },
  { port: 21, protocol: 'tcp', name: 'FTP', kind: 'file-sharing' },
  { port: 22, protocol: 'tcp', name: 'SSH', kind: 'admin' },
  { port: 23, protocol: 'tcp', name: 'Telnet', kind: 'admin' },
  { port: 25, protocol: 'tcp', name: 'SMTP', kind: 'other' },
  { port: 53, protocol: 'udp', name: 'DNS', kind: 'other' },
  { port: 53, protocol: 'tcp', name: 'DNS', kind: 'other' },
  { port: 80, protocol: 'tcp', name: 'HTTP', kind: 'web' },
  { port: 111, protocol: 'tcp', name: 'RPC portmapper', kind: 'file-sharing' },
  { port: 135, protocol: 'tcp', name: 'Windows RPC', kind: 'admin' },
  { port: 137, protocol: 'udp', name: 'NetBIOS', kind: 'file-sharing' },
  { port: 139, protocol: 'tcp', name: 'NetBIOS session', kind: 'file-sharing' },
  { port: 161, protocol: 'udp', name: 'SNMP', kind: 'admin' },
  { port: 443, protocol: 'tcp', name: 'HTTPS', kind: 'web' },
  { port: 445, protocol: 'tcp', name: 'SMB', kind: 'file-sharing' },
  { port: 1433, protocol: 'tcp', name: 'SQL Server', kind: 'database' },
  { port: 1521, protocol: 'tcp', name: 'Oracle', kind: 'database' },
  { port: 2049, protocol: 'tcp', name: 'NFS', kind: 'file-sharing' },
  { port: 2375, protocol: 'tcp', name: 'Docker API', kind: 'admin' },
  { port: 2379, protocol: 'tcp', name: 'etcd', kind: 'database' },
  { port: 3306, protocol: 'tcp', name: 'MySQL', kind: 'database' },
  { port: 3389, protocol: 'tcp', name: 'RDP', kind: 'admin' },
  { port: 3389, protocol: 'udp', name: 'RDP', kind: 'admin' },
  { port: 5432, protocol: 'tcp', name: 'PostgreSQL', kind: 'database' },
  { port: 5601, protocol: 'tcp', name: 'Kibana', kind: 'admin' },
  { port: 5900, protocol: 'tcp', name: 'VNC', kind: 'admin' },
  { port: 5984, protocol: 'tcp', name: 'CouchDB', kind: 'database' },
  { port: 6379, protocol: 'tcp', name: 'Redis', kind: 'database' },
  { port: 6443, protocol: 'tcp', name: 'Kubernetes API', kind: 'admin' },
  { port: 8080, protocol: 'tcp', name: 'HTTP (alternate)', kind: 'web' },
  { port: 8443, protocol: 'tcp', name: 'HTTPS (alternate)', kind: 'web' },
  { port: 9092, protocol: 'tcp', name: 'Kafka', kind: 'database' },
  { port: 9200, protocol: 'tcp', name: 'Elasticsearch', kind: 'database' },
  { port: 9300, protocol: 'tcp', name: 'Elasticsearch transport', kind: 'database' },
  { port: 11211, protocol: 'tcp', name: 'Memcached', kind: 'database' },
  { port: 11211, protocol: 'udp', name: 'Memcached', kind: 'database' },
  { port: 27017, protocol: 'tcp', name: 'MongoDB', kind: 'database' },
];

/** The well-known services inside a port range, for one protocol ('-1' = every protocol). */
export function servicesInRange(ipProtocol: string, fromPort: number, toPort: number): WellKnownService[] {
  const all = ipProtocol === '-1' || fromPort < 0;
  return WELL_KNOWN_SERVICES.filter(
    (s) => (all || s.protocol === ipProtocol) && (all || (s.port >= fromPort && s.port <= toPort)),
  );
}

/** The service a single port is known for, if any. */
export function serviceName(port: number, protocol: 'tcp' | 'udp'): string | null {
  return WELL_KNOWN_SERVICES.find((s) => s.port === port && s.protocol === protocol)?.name ?? null;
}

export interface PortRiskInput {
  ipProtocol: string;
  fromPort: number;
  toPort: number;
  /** EC2 state name: running, pending, stopping, stopped. */
  state: string;
  /** A public IPv4 or IPv6 address on any interface. */
  hasPublicAddress: boolean;
}

function worstKind(input: PortRiskInput): 'critical-service' | 'web' | 'other' {
  const services = servicesInRange(input.ipProtocol, input.fromPort, input.toPort);
  if (services.some((s) => s.kind === 'admin' || s.kind === 'database' || s.kind === 'file-sharing'))
    return 'critical-service';
  const width = input.fromPort < 0 ? Number.POSITIVE_INFINITY : input.toPort - input.fromPort + 1;
  if (services.length > 0 && services.length === width && services.every((s) => s.kind === 'web'))
    return 'web';
  return 'other';
}

/** The severity of one exposed port range on one instance (rules in the module comment). */
export function portSeverity(input: PortRiskInput): Severity {
  const reachableNow = (input.state === 'running' || input.state === 'pending') && input.hasPublicAddress;
  const kind = worstKind(input);
  const base: Severity = kind === 'critical-service' ? 'critical' : kind === 'other' ? 'high' : 'medium';
  return reachableNow ? base : lower(base);
}

export interface BucketRiskInput {
  /** Anyone may write (ACL WRITE/WRITE_ACP/FULL_CONTROL to a public group, or a public write statement). */
  publicWrite: boolean;
  /** The bucket hosts a static website (null: could not be read). */
  website: boolean | null;
}

/** The severity of a public bucket (rules in the module comment); latent exposure is `low`. */
export function bucketSeverity(input: BucketRiskInput): Severity {
  if (input.publicWrite) return 'critical';
  return input.website === true ? 'medium' : 'high';
}

function lower(severity: Severity): Severity {
  return SEVERITIES[Math.min(SEVERITIES.indexOf(severity) + 1, SEVERITIES.length - 1)] ?? 'low';
}

/** Orders by severity (worst first), then by the given tie-breakers. */
export function compareSeverity(a: Severity, b: Severity): number {
  return SEVERITIES.indexOf(a) - SEVERITIES.indexOf(b);
}

/** Why a public bucket is public, for counts by cause. */
export interface BucketCauses {
  /** A public ACL grant makes it public. */
  acl: boolean;
  /** A public policy statement (or AWS's policy status) makes it public. */
  policy: boolean;
  /** Anyone may write (otherwise: read only). */
  write: boolean;
  website: boolean;
}

const ACL_WRITE_PERMISSIONS: ReadonlySet<string> = new Set(['WRITE', 'WRITE_ACP', 'FULL_CONTROL']);

/**
 * The causes of one public bucket, from the reasons of its verdict (`ACL grants P to ...` or
 * `Bucket policy ...` / `AWS reports the bucket policy ...`) and whether a public policy statement
 * allows a write. Reads the reason texts the verdict writes, so verdict and counts cannot disagree.
 */
export function bucketCauses(
  reasons: readonly string[],
  policyAllowsWrite: boolean,
  website: boolean,
): BucketCauses {
  const aclPermissions = reasons.flatMap((reason) => {
    const match = /^ACL grants (\S+) to /.exec(reason);
    return match?.[1] === undefined ? [] : [match[1]];
  });
  const policy = reasons.some((reason) => /^(Bucket policy|AWS reports the bucket policy)/.test(reason));
  const aclWrite = aclPermissions.some((permission) => ACL_WRITE_PERMISSIONS.has(permission));
  return {
    acl: aclPermissions.length > 0,
    policy,
    write: aclWrite || (policy && policyAllowsWrite),
    website,
  };
}

/** Whether an instance's public address makes its exposures reachable now (see `portSeverity`). */
export interface InstanceRiskInput {
  state: string;
  publicIp: string | null;
  ipv6Addresses: readonly string[];
  exposures: readonly { ipProtocol: string; fromPort: number; toPort: number }[];
}

/** The worst severity among an instance's exposures (`low` when it has none). */
export function instanceSeverity(instance: InstanceRiskInput): Severity {
  const hasPublicAddress = instance.publicIp !== null || instance.ipv6Addresses.length > 0;
  let worst: Severity = 'low';
  for (const exposure of instance.exposures) {
    const severity = portSeverity({ ...exposure, state: instance.state, hasPublicAddress });
    if (compareSeverity(severity, worst) < 0) worst = severity;
  }
  return worst;
}

/**
 * What a person calls an exposed range: the one service it is known for, or the first few well-known
 * services inside it; null when it holds none.
 */
export function describeServices(ipProtocol: string, fromPort: number, toPort: number): string | null {
  const names = [...new Set(servicesInRange(ipProtocol, fromPort, toPort).map((s) => s.name))];
  if (names.length === 0) return null;
  const shown = names.slice(0, SERVICES_SHOWN);
  return names.length > SERVICES_SHOWN
    ? `${shown.join(', ')} and ${names.length - SERVICES_SHOWN} more`
    : shown.join(', ');
}

const SERVICES_SHOWN = 4;

/** Counts per severity, every level present (0 when none). */
export type SeverityCounts = Record<Severity, number>;

export function countBySeverity(items: readonly { severity: Severity }[]): SeverityCounts {
  const counts: SeverityCounts = { critical: 0, high: 0, medium: 0, low: 0 };
  for (const item of items) counts[item.severity]++;
  return counts;
}

/** Counts of items per key, largest first then by key: the shape every "by ..." count takes. */
export function countBy<T>(
  items: readonly T[],
  keyOf: (item: T) => string,
): { key: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const item of items) {
    const key = keyOf(item);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts.entries()]
    .map(([key, count]) => ({ key, count }))
    .sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** Risk order: worst severity first, then by name (code-unit order, the same on every host). */
export function compareByRisk<T extends { severity: Severity }>(
  nameOf: (item: T) => string,
): (a: T, b: T) => number {
  return (a, b) => {
    const an = nameOf(a);
    const bn = nameOf(b);
    return compareSeverity(a.severity, b.severity) || (an < bn ? -1 : an > bn ? 1 : 0);
  };
}
