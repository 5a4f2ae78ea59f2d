import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ConfigError, Password } from '@tributary/api';
import { readPropertiesFile } from '../../src/config/properties.js';
import { parseWorkerConfig, standaloneWorkerConfig, subMap } from '../../src/config/worker-config.js';

const compat = (file: string) => fileURLToPath(new URL(`../../../../../shared/compat/${file}`, import.meta.url));

const minimal = {
  'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
  'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
  'offset.storage.file.filename': '/tmp/offsets.json',
};

describe('parseWorkerConfig', () => {
  test('connect-standalone.properties loads unchanged with Kafka defaults for the rest', () => {
    const path = compat('connect-standalone.properties');
    const worker = parseWorkerConfig(readPropertiesFile(path), path);
    assert.deepEqual(worker.config['bootstrap.servers'], ['localhost:9092']);
    assert.equal(worker.config['key.converter'], 'org.apache.kafka.connect.json.JsonConverter');
    assert.equal(worker.config['offset.storage.file.filename'], '/tmp/connect.offsets');
    assert.equal(worker.config['offset.flush.interval.ms'], 10_000);
    assert.equal(worker.config['offset.flush.timeout.ms'], 5_000);
    assert.equal(worker.config['task.shutdown.graceful.timeout.ms'], 5_000);
    assert.equal(worker.config['header.converter'], 'org.apache.kafka.connect.storage.SimpleHeaderConverter');
    assert.deepEqual(worker.config.listeners, ['http://127.0.0.1:8083']);
    assert.equal(worker.config['topic.creation.enable'], true);
    assert.equal(worker.config['security.protocol'], 'PLAINTEXT');
    assert.equal(worker.overridePolicy, 'AllExceptSecurity');
    assert.deepEqual(worker.warnings, []);
    assert.equal(worker.props['key.converter.schemas.enable'], 'true');
  });

  test('connect-distributed.properties loads unchanged; distributed keys come back as warnings', () => {
    const path = compat('connect-distributed.properties');
    const worker = parseWorkerConfig(readPropertiesFile(path), path, { isStandalone: false });
    assert.equal(worker.config['offset.flush.interval.ms'], 10_000);
    const warned = worker.warnings.join('\n');
    for (const key of [
      'group.id',
      'offset.storage.topic',
      'config.storage.topic',
      'status.storage.topic',
      'status.storage.replication.factor',
    ]) {
      assert.ok(warned.includes(key), `warning for ${key}`);
    }
    assert.ok(!warned.includes('key.converter'), 'converter sub-configs are not unknown');
    assert.ok(warned.includes(path));
  });

  test('the standalone worker requires the offsets file and the converters, all reported at once', () => {
    assert.throws(
      () => parseWorkerConfig({ 'bootstrap.servers': 'b:9092' }, 'w.properties'),
      (err: unknown) =>
        err instanceof ConfigError &&
        err.problems
          .map((p) => p.key)
          .sort()
          .join() === 'key.converter,offset.storage.file.filename,value.converter' &&
        err.message.includes('w.properties'),
    );
  });

  test('bad values name the key and the value', () => {
    assert.throws(
      () =>
        parseWorkerConfig(
          { ...minimal, 'offset.flush.interval.ms': 'soon', 'security.protocol': 'TLS' },
          'w.properties',
        ),
      (err: unknown) =>
        err instanceof ConfigError &&
        err.problems.some((p) => p.key === 'offset.flush.interval.ms' && p.value === 'soon') &&
        err.problems.some((p) => p.key === 'security.protocol' && p.value === 'TLS'),
    );
  });

  test('prefixed client sub-maps are split out', () => {
    const worker = parseWorkerConfig(
      {
        ...minimal,
        'producer.linger.ms': '5',
        'consumer.max.poll.records': '100',
        'admin.request.timeout.ms': '1000',
        'producer.override.x': 'y',
      },
      'w',
    );
    assert.deepEqual(worker.producer, { 'linger.ms': '5', 'override.x': 'y' });
    assert.deepEqual(worker.consumer, { 'max.poll.records': '100' });
    assert.deepEqual(worker.admin, { 'request.timeout.ms': '1000' });
    assert.deepEqual(worker.warnings, []);
  });

  test('plugin.path is accepted and ignored with a note; unknown keys warn', () => {
    const worker = parseWorkerConfig(
      { ...minimal, 'plugin.path': '/usr/share/java', 'rest.port': '8083' },
      'w.properties',
    );
    assert.equal(worker.warnings.length, 2);
    assert.match(worker.warnings.find((w) => w.includes('plugin.path')) ?? '', /ignored/);
    assert.match(worker.warnings.find((w) => w.includes('rest.port')) ?? '', /Unknown/);
  });

  test('override policy by name, case-insensitively, or by Java class name', () => {
    const policy = (v: string) =>
      parseWorkerConfig({ ...minimal, 'connector.client.config.override.policy': v }, 'w').overridePolicy;
    assert.equal(policy('All'), 'All');
    assert.equal(policy('none'), 'None');
    assert.equal(
      policy('org.apache.kafka.connect.connector.policy.PrincipalConnectorClientConfigOverridePolicy'),
      'Principal',
    );
    assert.throws(
      () => policy('Some'),
      (err: unknown) =>
        err instanceof ConfigError && err.problems[0]?.key === 'connector.client.config.override.policy',
    );
  });

  test('REST keys: listeners, advertised host/port, basic auth password hidden', () => {
    const worker = parseWorkerConfig(
      {
        ...minimal,
        listeners: 'http://0.0.0.0:8083,http://localhost:9090',
        'rest.advertised.host.name': 'connect-1',
        'rest.advertised.port': '18083',
        'rest.basic.auth.username': 'admin',
        'rest.basic.auth.password': 'pw-secret',
      },
      'w',
    );
    assert.deepEqual(worker.config.listeners, ['http://0.0.0.0:8083', 'http://localhost:9090']);
    assert.equal(worker.config['rest.advertised.port'], 18083);
    const pw = worker.config['rest.basic.auth.password'];
    assert.ok(pw instanceof Password);
    assert.equal(pw.value(), 'pw-secret');
    assert.ok(!JSON.stringify(worker.config).includes('pw-secret'));
  });

  test('SASL settings are checked at parse time without showing the JAAS text', () => {
    const jaas =
      'org.apache.kafka.common.security.scram.ScramLoginModule required username="u" password="jaas-secret";';
    assert.throws(
      () => parseWorkerConfig({ ...minimal, 'security.protocol': 'SASL_SSL', 'sasl.jaas.config': jaas }, 'w'),
      (err: unknown) =>
        err instanceof ConfigError && err.problems[0]?.key === 'sasl.mechanism' && !err.message.includes('jaas-secret'),
    );
    const ok = parseWorkerConfig(
      {
        ...minimal,
        'security.protocol': 'SASL_PLAINTEXT',
        'sasl.mechanism': 'SCRAM-SHA-512',
        'sasl.jaas.config': jaas,
      },
      'w',
    );
    assert.equal(ok.config['sasl.mechanism'], 'SCRAM-SHA-512');
  });

  test('a JKS keystore is refused with "use PEM"', () => {
    assert.throws(
      () =>
        parseWorkerConfig(
          {
            ...minimal,
            'security.protocol': 'SSL',
            'ssl.truststore.type': 'JKS',
            'ssl.keystore.location': '/etc/kafka/client.keystore.jks',
          },
          'w',
        ),
      (err: unknown) =>
        err instanceof ConfigError &&
        err.problems.some((p) => p.key === 'ssl.truststore.type' && p.message.includes('use PEM')) &&
        err.problems.some((p) => p.key === 'ssl.keystore.location' && p.message.includes('use PEM')),
    );
  });

  test('subMap drops the prefix and ignores the bare prefix', () => {
    assert.deepEqual(subMap({ 'a.b': '1', 'a.': '2', ab: '3' }, 'a.'), { b: '1' });
  });

  test('every key has documentation', () => {
    for (const [name, key] of Object.entries(standaloneWorkerConfig.keys)) assert.ok(key.doc.length > 0, name);
  });
});
