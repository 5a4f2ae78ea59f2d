import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import { ConfigError } from '@tributary/api';
import { startBroker } from '@tributary/devstack';
import { canCompress } from '@tributary/protocol';
import { CompressionTypes, Kafka, logLevel } from 'kafkajs';
import {
  applyOverrides,
  clientProps,
  consumerConfig,
  isOverrideAllowed,
  kafkaConfig,
  producerConfig,
} from '../../src/config/kafka-client.js';

const PLAIN_JAAS =
  'org.apache.kafka.common.security.plain.PlainLoginModule required username="worker" password="worker-secret";';

describe('clientProps', () => {
  test('worker connection and security keys (not client.id), then the prefix sub-map, then overrides', () => {
    const worker = {
      'bootstrap.servers': 'a:9092,b:9092',
      'client.id': 'worker-only',
      'security.protocol': 'SASL_SSL',
      'sasl.jaas.config': PLAIN_JAAS,
      'key.converter': 'ignored',
      'producer.linger.ms': '10',
      'producer.security.protocol': 'SASL_PLAINTEXT',
      'consumer.max.poll.records': '5',
    };
    assert.deepEqual(clientProps(worker, 'producer', { 'linger.ms': '20', acks: '1' }), {
      'bootstrap.servers': 'a:9092,b:9092',
      'security.protocol': 'SASL_PLAINTEXT',
      'sasl.jaas.config': PLAIN_JAAS,
      'linger.ms': '20',
      acks: '1',
    });
    assert.deepEqual(clientProps(worker, 'consumer'), {
      'bootstrap.servers': 'a:9092,b:9092',
      'security.protocol': 'SASL_SSL',
      'sasl.jaas.config': PLAIN_JAAS,
      'max.poll.records': '5',
    });
  });
});

describe('kafkaConfig', () => {
  test('brokers, client id, SASL PLAIN over TLS', () => {
    const config = kafkaConfig(
      {
        'bootstrap.servers': ' a:9092 , b:9093 ',
        'security.protocol': 'SASL_SSL',
        'sasl.jaas.config': PLAIN_JAAS,
        'request.timeout.ms': '15000',
      },
      { clientId: 'connector-producer-x-0' },
    );
    assert.deepEqual(config, {
      brokers: ['a:9092', 'b:9093'],
      clientId: 'connector-producer-x-0',
      ssl: {},
      sasl: { mechanism: 'plain', username: 'worker', password: 'worker-secret' },
      requestTimeout: 15_000,
    });
  });

  test('client.id wins over the default; SCRAM without TLS', () => {
    const config = kafkaConfig(
      {
        'bootstrap.servers': 'k:9092',
        'client.id': 'mine',
        'security.protocol': 'SASL_PLAINTEXT',
        'sasl.mechanism': 'SCRAM-SHA-512',
        'sasl.jaas.config':
          'org.apache.kafka.common.security.scram.ScramLoginModule required username="s" password="t";',
      },
      { clientId: 'default' },
    );
    assert.deepEqual(config, {
      brokers: ['k:9092'],
      clientId: 'mine',
      sasl: { mechanism: 'scram-sha-512', username: 's', password: 't' },
    });
  });

  test('bad values are reported together, secrets not shown', () => {
    assert.throws(
      () =>
        kafkaConfig({
          'bootstrap.servers': ' , ',
          'security.protocol': 'SASL_SSL',
          'sasl.jaas.config': 'oops password="worker-secret"',
          'request.timeout.ms': 'x',
        }),
      (err: unknown) =>
        err instanceof ConfigError &&
        err.problems
          .map((p) => p.key)
          .sort()
          .join() === 'bootstrap.servers,request.timeout.ms,sasl.jaas.config' &&
        !err.message.includes('worker-secret'),
    );
  });
});

