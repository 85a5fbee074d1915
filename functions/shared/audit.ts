/**
 * The audit trail: one structured record per remediation call (dry runs
 * included), written through the shared logger so it lands in the function's
 * log group (CloudWatch Logs) or the local server's stdout.
 */
import type { Caller } from './invocation';
import { logger } from './logger';

export interface AuditRecord {
  operation: string;
  target: string;
  region: string | null;
  dryRun: boolean;
  outcome: 'changed' | 'unchanged' | 'would-change' | 'failed' | 'rejected';
  before?: unknown;
  after?: unknown;
  revokedRules?: unknown[];
  addedRules?: unknown[];
  undo?: string[];
  error?: { code: string; message: string; details?: unknown };
}

export function writeAuditRecord(caller: Caller, requestId: string, record: AuditRecord): void {
  logger.info('audit', {
    audit: {
      ...record,
      requestId,
      who: {
        principal: caller.principal,
        ...(caller.username ? { username: caller.username } : {}),
        ...(caller.sub ? { sub: caller.sub } : {}),
        ...(caller.clientId ? { clientId: caller.clientId } : {}),
        ...(caller.iamArn ? { iamArn: caller.iamArn } : {}),
      },
    },
  });
}
