/**
 * The MCP endpoint on the same REST API: `POST /mcp` (MCP Streamable HTTP, stateless, JSON responses)
 * served by one function that runs every operation's handler, behind the same Cognito authorizer, and
 * `GET /.well-known/oauth-protected-resource`, the RFC 9728 metadata that tells an MCP client which
 * authorization server (the user pool) issues tokens for it. API Gateway's 401 names that metadata in a
 * `WWW-Authenticate` header, which is how the MCP authorization spec has clients discover it.
 */
import { Aws, type RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { type AnyOperation, operations } from '../../openapi/operations';
import { type ExposureApi, STAGE_NAME } from './api';
import type { ExposureAuth } from './auth';
import { ExposureFunction, SCAN_MEMORY_MB } from './exposure-function';
import { grantOperationActions, grantScanSnapshotActions, type WriteGuard } from './operation-permissions';
import type { SplitBundleOptions } from './split-bundle';

/** Path of the MCP endpoint and of its protected-resource metadata, under the stage. */
export const MCP_ENDPOINT_PATH = '/mcp';
export const PROTECTED_RESOURCE_METADATA_PATH = '/.well-known/oauth-protected-resource';

/**
 * How the MCP function is bundled: split, so a cold start reads the MCP SDK and the tool list but not the S3
 * or EC2 code (functions/mcp.ts imports each service's handlers on its first tool call), and without Ajv:
 * the SDK imports it to check elicitation answers against a JSON Schema, and this server never elicits
 * (functions/shared/ajv-left-out.ts). docs/performance.md has what each saves.
 */
export const MCP_BUNDLE: SplitBundleOptions = {
  alias: {
    ajv: './functions/shared/ajv-left-out.ts',
    'ajv-formats': './functions/shared/ajv-left-out.ts',
  },
};

export interface McpEndpointProps {
  readonly api: ExposureApi;
  /** Cognito authentication; undefined only for the explicit `auth=none` demo mode. */
  readonly auth?: ExposureAuth;
  readonly sourceMapStackTraces?: boolean;
  /** The same guard on writes (protected tag, allowed Regions) as the REST functions. */
  readonly writeGuard: WriteGuard;
  /** Reserved concurrency, as the REST functions get it; undefined leaves it unreserved. */
  readonly reservedConcurrentExecutions?: number;
  /** The change journal its change, history and undo tools read and write. */
  readonly journal: dynamodb.ITableV2;
  /** The scan snapshot table its find tools page from (and its change tools mark out of date), and its TTL. */
  readonly snapshots: { readonly table: dynamodb.ITableV2; readonly ttlSeconds: number };
  /** Its log group holds audit records: kept and retained as the REST functions' are. */
  readonly logRetention?: logs.RetentionDays;
  readonly logRemovalPolicy?: RemovalPolicy;
  /** The operations served as tools (default: every registry operation). */
  readonly operations?: readonly AnyOperation[];
  /** The key previews sign planIds with (read only when a served operation uses it). */
  readonly planKey?: secretsmanager.ISecret;
}

export class McpEndpoint extends Construct {
  readonly function: ExposureFunction;
  /** `https://{api}.execute-api.{region}.amazonaws.com/prod/mcp`. */
  readonly url: string;
  readonly protectedResourceMetadataUrl: string;

  constructor(scope: Construct, id: string, props: McpEndpointProps) {
    super(scope, id);
    const served = props.operations ?? operations;
    const { api, auth } = props;
    this.url = `${api.url}${MCP_ENDPOINT_PATH}`;
    this.protectedResourceMetadataUrl = `${api.url}${PROTECTED_RESOURCE_METADATA_PATH}`;

    this.function = new ExposureFunction(this, 'Function', {
      functionName: 'mcp',
      // The tool names would outgrow Lambda's 256-character description as operations are added.
      description: `AIOps exposure API: MCP tools (POST ${MCP_ENDPOINT_PATH}), one per operation of the API (${served.length} tools).`,
      // Its tools include the account-wide scans.
      memorySize: SCAN_MEMORY_MB,
      splitBundle: MCP_BUNDLE,
      ...(props.sourceMapStackTraces ? { sourceMapStackTraces: true } : {}),
      ...(props.reservedConcurrentExecutions
        ? { reservedConcurrentExecutions: props.reservedConcurrentExecutions }
        : {}),
      ...(props.logRetention ? { logRetention: props.logRetention } : {}),
      ...(props.logRemovalPolicy ? { logRemovalPolicy: props.logRemovalPolicy } : {}),
      environment: {
        CHANGE_JOURNAL_TABLE: props.journal.tableName,
        SCAN_SNAPSHOT_TABLE: props.snapshots.table.tableName,
        SCAN_SNAPSHOT_TTL_SECONDS: String(props.snapshots.ttlSeconds),
        ...(auth
          ? {
              OAUTH_SCOPE_READ: auth.scopeNames.read,
              OAUTH_SCOPE_REMEDIATE: auth.scopeNames.remediate,
              // Previews name the group to a read-only person.
              REMEDIATOR_GROUP: auth.remediatorGroupName,
              // The pool's issuer (`iss` of its tokens); ProviderURL alone lacks the scheme.
              OAUTH_ISSUER: `https://cognito-idp.${Aws.REGION}.${Aws.URL_SUFFIX}/${auth.userPool.userPoolId}`,
            }
          : {}),
        ...(props.planKey && served.some((o) => o.usesPlanKey)
          ? { PLAN_KEY_SECRET_ARN: props.planKey.secretArn }
          : {}),
        // Bucket tags are read before a write: IAM's Deny sees them only on buckets with ABAC enabled.
        PROTECTED_TAG_KEY: props.writeGuard.protectedTagKey,
      },
    });
    if (props.planKey && served.some((o) => o.usesPlanKey)) {
      // Previews and applies as tools sign and check planIds like their REST functions: the value of this one secret.
      this.function.executionRole.addToPolicy(
        new iam.PolicyStatement({
          sid: 'ReadPlanKey',
          actions: ['secretsmanager:GetSecretValue'],
          resources: [props.planKey.secretArn],
        }),
      );
    }
    // It runs every operation, so it holds the union of their actions; each tool still needs its own scope.
    grantOperationActions(
      this.function,
      served.flatMap((operation) => operation.iamActions),
      { journalTableArn: props.journal.tableArn },
      props.writeGuard,
    );
    grantScanSnapshotActions(
      this.function.executionRole,
      served.flatMap((operation) => operation.snapshotActions ?? []),
      props.snapshots.table.tableArn,
    );
    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Pinned to nodejs22.x, the runtime the bundle targets (esbuild target node22) and the code is tested on; ' +
        'it moves to a newer runtime together with the toolchain, not silently.',
    });

    const integration = new apigateway.LambdaIntegration(this.function, {
      proxy: true,
      allowTestInvoke: false,
    });
    const mcpResource = api.restApi.root.resourceForPath(MCP_ENDPOINT_PATH);
    mcpResource.addMethod('POST', integration, {
      operationName: 'mcp',
      ...(auth && api.authorizer
        ? {
            authorizationType: apigateway.AuthorizationType.COGNITO,
            authorizer: api.authorizer,
            // Either scope opens the endpoint; the function then holds each tool to its operation's scope.
            authorizationScopes: [auth.scopeNames.read, auth.scopeNames.remediate],
          }
        : { authorizationType: apigateway.AuthorizationType.NONE }),
    });

    const metadataMethod = api.restApi.root
      .resourceForPath(PROTECTED_RESOURCE_METADATA_PATH)
      .addMethod('GET', integration, {
        operationName: 'getOAuthProtectedResourceMetadata',
        authorizationType: apigateway.AuthorizationType.NONE,
      });
    Validations.of(metadataMethod).acknowledge(
      {
        id: 'AwsSolutions-APIG4',
        reason:
          'RFC 9728 protected-resource metadata must be readable before sign-in: it is how an MCP client finds ' +
          'the authorization server. It returns fixed public URLs and scope names, no account data.',
      },
      {
        id: 'AwsSolutions-COG4',
        reason:
          'RFC 9728 protected-resource metadata must be readable before sign-in (see AwsSolutions-APIG4 on this method).',
      },
    );

    if (auth) this.announceMetadataOnUnauthorized(api);
  }

  /**
   * `WWW-Authenticate: Bearer resource_metadata="…"` on API Gateway's own 401s. The metadata cannot live at
   * the host root (`/.well-known/oauth-protected-resource/prod/mcp`, RFC 9728's default) because every path
   * of an execute-api URL starts with the stage, so the header is how clients find it.
   */
  private announceMetadataOnUnauthorized(api: ExposureApi): void {
    // The stage's literal name, not a reference: the deployment depends on the gateway responses, and a
    // reference to the stage would make them depend on the deployment in turn.
    const metadataUrl = `https://${api.restApi.restApiId}.execute-api.${Aws.REGION}.${Aws.URL_SUFFIX}/${STAGE_NAME}${PROTECTED_RESOURCE_METADATA_PATH}`;
    const header = `'Bearer resource_metadata="${metadataUrl}"'`;
    for (const id of ['GatewayResponseUnauthorized', 'GatewayResponseExpiredToken']) {
      const response = api.restApi.node.tryFindChild(id);
      const cfn = response?.node.defaultChild;
      if (!(cfn instanceof apigateway.CfnGatewayResponse)) {
        throw new Error(`The REST API has no gateway response ${id} to announce the MCP metadata on.`);
      }
      cfn.addPropertyOverride('ResponseParameters', {
        ...((cfn.responseParameters as Record<string, string> | undefined) ?? {}),
        'gatewayresponse.header.WWW-Authenticate': header,
      });
    }
  }
}