describe('producerConfig', () => {
  test("Connect's defaults: acks all, one request in flight, not idempotent", () => {
    assert.deepEqual(producerConfig({}), {
      config: { idempotent: false, maxInFlightRequests: 1, allowAutoTopicCreation: true },
      acks: -1,
      compression: CompressionTypes.None,
      lingerMs: 0,
      batchSizeBytes: 16_384,
      ignored: [],
    });
  });

  test('acks, retries, in-flight, linger, batch size, compression, idempotence, transactions', () => {
    const settings = producerConfig({
      acks: '1',
      retries: '3',
      'retry.backoff.ms': '200',
      'max.in.flight.requests.per.connection': '5',
      'linger.ms': '25',
      'batch.size': '65536',
      'compression.type': 'gzip',
      'buffer.memory': '1',
      'bootstrap.servers': 'x:1',
    });
    assert.equal(settings.acks, 1);
    assert.deepEqual(settings.config.retry, { retries: 3, initialRetryTime: 200 });
    assert.equal(settings.config.maxInFlightRequests, 5);
    assert.equal(settings.lingerMs, 25);
    assert.equal(settings.batchSizeBytes, 65_536);
    assert.equal(settings.compression, CompressionTypes.GZIP);
    assert.deepEqual(settings.ignored, ['buffer.memory']);
    const idempotent = producerConfig({ 'enable.idempotence': 'true', 'transactional.id': 'tx-1', acks: 'all' });
    assert.equal(idempotent.config.idempotent, true);
    assert.equal(idempotent.config.transactionalId, 'tx-1');
  });

  test('refusals name the key: idempotence without acks=all, unknown acks, unsupported compression', () => {
    assert.throws(
      () => producerConfig({ 'enable.idempotence': 'true', acks: '1' }),
      (err: unknown) => err instanceof ConfigError && err.problems[0]?.key === 'acks',
    );
    assert.throws(
      () => producerConfig({ acks: 'most' }),
      (err: unknown) => err instanceof ConfigError && err.problems[0]?.key === 'acks',
    );
    assert.throws(
      () => producerConfig({ 'compression.type': 'brotli' }),
      (err: unknown) =>
        err instanceof ConfigError &&
        err.problems[0]?.key === 'compression.type' &&
        /none, gzip, snappy, lz4/.test(err.message),
    );
    for (const [codec, type] of [
      ['snappy', CompressionTypes.Snappy],
      ['LZ4', CompressionTypes.LZ4],
    ] as const)
      assert.equal(producerConfig({ 'compression.type': codec }).compression, type);
    // zstd is written through node:zlib, which has it from Node.js 22.15.
    if (canCompress(CompressionTypes.ZSTD))
      assert.equal(producerConfig({ 'compression.type': 'zstd' }).compression, CompressionTypes.ZSTD);
    else assert.throws(() => producerConfig({ 'compression.type': 'zstd' }), /zstd needs Node\.js ≥ 22\.15/);
  });
});

describe('consumerConfig', () => {
  test('defaults: the given group, earliest, read uncommitted, 500 records, 500 ms fetch wait', () => {
    assert.deepEqual(consumerConfig({}, { groupId: 'connect-sink' }), {
      config: { groupId: 'connect-sink', readUncommitted: true, maxWaitTimeInMs: 500 },
      fromBeginning: true,
      maxPollRecords: 500,
      ignored: [],
    });
  });

  test('Kafka consumer keys map to kafkajs names', () => {
    const settings = consumerConfig(
      {
        'group.id': 'custom',
        'session.timeout.ms': '30000',
        'heartbeat.interval.ms': '3000',
        'max.poll.interval.ms': '300000',
        'max.poll.records': '50',
        'fetch.max.bytes': '1048576',
        'fetch.min.bytes': '1',
        'fetch.max.wait.ms': '100',
        'max.partition.fetch.bytes': '65536',
        'auto.offset.reset': 'latest',
        'isolation.level': 'read_committed',
        'client.rack': 'r1',
        'partition.assignment.strategy': 'x',
      },
      { groupId: 'connect-sink' },
    );
    assert.deepEqual(settings.config, {
      groupId: 'custom',
      readUncommitted: false,
      sessionTimeout: 30_000,
      heartbeatInterval: 3_000,
      rebalanceTimeout: 300_000,
      maxBytes: 1_048_576,
      minBytes: 1,
      maxWaitTimeInMs: 100,
      maxBytesPerPartition: 65_536,
      rackId: 'r1',
    });
    assert.equal(settings.fromBeginning, false);
    assert.equal(settings.maxPollRecords, 50);
    assert.deepEqual(settings.ignored, ['partition.assignment.strategy']);
  });

  test('auto.offset.reset=none and bad numbers are refused naming the key', () => {
    assert.throws(
      () => consumerConfig({ 'auto.offset.reset': 'none', 'fetch.min.bytes': 'lots' }, { groupId: 'g' }),
      (err: unknown) =>
        err instanceof ConfigError && err.problems.map((p) => p.key).join() === 'auto.offset.reset,fetch.min.bytes',
    );
  });
});

