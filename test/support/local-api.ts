/** Test support: a local server over a sandbox scenario, and JSON calls to it. */

import type { output } from 'zod/mini';
import { type LocalBackend, sandboxBackend } from '../../functions/local/local-backend';
import { type RunningServer, startLocalServer } from '../../functions/local/local-server';
import { DEFAULT_SCENARIO } from '../../functions/local/main';
import type { SandboxAccount } from '../../functions/local/sandbox/sandbox-account';
import { loadScenarioFile, parseScenario, type ScenarioInput } from '../../functions/local/sandbox/scenario';
import type { ErrorBody } from '../../functions/shared/errors';
import type { PlanSigning } from '../../functions/shared/plan-signing';
import type {
  AnyOperation,
  closeUnwantedPortForEc2Instance,
  findEc2InstancesWithOpenPort,
  findS3BucketsWithPublicAccess,
  previewCloseUnwantedPortForEc2Instance,
  previewRemovePublicAccessFromS3Bucket,
  removePublicAccessFromS3Bucket,
} from '../../openapi/operations';
import { contractProblems } from './contract';

/** What an operation answers with on success, as its registry response schema types it. */
export type ResponseOf<O extends AnyOperation> = output<O['response']>;

/**
 * The body of a reply to `path`, typed from the registry: the operation's response fields and the
 * error body's `error` (which of the two is present depends on the status the test checks first).
 * A path no operation serves (or one only known at run time) gets the error body and nothing else typed.
 */
export type ReplyBody<P extends string> =
  P extends `/s3/buckets/${string}/block-public-access/preview${string}`
    ? ResponseOf<typeof previewRemovePublicAccessFromS3Bucket> & ErrorBody
    : P extends `/ec2/instances/${string}/close-port/preview${string}`
      ? ResponseOf<typeof previewCloseUnwantedPortForEc2Instance> & ErrorBody
      : P extends `/s3/public-buckets${string}`
        ? ResponseOf<typeof findS3BucketsWithPublicAccess> & ErrorBody
        : P extends `/s3/buckets/${string}/block-public-access${string}`
          ? ResponseOf<typeof removePublicAccessFromS3Bucket> & ErrorBody
          : P extends `/ec2/instances-with-open-port${string}`
            ? ResponseOf<typeof findEc2InstancesWithOpenPort> & ErrorBody
            : P extends `/ec2/instances/${string}/close-port${string}`
              ? ResponseOf<typeof closeUnwantedPortForEc2Instance> & ErrorBody
              : UntypedBody;

// biome-ignore lint/suspicious/noExplicitAny: a path the registry does not name (or a run-time string) has no schema to type it
type UntypedBody = any;

export interface TestApi {
  url: string;
  sandbox: SandboxAccount;
  /** The server's backend, for calling a handler with a caller the local server cannot sign in (no tokens). */
  backend: LocalBackend;
  call: <P extends string>(
    method: string,
    path: P,
    body?: unknown,
    headers?: Record<string, string>,
  ) => Promise<ApiReply<ReplyBody<P>>>;
  close: () => Promise<void>;
}

export interface ApiReply<B = UntypedBody> {
  status: number;
  headers: Headers;
  body: B;
  text: string;
}

export function defaultScenario() {
  return loadScenarioFile(DEFAULT_SCENARIO);
}

export function scenario(input: Partial<ScenarioInput> = {}) {
  return parseScenario({ accountId: '111122223333', regions: ['us-east-1', 'eu-west-1'], ...input });
}

export async function startTestApi(
  scenarioValue = defaultScenario(),
  options: { deadlineMs?: number; concurrency?: number; plans?: PlanSigning } = {},
): Promise<TestApi> {
  const backend = sandboxBackend(scenarioValue, {
    concurrency: options.concurrency ?? 16,
    ...(options.plans ? { plans: options.plans } : {}),
  });
  const running: RunningServer = await startLocalServer({
    backend,
    port: 0,
    ...(options.deadlineMs ? { deadlineMs: options.deadlineMs } : {}),
  });
  const sandbox = backend.sandbox as SandboxAccount;
  return {
    url: running.url,
    sandbox,
    backend,
    close: running.close,
    call: async (method, path, body, headers = {}) => {
      const init: RequestInit = { method, headers: { ...headers } };
      if (body !== undefined) {
        init.body = typeof body === 'string' ? body : JSON.stringify(body);
        (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
      }
      const response = await fetch(`${running.url}${path}`, init);
      const text = await response.text();
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      // Every reply any test sees must match the OpenAPI document (the contract test).
      if (path !== '/openapi.json' && path !== '/openapi.assistant.json') {
        const problems = contractProblems(method, path, response.status, parsed);
        if (problems.length > 0)
          throw new Error(`Reply breaks the OpenAPI contract:\n${problems.join('\n')}`);
      }
      return { status: response.status, headers: response.headers, body: parsed as never, text };
    },
  };
}
