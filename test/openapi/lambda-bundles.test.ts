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

/** The MCP function (infra/constructs/mcp.ts): every operation's tools, outside the one-function-per-entry rule. */
const MCP_ENTRY = 'functions/mcp.ts';

/** The Cognito token trigger (infra/constructs/auth.ts): no API operation, so no schemas at all. */
const TOKEN_TRIGGER_ENTRY = 'functions/pre-token-generation.ts';

it('finds one entry per Lambda function of the registry, the MCP function and the token trigger', () => {
  // Arrange
  const functionEntries = [
    ...new Set(operations.map((operation) => `functions/${operation.functionName}.ts`)),
    MCP_ENTRY,
    TOKEN_TRIGGER_ENTRY,
  ];

  // Assert
  expect(entries).toEqual(functionEntries.sort());
});

const restEntries = entries.filter((entry) => entry !== MCP_ENTRY && entry !== TOKEN_TRIGGER_ENTRY);

it(`${TOKEN_TRIGGER_ENTRY} bundles no zod and no SDK client: Cognito waits for it at every sign-in`, () => {
  const inputs = bundledInputs({ entryPoints: [TOKEN_TRIGGER_ENTRY] });
  expect(inputs.filter((input) => /node_modules\/zod\//.test(input))).toEqual([]);
  expect(inputs.filter((input) => /node_modules\/@aws-sdk\/client-/.test(input))).toEqual([]);
  expect(inputs).toContain('functions/domain/remediator-role.ts');
});

it.each(restEntries)(
  '%s bundles zod/mini only: no classic zod, no zod-to-openapi or its adapter',
  (entry) => {
    // Act
    const inputs = bundledInputs({ entryPoints: [entry] });

    // Assert
    expect(inputs.filter((input) => CLASSIC_ZOD.test(input))).toEqual([]);
    expect(inputs.filter((input) => ZOD_TO_OPENAPI.test(input))).toEqual([]);
    expect(inputs).not.toContain(ADAPTER);
    // The schemas are there, through zod/mini: the entry was really bundled.
    expect(inputs).toContain('openapi/schemas.ts');
    expect(inputs.some((input) => ZOD_MINI.test(input))).toBe(true);
  },
);

it(`${MCP_ENTRY} bundles classic zod only through the MCP SDK, and no zod-to-openapi or its adapter`, () => {
  // Act
  const { inputs } = buildSync({
    entryPoints: [MCP_ENTRY],
    absWorkingDir: ROOT,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    write: false,
    metafile: true,
    logLevel: 'silent',
  }).metafile;
  const importersOfClassic = Object.entries(inputs)
    .filter(([path]) => !/(^|\/)node_modules\/zod\//.test(path))
    .filter(([, input]) =>
      input.imports.some((imported) =>
        /(^|\/)node_modules\/zod\/v4\/(classic\/|index\.js)/.test(imported.path),
      ),
    )
    .map(([path]) => path);

  // Assert: the SDK's protocol types are classic zod schemas; our own modules still use zod/mini.
  expect(importersOfClassic.length).toBeGreaterThan(0);
  expect(
    importersOfClassic.filter((path) => !path.includes('node_modules/@modelcontextprotocol/sdk/')),
  ).toEqual([]);
  expect(Object.keys(inputs).filter((input) => ZOD_TO_OPENAPI.test(input))).toEqual([]);
  expect(Object.keys(inputs)).not.toContain(ADAPTER);
  expect(Object.keys(inputs)).toContain('openapi/schemas.ts');
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
