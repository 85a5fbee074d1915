import {
  formatIpv6Address,
  type IpRange,
  isNarrowRange,
  isPrivateRange,
  lastAddressOf,
  parseCidr,
  parseIpv4Address,
  parseIpv6Address,
  publicAddressCount,
  rangeContains,
} from '../../functions/domain/ip-ranges';

function cidr(text: string): IpRange {
  const range = parseCidr(text);
  if (range === undefined) throw new Error(`bad test CIDR ${text}`);
  return range;
}

/** All 256 IPv4 /8 blocks: a union that covers IPv4 with no single public source. */
const ALL_SLASH_8 = Array.from({ length: 256 }, (_, i) => `${i}.0.0.0/8`);

describe('parseIpv4Address', () => {
  it.each([
    ['0.0.0.0', 0n],
    ['255.255.255.255', 0xffffffffn],
    ['192.0.2.1', 0xc0000201n],
  ])('parses %s', (text, expected) => {
    // Act
    const value = parseIpv4Address(text);

    // Assert
    expect(value).toBe(expected);
  });

  it.each(['256.0.0.1', '1.2.3', '1.2.3.4.5', '01.2.3.4', '1.2.3.-4', 'a.b.c.d', '', '1..2.3'])(
    'refuses %p',
    (text) => {
      // Act
      const value = parseIpv4Address(text);

      // Assert
      expect(value).toBeUndefined();
    },
  );
});

describe('parseIpv6Address', () => {
  it.each([
    ['::', 0n],
    ['::1', 1n],
    ['1::', 1n << 112n],
    ['2001:db8::1', 0x20010db8000000000000000000000001n],
    ['2001:0DB8:0000:0000:0000:0000:0000:0001', 0x20010db8000000000000000000000001n],
    ['::ffff:192.0.2.1', 0xffffc0000201n],
    ['1:2:3:4:5:6:7::', 0x00010002000300040005000600070000n],
    ['ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', lastAddressOf(6)],
    ['1:2:3:4:5:6:1.2.3.4', 0x00010002000300040005000601020304n],
  ])('parses %s', (text, expected) => {
    // Act
    const value = parseIpv6Address(text);

    // Assert
    expect(value).toBe(expected);
  });

  it.each([
    '1::2::3',
    ':::',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7',
    '12345::',
    'g::',
    ':1::',
    '1.2.3.4::',
    '::1.2.3.4:5',
    'fe80::1%eth0',
    '1:2:3:4:5:6:7:8::',
  ])('refuses %p', (text) => {
    // Act
    const value = parseIpv6Address(text);

    // Assert
    expect(value).toBeUndefined();
  });
});

describe('formatIpv6Address', () => {
  it.each([
    ['::', '::'],
    ['::1', '::1'],
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    // A single zero group is not compressed (RFC 5952 4.2.2).
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    // The longest run wins; on a tie, the first.
    ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['1:0:0:0:0:0:0:0', '1::'],
  ])('writes %s as %s', (text, expected) => {
    // Arrange
    const value = parseIpv6Address(text);
    if (value === undefined) throw new Error('unparsable fixture');

    // Act
    const formatted = formatIpv6Address(value);

    // Assert
    expect(formatted).toBe(expected);
  });
});

describe('parseCidr', () => {
  it.each([
    ['0.0.0.0/0', 4, 0, '0.0.0.0/0'],
    ['10.1.2.3/8', 4, 8, '10.0.0.0/8'],
    ['203.0.113.5/32', 4, 32, '203.0.113.5/32'],
    ['::/0', 6, 0, '::/0'],
    ['2001:DB8:0:0::/32', 6, 32, '2001:db8::/32'],
    ['2001:db8::1/128', 6, 128, '2001:db8::1/128'],
    ['ffff::/1', 6, 1, '8000::/1'],
  ] as const)('parses %s', (text, family, prefixLength, normalised) => {
    // Act
    const range = parseCidr(text);

    // Assert
    expect(range).toMatchObject({ family, prefixLength, cidr: normalised });
  });

  it('computes the inclusive interval of the block', () => {
    // Act
    const range = cidr('128.0.0.0/1');

    // Assert
    expect([range.first, range.last]).toEqual([0x80000000n, 0xffffffffn]);
  });

  it.each(['10.0.0.0', '10.0.0.0/33', '::/129', '10.0.0.0/-1', '10.0.0.0/08', '10.0.0.0/8/8', 'pl-123', ''])(
    'refuses %p',
    (text) => {
      // Act
      const range = parseCidr(text);

      // Assert
      expect(range).toBeUndefined();
    },
  );
});

