import { curlExamples } from '../../functions/local/main';
import { loadScenarioFile, parseScenario } from '../../functions/local/sandbox/scenario';

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

  it('skips what is tagged as exposed on purpose, and closes a port the chosen instance really has open', () => {
    // The example scenario docs/usage.md points to: its first bucket and first instance are intended.
    const lines = curlExamples(
      'http://127.0.0.1:3000',
      loadScenarioFile('functions/local/scenarios/intended-exposure.json'),
    ).join('\n');
    expect(lines).toContain('/s3/buckets/acme-exports/block-public-access');
    expect(lines).toContain(
      `--json '{"port": 22}' 'http://127.0.0.1:3000/ec2/instances/i-0e1a2b3c4d5e6f702/close-port'`,
    );
  });

  it("closes the open rule's own port when no internet-wide rule admits SSH", () => {
    const scenario = parseScenario({
      accountId: '111122223333',
      regions: ['eu-west-1'],
      ec2: {
        'eu-west-1': {
          securityGroups: [
            {
              groupId: 'sg-0aaaaaaaaaaaaaaa1',
              rules: [{ ipProtocol: 'tcp', fromPort: 3389, toPort: 3389, cidrIpv4: '0.0.0.0/0' }],
            },
          ],
          instances: [
            {
              instanceId: 'i-0aaaaaaaaaaaaaaa1',
              networkInterfaces: [
                { networkInterfaceId: 'eni-0aaaaaaaaaaaaaaa1', groupIds: ['sg-0aaaaaaaaaaaaaaa1'] },
              ],
            },
          ],
        },
      },
    });
    const lines = curlExamples('http://127.0.0.1:3000', scenario).join('\n');
    expect(lines).toContain('/ec2/instances-with-open-port?port=3389');
    expect(lines).toContain(`--json '{"port": 3389, "dryRun": true}'`);
  });
});
