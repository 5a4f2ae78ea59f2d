import { readFileSync } from 'node:fs';

/** This package's version, read from its package.json (one level above src/ and dist/). */
export function cliVersion(): string {
  const pkg: unknown = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  if (typeof pkg === 'object' && pkg !== null && 'version' in pkg && typeof pkg.version === 'string')
    return pkg.version;
  return 'unknown';
}
