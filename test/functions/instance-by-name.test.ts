/**
 * Close-port and its preview take an instance id or its Name tag: one instance with that Name is the one
 * meant (the answer names it and carries its id; the planId binds the id); an unknown Name answers 404 with
 * the closest Names; a Name several instances carry answers 400 listing them, and nothing is written.
 */
import { scenario, startTestApi, type TestApi } from '../support/local-api';

const WEB = 'i-0aaaaaaaaaaaaaaa1';
const TWIN_EAST = 'i-0bbbbbbbbbbbbbbb1';
const TWIN_WEST = 'i-0bbbbbbbbbbbbbbb2';

function instance(instanceId: string, name: string, state: 'running' | 'stopped' = 'running') {
  return {
    instanceId,
    name,
    state,
    networkInterfaces: [
      { networkInterfaceId: `eni-${instanceId.slice(2)}`, groupIds: [`sg-${instanceId.slice(2)}`] },
    ],
  };
}

function openSsh(instanceId: string) {
  return {
    groupId: `sg-${instanceId.slice(2)}`,
    groupName: 'ssh-open',
    rules: [{ ipProtocol: 'tcp', fromPort: 22, toPort: 22, cidrIpv4: '0.0.0.0/0' }],
  };
}

const NAMED = scenario({
  ec2: {
    'us-east-1': {
      instances: [instance(WEB, 'web-frontend'), instance(TWIN_EAST, 'batch worker')],
      securityGroups: [openSsh(WEB), openSsh(TWIN_EAST)],
    },
    'eu-west-1': {
      instances: [instance(TWIN_WEST, 'batch worker', 'stopped')],
      securityGroups: [openSsh(TWIN_WEST)],
    },
  },
});

let api: TestApi;
beforeEach(async () => {
  api = await startTestApi(NAMED);
});
afterEach(async () => {
  await api.close();
});

describe('close-port by Name tag', () => {
  it('one instance with that Name: the preview answers for it, by id and name', async () => {
    // Act
    const reply = await api.call('GET', '/ec2/instances/web-frontend/close-port/preview?port=22');

    // Assert
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      instanceId: WEB,
      instanceName: 'web-frontend',
      region: 'us-east-1',
      changed: true,
    });
    expect(reply.body.summary).toContain(`"web-frontend" (${WEB}, us-east-1)`);
    // Groups are named too, from the DescribeInstances answer already read.
    expect(reply.body.summary).toContain(`("ssh-open" (sg-${WEB.slice(2)}) tcp 22 from 0.0.0.0/0)`);
  });

  it('the planId of a preview by Name applies to a write by id: it binds the id found', async () => {
    // Arrange
    const preview = await api.call('GET', '/ec2/instances/web-frontend/close-port/preview?port=22');

    // Act
    const write = await api.call('POST', `/ec2/instances/${WEB}/close-port`, {
      port: 22,
      planId: preview.body.planId,
    });

    // Assert
    expect(write.status).toBe(200);
    expect(write.body).toMatchObject({ instanceId: WEB, instanceName: 'web-frontend', changed: true });
    expect(api.sandbox.writeCalls().length).toBeGreaterThan(0);
  });

  it('a Name with a space, URL-encoded, is matched exactly within the Region given', async () => {
    // Act
    const reply = await api.call(
      'GET',
      '/ec2/instances/batch%20worker/close-port/preview?port=22&region=eu-west-1',
    );

    // Assert
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ instanceId: TWIN_WEST, region: 'eu-west-1' });
  });

  it('a Name several instances carry: 400 listing each (id, Region, state, quoted name), nothing written', async () => {
    // Act
    const rest = await api.call('POST', '/ec2/instances/batch%20worker/close-port', { port: 22 });
    const assistant = await api.call('POST', '/assistant/ec2/instances/batch%20worker/close-port', {
      port: 22,
    });

    // Assert
    expect(rest.status).toBe(400);
    expect(rest.body.error.code).toBe('ValidationError');
    expect(rest.body.error.details?.candidates).toEqual(
      expect.arrayContaining([
        { instanceId: TWIN_EAST, name: 'batch worker', region: 'us-east-1', state: 'running' },
        { instanceId: TWIN_WEST, name: 'batch worker', region: 'eu-west-1', state: 'stopped' },
      ]),
    );
    expect(rest.body.error.message).toContain(`${TWIN_EAST} ("batch worker", us-east-1, running)`);
    expect(rest.body.error.message).toContain('give the instance id');
    expect(assistant.status).toBe(200);
    expect(assistant.body.outcome).toBe('invalidRequest');
    expect(assistant.body.summary).toContain(`${TWIN_WEST} ("batch worker", eu-west-1, stopped)`);
    expect(api.sandbox.writeCalls()).toEqual([]);
  });

  it('an unknown Name: 404 with the closest Names as candidates', async () => {
    // Act
    const rest = await api.call('GET', '/ec2/instances/web-frontent/close-port/preview?port=22');
    const assistant = await api.call(
      'GET',
      '/assistant/ec2/instances/web-frontent/close-port/preview?port=22',
    );

    // Assert
    expect(rest.status).toBe(404);
    expect(rest.body.error.details?.didYouMean).toEqual([
      { instanceId: WEB, name: 'web-frontend', region: 'us-east-1' },
    ]);
    expect(rest.body.error.message).toContain(`Did you mean ${WEB} ("web-frontend", us-east-1)?`);
    expect(assistant.status).toBe(200);
    expect(assistant.body.outcome).toBe('notFound');
  });

  it('a Name is matched case-sensitively, as EC2 matches tags', async () => {
    // Act
    const reply = await api.call('GET', '/ec2/instances/Web-Frontend/close-port/preview?port=22');

    // Assert
    expect(reply.status).toBe(404);
    expect(reply.body.error.details?.didYouMean).toEqual([
      { instanceId: WEB, name: 'web-frontend', region: 'us-east-1' },
    ]);
  });
});
