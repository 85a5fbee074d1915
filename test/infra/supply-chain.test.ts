/**
 * Install scripts are a decision, not a default: every locked package that has one is listed in
 * package.json's allowScripts, and an unreviewed one fails `npm ci` (strict-allow-scripts) instead of
 * printing a warning nobody reads. `npm audit` is not switched off in .npmrc.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');

interface LockFile {
  packages: Record<string, { hasInstallScript?: boolean }>;
}

function packagesWithInstallScripts(): string[] {
  const lock = JSON.parse(readFileSync(resolve(ROOT, 'package-lock.json'), 'utf8')) as LockFile;
  return Object.entries(lock.packages)
    .filter(([, entry]) => entry.hasInstallScript)
    .map(([path]) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length));
}

function npmrc(): Map<string, string> {
  const lines = readFileSync(resolve(ROOT, '.npmrc'), 'utf8').split('\n');
  return new Map(
    lines
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#'))
      .map((line) => line.split('=').map((part) => part.trim()) as [string, string]),
  );
}

describe('install scripts and audit', () => {
  it('records a decision in allowScripts for every locked package with an install script', () => {
    // Arrange
    const manifest = JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as {
      allowScripts?: Record<string, boolean>;
    };
    const withScripts = packagesWithInstallScripts();

    // Assert
    expect(withScripts.length).toBeGreaterThan(0);
    const decided = Object.keys(manifest.allowScripts ?? {}).map((key) => key.replace(/(.)@.*$/, '$1'));
    expect(withScripts.filter((name) => !decided.includes(name))).toEqual([]);
    // Each is a prebuilt-binary installer whose binary arrives as an optional dependency: none may run.
    expect(Object.values(manifest.allowScripts ?? {}).every((allowed) => allowed === false)).toBe(true);
  });

  it('fails an install with an unreviewed install script and leaves npm audit on', () => {
    const settings = npmrc();
    expect(settings.get('strict-allow-scripts')).toBe('true');
    expect(settings.get('audit')).not.toBe('false');
  });
});
