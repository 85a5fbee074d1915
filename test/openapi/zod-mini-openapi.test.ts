/**
 * The adapter that lets zod-to-openapi read the zod/mini schemas: it hands over views and changes
 * nothing global, and it refuses a schema kind it was not written for instead of documenting it wrongly.
 * (That the views produce the committed document is document.test.ts's drift test.)
 */
import { object, record, string } from 'zod/mini';
import { buildOpenApiDocument } from '../../openapi/build-document';
import { closePortSchemas, findInstancesSchemas } from '../../openapi/schemas';
import { openApiObject, openApiSchema } from '../../openapi/zod-mini-openapi';

const closePortBodySchema = closePortSchemas().body;
const findInstancesQuerySchema = findInstancesSchemas().query;

it('leaves the schemas the Lambdas parse with as they were: no classic members appear on them', () => {
  // Act
  buildOpenApiDocument();

  // Assert
  for (const schema of [closePortBodySchema, findInstancesQuerySchema, string()]) {
    for (const member of ['meta', 'format', 'minLength', 'maxLength']) expect(member in schema).toBe(false);
  }
});

it('gives the views the classic members zod-to-openapi reads', () => {
  // Act
  const view = openApiObject(closePortBodySchema);

  // Assert
  expect(view.meta()).toEqual({ id: 'CloseUnwantedPortForEc2InstanceRequest' });
  expect(view.safeParse({ port: 22 }).success).toBe(true);
  expect(view.safeParse({ port: 70000 }).success).toBe(false);
  expect(openApiSchema(closePortBodySchema)).toBe(view);
});

it('refuses a schema kind it does not adapt, naming it', () => {
  // Arrange
  const withRecord = object({ tags: record(string(), string()) });

  // Act and Assert
  expect(() => openApiSchema(withRecord)).toThrow(/kind "record"/);
});