describe('applyOverrides', () => {
  const connector = {
    name: 'c',
    'producer.override.linger.ms': '50',
    'consumer.override.max.poll.records': '10',
    'admin.override.request.timeout.ms': '999',
  };

  test('splits overrides by client kind', () => {
    assert.deepEqual(applyOverrides(connector, 'AllExceptSecurity'), {
      producer: { 'linger.ms': '50' },
      consumer: { 'max.poll.records': '10' },
      admin: { 'request.timeout.ms': '999' },
    });
  });

  test('the default policy refuses security-sensitive keys, naming each and hiding values', () => {
    const props = {
      ...connector,
      'producer.override.sasl.jaas.config': PLAIN_JAAS,
      'consumer.override.security.protocol': 'PLAINTEXT',
      'admin.override.ssl.keystore.password': 'ks-secret',
      'producer.override.bootstrap.servers': 'evil:9092',
    };
    assert.throws(
      () => applyOverrides(props, 'AllExceptSecurity'),
      (err: unknown) =>
        err instanceof ConfigError &&
        err.problems
          .map((p) => p.key)
          .sort()
          .join() ===
          'admin.override.ssl.keystore.password,consumer.override.security.protocol,producer.override.bootstrap.servers,producer.override.sasl.jaas.config' &&
        !err.message.includes('worker-secret') &&
        !err.message.includes('ks-secret') &&
        err.problems.every((p) => p.value === undefined),
    );
    assert.equal(Object.keys(applyOverrides(props, 'All').producer).length, 3);
  });

  test('None refuses everything; Principal allows only the SASL identity keys', () => {
    assert.throws(
      () => applyOverrides(connector, 'None'),
      (err: unknown) => err instanceof ConfigError && err.problems.length === 3,
    );
    assert.deepEqual(
      applyOverrides(
        { 'producer.override.sasl.jaas.config': PLAIN_JAAS, 'producer.override.sasl.mechanism': 'PLAIN' },
        'Principal',
      ).producer,
      {
        'sasl.jaas.config': PLAIN_JAAS,
        'sasl.mechanism': 'PLAIN',
      },
    );
    assert.equal(isOverrideAllowed('Principal', 'linger.ms'), false);
    assert.equal(isOverrideAllowed('AllExceptSecurity', 'sasl.login.callback.handler.class'), false);
    assert.equal(isOverrideAllowed('AllExceptSecurity', 'max.request.size'), true);
  });
});

describe('the mapped options work against a broker', () => {
  test('produce with producerConfig and consume with consumerConfig', async () => {
    const broker = await startBroker({ port: 0 });
    const topic = `topic-${randomUUID()}`;
    const worker = {
      'bootstrap.servers': broker.bootstrap,
      'producer.linger.ms': '0',
      'consumer.fetch.max.wait.ms': '50',
    };
    const producerProps = clientProps(
      worker,
      'producer',
      applyOverrides({ 'producer.override.acks': 'all' }, 'AllExceptSecurity').producer,
    );
    const consumerProps = clientProps(worker, 'consumer');
    const producerKafka = new Kafka({ ...kafkaConfig(producerProps, { clientId: 'p' }), logLevel: logLevel.NOTHING });
    const consumerKafka = new Kafka({ ...kafkaConfig(consumerProps, { clientId: 'c' }), logLevel: logLevel.NOTHING });
    const p = producerConfig(producerProps);
    const c = consumerConfig(consumerProps, { groupId: `connect-${randomUUID()}` });
    const producer = producerKafka.producer(p.config);
    const consumer = consumerKafka.consumer(c.config);
    try {
      const admin = producerKafka.admin();
      await admin.connect();
      await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
      await admin.disconnect();
      await producer.connect();
      await producer.send({
        topic,
        acks: p.acks,
        compression: p.compression,
        messages: [{ key: 'k', value: 'hello' }],
      });
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: c.fromBeginning });
      const received = await new Promise<string>((resolve, reject) => {
        consumer.run({ eachMessage: async ({ message }) => resolve(message.value?.toString() ?? '') }).catch(reject);
      });
      assert.equal(received, 'hello');
    } finally {
      await consumer.disconnect();
      await producer.disconnect();
      await broker.stop();
    }
  });
});
