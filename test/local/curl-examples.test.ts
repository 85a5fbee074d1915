import { curlExamples } from '../../functions/local/main';
import { parseScenario } from '../../functions/local/sandbox/scenario';

describe('curlExamples', () => {
  it("names the scenario's own public-looking bucket and its instance with an internet-wide rule", () => {
    // Arrange
    const scenario = parseScenario({
      accountId: '111122223333',
      regions: ['eu-west-1'],
      s3: {
        buckets: [
          { name: 'quiet-bucket', region: 'eu-west-1' },
          {
            name: 'loud-bucket',
            region: 'eu-west-1',
            acl: [{ uri: 'http://acs.amazonaws.com/groups/global/AllUsers', permission: 'READ' }],
          },
        ],
      },
      ec2: {
        'eu-west-1': {
          securityGroups: [
            {
              groupId: 'sg-0aaaaaaaaaaaaaaa1',
              rules: [{ ipProtocol: 'tcp', fromPort: 22, toPort: 22, cidrIpv4: '10.0.0.0/8' }],
            },
            {
              groupId: 'sg-0aaaaaaaaaaaaaaa2',
              rules: [{ ipProtocol: 'tcp', fromPort: 22, toPort: 22, cidrIpv4: '0.0.0.0/0' }],
            },
          ],
          instances: [
            {
              instanceId: 'i-0aaaaaaaaaaaaaaa1',
              networkInterfaces: [
                { networkInterfaceId: 'eni-0aaaaaaaaaaaaaaa1', groupIds: ['sg-0aaaaaaaaaaaaaaa1'] },
              ],
            },
            {
              instanceId: 'i-0aaaaaaaaaaaaaaa2',
              networkInterfaces: [
                { networkInterfaceId: 'eni-0aaaaaaaaaaaaaaa2', groupIds: ['sg-0aaaaaaaaaaaaaaa2'] },
              ],
            },
          ],
        },
      },
    });

    // Act
    const lines = curlExamples('http://127.0.0.1:3000', scenario);

    // Assert
    expect(lines.join('\n')).toContain('/s3/buckets/loud-bucket/block-public-access');
    expect(lines.join('\n')).toContain('/ec2/instances/i-0aaaaaaaaaaaaaaa2/close-port');
    expect(lines.join('\n')).not.toContain('acme-');
  });

  it('uses placeholders without a scenario (--aws)', () => {
    const lines = curlExamples('http://127.0.0.1:3000').join('\n');
    expect(lines).toContain('/s3/buckets/BUCKET-NAME/');
    expect(lines).toContain('/ec2/instances/INSTANCE-ID/');
  });
});
