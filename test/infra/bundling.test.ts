/**
 * The one test that really bundles: esbuild from node_modules (never Docker)
 * builds every function as `cdk synth` does, so a broken entry or import
 * fails `npm test`. Each bundle is minified, has a source map, and loads.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import cdkJson from '../../cdk.json';
import { createApp } from '../../infra/app';
import { operations } from '../../openapi/operations';

jest.setTimeout(120_000);

it('bundles every function with esbuild into a loadable, minified handler with a source map', () => {
  // Arrange
  const previousRegion = process.env.AWS_REGION;
  process.env.AWS_REGION = 'eu-west-1';
  const { app, stack } = createApp({ context: cdkJson.context });

  // Act
  const assembly = app.synth();
  const template = Template.fromStack(stack);

  // Assert
  const functions = Object.values(template.findResources('AWS::Lambda::Function')) as Array<{
    Properties: { Code: { S3Key: string } };
  }>;
  expect(functions).toHaveLength(new Set(operations.map((o) => o.functionName)).size);
  for (const fn of functions) {
    // The staged bundle of an S3Key `<hash>.zip` is the assembly's `asset.<hash>` directory.
    const directory = join(assembly.directory, `asset.${fn.Properties.Code.S3Key.replace(/\.zip$/, '')}`);
    const bundle = join(directory, 'index.js');
    expect(existsSync(join(directory, 'index.js.map'))).toBe(true);
    // Minified: no indentation-driven line count.
    const source = readFileSync(bundle, 'utf8');
    expect(source.split('\n').length).toBeLessThan(statSync(bundle).size / 500);
    expect(source).toContain('//# sourceMappingURL=index.js.map');
    // Loads like Lambda would (clients are built at module scope, no call is made) and exports the handler.
    const loaded = jest.requireActual<{ handler?: unknown }>(bundle);
    expect(typeof loaded.handler).toBe('function');
  }
  if (previousRegion === undefined) delete process.env.AWS_REGION;
  else process.env.AWS_REGION = previousRegion;
});
