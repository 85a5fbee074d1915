/**
 * The local server's `/mcp`: MCP Streamable HTTP on the sandbox (or `--aws`) account, to try remote MCP
 * clients before deploying. Same server, tools and handlers as the deployed MCP function; the local user
 * holds every scope. The local server's cross-site checks (Host, Origin, JSON bodies) run before it.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { handleMcpHttpRequest } from '../shared/mcp-server';
import type { LocalBackend } from './local-backend';
import { localBindings } from './local-bindings';

export const MCP_PATH = '/mcp';

/** Each local tool call: a fresh request id, the local caller, and the same deadline a Lambda would have. */
export function localInvocation(deadlineMs: number) {
  return () => {
    const deadline = Date.now() + deadlineMs;
    return {
      requestId: randomUUID(),
      caller: { principal: 'local' },
      remainingMs: () => Math.max(0, deadline - Date.now()),
      invokedFunctionArn: undefined,
    };
  };
}

export interface LocalMcpReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Answers MCP requests to the local server, given the request and its body already read. */
export function createLocalMcpHandler(backend: LocalBackend, deadlineMs: number) {
  const bindings = localBindings(backend);
  return async (req: IncomingMessage, body: Buffer): Promise<LocalMcpReply> => {
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    const method = req.method ?? 'GET';
    const request = new Request(`http://127.0.0.1${MCP_PATH}`, {
      method,
      headers,
      ...(method === 'GET' || method === 'HEAD' ? {} : { body: new Uint8Array(body) }),
    });
    const response = await handleMcpHttpRequest(request, {
      bindings,
      grantedScopes: new Set(['read', 'remediate']),
      invocation: localInvocation(deadlineMs),
    });
    return {
      status: response.status,
      headers: Object.fromEntries(response.headers.entries()),
      body: await response.text(),
    };
  };
}
