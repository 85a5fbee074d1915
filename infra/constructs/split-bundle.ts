/**
 * A function's code as ES modules split at each dynamic `import()`: the entry file holds what every request
 * needs, and each module imported with `import()` becomes a chunk that Node reads the first time a request
 * imports it. For a function whose requests need different parts of its code (the MCP function: initialize
 * and tools/list never run the S3 or EC2 code), a cold start then reads only the part it runs. A single
 * bundle (NodejsFunction's) cannot do this: V8 reads and pre-parses all of it at load, even code that runs
 * later, and esbuild splits only ES-module output into a directory, which NodejsFunction's one `--outfile`
 * rules out.
 * So this builds the asset itself, with the same esbuild, the same package entry points and target as
 * NodejsFunction's bundles, locally (never Docker).
 */
import { AssetHashType, DockerImage } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { type BuildOptions, buildSync } from 'esbuild';

/** The entry file Lambda loads for the handler `index.handler` (its runtime also looks for `.mjs`). */
export const SPLIT_BUNDLE_ENTRY_FILE = 'index.mjs';

export interface SplitBundleOptions {
  /**
   * Packages replaced by a module of ours (esbuild `alias`; paths relative to the project root, starting
   * with `./`): for a library a dependency imports but never runs in this function.
   */
  readonly alias?: Readonly<Record<string, string>>;
}

/** The esbuild options of a split bundle of `entry` written to `outdir`. */
export function splitBundleBuildOptions(
  projectRoot: string,
  entry: string,
  outdir: string,
  options: SplitBundleOptions & { mainFields: readonly string[]; target: string },
): BuildOptions {
  return {
    absWorkingDir: projectRoot,
    entryPoints: { index: entry },
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: options.target,
    mainFields: [...options.mainFields],
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    // CommonJS dependencies inside an ES module still call require() for Node's built-ins.
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
    ...(options.alias ? { alias: { ...options.alias } } : {}),
    minify: true,
    sourcemap: true,
    logLevel: 'warning',
  };
}

/**
 * Lambda code built as a split bundle when the stack is synthesised (hashed by its output, as NodejsFunction
 * hashes its bundles, and skipped like theirs when the stack is not being bundled).
 */
export function splitBundleCode(
  projectRoot: string,
  entry: string,
  options: SplitBundleOptions & { mainFields: readonly string[]; target: string },
): lambda.Code {
  return lambda.Code.fromAsset(projectRoot, {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Never used: local bundling always succeeds or throws esbuild's own error.
      image: DockerImage.fromRegistry('dummy'),
      local: {
        tryBundle(outputDir) {
          buildSync(splitBundleBuildOptions(projectRoot, entry, outputDir, options));
          return true;
        },
      },
    },
  });
}
