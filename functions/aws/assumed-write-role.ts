/**
 * Writes run as the person who asked: each write function assumes its write
 * role with `sts:SetSourceIdentity` = the caller, so CloudTrail's
 * `sourceIdentity` on every `PutPublicAccessBlock` or
 * `RevokeSecurityGroupIngress` names them. The execution role itself holds no
 * write permission. Credentials are cached per source identity while they
 * stay fresh, and clients per source identity and Region.
 */
import { AssumeRoleCommand, type AssumeRoleCommandOutput, type STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { sourceIdentityOf } from '../domain/source-identity';
import type { Caller } from '../shared/invocation';
import { upstreamError } from './aws-errors';

/** The shortest session STS grants: the credentials are used for one or two calls. */
export const WRITE_SESSION_SECONDS = 900;
/** Assume again this long before expiry (the SDK refreshes identities inside the same window). */
export const REFRESH_MARGIN_MS = 5 * 60_000;
/** Distinct callers kept per container; the oldest is dropped beyond it. */
export const MAX_CACHED_IDENTITIES = 32;

export interface AssumedWriteRole {
  readonly roleArn: string;
  /** Fresh credentials of the write role for this source identity (cached while fresh). */
  credentialsFor(sourceIdentity: string): Promise<AwsCredentialIdentity>;
}

/**
 * Assumes `roleArn` per source identity. A failed AssumeRole is not cached and surfaces as a 502 naming
 * `sts:AssumeRole`, before any write is attempted.
 */
export function createAssumedWriteRole(
  sts: STSClient,
  roleArn: string,
  now: () => number = Date.now,
): AssumedWriteRole {
  const cache = new Map<string, Promise<AwsCredentialIdentity>>();
  const assume = async (sourceIdentity: string): Promise<AwsCredentialIdentity> => {
    let out: AssumeRoleCommandOutput;
    try {
      out = await sts.send(
        new AssumeRoleCommand({
          RoleArn: roleArn,
          // The session name shows in the assumed-role ARN of every CloudTrail event too.
          RoleSessionName: sourceIdentity,
          SourceIdentity: sourceIdentity,
          DurationSeconds: WRITE_SESSION_SECONDS,
        }),
      );
    } catch (error) {
      throw upstreamError('sts:AssumeRole', error);
    }
    const credentials = out.Credentials;
    if (!credentials?.AccessKeyId || !credentials.SecretAccessKey || !credentials.SessionToken) {
      throw upstreamError('sts:AssumeRole', { name: 'MissingCredentials' });
    }
    return {
      accessKeyId: credentials.AccessKeyId,
      secretAccessKey: credentials.SecretAccessKey,
      sessionToken: credentials.SessionToken,
      ...(credentials.Expiration ? { expiration: new Date(credentials.Expiration) } : {}),
    };
  };
  const fresh = async (cached: Promise<AwsCredentialIdentity>) => {
    const credentials = await cached;
    return (
      credentials.expiration === undefined || credentials.expiration.getTime() - now() > REFRESH_MARGIN_MS
    );
  };
  return {
    roleArn,
    async credentialsFor(sourceIdentity) {
      const cached = cache.get(sourceIdentity);
      if (cached && (await fresh(cached).catch(() => false))) return cached;
      const next = assume(sourceIdentity);
      cache.delete(sourceIdentity);
      cache.set(sourceIdentity, next);
      if (cache.size > MAX_CACHED_IDENTITIES) {
        const oldest = cache.keys().next().value;
        if (oldest !== undefined) cache.delete(oldest);
      }
      next.catch(() => {
        if (cache.get(sourceIdentity) === next) cache.delete(sourceIdentity);
      });
      return next;
    },
  };
}

/** Clients whose calls run as the caller; `direct` ones use the function's own credentials. */
export type WriteClients<T> = (caller: Caller, region: string) => Promise<T>;

/**
 * Write clients under `role`: one client factory per source identity (bounded like the credentials), whose
 * credentials come from the role. The credentials are fetched before the client is handed out, so a refused
 * AssumeRole fails the request before its first write.
 */
export function assumedWriteClients<T>(
  role: AssumedWriteRole,
  build: (credentials: AwsCredentialIdentityProvider) => (region: string) => T,
): WriteClients<T> {
  const factories = new Map<string, (region: string) => T>();
  return async (caller, region) => {
    const sourceIdentity = sourceIdentityOf(caller);
    await role.credentialsFor(sourceIdentity);
    let factory = factories.get(sourceIdentity);
    if (!factory) {
      factory = build(() => role.credentialsFor(sourceIdentity));
      factories.set(sourceIdentity, factory);
      if (factories.size > MAX_CACHED_IDENTITIES) {
        const oldest = factories.keys().next().value;
        if (oldest !== undefined) factories.delete(oldest);
      }
    }
    return factory(region);
  };
}

/**
 * The documented local bypass: writes with the clients the reads use (the local `--aws` server's own
 * credentials, or a read function that never writes). Deployed write functions always assume their role.
 */
export function directWriteClients<T>(clients: (region: string) => T): WriteClients<T> {
  return async (_caller, region) => clients(region);
}
