/** "Did you mean …?": the names a person most likely meant, for the not-found answers. */
import { closestNames, editDistance } from '../../functions/domain/closest-names';

describe('editDistance', () => {
  it.each<[string, string, number]>([
    ['', '', 0],
    ['abc', 'abc', 0],
    ['abc', 'ABC', 0],
    ['kitten', 'sitting', 3],
    ['acme-logs', 'acme-log', 1],
    ['', 'abc', 3],
  ])('%s → %s is %i', (a, b, expected) => {
    expect(editDistance(a, b)).toBe(expected);
  });
});

describe('closestNames', () => {
  const buckets = ['acme-access-logs', 'acme-assets', 'acme-logs-archive', 'prod-web', 'zeta'];

  it.each<[string, string, readonly string[], string[]]>([
    ['a word left out', 'acme-logs', buckets, ['acme-access-logs', 'acme-logs-archive']],
    ['a typo', 'acme-asets', buckets, ['acme-assets']],
    ['nothing close', 'totally-different', buckets, []],
    ['the name itself is not a suggestion', 'prod-web', buckets, []],
    [
      'a mistyped instance id',
      'i-0123456789abcdef1',
      ['i-0123456789abcdef0', 'i-0fedcba9876543210'],
      ['i-0123456789abcdef0'],
    ],
    [
      'typos before shared words, closest first',
      'prod-wbe',
      ['prod-web', 'prod-webs', 'prod'],
      ['prod-web', 'prod-webs', 'prod'],
    ],
  ])('%s', (_name, asked, candidates, expected) => {
    expect(closestNames(asked, candidates)).toEqual(expected);
  });

  it('returns at most three, best first', () => {
    const many = ['ab-1', 'ab-2', 'ab-3', 'ab-4', 'ab-5'];
    expect(closestNames('ab-0', many)).toEqual(['ab-1', 'ab-2', 'ab-3']);
  });
});
