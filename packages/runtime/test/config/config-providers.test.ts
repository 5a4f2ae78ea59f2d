import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ConfigError } from '@tributary/api';
import { createConfigProviders, hasProviderReference, keysFromProviders } from '../../src/config/config-providers.js';

const SECRET = 's3cr3t-value-never-shown';

function refusesWithoutSecret(fn: () => unknown, key: string): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof ConfigError);
    assert.ok(
      err.problems.some((p) => p.key === key),
      `problem for ${key}: ${err.message}`,
    );
    assert.ok(!err.message.includes(SECRET));
    assert.ok(!JSON.stringify(err.problems).includes(SECRET));
    return true;
  });
}

describe('config providers', () => {
  let dir = '';
  let secretsDir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'providers-'));
    secretsDir = join(dir, 'secrets');
    await mkdir(secretsDir);
    await writeFile(join(secretsDir, 'db.properties'), `user=app\npassword=${SECRET}\n`);
    await writeFile(join(secretsDir, 'db-password'), SECRET);
    await mkdir(join(secretsDir, 'sub'));
    await writeFile(join(dir, 'outside.properties'), `password=${SECRET}\n`);
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const worker = () => ({
    'config.providers': 'env,file,dir',
    'config.providers.env.class': 'org.apache.kafka.common.config.provider.EnvVarConfigProvider',
    'config.providers.env.param.allowlist.pattern': 'DB_.*',
    'config.providers.file.class': 'org.apache.kafka.common.config.provider.FileConfigProvider',
    'config.providers.file.param.allowed.paths': secretsDir,
    'config.providers.dir.class': 'directory',
    'config.providers.dir.param.allowed.paths': secretsDir,
  });
  const env = { DB_PASSWORD: SECRET, DB_HOST: 'db.local', HOME_SECRET: SECRET };

  test('resolves env, file and directory references, several in one value', () => {
    const providers = createConfigProviders(worker(), env);
    assert.deepEqual(providers.names, ['env', 'file', 'dir']);
    const resolved = providers.resolve({
      'connection.url': `jdbc:mysql://\${env:DB_HOST}:3306/db`,
      'connection.user': `\${file:${secretsDir}/db.properties:user}`,
      'connection.password': `\${file:${secretsDir}/db.properties:password}`,
      'other.password': `\${dir:${secretsDir}:db-password}`,
      both: `\${env:DB_HOST}/\${env:DB_PASSWORD}`,
      plain: 'no references',
    });
    assert.deepEqual(resolved, {
      'connection.url': 'jdbc:mysql://db.local:3306/db',
      'connection.user': 'app',
      'connection.password': SECRET,
      'other.password': SECRET,
      both: `db.local/${SECRET}`,
      plain: 'no references',
    });
  });

  test('short and simple class names are accepted', () => {
    const providers = createConfigProviders(
      {
        'config.providers': 'a,b',
        'config.providers.a.class': 'env',
        'config.providers.b.class': 'FileConfigProvider',
      },
      { X: '1' },
    );
    assert.deepEqual(providers.resolve({ k: `\${a:X}` }), { k: '1' });
  });

  test('keysFromProviders names the keys whose values come from providers', () => {
    const props = {
      a: `\${env:DB_PASSWORD}`,
      b: 'plain',
      c: `x\${file:/p:k}y`,
      d: `\${not-a-reference}`,
      e: `\${src-kafka-ip}:9092`,
    };
    assert.deepEqual(keysFromProviders(props), ['a', 'c']);
    assert.equal(hasProviderReference(`\${topic}`), false);
  });

  test('a variable outside the allow-list pattern is refused, naming the connector key', () => {
    const providers = createConfigProviders(worker(), env);
    refusesWithoutSecret(() => providers.resolve({ 'my.key': `\${env:HOME_SECRET}` }), 'my.key');
  });

  test('the allow-list pattern must match the whole variable name', () => {
    const providers = createConfigProviders(worker(), { ...env, XDB_PASSWORD: SECRET });
    refusesWithoutSecret(() => providers.resolve({ k: `\${env:XDB_PASSWORD}` }), 'k');
  });

  test('an unset variable is an error', () => {
    const providers = createConfigProviders(worker(), env);
    refusesWithoutSecret(() => providers.resolve({ k: `\${env:DB_MISSING}` }), 'k');
  });

  test('a path outside allowed.paths is refused, also through ..', () => {
    const providers = createConfigProviders(worker(), env);
    refusesWithoutSecret(() => providers.resolve({ k: `\${file:${dir}/outside.properties:password}` }), 'k');
    refusesWithoutSecret(() => providers.resolve({ k: `\${file:${secretsDir}/../outside.properties:password}` }), 'k');
    refusesWithoutSecret(() => providers.resolve({ k: `\${dir:${dir}:outside.properties}` }), 'k');
  });

  test('a missing key or file is an error naming the connector key', () => {
    const providers = createConfigProviders(worker(), env);
    refusesWithoutSecret(() => providers.resolve({ k1: `\${file:${secretsDir}/db.properties:nope}` }), 'k1');
    refusesWithoutSecret(() => providers.resolve({ k2: `\${file:${secretsDir}/none.properties:password}` }), 'k2');
    refusesWithoutSecret(() => providers.resolve({ k3: `\${dir:${secretsDir}:sub}` }), 'k3');
  });

  test('an unknown provider is an error; every failing key is reported at once', () => {
    const providers = createConfigProviders(worker(), env);
    assert.throws(
      () => providers.resolve({ a: `\${vault:secret/db:password}`, b: `\${env:NOPE}`, ok: 'fine' }, 'connector c'),
      (err: unknown) =>
        err instanceof ConfigError &&
        err.problems.map((p) => p.key).join() === 'a,b' &&
        err.message.includes('connector c'),
    );
  });

  test('without declared providers a reference is an error', () => {
    const providers = createConfigProviders({}, env);
    refusesWithoutSecret(() => providers.resolve({ k: `\${env:DB_PASSWORD}` }), 'k');
  });

  test('without allow-lists every variable and path is allowed, as in Kafka', () => {
    const providers = createConfigProviders(
      { 'config.providers': 'env,file', 'config.providers.env.class': 'env', 'config.providers.file.class': 'file' },
      env,
    );
    assert.deepEqual(
      providers.resolve({ a: `\${env:HOME_SECRET}`, b: `\${file:${dir}/outside.properties:password}` }),
      { a: SECRET, b: SECRET },
    );
  });

  test('bad provider declarations name the worker key', () => {
    assert.throws(
      () =>
        createConfigProviders({
          'config.providers': 'a,b,c,d',
          'config.providers.b.class': 'com.example.VaultConfigProvider',
          'config.providers.c.class': 'env',
          'config.providers.c.param.allowlist.pattern': '(',
          'config.providers.d.class': 'file',
          'config.providers.d.param.allowed.paths': 'relative/dir',
        }),
      (err: unknown) =>
        err instanceof ConfigError &&
        err.problems.map((p) => p.key).join() ===
          'config.providers.a.class,config.providers.b.class,config.providers.c.param.allowlist.pattern,config.providers.d.param.allowed.paths',
    );
  });

  test('the env provider takes no path', () => {
    const providers = createConfigProviders(worker(), env);
    refusesWithoutSecret(() => providers.resolve({ k: `\${env:some/path:DB_PASSWORD}` }), 'k');
  });
});
