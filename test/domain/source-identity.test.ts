/** The source identity a write runs under: what STS accepts, made to fit deterministically and without collisions. */
import {
  SOURCE_IDENTITY_PATTERN,
  sanitiseSourceIdentity,
  sourceIdentityOf,
} from '../../functions/domain/source-identity';

describe('sanitiseSourceIdentity', () => {
  it.each([
    ['alice@example.com'],
    ['IdentityCenter_alice@example.com'],
    ['3f6c1a2e-1111-2222-3333-444455556666'],
    ['a+b=c,d.e@f-g_h'],
    ['ab'],
  ])('keeps %j as it is', (raw) => {
    expect(sanitiseSourceIdentity(raw)).toBe(raw);
  });

  it.each([
    ['alice smith', /^alice_smith-[0-9a-f]{8}$/],
    ['josé@example.com', /^jos_@example\.com-[0-9a-f]{8}$/],
    ['aws:internal', /^aws_internal-[0-9a-f]{8}$/],
    ['a', /^a-[0-9a-f]{8}$/],
    ['', /^-[0-9a-f]{8}$/],
    ['👩‍💻', /^___-[0-9a-f]{8}$/],
  ])('makes %j fit', (raw, expected) => {
    const sanitised = sanitiseSourceIdentity(raw);
    expect(sanitised).toMatch(expected);
    expect(sanitised).toMatch(SOURCE_IDENTITY_PATTERN);
  });

  it('cuts a long value to 64 characters, keeping the hash', () => {
    const raw = `${'x'.repeat(70)}@example.com`;
    const sanitised = sanitiseSourceIdentity(raw);
    expect(sanitised).toHaveLength(64);
    expect(sanitised).toMatch(/^x{55}-[0-9a-f]{8}$/);
    expect(sanitised).toMatch(SOURCE_IDENTITY_PATTERN);
  });

  it('is deterministic, and keeps apart values that only differ in replaced characters', () => {
    expect(sanitiseSourceIdentity('alice smith')).toBe(sanitiseSourceIdentity('alice smith'));
    expect(sanitiseSourceIdentity('alice smith')).not.toBe(sanitiseSourceIdentity('alice/smith'));
    expect(sanitiseSourceIdentity('alice smith')).not.toBe('alice_smith');
  });
});

describe('sourceIdentityOf', () => {
  it.each([
    [{ principal: 'u', email: 'alice@example.com', username: 'uuid', sub: 'uuid' }, 'alice@example.com'],
    [
      { principal: 'u', username: 'IdentityCenter_bob@example.com', sub: 's' },
      'IdentityCenter_bob@example.com',
    ],
    [{ principal: 'c', sub: '3f6c1a2e-1111' }, '3f6c1a2e-1111'],
    [{ principal: 'c', clientId: '4abc5def' }, '4abc5def'],
    [{ principal: 'arn', iamArn: 'arn:aws:sts::111122223333:assumed-role/Deployer/ci-run-42' }, 'ci-run-42'],
    [{ principal: 'local' }, 'local'],
  ])('%j -> %s', (caller, expected) => {
    expect(sourceIdentityOf(caller)).toBe(expected);
  });
});
