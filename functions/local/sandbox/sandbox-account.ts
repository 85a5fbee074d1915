/**
 * The sandbox: an in-memory AWS account that answers the SDK v3 commands the
 * adapters send. It attaches to real SDK clients as middleware in the
 * deserialize step, below the retry step, so everything above it (retries,
 * adaptive throttling, error mapping) is the production path. It can add
 * latency and inject faults, and it records every call for tests and benches.
 * Like IAM with the deployed stack, it lets writes through only under a
 * session of the write role, which its STS issues with a source identity.
 */
import type { DeserializeHandlerOutput, MiddlewareStack } from '@smithy/types';
import type { AwsService, ClientAttachment } from '../../aws/client-config';
import { SandboxTables } from './sandbox-dynamodb';
import { handleEc2, handleServiceQuotas } from './sandbox-ec2';
import { sandboxError } from './sandbox-errors';
import { handleS3, handleS3Control, handleSts } from './sandbox-s3';
import type { Scenario } from './scenario';

export interface RecordedCall {
  service: AwsService;
  region: string;
  command: string;
  input: Record<string, unknown>;
  /** The error code, when the call failed. */
  error?: string;
  /** The source identity of the assumed-role session that signed the call; absent for the account's own credentials. */
  sourceIdentity?: string;
}

/** A session the sandbox's STS issued, found again by its session token. */
interface SandboxSession {
  roleArn: string;
  sourceIdentity: string;
}

/** What STS accepts as RoleSessionName and SourceIdentity. */
const STS_NAME = /^[\w+=,.@-]{2,64}$/;

/** Commands that change the account; a test asserts none of them ran unless a write was asked for. */
export const WRITE_COMMANDS = new Set([
  'PutPublicAccessBlock',
  'DeletePublicAccessBlock',
  'AuthorizeSecurityGroupIngress',
  'RevokeSecurityGroupIngress',
]);

