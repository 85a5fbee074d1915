/**
 * Shared configuration for every AWS SDK v3 client the adapters use: adaptive
 * retries for throttling, keep-alive sockets sized to the scan concurrency,
 * endpoint overrides (LocalStack, moto), and a hook through which the local
 * sandbox (or a test) attaches itself to the client as SDK middleware.
 */
import { AdaptiveRetryStrategy, DefaultRateLimiter } from '@smithy/core/retry';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, MiddlewareStack } from '@smithy/types';
import { DEFAULT_CONCURRENCY } from '../shared/defaults';

/** Services the adapters talk to; each maps to its `AWS_ENDPOINT_URL_<SERVICE>` variable. */
export type AwsService = 's3' | 's3control' | 'ec2' | 'sts' | 'dynamodb' | 'servicequotas';

const ENDPOINT_ENV: Record<AwsService, string> = {
  s3: 'AWS_ENDPOINT_URL_S3',
  s3control: 'AWS_ENDPOINT_URL_S3_CONTROL',
  ec2: 'AWS_ENDPOINT_URL_EC2',
  sts: 'AWS_ENDPOINT_URL_STS',
  dynamodb: 'AWS_ENDPOINT_URL_DYNAMODB',
  servicequotas: 'AWS_ENDPOINT_URL_SERVICE_QUOTAS',
};

/** Lowest rate (calls per second, per client) adaptive retries slow down to under throttling. */
export const MIN_CALLS_PER_SECOND = 10;

/** Anything that can be attached to a client's middleware stack (the sandbox, fault injection, call counters). */
export type ClientAttachment = (
  stack: MiddlewareStack<object, object>,
  service: AwsService,
  region: string,
) => void;

/** The most calls a scan of the given width has in flight: a bucket's first two reads go out together. */
export function callsInFlight(concurrency: number): number {
  return concurrency * 2;
}

export interface AwsClientSettings {
  /** Buckets or Regions worked on at once; each client's HTTP agent gets `callsInFlight(concurrency)` sockets. */
  concurrency: number;
  maxAttempts: number;
  /** Fixed credentials (the sandbox) or a provider (an assumed write role); default: the SDK's chain. */
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Explicit endpoint per service; `endpointsFromEnv` fills it from the environment. */
  endpoints: Partial<Record<AwsService, string>>;
  attachments: ClientAttachment[];
}

/** Reads `AWS_ENDPOINT_URL_<SERVICE>` (then `AWS_ENDPOINT_URL`) the way the AWS CLI does. */
export function endpointsFromEnv(env: NodeJS.ProcessEnv = process.env): Partial<Record<AwsService, string>> {
  const endpoints: Partial<Record<AwsService, string>> = {};
  for (const service of Object.keys(ENDPOINT_ENV) as AwsService[]) {
    const url = env[ENDPOINT_ENV[service]] || env.AWS_ENDPOINT_URL;
    if (url) endpoints[service] = url;
  }
  return endpoints;
}

export function defaultClientSettings(overrides: Partial<AwsClientSettings> = {}): AwsClientSettings {
  return {
    concurrency: DEFAULT_CONCURRENCY,
    // Adaptive mode slows the client down under throttling; ten attempts outlast sustained throttling
    // (docs/performance.md has the figures).
    maxAttempts: 10,
    endpoints: endpointsFromEnv(),
    attachments: [],
    ...overrides,
  };
}

/** The constructor options common to every client, for one service and region. */
export function baseClientConfig(settings: AwsClientSettings, service: AwsService, region: string) {
  const endpoint = settings.endpoints[service];
  return {
    region,
    maxAttempts: settings.maxAttempts,
    // Adaptive: throttling slows the client down. Its default floor is so low that a throttled scan outlasts
    // API Gateway's deadline; our floor per Region keeps it inside and gives the same answer (the fault tests
    // check the answer; docs/performance.md has the figures).
    retryStrategy: new AdaptiveRetryStrategy(settings.maxAttempts, {
      rateLimiter: new DefaultRateLimiter({ minFillRate: MIN_CALLS_PER_SECOND }),
    }),
    // Resolve each command's middleware stack once per client, not on every call: a scan sends thousands of
    // calls of a handful of commands, and per-call resolution was a noticeable share of its CPU (docs/performance.md). Every attachment is
    // added when the client is built, before its first call, as this cache requires.
    cacheMiddleware: true,
    requestHandler: {
      connectionTimeout: 3_000,
      requestTimeout: 10_000,
      // All buckets may live in one Region, so one client may carry every call in flight without queueing.
      httpsAgent: { keepAlive: true, maxSockets: callsInFlight(settings.concurrency) },
      httpAgent: { keepAlive: true, maxSockets: callsInFlight(settings.concurrency) },
    },
    ...(settings.credentials ? { credentials: settings.credentials } : {}),
    ...(endpoint ? { endpoint } : {}),
  };
}

/**
 * Finishes a freshly built client's middleware stack: drops the SDK's logger middleware and adds the
 * attachments (sandbox, fault injection, counters). The logger middleware only feeds the client's `logger`,
 * which we never set (our own logger records calls), yet it still copies every input and output through the
 * sensitive-data filter on each call: a twelfth of a bucket scan's CPU.
 */
export function prepareClientStack(
  stack: unknown,
  settings: AwsClientSettings,
  service: AwsService,
  region: string,
): void {
  const middleware = stack as MiddlewareStack<object, object>;
  middleware.remove('loggerMiddleware');
  for (const attachment of settings.attachments) attachment(middleware, service, region);
}

/** Caches one client per Region: clients are costly to build and hold the keep-alive sockets. */
export function perRegion<T>(build: (region: string) => T): (region: string) => T {
  const cache = new Map<string, T>();
  return (region) => {
    let client = cache.get(region);
    if (client === undefined) {
      client = build(region);
      cache.set(region, client);
    }
    return client;
  };
}
