/** The one list of error codes: the runtime, the OpenAPI document and API Gateway's responses all use it. */
import type { OpenAPIObject, SchemaObject } from 'openapi3-ts/oas30';
import {
  type ApiError,
  NotFoundError,
  parseErrorBody,
  UpstreamError,
  ValidationError,
} from '../../functions/shared/errors';
import { GATEWAY_ERROR_RESPONSES } from '../../infra/constructs/api';
import { buildOpenApiDocument } from '../../openapi/build-document';
import { ERROR_CODES, ERROR_STATUS, isErrorCode } from '../../openapi/error-codes';

describe('the error-code list', () => {
  it('is the enum of the OpenAPI Error schema, in order', () => {
    // Arrange
    const document: OpenAPIObject = buildOpenApiDocument();

    // Act
    const schemas = document.components?.schemas as Record<string, SchemaObject>;
    const error = schemas.Error?.properties?.error as SchemaObject;
    const code = error.properties?.code as SchemaObject;

    // Assert
    expect(code.enum).toEqual(ERROR_CODES);
  });

  it.each<[string, ApiError, keyof typeof ERROR_STATUS]>([
    ['ValidationError', new ValidationError('bad'), 'ValidationError'],
    ['NotFoundError', new NotFoundError('gone'), 'NotFound'],
    ['UpstreamError', new UpstreamError('GetBucketAcl', 'AccessDenied', 'denied'), 'UpstreamError'],
  ])('gives %s the status the list pairs with its code', (_name, error, code) => {
    expect(error.code).toBe(code);
    expect(error.status).toBe(ERROR_STATUS[code]);
  });

  it('holds every code API Gateway answers with', () => {
    for (const response of GATEWAY_ERROR_RESPONSES) expect(isErrorCode(response.code)).toBe(true);
  });

  it('has no code nothing answers with (dead codes removed)', () => {
    expect(ERROR_CODES).not.toContain('PayloadTooLarge');
    expect(isErrorCode('toString')).toBe(false);
  });
});

describe('parseErrorBody', () => {
  it.each([
    ['the API error shape', '{"error":{"code":"NotFound","message":"No route."}}', true],
    ['with details', '{"error":{"code":"UpstreamError","message":"x","details":{"a":1}}}', true],
    ['an unknown code', '{"error":{"code":"Teapot","message":"x"}}', false],
    ['an empty message', '{"error":{"code":"NotFound","message":""}}', false],
    ['a truncated body that starts like one', '{"error":{"code":"NotFound"', false],
    ['a string error', '{"error":"boom"}', false],
    [
      'Powertools’ own 404 shape',
      '{"statusCode":404,"error":"Not Found","message":"Route not found"}',
      false,
    ],
    ['an empty body', '', false],
  ])('recognises %s: %s', (_case, text, expected) => {
    expect(parseErrorBody(text) !== undefined).toBe(expected);
  });
});