/** Small deterministic generator (mulberry32) so fault runs repeat. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class SandboxAccount {
  readonly calls: RecordedCall[] = [];
  /** The embedded DynamoDB tables (the change journal). */
  readonly tables = new SandboxTables();
  private readonly random: () => number;
  /** Per-service latency replacing the scenario's (the bench gives the DynamoDB store its own). */
  readonly latencyByService: Partial<Record<AwsService, number>> = {};
  /** Hook run before every call (tests use it to interleave concurrent writes). */
  beforeCall: ((call: RecordedCall) => Promise<void> | void) | undefined;
  /**
   * When set, the only role AssumeRole grants, and write commands are refused (AccessDenied) unless signed by
   * a session of it: the deployed execution roles hold no write permission either.
   */
  writeRoleArn: string | undefined;
  private readonly sessions = new Map<string, SandboxSession>();

  constructor(readonly scenario: Scenario) {
    this.random = seededRandom(scenario.seed);
  }

  /** Attaches this account to a client's middleware stack (see `AwsClientSettings.attachments`). */
  readonly attachment: ClientAttachment = (stack: MiddlewareStack<object, object>, service, region) => {
    stack.add(
      (_next, context) => async (args) => {
        const command = String(context.commandName ?? 'Unknown').replace(/Command$/, '');
        const headers = (args.request as { headers?: Record<string, string> } | undefined)?.headers ?? {};
        const output = await this.answer(service, region, command, args.input as Record<string, unknown>, {
          sessionToken: headers['x-amz-security-token'],
        });
        return {
          output: { ...output, $metadata: { httpStatusCode: 200, requestId: 'sandbox' } },
          response: { statusCode: 200, headers: {} },
        } as DeserializeHandlerOutput<object>;
      },
      { step: 'deserialize', priority: 'high', name: 'sandboxAccount', tags: ['SANDBOX'] },
    );
  };

  writeCalls(): RecordedCall[] {
    return this.calls.filter((call) => WRITE_COMMANDS.has(call.command) && call.error === undefined);
  }

  countCalls(command?: string): number {
    return command === undefined
      ? this.calls.length
      : this.calls.filter((call) => call.command === command).length;
  }

  async answer(
    service: AwsService,
    region: string,
    command: string,
    input: Record<string, unknown>,
    /** How an API client signed the call; absent for a direct call (a test acting as an operator with admin rights). */
    signed?: { sessionToken: string | undefined },
  ): Promise<Record<string, unknown>> {
    const session = signed?.sessionToken === undefined ? undefined : this.sessions.get(signed.sessionToken);
    const call: RecordedCall = {
      service,
      region,
      command,
      input: structuredClone(input),
      ...(session ? { sourceIdentity: session.sourceIdentity } : {}),
    };
    this.calls.push(call);
    const latencyMs = this.latencyByService[service] ?? this.scenario.latencyMs;
    if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
    if (this.beforeCall) await this.beforeCall(call);
    try {
      this.injectFault(service, command);
      if (
        signed !== undefined &&
        WRITE_COMMANDS.has(command) &&
        this.writeRoleArn !== undefined &&
        session?.roleArn !== this.writeRoleArn
      ) {
        throw sandboxError(
          'AccessDenied',
          `The sandbox's own credentials may not call ${command}: writes go through ${this.writeRoleArn}.`,
        );
      }
      const output =
        service === 'sts' && command === 'AssumeRole'
          ? this.assumeRole(input)
          : this.dispatch(service, region, command, input);
      return structuredClone(output);
    } catch (error) {
      call.error = (error as Error).name;
      throw error;
    }
  }

  /** STS AssumeRole as AWS validates it, for the write role only; the session is found again by its token. */
  private assumeRole(input: Record<string, unknown>): Record<string, unknown> {
    const { RoleArn, RoleSessionName, SourceIdentity, DurationSeconds } = input;
    if (typeof RoleArn !== 'string' || (this.writeRoleArn !== undefined && RoleArn !== this.writeRoleArn)) {
      throw sandboxError('AccessDenied', `Not authorized to perform sts:AssumeRole on ${String(RoleArn)}.`);
    }
    for (const [name, value] of [
      ['roleSessionName', RoleSessionName],
      ['sourceIdentity', SourceIdentity],
    ] as const) {
      if (typeof value !== 'string' || !STS_NAME.test(value)) {
        throw sandboxError(
          'ValidationError',
          `1 validation error detected: Value '${String(value)}' at '${name}' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*`,
        );
      }
    }
    const seconds = typeof DurationSeconds === 'number' ? DurationSeconds : 3600;
    // Role chaining (the Lambda role assuming the write role) caps sessions at an hour.
    if (seconds < 900 || seconds > 3600) {
      throw sandboxError(
        'ValidationError',
        `DurationSeconds ${seconds} is outside 900-3600 for a chained role.`,
      );
    }
    const id = this.sessions.size + 1;
    const sessionToken = `sandbox-session-${id}`;
    this.sessions.set(sessionToken, { roleArn: RoleArn, sourceIdentity: SourceIdentity as string });
    const roleName = RoleArn.split('/').pop() ?? 'role';
    return {
      Credentials: {
        AccessKeyId: `ASIASANDBOX${String(id).padStart(9, '0')}`,
        SecretAccessKey: 'sandbox-session-secret',
        SessionToken: sessionToken,
        Expiration: new Date(Date.now() + seconds * 1000),
      },
      AssumedRoleUser: {
        AssumedRoleId: `AROASANDBOX:${RoleSessionName as string}`,
        Arn: `arn:aws:sts::${this.scenario.accountId}:assumed-role/${roleName}/${RoleSessionName as string}`,
      },
      SourceIdentity,
    };
  }

  private injectFault(service: AwsService, command: string): void {
    for (const fault of this.scenario.faults) {
      if (fault.command !== undefined && fault.command !== command) continue;
      if (fault.service !== undefined && fault.service !== service) continue;
      if (this.random() < fault.rate)
        throw sandboxError(fault.error, `${fault.error} (injected by the sandbox)`);
    }
  }

  private dispatch(service: AwsService, region: string, command: string, input: Record<string, unknown>) {
    if (!this.scenario.regions.includes(region)) {
      throw sandboxError('AuthFailure', `Region ${region} is not enabled for this account.`);
    }
    switch (service) {
      case 's3':
        return handleS3(this.scenario, region, command, input);
      case 's3control':
        return handleS3Control(this.scenario, command, input);
      case 'sts':
        return handleSts(this.scenario, command);
      case 'ec2':
        return handleEc2(this.scenario, region, command, input);
      case 'dynamodb':
        return this.tables.handle(command, input);
      case 'servicequotas':
        return handleServiceQuotas(this.scenario, region, command, input);
    }
  }
}
