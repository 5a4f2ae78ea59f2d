// `pnpm pack-check`: proves the publishable packages work when installed from their
// tarballs, as a user gets them from the registry. Run after `pnpm build`.
//
// For every package under packages/ that is not private: `pnpm pack` (which turns
// `workspace:^` into real version ranges), check that the tarball holds every file its
// package.json points at and no sources or tests, then `npm install` all the tarballs
// together into an empty project (so @tributary/* dependencies resolve to the local
// tarballs, never to the registry), import each package, and run its bins.
// `pnpm pack-check --keep` keeps the temporary directory for a look.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));

/** What each package's entry point must export, beyond importing cleanly. */
const expectedExports = {
  '@tributary/api': ['defineConfig', 'defineSourceConnector', 'SchemaBuilder', 'Struct', 'ConfigError'],
  '@tributary/runtime': ['builtinPlugins', 'runStandalone', 'StandaloneHerder', 'startRestServer', 'PluginRegistry'],
  '@tributary/devstack': ['startBroker', 'startSchemaRegistry'],
  '@tributary/testkit': ['runSourceConnectorConformance', 'runSinkConnectorConformance'],
  '@tributary/jdbc': ['parseConnectionUrl', 'openDatabase', 'dialectFor'],
  '@tributary/jdbc-source': ['jdbcSource'],
  '@tributary/jdbc-sink': ['jdbcSink'],
  '@tributary/cli': ['main', 'commands'],
  '@tributary/protocol': ['createWireClient', 'encodeRecordBatch', 'readBatchRecords', 'Reader', 'Writer', 'KafkaError'],
  '@tributary/mirror': ['mirrorPlugins', 'mirrorSource', 'mirrorCheckpoint', 'mirrorHeartbeat'],
  '@tributary/schema-registry': ['avroConverter', 'jsonSchemaConverter', 'protobufConverter', 'schemaRegistryPlugins'],
};

/** Extra checks that run the installed package for real. */
const smokeScripts = {
  '@tributary/devstack': `
    const { startBroker } = await import('@tributary/devstack');
    const broker = await startBroker({ port: 0 });
    if (!/^127\\.0\\.0\\.1:\\d+$/.test(broker.bootstrap)) throw new Error('unexpected bootstrap ' + broker.bootstrap);
    await broker.stop();
  `,
};

/** Extra runs of installed bins: [bin, args, text stdout must contain]. */
const binRuns = {
  tributary: [
    [['--help'], 'Usage: tributary'],
    [['demo'], 'demo done: the warehouse equals the shop'],
  ],
};

class CheckError extends Error {}

// pnpm and npm pass their own npm_* variables to scripts; keep them out of the npm we run.
const childEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('npm_')));

function run(cmd, args, cwd, what) {
  const result = spawnSync(cmd, args, { cwd, env: childEnv, encoding: 'utf8', timeout: 300_000 });
  if (result.error || result.status !== 0) {
    const why = result.error ? result.error.message : `exit code ${result.status ?? result.signal}`;
    throw new CheckError(
      `${what} failed (${why}): ${cmd} ${args.join(' ')} (in ${cwd})\n${result.stdout ?? ''}${result.stderr ?? ''}`,
    );
  }
  return result.stdout;
}

function readJson(file) {
  return JSON.parse(readFileSync(file, 'utf8'));
}

/** Every file path a package.json points at: main, types, exports targets, bins. */
function declaredFiles(pkg) {
  const paths = new Set();
  const add = (p) => {
    if (typeof p === 'string') paths.add(p.replace(/^\.\//, ''));
  };
  add(pkg.main);
  add(pkg.types);
  const walk = (node) => {
    if (typeof node === 'string') add(node);
    else if (node && typeof node === 'object') for (const v of Object.values(node)) walk(v);
  };
  walk(pkg.exports);
  if (typeof pkg.bin === 'string') add(pkg.bin);
  else walk(pkg.bin);
  return [...paths];
}

function publishablePackages() {
  const dir = join(root, 'packages');
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(dir, e.name, 'package.json')))
    .map((e) => ({ dir: join(dir, e.name), pkg: readJson(join(dir, e.name, 'package.json')) }))
    .filter(({ pkg }) => pkg.private !== true)
    .sort((a, b) => a.pkg.name.localeCompare(b.pkg.name));
}

