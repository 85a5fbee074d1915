/** Reading the security group rule quota: the account's value, or AWS's default with the reason. */
import {
  GetServiceQuotaCommand,
  ServiceQuotasClient,
  ServiceQuotasServiceException,
} from '@aws-sdk/client-service-quotas';
import { mockClient } from 'aws-sdk-client-mock';
import { readRulesPerGroupQuota } from '../../functions/aws/service-quotas';

const quotasMock = mockClient(ServiceQuotasClient);
const client = new ServiceQuotasClient({ region: 'us-east-1' });

beforeEach(() => {
  quotasMock.reset();
});

describe('readRulesPerGroupQuota', () => {
  it('asks Service Quotas for vpc/L-0EA8095F and returns the account value', async () => {
    // Arrange
    quotasMock.on(GetServiceQuotaCommand).resolves({ Quota: { Value: 200 } });

    // Act
    const quota = await readRulesPerGroupQuota(client);

    // Assert
    expect(quota).toEqual({ limit: 200 });
    expect(quotasMock.commandCalls(GetServiceQuotaCommand)[0]?.args[0].input).toEqual({
      ServiceCode: 'vpc',
      QuotaCode: 'L-0EA8095F',
    });
  });

  it.each([
    ['a reply without a value', { Quota: {} }, 'answered without a value'],
    ['a reply without the quota', {}, 'answered without a value'],
  ])('assumes 60 on %s', async (_name, reply, reason) => {
    // Arrange
    quotasMock.on(GetServiceQuotaCommand).resolves(reply);

    // Act
    const quota = await readRulesPerGroupQuota(client);

    // Assert
    expect(quota).toEqual({ limit: 60, assumedBecause: expect.stringContaining(reason) });
  });

  it('assumes 60 and names the error when the call is denied', async () => {
    // Arrange
    quotasMock.on(GetServiceQuotaCommand).rejects(
      new ServiceQuotasServiceException({
        name: 'AccessDeniedException',
        $fault: 'client',
        $metadata: { httpStatusCode: 403 },
        message: 'denied',
      }),
    );

    // Act
    const quota = await readRulesPerGroupQuota(client);

    // Assert
    expect(quota).toEqual({
      limit: 60,
      assumedBecause: 'servicequotas:GetServiceQuota failed with AccessDeniedException',
    });
  });
});
