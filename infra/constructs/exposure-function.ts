/**
 * One Lambda function of the API with every default in one place: Node.js 22
 * on ARM, a minified bundle (its source map alongside) built by esbuild from
 * node_modules (never Docker), its own log group that goes away with the
 * stack, a timeout just under API Gateway's 29 s and the Powertools settings.
 */
import { resolve } from 'node:path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { LogLevel, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { REQUEST_DEADLINE_MS } from '../../openapi/limits';
import { type SplitBundleOptions, splitBundleCode } from './split-bundle';

/** Repository root: entries live in `functions/`, the lock file next to package.json. */
export const PROJECT_ROOT = resolve(__dirname, '..', '..');

/** The service name Powertools stamps on every log line and metric. */
export const POWERTOOLS_SERVICE_NAME = 'aiops-exposure-api';

/** The function's timeout is the API's request deadline (see openapi/limits.ts for why it is under 29 s). */
export const FUNCTION_TIMEOUT = Duration.millis(REQUEST_DEADLINE_MS);

/**
 * Package entry points esbuild prefers: the SDK's ES modules first, as AWS recommends for esbuild. It then
 * drops the commands a function never sends and no longer copies each CommonJS client's ~1,000 exports at
 * load, so bundles are smaller and load faster (docs/performance.md has the figures). npm run bench bundles
 * with the same fields.
 */
export const BUNDLE_MAIN_FIELDS = ['module', 'main'] as const;

/** The Node version the bundles target: the runtime's. */
export const BUNDLE_TARGET = 'node22';

/** Enough for a remediation (a few AWS calls); scans ask for more, see `SCAN_MEMORY_MB`. */
export const DEFAULT_MEMORY_MB = 1024;

/**
 * Scans are bound by CPU, not memory: thousands of signed AWS calls, each costing the SDK CPU time to sign
 * and parse. Lambda gives a full vCPU at 1,769 MB; with less a scan gets a fraction of one and
 * runs longer for the same GB-seconds, which at 10,000 buckets would eat most of API Gateway's deadline
 * (docs/performance.md has the figures).
 */
export const SCAN_MEMORY_MB = 1769;

/**
 * Concurrent executions reserved for (and capped at) each function, by what it serves: a token holder looping
 * scans can hold at most this many vCPUs, and the other functions keep theirs. The API's per-method bursts
 * (`METHOD_THROTTLING` in api.ts) match.
 */
export const RESERVED_CONCURRENCY = { read: 5, remediate: 3 } as const;

export interface ExposureFunctionProps {
  /** Short name: the entry is `functions/<functionName>.ts`. */
  readonly functionName: string;
  readonly description: string;
  /** Powertools log level. */
  readonly logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  readonly logRetention?: logs.RetentionDays;
  /** What `cdk destroy` does with the log group (the audit records); default destroy. */
  readonly logRemovalPolicy?: RemovalPolicy;
  /** Memory in MB, which also sets the CPU share (1,769 MB is one full vCPU). Default 1,024. */
  readonly memorySize?: number;
  /**
   * Map logged stack traces to the TypeScript sources. Off by default: Node then parses the bundle's source
   * map at every cold start (docs/performance.md has the cost). The map ships either way.
   */
  readonly sourceMapStackTraces?: boolean;
  /** Reserved (and maximum) concurrent executions; undefined leaves the function on the account's pool. */
  readonly reservedConcurrentExecutions?: number;
  /** Default `FUNCTION_TIMEOUT` (the API's deadline); a Cognito trigger gets Cognito's five seconds. */
  readonly timeout?: Duration;
  /** Extra environment (SCAN_CONCURRENCY, TIME_RESERVE_MS, ...). */
  readonly environment?: Record<string, string>;
  /**
   * Bundle as ES modules split at each dynamic `import()` (split-bundle.ts), so a cold start reads only the
   * code its request runs. Default: one CommonJS file, as NodejsFunction bundles it.
   */
  readonly splitBundle?: SplitBundleOptions;
}

export class ExposureFunction extends NodejsFunction {
  /** The explicit log group (kept or removed with the stack, as `logRemovalPolicy` says). */
  readonly functionLogGroup: logs.LogGroup;
  /** The function's own role: no managed policy, only its log group and what the caller adds. */
  readonly executionRole: iam.Role;
  /** The role its AWS writes run under (assumed per request with the caller as source identity), if it writes. */
  writeRole?: iam.Role;

  constructor(scope: Construct, id: string, props: ExposureFunctionProps) {
    const logGroup = new logs.LogGroup(scope, `${id}LogGroup`, {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.DESTROY,
    });
    // An explicit role instead of the default one with AWSLambdaBasicExecutionRole: the function may write
    // its own log group and nothing else until the operation's grants are added.
    const executionRole = new iam.Role(scope, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs the ${props.functionName} function of the AIOps exposure API.`,
    });
    executionRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'WriteOwnLogGroup',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [logGroup.logGroupArn],
      }),
    );

    const entry = resolve(PROJECT_ROOT, 'functions', `${props.functionName}.ts`);
    super(scope, id, {
      ...(props.splitBundle
        ? {
            code: splitBundleCode(PROJECT_ROOT, entry, {
              ...props.splitBundle,
              mainFields: BUNDLE_MAIN_FIELDS,
              target: BUNDLE_TARGET,
            }),
            handler: 'index.handler',
          }
        : {
            entry,
            handler: 'handler',
            projectRoot: PROJECT_ROOT,
            depsLockFilePath: resolve(PROJECT_ROOT, 'package-lock.json'),
            bundling: {
              forceDockerBundling: false,
              minify: true,
              sourceMap: true,
              target: BUNDLE_TARGET,
              format: OutputFormat.CJS,
              // Bundle the pinned SDK v3 clients instead of trusting the runtime's copy.
              externalModules: [],
              mainFields: [...BUNDLE_MAIN_FIELDS],
              metafile: false,
              // Warnings and errors only: the bundle-size summary on every synth is noise.
              logLevel: LogLevel.WARNING,
            },
          }),
      description: props.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? DEFAULT_MEMORY_MB,
      ...(props.reservedConcurrentExecutions === undefined
        ? {}
        : { reservedConcurrentExecutions: props.reservedConcurrentExecutions }),
      timeout: props.timeout ?? FUNCTION_TIMEOUT,
      role: executionRole,
      logGroup,
      environment: {
        POWERTOOLS_SERVICE_NAME,
        POWERTOOLS_LOG_LEVEL: props.logLevel ?? 'INFO',
        ...(props.sourceMapStackTraces ? { NODE_OPTIONS: '--enable-source-maps' } : {}),
        ...props.environment,
      },
    });
    this.functionLogGroup = logGroup;
    this.executionRole = executionRole;
  }
}
