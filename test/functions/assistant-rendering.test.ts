/**
 * The two renderings of one registry, on the local server over the default sandbox: under /assistant every
 * outcome a user can act on answers 200 with `outcome`, `summary` and `error` (Q Business shows users only
 * 2xx bodies); the plain paths keep their REST statuses for curl and scripts. Every reply is also checked
 * against its rendering's OpenAPI document (test/support/contract.ts).
 */
import { parseScenario } from '../../functions/local/sandbox/scenario';
import { defaultScenario, startTestApi, type TestApi } from '../support/local-api';

const DEFAULT = defaultScenario();

function idOf(name: string): string {
  for (const region of Object.values(DEFAULT.ec2)) {
    const found = region.instances.find((instance) => instance.name === name);
    if (found) return found.instanceId;
  }
  throw new Error(`no instance ${name} in the default scenario`);
}

/** The same id with its last hex digit changed: a typing mistake. */
function mistyped(instanceId: string): string {
  const last = instanceId.at(-1) === '0' ? '1' : '0';
  return `${instanceId.slice(0, -1)}${last}`;
}

let api: TestApi;
beforeEach(async () => {
  api = await startTestApi(DEFAULT);
});
afterEach(async () => {
  await api.close();
});

describe('the assistant rendering answers every outcome a user can act on with 200 and a summary', () => {
  it('done: the operation’s own answer, with outcome done', async () => {
    // Act
    const rest = await api.call('GET', '/s3/public-buckets');
    const assistant = await api.call('GET', '/assistant/s3/public-buckets');

    // Assert
    expect(assistant.status).toBe(200);
    // The second find reuses the first one's scan, and says when it was taken.
    expect(assistant.body).toEqual({
      outcome: 'done',
      ...rest.body,
      cached: true,
      summary: expect.stringContaining(`${rest.body.summary} These results come from a scan taken at`),
    });
  });

  it('notFound: a bucket that does not exist, with the closest names quoted', async () => {
    // Act
    const rest = await api.call('POST', '/s3/buckets/acme-logs/block-public-access', {});
    const assistant = await api.call('POST', '/assistant/s3/buckets/acme-logs/block-public-access', {});

    // Assert
    expect(rest.status).toBe(404);
    expect(rest.body.error.details).toEqual({ didYouMean: ['acme-access-logs'] });
    expect(assistant.status).toBe(200);
    expect(assistant.body.outcome).toBe('notFound');
    expect(assistant.body.error).toEqual(rest.body.error);
    expect(assistant.body.summary).toContain(
      'No bucket "acme-logs" in this account\'s bucket list; did you mean "acme-access-logs"?',
    );
    expect(api.sandbox.writeCalls()).toEqual([]);
  });

  it('notFound: an instance id with a typing mistake, with the instance meant (by name)', async () => {
    // Arrange
    const meant = idOf('debug-box');

    // Act
    const reply = await api.call(
      'GET',
      `/assistant/ec2/instances/${mistyped(meant)}/close-port/preview?port=22`,
    );

    // Assert
    expect(reply.status).toBe(200);
    expect(reply.body.outcome).toBe('notFound');
    expect(reply.body.summary).toContain(`Did you mean ${meant} ("debug-box", us-east-1)?`);
    expect(reply.body.error.details.didYouMean).toEqual([
      { instanceId: meant, name: 'debug-box', region: 'us-east-1' },
    ]);
  });

  it('notFound: an instance looked for in the wrong Region says where it is', async () => {
    // Act
    const rest = await api.call(
      'GET',
      `/ec2/instances/${idOf('debug-box')}/close-port/preview?port=22&region=eu-west-1`,
    );

    // Assert
    expect(rest.status).toBe(404);
    expect(rest.body.error.message).toContain(
      'It is in us-east-1: set region to us-east-1, or leave it out.',
    );
    expect(rest.body.error.details).toMatchObject({ foundInRegion: 'us-east-1', didYouMean: [] });
  });

  it('invalidRequest: a missing port, said so the assistant can fix it', async () => {
    // Act
    const path = `/ec2/instances/${idOf('debug-box')}/close-port`;
    const rest = await api.call('POST', path, {});
    const assistant = await api.call('POST', `/assistant${path}`, {});

    // Assert
    expect(rest.status).toBe(400);
    expect(assistant.status).toBe(200);
    expect(assistant.body.outcome).toBe('invalidRequest');
    expect(assistant.body.summary).toContain('say what to close: port (one port, e.g. 22), or allPorts');
    expect(assistant.body.summary).toContain('Correct it and ask again.');
  });

  it('refused: a forged planId, nothing written', async () => {
    // Arrange
    const path = '/s3/buckets/acme-public-acl/block-public-access';
    const preview = await api.call('GET', `/assistant${path}/preview`);
    const forged = `${String(preview.body.planId).slice(0, -2)}xx`;

    // Act
    const rest = await api.call('POST', path, { planId: forged });
    const assistant = await api.call('POST', `/assistant${path}`, { planId: forged });

    // Assert
    expect(preview.body).toMatchObject({ outcome: 'done', dryRun: true });
    expect(rest.status).toBe(409);
    expect(assistant.status).toBe(200);
    expect(assistant.body.outcome).toBe('refused');
    expect(assistant.body.error.code).toBe('PlanRejected');
    expect(assistant.body.summary).toMatch(/^Refused: .*Nothing was changed\.$/);
    expect(api.sandbox.writeCalls()).toEqual([]);
  });

  it('partial: a change that stopped half-way says what was applied and carries the undo', async () => {
    // Arrange: the additions go through, the revoke is refused
    const faulty = await startTestApi(
      parseScenario({
        ...DEFAULT,
        faults: [{ command: 'RevokeSecurityGroupIngress', rate: 1, error: 'UnauthorizedOperation' }],
      }),
    );
    try {
      // Act
      const reply = await faulty.call('POST', `/assistant/ec2/instances/${idOf('debug-box')}/close-port`, {
        port: 22,
      });

      // Assert
      expect(reply.status).toBe(200);
      expect(reply.body.outcome).toBe('partial');
      expect(reply.body.error.code).toBe('UpstreamError');
      expect(reply.body.error.details.applied.addedRules.length).toBeGreaterThan(0);
      expect(reply.body.error.details.notApplied.revokedRules).toHaveLength(1);
      expect(reply.body.summary).toMatch(
        /^The change stopped half-way: .* The \d+ undo commands in error\.details\.undo reverse exactly the part that was applied\.$/,
      );
    } finally {
      await faulty.close();
    }
  });

  it('failed: AWS refused before anything was written', async () => {
    // Arrange
    const faulty = await startTestApi(
      parseScenario({
        ...DEFAULT,
        faults: [{ command: 'PutPublicAccessBlock', rate: 1, error: 'AccessDenied' }],
      }),
    );
    try {
      // Act
      const reply = await faulty.call(
        'POST',
        '/assistant/s3/buckets/acme-public-acl/block-public-access',
        {},
      );

      // Assert
      expect(reply.status).toBe(200);
      expect(reply.body.outcome).toBe('failed');
      expect(reply.body.summary).toMatch(/^AWS refused or failed: .*PutPublicAccessBlock/);
    } finally {
      await faulty.close();
    }
  });
});

describe('errors that are not outcomes keep their status in both renderings', () => {
  it.each<[string, string, string, number]>([
    [
      'a method the path does not allow',
      'GET',
      '/assistant/ec2/instances/i-0123456789abcdef0/close-port',
      405,
    ],
    ['a route that does not exist', 'GET', '/assistant/nowhere', 404],
  ])('%s', async (_name, method, path, status) => {
    // Act
    const reply = await api.call(method, path);

    // Assert
    expect(reply.status).toBe(status);
    expect(reply.body.error.code).toBe(status === 405 ? 'MethodNotAllowed' : 'NotFound');
  });
});
