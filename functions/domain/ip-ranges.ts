/**
 * IPv4 / IPv6 CIDR arithmetic for the exposure rules.
 *
 * Addresses are held as bigint for both families so IPv6 (128 bits) needs no
 * special casing; the sets we handle are small (the rules of a few security
 * groups plus their prefix lists), so bigint speed is not a concern.
 */

/** An address family: 4 for IPv4, 6 for IPv6. */
export type IpFamily = 4 | 6;

/** Both families, in the order every loop in the domain visits them. */
export const IP_FAMILIES: readonly IpFamily[] = [4, 6];

/** A parsed, normalised CIDR block: the inclusive address interval it covers. */
export interface IpRange {
  readonly family: IpFamily;
  /** First address of the block (host bits cleared). */
  readonly first: bigint;
  /** Last address of the block (host bits set). */
  readonly last: bigint;
  readonly prefixLength: number;
  /** Canonical text: network address (IPv6 in RFC 5952 form) and prefix length. */
  readonly cidr: string;
}

const IPV4_OCTET = /^(0|[1-9][0-9]{0,2})$/;
const IPV6_GROUP = /^[0-9a-f]{1,4}$/;
const PREFIX_LENGTH = /^(0|[1-9][0-9]{0,2})$/;

/**
 * Number of address bits in a family.
 *
 * @param family - 4 or 6
 * @returns 32 or 128
 */
export function familyBits(family: IpFamily): number {
  return family === 4 ? 32 : 128;
}

/**
 * Highest address of a family (255.255.255.255 or ffff:...:ffff) as a number.
 *
 * @param family - 4 or 6
 */
export function lastAddressOf(family: IpFamily): bigint {
  return (1n << BigInt(familyBits(family))) - 1n;
}

/**
 * Parses dotted-quad IPv4 text. Leading zeros are refused because some parsers
 * read them as octal, so `010.0.0.1` would not mean what it seems to.
 *
 * @param text - e.g. `192.0.2.1`
 * @returns the address as a number, or undefined when the text is not an IPv4 address
 */
export function parseIpv4Address(text: string): bigint | undefined {
  const octets = text.split('.');
  if (octets.length !== 4) return undefined;
  // Accumulate as a plain number (exact up to 2^53) and convert once: bigint steps are slow.
  let value = 0;
  for (const octet of octets) {
    if (!IPV4_OCTET.test(octet)) return undefined;
    const n = Number(octet);
    if (n > 255) return undefined;
    value = value * 256 + n;
  }
  return BigInt(value);
}

/**
 * Parses IPv6 text: full, `::`-compressed, and with an embedded IPv4 tail
 * (`::ffff:192.0.2.1`). Zone ids (`%eth0`) are refused: they never appear in
 * security group rules.
 *
 * @param text - e.g. `2001:db8::1`
 * @returns the address as a number, or undefined when the text is not an IPv6 address
 */
export function parseIpv6Address(text: string): bigint | undefined {
  const lower = text.toLowerCase();
  const halves = lower.split('::');
  if (halves.length > 2) return undefined;
  const head = parseIpv6Groups(halves[0] ?? '', halves.length === 1);
  const tail = halves.length === 2 ? parseIpv6Groups(halves[1] ?? '', true) : [];
  if (head === undefined || tail === undefined) return undefined;
  const compressed = halves.length === 2;
  const total = head.length + tail.length;
  // `::` stands for at least one zero group, so with it at most 7 groups are written.
  if (compressed ? total > 7 : total !== 8) return undefined;
  const groups = [...head, ...new Array<number>(8 - total).fill(0), ...tail];
  let value = 0n;
  for (const group of groups) value = (value << 16n) | BigInt(group);
  return value;
}

/** Splits one side of a `::` into 16-bit groups; an IPv4 tail is allowed only at the very end. */
function parseIpv6Groups(side: string, mayEndWithIpv4: boolean): number[] | undefined {
  if (side === '') return [];
  const parts = side.split(':');
  const groups: number[] = [];
  for (const [index, part] of parts.entries()) {
    if (part.includes('.')) {
      if (!mayEndWithIpv4 || index !== parts.length - 1) return undefined;
      const v4 = parseIpv4Address(part);
      if (v4 === undefined) return undefined;
      groups.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
    } else {
      if (!IPV6_GROUP.test(part)) return undefined;
      groups.push(Number.parseInt(part, 16));
    }
  }
  return groups;
}

/**
 * Formats an IPv4 address number as dotted-quad text.
 *
 * @param value - 0 .. 2^32-1
 */
export function formatIpv4Address(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 0xffn)).join('.');
}

/**
 * Formats an IPv6 address number in RFC 5952 canonical form (lower case, no
 * leading zeros, the longest run of two or more zero groups as `::`, the first
 * such run on a tie), so equal addresses always compare equal as text.
 *
 * @param value - 0 .. 2^128-1
 */
