/**
 * What a Lambda loads at cold start: each entry (functions/<name>.ts), bundled by esbuild as cdk synth
 * does, reads the schemas through zod/mini only. Classic zod (about twice the load time) and the
 * document builder's zod-to-openapi adapter (openapi/zod-mini-openapi.ts) must never be in a bundle.
 */
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { type BuildOptions, buildSync } from 'esbuild';
import { operations } from '../../openapi/operations';

const ROOT = resolve(__dirname, '../..');
const CLASSIC_ZOD = /(^|\/)node_modules\/zod\/v4\/classic\//;
const ZOD_MINI = /(^|\/)node_modules\/zod\/v4\/mini\//;
const ZOD_TO_OPENAPI = /(^|\/)node_modules\/@asteasolutions\/zod-to-openapi\//;
const ADAPTER = 'openapi/zod-mini-openapi.ts';

const entries = readdirSync(resolve(ROOT, 'functions'))
  .filter((file) => file.endsWith('.ts'))
  .map((file) => `functions/${file}`)
  .sort();

/** Every file esbuild reads to bundle the source (paths relative to the repository); nothing is written. */
function bundledInputs(source: Pick<BuildOptions, 'entryPoints' | 'stdin'>): string[] {
  const result = buildSync({
    ...source,
    absWorkingDir: ROOT,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  return Object.keys(result.metafile.inputs);
}

it('finds one entry per Lambda function of the registry', () => {
  // Arrange
  const functionEntries = [
    ...new Set(operations.map((operation) => `functions/${operation.functionName}.ts`)),
  ];

  // Assert
  expect(entries).toEqual(functionEntries.sort());
});

it.each(entries)('%s bundles zod/mini only: no classic zod, no zod-to-openapi or its adapter', (entry) => {
  // Act
  const inputs = bundledInputs({ entryPoints: [entry] });

  // Assert
  expect(inputs.filter((input) => CLASSIC_ZOD.test(input))).toEqual([]);
  expect(inputs.filter((input) => ZOD_TO_OPENAPI.test(input))).toEqual([]);
  expect(inputs).not.toContain(ADAPTER);
  // The schemas are there, through zod/mini: the entry was really bundled.
  expect(inputs).toContain('openapi/schemas.ts');
  expect(inputs.some((input) => ZOD_MINI.test(input))).toBe(true);
});

describe('the check can fail', () => {
  it('sees the adapter in the document builder’s bundle', () => {
    // Act
    const inputs = bundledInputs({ entryPoints: ['openapi/build-document.ts'] });

    // Assert
    expect(inputs).toContain(ADAPTER);
    expect(inputs.some((input) => ZOD_TO_OPENAPI.test(input))).toBe(true);
  });

  it('sees classic zod when a module imports `zod`', () => {
    // Act
    const inputs = bundledInputs({
      stdin: { contents: "import { string } from 'zod';\nstring();\n", resolveDir: ROOT, loader: 'ts' },
    });

    // Assert
    expect(inputs.some((input) => CLASSIC_ZOD.test(input))).toBe(true);
  });
});