describe('publicAddressCount', () => {
  const SLASH_8 = 1n << 24n;
  const SLASH_32_V6 = 1n << 96n;
  it.each([
    ['0.0.0.0/0 is every public IPv4 address', ['0.0.0.0/0'], 4, (1n << 32n) - 592708608n],
    ['one public /8', ['11.0.0.0/8'], 4, SLASH_8],
    ['0.0.0.0/7 is one public /8: 0/8 is "this network"', ['0.0.0.0/7'], 4, SLASH_8],
    ['overlapping rules count once', ['11.0.0.0/8', '11.0.0.0/9', '11.128.0.0/16'], 4, SLASH_8],
    [
      'RFC 1918, CGNAT, loopback, link-local',
      ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16'],
      4,
      0n,
    ],
    [
      'documentation, benchmarking, multicast, reserved',
      ['192.0.2.0/24', '198.51.100.0/24', '203.0.113.0/24', '198.18.0.0/15', '224.0.0.0/3'],
      4,
      0n,
    ],
    ['a /8 with a special block inside loses it', ['100.0.0.0/8'], 4, SLASH_8 - (1n << 22n)],
    ['IPv6 ranges count nothing in IPv4', ['::/0'], 4, 0n],
    [
      '::/0 is 2000::/3 less its special blocks',
      ['::/0'],
      6,
      (1n << 125n) - (1n << 105n) - (1n << 108n) - (1n << 96n),
    ],
    ['2000::/3 is the same', ['2000::/3'], 6, (1n << 125n) - (1n << 105n) - (1n << 108n) - (1n << 96n)],
    [
      'unique-local, link-local, loopback, multicast',
      ['fc00::/7', 'fe80::/10', '::1/128', 'ff00::/8'],
      6,
      0n,
    ],
    ['2001:db8::/31 is one public /32 (db8 is documentation)', ['2001:db8::/31'], 6, SLASH_32_V6],
    ['nothing', [], 6, 0n],
  ] as const)('%s', (_name, cidrs, family, expected) => {
    // Arrange
    const ranges = cidrs.map(cidr);

    // Act
    const count = publicAddressCount(ranges, family);

    // Assert
    expect(count).toBe(expected);
  });

  it('counts all 256 /8 blocks as every public IPv4 address', () => {
    // Arrange
    const ranges = ALL_SLASH_8.map(cidr);

    // Act
    const count = publicAddressCount(ranges, 4);

    // Assert
    expect(count).toBe(publicAddressCount([cidr('0.0.0.0/0')], 4));
  });
});

describe('isNarrowRange', () => {
  it.each([
    ['11.0.0.0/8', true],
    ['8.0.0.0/7', false],
    ['0.0.0.0/7', true],
    ['10.0.0.0/7', true],
    ['2400::/32', true],
    ['2400::/31', false],
    ['fc00::/7', true],
  ])('%s is narrow: %p', (text, expected) => {
    // Act
    const narrow = isNarrowRange(cidr(text));

    // Assert
    expect(narrow).toBe(expected);
  });
});

describe('rangeContains and isPrivateRange', () => {
  it.each([
    ['10.0.0.0/8', '10.1.0.0/16', true],
    ['10.1.0.0/16', '10.0.0.0/8', false],
    ['::/0', '0.0.0.0/0', false],
  ])('%s contains %s: %p', (outer, inner, expected) => {
    // Act
    const contains = rangeContains(cidr(outer), cidr(inner));

    // Assert
    expect(contains).toBe(expected);
  });

  it.each([
    ['10.0.0.0/8', true],
    ['172.16.5.0/24', true],
    ['192.168.1.0/24', true],
    ['100.64.0.0/10', true],
    ['fc00::/7', true],
    ['fd12:3456::/48', true],
    ['fe80::/10', true],
    ['172.0.0.0/8', false],
    ['203.0.113.5/32', true],
    ['8.8.8.8/32', false],
    ['0.0.0.0/0', false],
    ['2001:db8::/32', true],
    ['2400:cb00::/32', false],
    ['::/1', false],
    ['8000::/1', true],
  ])('%s is private: %p', (text, expected) => {
    // Act
    const isPrivate = isPrivateRange(cidr(text));

    // Assert
    expect(isPrivate).toBe(expected);
  });
});
