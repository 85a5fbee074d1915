/** Test support: a local server over a sandbox scenario, and JSON calls to it. */
import { sandboxBackend } from '../../functions/local/local-backend';
import { type RunningServer, startLocalServer } from '../../functions/local/local-server';
import { DEFAULT_SCENARIO } from '../../functions/local/main';
import type { SandboxAccount } from '../../functions/local/sandbox/sandbox-account';
import { loadScenarioFile, parseScenario, type ScenarioInput } from '../../functions/local/sandbox/scenario';
import { contractProblems } from './contract';

export interface TestApi {
  url: string;
  sandbox: SandboxAccount;
  call: (method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<ApiReply>;
  close: () => Promise<void>;
}

export interface ApiReply {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: test replies are inspected field by field
  body: any;
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
  options: { deadlineMs?: number; concurrency?: number } = {},
): Promise<TestApi> {
  const backend = sandboxBackend(scenarioValue, { concurrency: options.concurrency ?? 16 });
  const running: RunningServer = await startLocalServer({
    backend,
    port: 0,
    ...(options.deadlineMs ? { deadlineMs: options.deadlineMs } : {}),
  });
  const sandbox = backend.sandbox as SandboxAccount;
  return {
    url: running.url,
    sandbox,
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
      if (path !== '/openapi.json') {
        const problems = contractProblems(method, path, response.status, parsed);
        if (problems.length > 0)
          throw new Error(`Reply breaks the OpenAPI contract:\n${problems.join('\n')}`);
      }
      return { status: response.status, headers: response.headers, body: parsed, text };
    },
  };
}
