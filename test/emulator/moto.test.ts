/**
 * Against the moto emulator: runs when MOTO_ENDPOINT is set (`npm run test:moto` starts moto and sets it),
 * and is reported as skipped otherwise. It starts the API exactly as docs/usage.md says
 * (`AWS_ENDPOINT_URL=... npm start -- --aws`, a separate process), builds its own buckets, security groups,
 * prefix list and instances in a freshly reset moto, then runs every operation through HTTP and checks both
 * the answers (against the OpenAPI contract too) and, with the SDK, what was written in moto.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { RevokeSecurityGroupIngressCommand } from '@aws-sdk/client-ec2';
import { GetPublicAccessBlockCommand } from '@aws-sdk/client-s3';
import {
  DeletePublicAccessBlockCommand as DeleteAccountPublicAccessBlockCommand,
  PutPublicAccessBlockCommand as PutAccountPublicAccessBlockCommand,
} from '@aws-sdk/client-s3-control';
import type { Context } from 'aws-lambda';
import {
  type ClientAttachment,
  defaultClientSettings,
  endpointsFromEnv,
} from '../../functions/aws/client-config';
import { createS3Clients } from '../../functions/aws/s3-clients';
import { awsBackend } from '../../functions/local/local-backend';
import { startLocalServer } from '../../functions/local/local-server';
import { apiGatewayEvent } from '../support/api-gateway-event';
import { contractProblems } from '../support/contract';
import {
  createMotoBuckets,
  createMotoInstances,
  createMotoJournalTable,
  groupRules,
  HOME_REGION,
  INTENDED_GROUP_REASON,
  MOTO_ACCOUNT_ID,
  MOTO_CREDENTIALS,
  type MotoBuckets,
  type MotoInstances,
  motoEc2,
  motoEnvironment,
  motoS3,
  OTHER_REGION,
  PUBLIC_POLICY_SID,
  resetMoto,
  ruleText,
} from '../support/moto-account';

const ROOT = resolve(__dirname, '../..');
const MOTO_ENDPOINT = process.env.MOTO_ENDPOINT;
// Needs a running emulator: without MOTO_ENDPOINT every test here is reported as skipped, never as passed.
const describeWithMoto = MOTO_ENDPOINT ? describe : describe.skip;
// A scan of moto's 30 Regions on a busy machine can take longer than the default 30 s.
jest.setTimeout(120_000);

interface Reply {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: replies are inspected field by field
  body: any;
}

/** Starts `npm start -- --aws` (through tsx, as npm does) with the emulator's endpoint in its environment. */
async function startApiAgainst(endpoint: string): Promise<{ child: ChildProcess; url: string }> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...motoEnvironment(endpoint),
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  };
  for (const name of ['AWS_PROFILE', 'AWS_SESSION_TOKEN', 'AWS_ACCOUNT_ID', 'AWS_DEFAULT_REGION'])
    delete env[name];
  for (const name of Object.keys(env)) if (name.startsWith('AWS_ENDPOINT_URL_')) delete env[name];
  const child = spawn(
    process.execPath,
    [resolve(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'functions/local/main.ts', '--aws', '--port', '0'],
    { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm start -- --aws did not start:\n${output}`)), 30_000);
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      const found = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
      if (found && output.includes('Press Ctrl+C')) {
        clearTimeout(timer);
        resolveUrl(found);
      }
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    child.on('exit', (code) => reject(new Error(`npm start -- --aws exited with ${code}:\n${output}`)));
  });
  expect(output).toContain(`endpoint ${endpoint}`);
  return { child, url };
}

describeWithMoto('the API against moto (MOTO_ENDPOINT)', () => {
  const endpoint = MOTO_ENDPOINT as string;
  let api: { child: ChildProcess; url: string };
  let buckets: MotoBuckets;
  let instances: MotoInstances;

  /** Calls the API; every reply must match the OpenAPI document. */
  async function call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<Reply> {
    const reply = await fetch(`${api.url}${path}`, {
      method,
      ...(body === undefined
        ? {}
        : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    });
    const parsed = await reply.json();
    expect(contractProblems(method, path, reply.status, parsed)).toEqual([]);
    return { status: reply.status, body: parsed };
  }

  const findBuckets = () => call('GET', '/s3/public-buckets');
  const block = (bucket: string, dryRun?: boolean) =>
    call('POST', `/s3/buckets/${bucket}/block-public-access`, dryRun === undefined ? {} : { dryRun });
  const findPort = (query: string) => call('GET', `/ec2/instances-with-open-port?${query}`);
  const close = (instanceId: string, body: Record<string, unknown>) =>
    call('POST', `/ec2/instances/${instanceId}/close-port`, body);
  const names = (list: Array<{ bucketName?: string; instanceId?: string }>) =>
    list.map((entry) => entry.bucketName ?? entry.instanceId).sort();

  async function bucketFlags(bucket: string, region = HOME_REGION) {
    try {
      const out = await motoS3(endpoint, region).send(new GetPublicAccessBlockCommand({ Bucket: bucket }));
      return out.PublicAccessBlockConfiguration ?? {};
    } catch (error) {
      if ((error as Error).name === 'NoSuchPublicAccessBlockConfiguration') return null;
      throw error;
    }
  }

  const ALL_ON = {
    BlockPublicAcls: true,
    IgnorePublicAcls: true,
    BlockPublicPolicy: true,
    RestrictPublicBuckets: true,
  };

  beforeAll(async () => {
    await resetMoto(endpoint);
    buckets = await createMotoBuckets(endpoint);
    instances = await createMotoInstances(endpoint);
    await createMotoJournalTable(endpoint);
    api = await startApiAgainst(endpoint);
  }, 180_000);

  afterAll(() => {
    api?.child.kill('SIGTERM');
  });

  describe('Lambda entries (clients from AWS_ENDPOINT_URL, account from the function ARN)', () => {
    type Entry = typeof import('../../functions/find-public-buckets');
    const entries: Record<string, Entry> = {};
    const lambdaContext = {
      awsRequestId: 'moto-lambda',
      invokedFunctionArn: `arn:aws:lambda:${HOME_REGION}:${MOTO_ACCOUNT_ID}:function:moto-test`,
      getRemainingTimeInMillis: () => 25_000,
    } as unknown as Context;

    async function invoke(
      entry: string,
      method: string,
      path: string,
      options: { body?: unknown; query?: Record<string, string> } = {},
    ): Promise<Reply> {
      const event = apiGatewayEvent(method, path, {
        body: options.body === undefined ? null : JSON.stringify(options.body),
        query: options.query ?? null,
        requestContext: { requestId: 'moto-lambda', authorizer: { claims: { 'cognito:username': 'moto' } } },
      });
      const result = await (entries[entry] as Entry).handler(event, lambdaContext);
      const body = JSON.parse(result.body);
      expect(contractProblems(method, path, result.statusCode, body)).toEqual([]);
      return { status: result.statusCode, body };
    }

    beforeAll(() => {
      // Entries build their clients at module scope from the environment, as in Lambda.
      Object.assign(process.env, motoEnvironment(endpoint));
      for (const name of [
        'find-public-buckets',
        'block-bucket-public-access',
        'find-open-ports',
        'close-open-port',
      ]) {
        entries[name] = require(`../../functions/${name}`) as Entry;
      }
    });

    it('find and dry-run operations answer from moto, and the dry runs write nothing', async () => {
      // Act
      const find = await invoke('find-public-buckets', 'GET', '/s3/public-buckets');
      const block = await invoke(
        'block-bucket-public-access',
        'POST',
        `/s3/buckets/${buckets.publicAcl}/block-public-access`,
        {
          body: { dryRun: true },
        },
      );
      const ports = await invoke('find-open-ports', 'GET', '/ec2/instances-with-open-port', {
        query: { port: '22', region: HOME_REGION },
      });
      const close = await invoke('close-open-port', 'POST', `/ec2/instances/${instances.web}/close-port`, {
        body: { port: 22, dryRun: true },
      });

      // Assert
      expect(find.status).toBe(200);
      expect(find.body.summary).toContain(`account ${MOTO_ACCOUNT_ID}`);
      expect(names(find.body.publicBuckets)).toContain(buckets.publicAcl);
      expect(block.body).toMatchObject({ dryRun: true, changed: true, before: null });
      expect(names(ports.body.instances)).toEqual(
        [
          instances.web,
          instances.shared,
          instances.wide,
          instances.prefixList,
          instances.race,
          instances.allTraffic,
        ].sort(),
      );
      expect(close.body).toMatchObject({ dryRun: true, changed: true, region: HOME_REGION });
      expect(await bucketFlags(buckets.publicAcl)).toBeNull();
      expect((await groupRules(motoEc2(endpoint), instances.groups.sshWorld)).map(ruleText)).toContain(
        'tcp 22-22 0.0.0.0/0',
      );
    });
  });

  describe('S3', () => {
    it('finds the bucket public by ACL and the one public by policy (moto has no GetBucketPolicyStatus)', async () => {
      // Act
      const { status, body } = await findBuckets();

      // Assert
      expect(status).toBe(200);
      expect(body).toMatchObject({ scannedBuckets: 5, complete: true, unknownBuckets: [] });
      expect(names(body.publicBuckets)).toEqual([buckets.publicAcl, buckets.publicPolicy].sort());
      const byName = new Map(body.publicBuckets.map((b: { bucketName: string }) => [b.bucketName, b]));
      expect(byName.get(buckets.publicAcl)).toEqual({
        bucketName: buckets.publicAcl,
        region: HOME_REGION,
        reasons: ['ACL grants READ to AllUsers (everyone)'],
        website: false,
        severity: 'high',
        access: 'read',
      });
      // moto answers GetBucketPolicyStatus with a ListBucketResult (no IsPublic): the policy document decides.
      expect(byName.get(buckets.publicPolicy)).toEqual({
        bucketName: buckets.publicPolicy,
        region: OTHER_REGION,
        reasons: [expect.stringContaining(PUBLIC_POLICY_SID)],
        website: true,
        severity: 'medium',
        access: 'read',
      });
      expect(body.latentBuckets).toEqual([
        {
          bucketName: buckets.latentAcl,
          reasons: ['ACL grants READ to AllUsers (everyone), ignored by IgnorePublicAcls (bucket level)'],
        },
      ]);
      expect(body.summary).toContain(`account ${MOTO_ACCOUNT_ID}`);
    });

    it('scans only the buckets whose name starts with the prefix', async () => {
      // Act
      const { body } = await call('GET', '/s3/public-buckets?prefix=moto-public-');

      // Assert
      expect(body).toMatchObject({ prefix: 'moto-public-', scannedBuckets: 2, complete: true });
      expect(names(body.publicBuckets)).toEqual([buckets.publicAcl, buckets.publicPolicy].sort());
    });

    it('a dry run of block public access predicts the change and writes nothing', async () => {
      // Act
      const { status, body } = await block(buckets.publicAcl, true);

      // Assert
      expect(status).toBe(200);
      expect(body).toMatchObject({
        bucketName: buckets.publicAcl,
        region: HOME_REGION,
        dryRun: true,
        changed: true,
        before: null,
        after: ALL_ON,
        publicAfter: false,
        undo: [`aws s3api delete-public-access-block --bucket ${buckets.publicAcl} --region ${HOME_REGION}`],
      });
      expect(await bucketFlags(buckets.publicAcl)).toBeNull();
    });

    it('blocks public access for real, then a repeat changes nothing', async () => {
      // Act
      const first = await block(buckets.publicAcl);
      const written = await bucketFlags(buckets.publicAcl);
      const repeat = await block(buckets.publicAcl);

      // Assert
      expect(first.body).toMatchObject({ dryRun: false, changed: true, before: null, after: ALL_ON });
      expect(first.body.publicAfter).toBe(false);
      expect(written).toEqual(ALL_ON);
      expect(repeat.body).toMatchObject({ changed: false, before: ALL_ON, after: ALL_ON, undo: [] });
    });

    it("records the block in moto's DynamoDB, and its undo (previewed, applied by planId) restores no configuration", async () => {
      // Arrange: the block of the test above is the newest change of that bucket
      const history = await call('GET', `/changes?target=${buckets.publicAcl}`);
      const [change] = history.body.changes;

      // Act
      const preview = await call('GET', `/changes/${change.changeId}/undo`);
      const undone = await call('POST', `/changes/${change.changeId}/undo`, { planId: preview.body.planId });
      const flags = await bucketFlags(buckets.publicAcl);
      const reblocked = await block(buckets.publicAcl);

      // Assert
      expect(change).toMatchObject({
        operation: 'removePublicAccessFromS3Bucket',
        outcome: 'changed',
        target: { kind: 's3-bucket', id: buckets.publicAcl, region: HOME_REGION, account: MOTO_ACCOUNT_ID },
      });
      expect(preview.body).toMatchObject({ undoable: true, planId: expect.any(String) });
      expect(undone.status).toBe(200);
      expect(undone.body.changeId).toEqual(expect.any(String));
      expect(flags).toBeNull();
      expect(reblocked.body).toMatchObject({ changed: true, after: ALL_ON });
    });

    it('blocks the policy-public bucket in its own Region and warns that its website stops', async () => {
      // Act
      const dry = await block(buckets.publicPolicy, true);
      const real = await block(buckets.publicPolicy, false);

      // Assert: ListBuckets in moto carries no BucketRegion, yet the answer names the bucket's own Region.
      for (const { body } of [dry, real]) {
        expect(body).toMatchObject({
          region: OTHER_REGION,
          changed: true,
          after: ALL_ON,
          publicAfter: false,
        });
        expect(body.warnings).toEqual(
          expect.arrayContaining([expect.stringContaining('hosts a static website')]),
        );
      }
      expect(await bucketFlags(buckets.publicPolicy, OTHER_REGION)).toEqual(ALL_ON);
    });

    it('after blocking, no bucket is public and the blocked grants are reported as latent', async () => {
      // Act
      const { body } = await findBuckets();

      // Assert
      expect(body.publicBuckets).toEqual([]);
      expect(names(body.latentBuckets)).toEqual(
        [buckets.publicAcl, buckets.latentAcl, buckets.publicPolicy].sort(),
      );
      expect(body.summary).toContain('None is publicly accessible.');
    });

    it('reads the account-level Block Public Access flags through S3 Control', async () => {
      // Arrange: moto's S3 Control answers at the endpoint itself (no account-id host prefix), as ours sends.
      const s3control = createS3Clients(
        defaultClientSettings({
          endpoints: endpointsFromEnv(motoEnvironment(endpoint)),
          credentials: MOTO_CREDENTIALS,
        }),
      ).s3control(HOME_REGION);
      await s3control.send(
        new PutAccountPublicAccessBlockCommand({
          AccountId: MOTO_ACCOUNT_ID,
          PublicAccessBlockConfiguration: ALL_ON,
        }),
      );
      try {
        // Act: fresh=true, since a change made outside this API does not make the stored scan stale
        const find = await call('GET', '/s3/public-buckets?fresh=true');
        const plainDryRun = await block(buckets.plain, true);

        // Assert
        expect(find.body.publicBuckets).toEqual([]);
        expect(find.body.summary).toContain('account-level Block Public Access flags');
        // Without the account's flags read, the answer would warn that they are not fully on (or unreadable).
        expect(plainDryRun.body.warnings).toEqual([]);
      } finally {
        await s3control.send(new DeleteAccountPublicAccessBlockCommand({ AccountId: MOTO_ACCOUNT_ID }));
      }
    });

    it('answers 404 for a bucket that is not in the account', async () => {
      // Act
      const { status, body } = await block('moto-no-such-bucket', true);

      // Assert
      expect(status).toBe(404);
      expect(body.error.code).toBe('NotFound');
    });
  });

  describe('EC2', () => {
    it('finds port 22 open to 0.0.0.0/0, ::/0 and a prefix list, in every enabled Region', async () => {
      // Act
      const { status, body } = await findPort('port=22');

      // Assert
      expect(status).toBe(200);
      expect(body.complete).toBe(true);
      expect(body.unknownRegions).toEqual([]);
      expect(body.scannedRegions).toEqual(expect.arrayContaining([HOME_REGION, OTHER_REGION]));
      expect(names(body.instances)).toEqual(
        [
          instances.web,
          instances.shared,
          instances.wide,
          instances.prefixList,
          instances.abroad,
          instances.race,
          instances.allTraffic,
        ].sort(),
      );
      const byId = new Map(body.instances.map((i: { instanceId: string }) => [i.instanceId, i]));
      expect(byId.get(instances.web)).toMatchObject({
        name: 'moto-web',
        region: HOME_REGION,
        state: 'running',
        publicIp: expect.stringMatching(/^\d+\.\d+\.\d+\.\d+$/),
        ipv6Addresses: [],
        exposures: [
          expect.objectContaining({
            securityGroupId: instances.groups.sshWorld,
            source: '0.0.0.0/0',
            fromPort: 22,
          }),
        ],
      });
      expect(byId.get(instances.wide)).toMatchObject({
        exposures: [expect.objectContaining({ source: '::/0', fromPort: 0, toPort: 65535 })],
      });
      expect(byId.get(instances.prefixList)).toMatchObject({
        exposures: [expect.objectContaining({ source: expect.stringContaining(instances.prefixListId) })],
      });
      expect(byId.get(instances.abroad)).toMatchObject({ region: OTHER_REGION });
    });

    it('reports a stopped instance with its state, and udp separately from tcp', async () => {
      // Act
      const rdp = await findPort(`port=3389&region=${HOME_REGION}`);
      const dns = await findPort(`port=53&protocol=udp&region=${HOME_REGION}`);

      // Assert
      expect(names(rdp.body.instances)).toEqual(
        [instances.wide, instances.stopped, instances.allTraffic].sort(),
      );
      expect(
        rdp.body.instances.find((i: { instanceId: string }) => i.instanceId === instances.stopped),
      ).toMatchObject({ state: 'stopped' });
      expect(names(dns.body.instances)).toEqual([instances.prefixList, instances.allTraffic].sort());
    });

    it('a dry run of close port names the rule, the shared group, and writes nothing', async () => {
      // Arrange
      const ec2 = motoEc2(endpoint);
      const before = (await groupRules(ec2, instances.groups.sshWorld)).map(ruleText).sort();

      // Act
      const { status, body } = await close(instances.web, { port: 22, dryRun: true });

      // Assert
      expect(status).toBe(200);
      expect(body).toMatchObject({ region: HOME_REGION, dryRun: true, changed: true, stillOpen: false });
      expect(body.revokedRules).toEqual([
        expect.objectContaining({ securityGroupId: instances.groups.sshWorld, source: '0.0.0.0/0' }),
      ]);
      expect(body.addedRules).toEqual([]);
      expect(body.alsoAffected).toEqual([
        expect.objectContaining({ instanceId: instances.shared, securityGroupId: instances.groups.sshWorld }),
      ]);
      expect((await groupRules(ec2, instances.groups.sshWorld)).map(ruleText).sort()).toEqual(before);
    });

    it('closes the port for real, keeps the private rule, and a repeat changes nothing', async () => {
      // Arrange
      const ec2 = motoEc2(endpoint);

      // Act
      const first = await close(instances.web, { port: 22 });
      const after = (await groupRules(ec2, instances.groups.sshWorld)).map(ruleText);
      const repeat = await close(instances.web, { port: 22 });
      const find = await findPort(`port=22&region=${HOME_REGION}`);

      // Assert
      expect(first.body).toMatchObject({ dryRun: false, changed: true, stillOpen: false });
      expect(first.body.revokedRules).toHaveLength(1);
      expect(first.body.undo).toEqual([expect.stringContaining('authorize-security-group-ingress')]);
      expect(after).toEqual(['tcp 22-22 10.0.0.0/8']);
      expect(repeat.body).toMatchObject({ changed: false, revokedRules: [], addedRules: [], undo: [] });
      expect(names(find.body.instances)).toEqual(
        [instances.wide, instances.prefixList, instances.race, instances.allTraffic].sort(),
      );
    });

    it('splits a wide rule: the other ports stay open, then a repeat changes nothing', async () => {
      // Arrange
      const ec2 = motoEc2(endpoint);

      // Act
      const dry = await close(instances.wide, { port: 22, dryRun: true, region: HOME_REGION });
      const real = await close(instances.wide, { port: 22, region: HOME_REGION });
      const rules = (await groupRules(ec2, instances.groups.wideV6)).map(ruleText).sort();
      const repeat = await close(instances.wide, { port: 22, region: HOME_REGION });
      const port80 = await findPort(`port=80&region=${HOME_REGION}`);

      // Assert
      const split = [
        expect.objectContaining({ ipProtocol: 'tcp', fromPort: 0, toPort: 21, source: '::/0' }),
        expect.objectContaining({ ipProtocol: 'tcp', fromPort: 23, toPort: 65535, source: '::/0' }),
      ];
      expect(dry.body.addedRules).toEqual(split);
      expect(real.body.addedRules).toEqual(split);
      for (const added of real.body.addedRules) expect(added.securityGroupRuleId).toMatch(/^sgr-/);
      expect(real.body.revokedRules).toEqual([expect.objectContaining({ fromPort: 0, toPort: 65535 })]);
      expect(real.body.stillOpen).toBe(false);
      expect(rules).toEqual(['tcp 0-21 ::/0', 'tcp 23-65535 ::/0']);
      expect(repeat.body.changed).toBe(false);
      expect(names(port80.body.instances)).toEqual([instances.wide, instances.allTraffic].sort());
    });

    it('replaces an all-traffic rule with tcp, udp and icmp rules moto accepts, and warns what is lost', async () => {
      // Act
      const closed = await close(instances.allTraffic, { port: 22, region: HOME_REGION });
      const rules = (await groupRules(motoEc2(endpoint), instances.groups.allTraffic)).map(ruleText).sort();
      const udp = await findPort(`port=22&protocol=udp&region=${HOME_REGION}`);

      // Assert
      expect(closed.body).toMatchObject({ changed: true, stillOpen: false });
      expect(closed.body.revokedRules).toEqual([
        expect.objectContaining({ ipProtocol: '-1', source: '0.0.0.0/0' }),
      ]);
      expect(rules).toEqual([
        'icmp -1--1 0.0.0.0/0',
        'tcp 0-21 0.0.0.0/0',
        'tcp 23-65535 0.0.0.0/0',
        'udp 0-65535 0.0.0.0/0',
      ]);
      expect(closed.body.warnings).toEqual(expect.arrayContaining([expect.stringContaining('0.0.0.0/0')]));
      expect(names(udp.body.instances)).toEqual([instances.allTraffic]);
    });

    it('closes a prefix-list rule and a udp port', async () => {
      // Act
      const ssh = await close(instances.prefixList, { port: 22 });
      const dns = await close(instances.prefixList, { port: 53, protocol: 'udp' });
      const rules = (await groupRules(motoEc2(endpoint), instances.groups.prefixList)).map(ruleText);

      // Assert
      expect(ssh.body.revokedRules).toEqual([expect.objectContaining({ source: instances.prefixListId })]);
      expect(dns.body.revokedRules).toEqual([
        expect.objectContaining({ ipProtocol: 'udp', source: '0.0.0.0/0' }),
      ]);
      expect(rules).toEqual([]);
    });

    it('finishes a close when someone else removed one of its rules meanwhile', async () => {
      // Arrange: an API in this process whose EC2 calls go to moto; just before its revoke, "someone else"
      // revokes the IPv4 rule. moto then fails the whole revoke with InvalidPermission.NotFound (AWS answers
      // InvalidSecurityGroupRuleId.NotFound): both mean "already gone" (semantics.md, Idempotent).
      const external = motoEc2(endpoint);
      const [ipv4Rule] = (await groupRules(external, instances.groups.race)).filter((rule) => rule.CidrIpv4);
      let raced = false;
      const removeFirst: ClientAttachment = (stack, service) => {
        if (service !== 'ec2') return;
        stack.add(
          (next, context) => async (args) => {
            if (context.commandName === 'RevokeSecurityGroupIngressCommand' && !raced) {
              raced = true;
              await external.send(
                new RevokeSecurityGroupIngressCommand({
                  GroupId: instances.groups.race,
                  SecurityGroupRuleIds: [ipv4Rule?.SecurityGroupRuleId as string],
                }),
              );
            }
            return next(args);
          },
          { step: 'initialize', name: 'removeFirst' },
        );
      };
      const backend = awsBackend({
        region: HOME_REGION,
        settings: {
          endpoints: endpointsFromEnv(motoEnvironment(endpoint)),
          credentials: MOTO_CREDENTIALS,
          attachments: [removeFirst],
        },
      });
      const inProcess = await startLocalServer({ backend, port: 0 });
      try {
        // Act
        const reply = await fetch(`${inProcess.url}/ec2/instances/${instances.race}/close-port`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ port: 22, region: HOME_REGION }),
        });
        const body: Reply['body'] = await reply.json();
        const left = await groupRules(external, instances.groups.race);

        // Assert
        expect(raced).toBe(true);
        expect([reply.status, body.error]).toEqual([200, undefined]);
        expect(body).toMatchObject({ changed: true, stillOpen: false });
        expect(body.revokedRules.map((rule: { source: string }) => rule.source).sort()).toEqual([
          '0.0.0.0/0',
          '::/0',
        ]);
        expect(body.warnings).toEqual([expect.stringContaining(ipv4Rule?.SecurityGroupRuleId as string)]);
        expect(left).toEqual([]);
      } finally {
        await inProcess.close();
      }
    });

    it('finds an instance in another Region when no region is given', async () => {
      // Act
      const wrongRegion = await close(instances.abroad, { port: 22, region: HOME_REGION, dryRun: true });
      const closed = await close(instances.abroad, { port: 22 });
      const find = await findPort('port=22');

      // Assert
      expect(wrongRegion.status).toBe(404);
      expect(closed.body).toMatchObject({ region: OTHER_REGION, changed: true, stillOpen: false });
      expect(names(find.body.instances)).not.toContain(instances.abroad);
    });

    it('lists what a group tagged aiops:exposure=intended opens apart, and refuses closing it without force', async () => {
      // Act
      const find = await findPort(`port=8443&region=${HOME_REGION}`);
      const refused = await close(instances.intended, { port: 8443 });
      const left = await groupRules(motoEc2(endpoint), instances.groups.intended);

      // Assert: DescribeTags against moto carries the group's tags.
      expect(names(find.body.instances)).not.toContain(instances.intended);
      expect(find.body.intendedInstances).toEqual([
        expect.objectContaining({
          instanceId: instances.intended,
          intendedBy: 'securityGroup',
          securityGroups: [
            expect.objectContaining({
              securityGroupId: instances.groups.intended,
              securityGroupName: 'intended-web',
              reason: INTENDED_GROUP_REASON,
            }),
          ],
        }),
      ]);
      expect(refused.status).toBe(409);
      expect(refused.body.error.message).toContain('Security group "intended-web"');
      expect(left.map(ruleText)).toEqual(['tcp 8443-8443 0.0.0.0/0']);
    });

    it('answers 404 for an instance that does not exist', async () => {
      // Act
      const { status, body } = await close('i-0123456789abcdef0', { port: 22, region: HOME_REGION });

      // Assert
      expect(status).toBe(404);
      expect(body.error.message).toContain('i-0123456789abcdef0');
    });
  });
});