function pack(entry, tarballs) {
  const { dir, pkg } = entry;
  for (const file of declaredFiles(pkg)) {
    if (!existsSync(join(dir, file))) {
      throw new CheckError(`${pkg.name}: ${file} (named in package.json) does not exist; run pnpm build first`);
    }
  }
  const before = new Set(readdirSync(tarballs));
  run('pnpm', ['pack', '--pack-destination', tarballs], dir, `${pkg.name}: pnpm pack`);
  const created = readdirSync(tarballs).filter((f) => !before.has(f));
  if (created.length !== 1) throw new CheckError(`${pkg.name}: pnpm pack made ${created.length} tarballs`);
  const tarball = join(tarballs, created[0]);

  const listed = run('tar', ['-tzf', tarball], tarballs, `${pkg.name}: listing the tarball`)
    .split('\n')
    .filter(Boolean)
    .map((f) => f.replace(/^package\//, ''));
  for (const file of declaredFiles(pkg)) {
    if (!listed.includes(file)) throw new CheckError(`${pkg.name}: the tarball lacks ${file} (named in package.json)`);
  }
  const stray = listed.filter((f) => /^(src|test|bench)\//.test(f) || f.endsWith('.tsbuildinfo'));
  if (stray.length > 0) throw new CheckError(`${pkg.name}: the tarball holds files it should not: ${stray.join(', ')}`);

  const manifest = JSON.parse(
    run('tar', ['-xzOf', tarball, 'package/package.json'], tarballs, `${pkg.name}: reading the packed package.json`),
  );
  for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
    for (const [name, range] of Object.entries(manifest[field] ?? {})) {
      if (String(range).startsWith('workspace:')) {
        throw new CheckError(`${pkg.name}: the packed package.json still has ${field} ${name}@${range}`);
      }
    }
  }
  console.log(`packed ${pkg.name} → ${created[0]} (${listed.length} files)`);
  return tarball;
}

function checkInstalledFromTarballs(app, names) {
  const lock = readJson(join(app, 'package-lock.json'));
  for (const name of names) {
    const entry = lock.packages?.[`node_modules/${name}`];
    if (!entry) throw new CheckError(`${name} is not in the installed project's package-lock.json`);
    if (typeof entry.resolved !== 'string' || !entry.resolved.startsWith('file:')) {
      throw new CheckError(
        `${name} was installed from ${entry.resolved ?? 'the registry'}, not from its local tarball`,
      );
    }
    const nested = Object.keys(lock.packages).filter((k) => k.endsWith(`/node_modules/${name}`));
    if (nested.length > 0) throw new CheckError(`${name} was installed a second time at ${nested.join(', ')}`);
  }
}

function checkImport(app, name) {
  const wanted = expectedExports[name] ?? [];
  const script = `
    const m = await import(${JSON.stringify(name)});
    const names = Object.keys(m);
    if (names.length === 0) throw new Error('no exports');
    for (const n of ${JSON.stringify(wanted)}) {
      if (!(n in m)) throw new Error('missing export ' + n + ' (has: ' + names.join(', ') + ')');
    }
    if ('startBroker' in m && typeof m.startBroker !== 'function') throw new Error('startBroker is not a function');
    if ('main' in m && typeof m.main !== 'function') throw new Error('main is not a function');
    ${smokeScripts[name] ?? ''}
    console.log(names.join(', '));
  `;
  const out = run(process.execPath, ['--input-type=module', '-e', script], app, `${name}: importing`);
  console.log(`imported ${name}: ${out.trim()}`);
}

function checkBins(app, pkg) {
  const bins = typeof pkg.bin === 'string' ? { [pkg.name.split('/').pop()]: pkg.bin } : (pkg.bin ?? {});
  for (const bin of Object.keys(bins)) {
    for (const [args, expected] of binRuns[bin] ?? [[['--help'], '']]) {
      const out = run('npx', ['--no-install', bin, ...args], app, `${pkg.name}: npx ${bin} ${args.join(' ')}`);
      if (!out.includes(expected)) {
        throw new CheckError(`${pkg.name}: npx ${bin} ${args.join(' ')} did not print "${expected}":\n${out}`);
      }
      console.log(`ran npx ${bin} ${args.join(' ')}`);
    }
  }
}

function main() {
  const packages = publishablePackages();
  if (packages.length === 0) throw new CheckError('no publishable packages under packages/');
  const work = mkdtempSync(join(tmpdir(), 'tributary-pack-check-'));
  let ok = false;
  try {
    const tarballs = join(work, 'tarballs');
    const app = join(work, 'app');
    mkdirSync(tarballs);
    mkdirSync(app);
    const files = packages.map((p) => pack(p, tarballs));

    run('npm', ['init', '-y'], app, 'npm init');
    run('npm', ['install', '--no-audit', '--no-fund', ...files], app, 'npm install of the tarballs');
    const names = packages.map((p) => p.pkg.name);
    checkInstalledFromTarballs(app, names);
    console.log(`installed ${names.join(', ')} from their tarballs into ${app}`);

    for (const { pkg } of packages) {
      checkImport(app, pkg.name);
      checkBins(app, pkg);
    }
    ok = true;
    console.log(`pack-check: ${packages.length} packages install and work from their tarballs`);
  } finally {
    if (ok && !process.argv.includes('--keep')) rmSync(work, { recursive: true, force: true });
    else console.error(`pack-check: kept ${work}`);
  }
}

try {
  main();
} catch (err) {
  if (!(err instanceof CheckError)) throw err;
  console.error(`pack-check failed: ${err.message}`);
  process.exit(1);
}
