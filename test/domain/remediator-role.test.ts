/** Who keeps the remediate scope: members of the group, from the pool's groups or a SAML-mapped group list. */
import { isRemediator, parseMappedGroups, scopesToSuppress } from '../../functions/domain/remediator-role';

const SCOPE = 'aiops-exposure-api/remediate';

describe('parseMappedGroups', () => {
  it.each([
    [undefined, []],
    ['', []],
    ['remediators', ['remediators']],
    ['[ops, remediators]', ['ops', 'remediators']],
    ['ops,remediators,', ['ops', 'remediators']],
    ['[]', []],
  ])('%j -> %j', (value, expected) => {
    expect(parseMappedGroups(value)).toEqual(expected);
  });
});

describe('isRemediator and scopesToSuppress', () => {
  it.each([
    ['a pool group member', { poolGroups: ['ops', 'remediators'] }, true],
    ['a member through the SAML-mapped list', { poolGroups: [], mappedGroups: '[ops, remediators]' }, true],
    ['nobody in any group', { poolGroups: [] }, false],
    ['a near-miss name (case differs)', { poolGroups: ['Remediators'] }, false],
    [
      'a name that only contains it',
      { poolGroups: ['remediators-old'], mappedGroups: 'not-remediators' },
      false,
    ],
  ])('%s', (_name, facts, member) => {
    expect(isRemediator(facts, 'remediators')).toBe(member);
    expect(scopesToSuppress(facts, 'remediators', SCOPE)).toEqual(member ? [] : [SCOPE]);
  });
});
