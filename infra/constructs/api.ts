/**
 * The REST API: one route per registry operation with a Lambda proxy
 * integration, authentication on every method (the operation's OAuth scope),
 * stage throttling, access and execution logs, and API Gateway's own errors
 * answered in the API's error shape.
 */
import { Aws, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { ParameterObject } from 'openapi3-ts/oas30';
import { buildOpenApiDocument, listOperations } from '../../openapi/build-document';
import type { ErrorCode } from '../../openapi/error-codes';
import type { AnyOperation, OperationScope } from '../../openapi/operations';
import { type Rendering, renderedPath } from '../../openapi/renderings';
import { RESOURCE_SERVER_ID } from './auth';
import { pascalCase } from './construct-ids';

export const STAGE_NAME = 'prod';

/** Steady-state requests per second and burst for the whole stage (each call may scan every Region). */
export const STAGE_THROTTLING = { rateLimit: 10, burstLimit: 20 } as const;

/**
 * Per method, by the operation's cost. A scan reads every bucket or every instance of every enabled Region
 * (thousands of AWS calls, up to 28 s of a full vCPU) and shares the account's S3 and EC2 API rates with
 * everything else, so a caller gets one every 5 s; a change is a handful of calls. The bursts match the functions'
 * reserved concurrency (`RESERVED_CONCURRENCY` in exposure-function.ts), so a burst is served, not throttled by
 * Lambda.
 */
export const METHOD_THROTTLING: Record<OperationScope, { rateLimit: number; burstLimit: number }> = {
  read: { rateLimit: 0.2, burstLimit: 5 },
  remediate: { rateLimit: 0.5, burstLimit: 3 },
};

export interface GatewayErrorResponse {
  readonly type: apigateway.ResponseType;
  /** Status sent; undefined keeps the response type's own status. */
  readonly statusCode?: string;
  /** One of the API's error codes (openapi/error-codes.ts): the gateway's errors read like the functions'. */
  readonly code: ErrorCode;
  /**
   * The message: a JSON string literal, or a `$context` variable that API Gateway renders as one
   * (`$context.error.messageString`).
   */
  readonly message: string;
}

function literal(message: string): string {
  return JSON.stringify(message);
}

/**
 * API Gateway answers some requests itself (no token, throttled, no such route, ...) with
 * `{"message": ...}`; these make those answers the API's `{"error": {"code", "message"}}` too.
 */
export const GATEWAY_ERROR_RESPONSES: readonly GatewayErrorResponse[] = [
  {
    type: apigateway.ResponseType.UNAUTHORIZED,
    statusCode: '401',
    code: 'Unauthorized',
    // A Cognito authorizer answers 401 (UNAUTHORIZED), not 403, both without a valid token and for a valid token
    // without the method's scope, and the response cannot tell them apart: the message names both causes.
    message: literal(
      'Not signed in, or the access token lacks the scope this operation needs: send an OAuth 2.0 access token ' +
        `from the API’s Cognito user pool in the Authorization header, with scope ${RESOURCE_SERVER_ID}/read ` +
        `for reads (GET) or ${RESOURCE_SERVER_ID}/remediate for changes (POST).`,
    ),
  },
  {
    type: apigateway.ResponseType.EXPIRED_TOKEN,
    statusCode: '401',
    code: 'Unauthorized',
    message: literal('The access token has expired: get a new one and retry.'),
  },
  {
    type: apigateway.ResponseType.ACCESS_DENIED,
    statusCode: '403',
    code: 'Forbidden',
    message: literal(
      'The access token does not allow this operation: reads need the read scope, changes need the remediate scope.',
    ),
  },
  {
    type: apigateway.ResponseType.MISSING_AUTHENTICATION_TOKEN,
    statusCode: '404',
    code: 'NotFound',
    message: literal(
      'No operation matches this method and path; see the API’s OpenAPI document for the routes.',
    ),
  },
  {
    type: apigateway.ResponseType.RESOURCE_NOT_FOUND,
    statusCode: '404',
    code: 'NotFound',
    message: literal(
      'No operation matches this method and path; see the API’s OpenAPI document for the routes.',
    ),
  },
  {
    type: apigateway.ResponseType.BAD_REQUEST_PARAMETERS,
    statusCode: '400',
    code: 'ValidationError',
    message: '"Missing or invalid request parameters: $context.error.validationErrorString"',
  },
  {
    type: apigateway.ResponseType.BAD_REQUEST_BODY,
    statusCode: '400',
    code: 'ValidationError',
    message: '"The request body is invalid: $context.error.validationErrorString"',
  },
  {
    type: apigateway.ResponseType.REQUEST_TOO_LARGE,
    statusCode: '413',
    code: 'ValidationError',
    message: literal('The request body is too large: send a JSON body of at most 64 KiB.'),
  },
  {
    type: apigateway.ResponseType.UNSUPPORTED_MEDIA_TYPE,
    statusCode: '415',
    code: 'ValidationError',
    message: literal('Send the request body as application/json.'),
  },
  {
    type: apigateway.ResponseType.THROTTLED,
    statusCode: '429',
    code: 'TooManyRequests',
    message: literal('Too many requests: the API is throttling calls; retry in a few seconds.'),
  },
  {
    type: apigateway.ResponseType.QUOTA_EXCEEDED,
    statusCode: '429',
    code: 'TooManyRequests',
    message: literal('Too many requests: the request quota is used up; retry later.'),
  },
  {
    type: apigateway.ResponseType.INTEGRATION_TIMEOUT,
    statusCode: '504',
    code: 'InternalError',
    message: literal(
      'The operation did not finish within 29 seconds; retry, or narrow it (a Region, a bucket name prefix).',
    ),
  },
  {
    // What is left of 4xx (invalid signature, WAF, API key) is a refusal; API Gateway's message says which.
    type: apigateway.ResponseType.DEFAULT_4XX,
    code: 'Forbidden',
    message: '$context.error.messageString',
  },
  {
    type: apigateway.ResponseType.DEFAULT_5XX,
    code: 'InternalError',
    message: literal('The API failed unexpectedly; retry later.'),
  },
];

/** The mapping template of a gateway response: `{"error":{"code":...,"message":...}}`. */
export function gatewayResponseTemplate(response: GatewayErrorResponse): string {
  return `{"error":{"code":${JSON.stringify(response.code)},"message":${response.message}}}`;
}

export interface ExposureApiAuth {
  readonly userPool: cognito.IUserPool;
  /** Full scope names each method requires. */
  readonly scopeNames: Record<OperationScope, string>;
}

export interface ExposureApiProps {
  readonly operations: readonly AnyOperation[];
  /** The function that serves an operation. */
  readonly functionFor: (operation: AnyOperation) => lambda.IFunction;
  /** Cognito authentication; undefined (with `iam` unset) only for the explicit `auth=none` demo mode. */
  readonly auth?: ExposureApiAuth;
  /**
   * Every method needs a SigV4-signed request whose IAM principal may `execute-api:Invoke` it (the automation
   * API): no token to leak, and the permission exists only where an administrator grants it.
   */
  readonly iam?: boolean;
  /** Default `aiops-exposure-api`. */
  readonly restApiName?: string;
  /**
   * Also serve the assistant rendering (every operation under `/assistant`, user-actionable errors as 200
   * outcomes) for chat assistants. Default true; the automation API serves scripts only.
   */
  readonly assistantRendering?: boolean;
  /**
   * The account's API Gateway CloudWatch role, when another API of this stack already sets it: this API then
   * waits for it instead of creating a second one.
   */
  readonly accountCloudWatchSetting?: Construct;
}

export class ExposureApi extends Construct {
  readonly restApi: apigateway.RestApi;
  readonly accessLogGroup: logs.LogGroup;
  /** `API-Gateway-Execution-Logs_{api id}/{stage}`: API Gateway writes there; the stack owns it. */
  readonly executionLogGroup: logs.LogGroup;
  /** The stage URL without a trailing slash (the OpenAPI `servers` URL). */
  readonly url: string;
  readonly authorizer?: apigateway.CognitoUserPoolsAuthorizer;

  constructor(scope: Construct, id: string, props: ExposureApiProps) {
    super(scope, id);

    this.accessLogGroup = new logs.LogGroup(this, 'AccessLogs', {
      retention: logs.RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.restApi = new apigateway.RestApi(this, 'RestApi', {
      restApiName: props.restApiName ?? 'aiops-exposure-api',
      description: 'Finds and fixes public S3 buckets and EC2 ports open to the internet.',
      endpointTypes: [apigateway.EndpointType.REGIONAL],
      // REST access logs need the account's API Gateway CloudWatch role. It is one setting per account and
      // Region that other APIs rely on too, so it stays when this stack is destroyed.
      ...(props.accountCloudWatchSetting === undefined
        ? { cloudWatchRole: true, cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN }
        : { cloudWatchRole: false }),
      deployOptions: {
        stageName: STAGE_NAME,
        throttlingRateLimit: STAGE_THROTTLING.rateLimit,
        throttlingBurstLimit: STAGE_THROTTLING.burstLimit,
        accessLogDestination: new apigateway.LogGroupLogDestination(this.accessLogGroup),
        accessLogFormat: accessLogFormat(),
        loggingLevel: apigateway.MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        metricsEnabled: true,
        methodOptions: methodThrottling(props.operations, renderingsOf(props)),
      },
    });
    if (props.accountCloudWatchSetting)
      this.restApi.deploymentStage.node.addDependency(props.accountCloudWatchSetting);
    const cloudWatchRole = this.restApi.node.tryFindChild('CloudWatchRole');
    if (cloudWatchRole) {
      Validations.of(cloudWatchRole).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
        reason:
          'This is the account-wide API Gateway CloudWatch role (one per account and Region, shared by every REST ' +
          'API); AWS maintains its managed policy as the log-writing permissions API Gateway needs.',
      });
    }
    // API Gateway writes execution logs (loggingLevel) to a group it names after the API and stage, creating it
    // on first use, so `cdk destroy` would leave it behind forever. Owning it gives it a retention and removes it
    // with the stack; the stage waits for it, or API Gateway could create it first and the deploy would fail.
    this.executionLogGroup = new logs.LogGroup(this, 'ExecutionLogs', {
      logGroupName: `API-Gateway-Execution-Logs_${this.restApi.restApiId}/${STAGE_NAME}`,
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.restApi.deploymentStage.node.addDependency(this.executionLogGroup);

    // The URL is the ApiUrl output, without the trailing slash of RestApi's own "Endpoint" output.
    this.restApi.node.tryRemoveChild('Endpoint');
    Validations.of(this.restApi.deploymentStage).acknowledge({
      id: 'AwsSolutions-APIG3',
      reason: props.iam
        ? 'No AWS WAF web ACL: every method requires a SigV4 request from an IAM principal granted ' +
          'execute-api:Invoke on it, the stage is throttled, and callers are operators’ scripts.'
        : 'No AWS WAF web ACL: every method requires a Cognito access token with a scope, the stage is throttled, ' +
          'and callers are a few chat assistants and operators, not the open internet.',
    });

    // The stage reference (not the literal name) makes whatever uses the URL wait for the stage.
    this.url = `https://${this.restApi.restApiId}.execute-api.${Aws.REGION}.${Aws.URL_SUFFIX}/${this.restApi.deploymentStage.stageName}`;

    for (const response of GATEWAY_ERROR_RESPONSES) {
      this.restApi.addGatewayResponse(`GatewayResponse${pascalCase(response.type.responseType)}`, {
        type: response.type,
        ...(response.statusCode ? { statusCode: response.statusCode } : {}),
        templates: { 'application/json': gatewayResponseTemplate(response) },
      });
    }

    // API Gateway checks the parameters the registry declares (required ones must be present). Bodies have no
    // API Gateway model on purpose: the function validates them with the registry's schema, so the rules and
    // the error details live in one place.
    const validator = this.restApi.addRequestValidator('RequestValidator', {
      requestValidatorName: 'parameters',
      validateRequestParameters: true,
      validateRequestBody: true,
    });
    const parameters = requestParametersByOperation();

    if (props.iam) {
      Validations.of(this.restApi).acknowledge({
        id: 'AwsSolutions-COG4',
        reason:
          'The automation API authorizes with IAM (SigV4) on purpose: a Cognito client secret is readable by ' +
          'anyone with cognito-idp:DescribeUserPoolClient, an IAM permission made for this API is not.',
      });
    } else if (props.auth) {
      this.authorizer = new apigateway.CognitoUserPoolsAuthorizer(this, 'Authorizer', {
        authorizerName: 'cognito',
        cognitoUserPools: [props.auth.userPool],
      });
    } else {
      Validations.of(this.restApi).acknowledge(
        {
          id: 'AwsSolutions-APIG4',
          reason:
            'auth=none was explicitly requested by context for a demo; synth warns that the API is open.',
        },
        {
          id: 'AwsSolutions-COG4',
          reason:
            'auth=none was explicitly requested by context for a demo; synth warns that the API is open.',
        },
      );
    }

    for (const rendering of renderingsOf(props)) {
      for (const operation of props.operations) {
        const resource = this.restApi.root.resourceForPath(renderedPath(operation.path, rendering));
        resource.addMethod(
          operation.method.toUpperCase(),
          new apigateway.LambdaIntegration(props.functionFor(operation), {
            proxy: true,
            allowTestInvoke: false,
          }),
          {
            operationName: operationNameOf(operation, rendering),
            requestParameters: parameters.get(operation.operationId) ?? {},
            requestValidator: validator,
            ...(props.iam
              ? { authorizationType: apigateway.AuthorizationType.IAM }
              : props.auth && this.authorizer
                ? {
                    authorizationType: apigateway.AuthorizationType.COGNITO,
                    authorizer: this.authorizer,
                    authorizationScopes: [props.auth.scopeNames[operation.scope]],
                  }
                : { authorizationType: apigateway.AuthorizationType.NONE }),
          },
        );
      }
    }
  }
}

function renderingsOf(props: Pick<ExposureApiProps, 'assistantRendering'>): Rendering[] {
  return props.assistantRendering === false ? ['rest'] : ['rest', 'assistant'];
}

/** The API Gateway operation name of a method: the registry's operationId, marked in the assistant rendering. */
export function operationNameOf(operation: Pick<AnyOperation, 'operationId'>, rendering: Rendering): string {
  return rendering === 'assistant' ? `${operation.operationId}ForAssistant` : operation.operationId;
}

/**
 * Per-method stage settings. A method setting replaces the stage-wide one for that method, logging and metrics
 * included, so each repeats them.
 */
function methodThrottling(
  operations: readonly AnyOperation[],
  renderings: readonly Rendering[],
): Record<string, apigateway.MethodDeploymentOptions> {
  return Object.fromEntries(
    renderings
      .flatMap((rendering) => operations.map((operation) => [operation, rendering] as const))
      .map(([operation, rendering]) => [
        `${renderedPath(operation.path, rendering)}/${operation.method.toUpperCase()}`,
        {
          throttlingRateLimit: METHOD_THROTTLING[operation.scope].rateLimit,
          throttlingBurstLimit: METHOD_THROTTLING[operation.scope].burstLimit,
          loggingLevel: apigateway.MethodLoggingLevel.ERROR,
          dataTraceEnabled: false,
          metricsEnabled: true,
        },
      ]),
  );
}

/** `method.request.querystring.port: true` etc., from the parameters the document declares for each operation. */
function requestParametersByOperation(): Map<string, Record<string, boolean>> {
  const byOperation = new Map<string, Record<string, boolean>>();
  for (const { operation } of listOperations(buildOpenApiDocument())) {
    const entries: Array<[string, boolean]> = [];
    for (const parameter of (operation.parameters ?? []) as ParameterObject[]) {
      const location = { query: 'querystring', path: 'path', header: 'header' }[parameter.in as string];
      if (location)
        entries.push([`method.request.${location}.${parameter.name}`, parameter.required === true]);
    }
    if (operation.operationId) byOperation.set(operation.operationId, Object.fromEntries(entries));
  }
  return byOperation;
}

/** One JSON line per request, with who called (token subject and client) for the audit trail. */
function accessLogFormat(): apigateway.AccessLogFormat {
  const F = apigateway.AccessLogField;
  return apigateway.AccessLogFormat.custom(
    JSON.stringify({
      requestId: F.contextRequestId(),
      extendedRequestId: F.contextExtendedRequestId(),
      requestTime: F.contextRequestTime(),
      ip: F.contextIdentitySourceIp(),
      userAgent: F.contextIdentityUserAgent(),
      httpMethod: F.contextHttpMethod(),
      resourcePath: F.contextResourcePath(),
      path: F.contextPath(),
      status: F.contextStatus(),
      responseLength: F.contextResponseLength(),
      latencyMs: F.contextResponseLatency(),
      integrationLatencyMs: F.contextIntegrationLatency(),
      sub: F.contextAuthorizerClaims('sub'),
      clientId: F.contextAuthorizerClaims('client_id'),
      iamCaller: F.contextIdentityUserArn(),
      username: F.contextAuthorizerClaims('username'),
      scope: F.contextAuthorizerClaims('scope'),
      errorType: F.contextErrorResponseType(),
      errorMessage: F.contextErrorMessage(),
    }),
  );
}