export function formatIpv6Address(value: bigint): string {
  const groups: number[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n) groups.push(Number((value >> shift) & 0xffffn));
  let bestStart = -1;
  let bestLength = 1;
  let runStart = -1;
  for (let i = 0; i <= groups.length; i++) {
    if (i < groups.length && groups[i] === 0) {
      if (runStart < 0) runStart = i;
      continue;
    }
    if (runStart >= 0 && i - runStart > bestLength) {
      bestStart = runStart;
      bestLength = i - runStart;
    }
    runStart = -1;
  }
  const hex = groups.map((group) => group.toString(16));
  if (bestStart < 0) return hex.join(':');
  const before = hex.slice(0, bestStart).join(':');
  const after = hex.slice(bestStart + bestLength).join(':');
  return `${before}::${after}`;
}

/**
 * Parses and normalises a CIDR block such as `10.0.0.0/8` or `2001:DB8::/32`.
 * Host bits set below the prefix are cleared (`10.1.2.3/8` becomes `10.0.0.0/8`)
 * because the block, not the spelling, decides who can connect.
 *
 * @param text - CIDR text; a prefix length is required
 * @returns the range, or undefined when the text is not a valid CIDR block
 */
export function parseCidr(text: string): IpRange | undefined {
  const parts = text.trim().split('/');
  if (parts.length !== 2) return undefined;
  const [addressText = '', prefixText = ''] = parts;
  if (!PREFIX_LENGTH.test(prefixText)) return undefined;
  const prefixLength = Number(prefixText);
  const family: IpFamily = addressText.includes(':') ? 6 : 4;
  const bits = familyBits(family);
  if (prefixLength > bits) return undefined;
  const address = family === 4 ? parseIpv4Address(addressText) : parseIpv6Address(addressText);
  if (address === undefined) return undefined;
  const hostMask = (1n << BigInt(bits - prefixLength)) - 1n;
  const first = address & ~hostMask & lastAddressOf(family);
  const last = first | hostMask;
  const network = family === 4 ? formatIpv4Address(first) : formatIpv6Address(first);
  return { family, first, last, prefixLength, cidr: `${network}/${prefixLength}` };
}

/**
 * Whether the union of some ranges covers every address of a family. Ranges of
 * the other family are ignored. Sort-and-sweep, so O(n log n) for any overlap pattern.
 *
 * @param ranges - any ranges, in any order, overlapping or not
 * @param family - the family that must be covered
 */
export function coversWholeFamily(ranges: readonly IpRange[], family: IpFamily): boolean {
  const sorted = ranges
    .filter((range) => range.family === family)
    .sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
  const end = lastAddressOf(family);
  // `next` is the first address not yet known to be covered.
  let next = 0n;
  for (const range of sorted) {
    if (range.first > next) return false;
    if (range.last >= next) next = range.last + 1n;
    if (next > end) return true;
  }
  return false;
}

/**
 * Whether `outer` contains every address of `inner` (same family only).
 *
 * @param outer - the enclosing block
 * @param inner - the block tested
 */
export function rangeContains(outer: IpRange, inner: IpRange): boolean {
  return outer.family === inner.family && outer.first <= inner.first && inner.last <= outer.last;
}

function parseAllCidrs(texts: readonly string[]): IpRange[] {
  return texts.flatMap((cidr) => {
    const range = parseCidr(cidr);
    return range === undefined ? [] : [range];
  });
}

/**
 * IPv4 special-purpose blocks that are not globally reachable (IANA "IPv4
 * Special-Purpose Address Registry", entries with Globally Reachable = False,
 * plus multicast 224/4 from the multicast registry): `this network`, RFC 1918,
 * shared address space, loopback, link-local, IETF protocol assignments, the
 * three documentation nets, benchmarking, multicast and reserved (which holds
 * the limited broadcast address).
 */
export const IPV4_SPECIAL_PURPOSE: readonly string[] = [
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.0.0.0/24',
  '192.0.2.0/24',
  '192.168.0.0/16',
  '198.18.0.0/15',
  '198.51.100.0/24',
  '203.0.113.0/24',
  '224.0.0.0/4',
  '240.0.0.0/4',
];

/**
 * IPv6: only global unicast `2000::/3` can come from the internet (loopback,
 * IPv4-mapped, unique-local, link-local and multicast all lie outside it), minus
 * the IANA "IPv6 Special-Purpose Address Registry" blocks inside it that are not
 * globally reachable: the IETF protocol assignments block 2001::/23 as a whole
 * (its few reachable sub-blocks are anycast service addresses, never clients),
 * and the documentation blocks 2001:db8::/32 and 3fff::/20.
 */
export const IPV6_GLOBAL_UNICAST = '2000::/3';
export const IPV6_SPECIAL_PURPOSE: readonly string[] = ['2001::/23', '2001:db8::/32', '3fff::/20'];

