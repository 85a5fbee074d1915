/**
 * End to end: start the local server the way `npm start` does (a separate
 * Node process on the default scenario), then run the curl lines it prints,
 * exactly as a person would paste them.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');

async function startServer(): Promise<{ child: ChildProcess; output: string }> {
  const child = spawn(
    process.execPath,
    [resolve(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'functions/local/main.ts', '--port', '0'],
    {
      cwd: ROOT,
      env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'SILENT' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  await new Promise<void>((resolveStart, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 20_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Press Ctrl+C')) {
        clearTimeout(timer);
        resolveStart();
      }
    });
    child.on('exit', (code) => reject(new Error(`server exited with ${code}:\n${output}`)));
  });
  return { child, output };
}

describe('npm start on the default scenario', () => {
  let child: ChildProcess;
  let output: string;

  beforeAll(async () => {
    ({ child, output } = await startServer());
  });
  afterAll(() => {
    child.kill('SIGTERM');
  });

  it('prints its loopback URL and curl lines that work when pasted', () => {
    // Arrange
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
    const curlLines = output
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line.startsWith('curl '));
    expect(url).toBeDefined();
    expect(curlLines.length).toBeGreaterThanOrEqual(3);

    // Act: run each line through a shell, as pasted
    const replies = curlLines.map((line) => ({
      line,
      body: JSON.parse(execFileSync('sh', ['-c', line], { encoding: 'utf8' })),
    }));

    // Assert
    for (const { line, body } of replies) {
      expect([line, typeof body.summary]).toEqual([line, 'string']);
      expect(body.error).toBeUndefined();
    }
    const find = replies.find((r) => r.line.includes('/s3/public-buckets'))?.body;
    expect(find.publicBuckets.map((b: { bucketName: string }) => b.bucketName)).toContain('acme-public-acl');
    const dry = replies.find(
      (r) => r.line.includes('"dryRun": true') && r.line.includes('block-public-access'),
    )?.body;
    expect(dry).toMatchObject({ dryRun: true, changed: true });
    const block = replies.find(
      (r) => r.line.includes("'{}'") && r.line.includes('block-public-access'),
    )?.body;
    expect(block).toMatchObject({ dryRun: false, changed: true, publicAfter: false });
  });

  it('docs/usage.md shows the same curl lines (on port 3000)', () => {
    // Arrange
    const usage = readFileSync(resolve(ROOT, 'docs/usage.md'), 'utf8');
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1] ?? '';
    const printed = output
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line.startsWith('curl '))
      .map((line) => line.replaceAll(url, 'http://127.0.0.1:3000'));

    // Assert
    for (const line of printed) expect([line, usage.includes(line)]).toEqual([line, true]);
  });
});
