/** Every write attempt leaves exactly one audit record, whatever the failure. */
import { auditedWrite, type WriteRecord } from '../../functions/shared/audited-write';
import { NotFoundError, UpstreamError, ValidationError } from '../../functions/shared/errors';
import { logger } from '../../functions/shared/logger';

const context = { requestId: 'req-1', caller: { principal: 'alice', username: 'alice' } };
const subject = { operation: 'closeUnwantedPortForEc2Instance', target: 'i-1 tcp/22', dryRun: false };
const changed: WriteRecord = { region: 'eu-west-1', outcome: 'changed', undo: ['aws ec2 ...'] };

function auditRecords(info: jest.SpyInstance): Array<Record<string, unknown>> {
  return info.mock.calls
    .filter(([message]) => message === 'audit')
    .map(([, payload]) => (payload as { audit: Record<string, unknown> }).audit);
}

describe('auditedWrite', () => {
  let info: jest.SpyInstance;
  beforeEach(() => {
    info = jest.spyOn(logger, 'info').mockImplementation(() => undefined);
  });
  afterEach(() => info.mockRestore());

  it('returns the answer and records the success once, with the caller and the request id', async () => {
    // Act
    const answer = await auditedWrite(context, subject, async () => ({ result: 'answer', record: changed }));

    // Assert
    expect(answer).toBe('answer');
    expect(auditRecords(info)).toEqual([
      {
        ...subject,
        ...changed,
        requestId: 'req-1',
        who: { principal: 'alice', username: 'alice' },
      },
    ]);
  });

  it.each<[string, Error, string, string, Record<string, unknown> | undefined]>([
    ['a rejection (4xx)', new ValidationError('bad port'), 'rejected', 'ValidationError', undefined],
    ['a not found', new NotFoundError('no such instance'), 'rejected', 'NotFound', undefined],
    [
      'an AWS failure (5xx) with its details',
      new UpstreamError('ec2:RevokeSecurityGroupIngress', 'Throttling', 'AWS failed', { applied: [] }),
      'failed',
      'UpstreamError',
      { applied: [] },
    ],
    ['a bug (not an ApiError)', new TypeError('x is undefined'), 'failed', 'InternalError', undefined],
  ])(
    'records %s once, with the Region found before it, and rethrows it unchanged',
    async (_name, thrown, outcome, code, details) => {
      // Act
      const attempt = auditedWrite(context, { ...subject, region: undefined }, async (write) => {
        write.foundRegion('ap-south-1');
        throw thrown;
      });

      // Assert
      await expect(attempt).rejects.toBe(thrown);
      const records = auditRecords(info);
      expect(records).toHaveLength(1);
      expect(records[0]).toMatchObject({ region: 'ap-south-1', outcome, error: { code } });
      expect(records[0]?.error).toEqual(
        details === undefined
          ? expect.not.objectContaining({ details: expect.anything() })
          : expect.objectContaining({ details }),
      );
    },
  );

  it('records the Region the caller gave when the failure comes before the Region is found', async () => {
    // Act
    const attempt = auditedWrite(context, { ...subject, region: 'eu-west-1' }, async () => {
      throw new RangeError('boom');
    });

    // Assert
    await expect(attempt).rejects.toThrow('boom');
    expect(auditRecords(info)).toEqual([
      expect.objectContaining({
        region: 'eu-west-1',
        outcome: 'failed',
        error: { code: 'InternalError', message: 'The request failed unexpectedly.' },
      }),
    ]);
  });

  it('records null as the Region when none is known', async () => {
    await expect(
      auditedWrite(context, subject, async () => {
        throw new NotFoundError('no such bucket');
      }),
    ).rejects.toThrow('no such bucket');
    expect(auditRecords(info)).toEqual([expect.objectContaining({ region: null, outcome: 'rejected' })]);
  });
});
