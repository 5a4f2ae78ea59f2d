// Runs one package's tests with Node's test runner (TypeScript through tsx).
// Prints the spec report and writes a TAP copy to <repo>/.test-results/<package>.tap,
// which .ci/run adds up into its closing "N passed, N failed" line.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const pkgDir = process.cwd();
const testDir = existsDir(join(pkgDir, 'test')) ? join(pkgDir, 'test') : pkgDir;
const pkgName = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')).name;

function existsDir(p) {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function findTests(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue;
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...findTests(full));
    else if (entry.name.endsWith('.test.ts')) out.push(full);
  }
  return out.sort();
}

const files = findTests(testDir).map((f) => relative(pkgDir, f));
const filter = process.env.TEST_FILTER;
const selected = filter ? files.filter((f) => f.includes(filter)) : files;
if (selected.length === 0) {
  console.error(`${pkgName}: no test files found under ${relative(root, testDir)}`);
  process.exit(1);
}

const resultsDir = join(root, '.test-results');
mkdirSync(resultsDir, { recursive: true });
const tapFile = join(resultsDir, `${pkgName.replace(/[@/]/g, '_')}.tap`);

const args = [
  '--import',
  'tsx',
  '--test',
  '--test-concurrency=1',
  '--test-reporter=spec',
  '--test-reporter-destination=stdout',
  '--test-reporter=tap',
  `--test-reporter-destination=${tapFile}`,
  ...selected,
];
const result = spawnSync(process.execPath, args, { stdio: 'inherit', cwd: pkgDir });
process.exit(result.status ?? 1);
