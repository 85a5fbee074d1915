import { summariseScanPage } from '../../../functions/domain/summaries/scan-page-summary';

const BASE = {
  offset: 0,
  limit: 20,
  totals: { instances: 45, unknownInstances: 0 },
  hasNextPage: true,
  scannedAt: '2026-11-30T08:00:00.000Z',
  cached: false,
  now: Date.parse('2026-11-30T08:00:30Z'),
  notStored: false,
};

describe('summariseScanPage', () => {
  it.each([
    ['a fresh answer that fits one page says nothing', { totals: { instances: 3 }, hasNextPage: false }, ''],
    [
      'a first page names its rows and the next page',
      {},
      'This page lists instances 1-20 of 45; pass nextToken with the same parameters for the next page.',
    ],
    [
      'a last page says so, with the scan it comes from',
      { offset: 40, hasNextPage: false, cached: true },
      'This page lists instances 41-45 of 45; it is the last page. These results come from a scan taken at 2026-11-30T08:00:00.000Z (30 seconds ago), kept until a change is made through this API; ask with fresh=true to scan again.',
    ],
    [
      'a reused scan that fits one page gives its age in minutes',
      { totals: { instances: 3 }, hasNextPage: false, cached: true, now: Date.parse('2026-11-30T08:04:10Z') },
      'These results come from a scan taken at 2026-11-30T08:00:00.000Z (4 minutes ago), kept until a change is made through this API; ask with fresh=true to scan again.',
    ],
    [
      'a scan that could not be stored says how to see the rest',
      { hasNextPage: false, notStored: true },
      'This page lists instances 1-20 of 45; the scan could not be stored for paging: ask again with a larger limit (up to 1000) or narrower parameters.',
    ],
    [
      'lists that ended earlier are left out',
      { offset: 20, totals: { publicBuckets: 45, unknownBuckets: 2, latentBuckets: 30 } },
      'This page lists publicBuckets 21-40 of 45, latentBuckets 21-30 of 30; pass nextToken with the same parameters for the next page.',
    ],
  ])('%s', (_case, change, expected) => {
    expect(summariseScanPage({ ...BASE, ...change })).toBe(expected);
  });

  it('stays bounded whatever the account size', () => {
    const text = summariseScanPage({
      ...BASE,
      totals: { instances: 1_000_000 },
      offset: 500_000,
      cached: true,
    });
    expect(text.length).toBeLessThan(400);
  });
});