/** An inclusive interval of addresses of one family. */
export type AddressInterval = readonly [bigint, bigint];

function compareIntervals(a: AddressInterval, b: AddressInterval): number {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}

/**
 * Sorted, disjoint, non-adjacent intervals covering exactly the union of the input.
 *
 * @param intervals - any intervals, in any order
 */
export function mergeIntervals(intervals: readonly AddressInterval[]): AddressInterval[] {
  const sorted = [...intervals].sort(compareIntervals);
  const merged: [bigint, bigint][] = [];
  for (const [first, last] of sorted) {
    const top = merged[merged.length - 1];
    if (top !== undefined && first <= top[1] + 1n) {
      if (last > top[1]) top[1] = last;
    } else merged.push([first, last]);
  }
  return merged;
}

/** `from` minus `minus`, both sorted and disjoint (as mergeIntervals returns them). */
function subtractIntervals(
  from: readonly AddressInterval[],
  minus: readonly AddressInterval[],
): AddressInterval[] {
  const result: AddressInterval[] = [];
  for (const [first, last] of from) {
    let next = first;
    for (const [cutFirst, cutLast] of minus) {
      if (cutLast < next || cutFirst > last) continue;
      if (cutFirst > next) result.push([next, cutFirst - 1n]);
      next = cutLast + 1n;
      if (next > last) break;
    }
    if (next <= last) result.push([next, last]);
  }
  return result;
}

function intervalsOf(ranges: readonly IpRange[]): AddressInterval[] {
  return ranges.map((range) => [range.first, range.last]);
}

/** Per family, the addresses that can be a client on the internet, as sorted disjoint intervals. */
const PUBLIC_SPACE: Readonly<Record<IpFamily, readonly AddressInterval[]>> = {
  4: subtractIntervals(
    [[0n, lastAddressOf(4)]],
    mergeIntervals(intervalsOf(parseAllCidrs(IPV4_SPECIAL_PURPOSE))),
  ),
  6: subtractIntervals(
    intervalsOf(parseAllCidrs([IPV6_GLOBAL_UNICAST])),
    mergeIntervals(intervalsOf(parseAllCidrs(IPV6_SPECIAL_PURPOSE))),
  ),
};

/** Per family, everything else: the intervals a source loses when measured for the internet. */
const NON_PUBLIC_SPACE: Readonly<Record<IpFamily, readonly AddressInterval[]>> = {
  4: subtractIntervals([[0n, lastAddressOf(4)]], PUBLIC_SPACE[4]),
  6: subtractIntervals([[0n, lastAddressOf(6)]], PUBLIC_SPACE[6]),
};

/**
 * Public addresses beyond which a set of sources is "the internet": one /8 of
 * IPv4 (2^24) or one /32 of IPv6 (2^96), the breadth AWS itself calls public
 * for `aws:SourceIp` in S3 bucket policies. Exceeding it is open; equal is not.
 */
export const PUBLIC_SPACE_LIMIT: Readonly<Record<IpFamily, bigint>> = { 4: 1n << 24n, 6: 1n << 96n };

/**
 * The public part of a set of ranges in one family: their union with the
 * special-purpose (never-internet) space removed, as sorted disjoint intervals.
 *
 * @param ranges - any ranges; those of the other family are ignored
 * @param family - the family measured
 */
export function publicIntervals(ranges: readonly IpRange[], family: IpFamily): AddressInterval[] {
  const union = mergeIntervals(intervalsOf(ranges.filter((range) => range.family === family)));
  return subtractIntervals(union, NON_PUBLIC_SPACE[family]);
}

/**
 * How many addresses some sorted disjoint intervals hold.
 *
 * @param intervals - as publicIntervals or mergeIntervals return them
 */
export function addressCount(intervals: readonly AddressInterval[]): bigint {
  let count = 0n;
  for (const [first, last] of intervals) count += last - first + 1n;
  return count;
}

/**
 * How many public (internet) addresses the union of some ranges admits in one family.
 *
 * @param ranges - any ranges, overlapping or not
 * @param family - the family measured
 */
export function publicAddressCount(ranges: readonly IpRange[], family: IpFamily): bigint {
  return addressCount(publicIntervals(ranges, family));
}

/**
 * Whether a range holds no public address at all (private, loopback,
 * documentation, multicast... or IPv6 outside global unicast).
 *
 * @param range - the block tested
 */
export function isPrivateRange(range: IpRange): boolean {
  return publicAddressCount([range], range.family) === 0n;
}

/**
 * Whether a range is narrow: it admits at most one /8 of public IPv4 or one /32
 * of public IPv6, so on its own it is not the internet.
 *
 * @param range - the block tested
 */
export function isNarrowRange(range: IpRange): boolean {
  return publicAddressCount([range], range.family) <= PUBLIC_SPACE_LIMIT[range.family];
}
