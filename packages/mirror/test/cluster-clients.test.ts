import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '@tributary/api';
import { startBroker } from '@tributary/devstack';
import { ClusterClients, clientSettings } from '../src/cluster-clients.js';
import type { ClusterSettings } from '../src/config.js';
import { testLogger } from './harness.js';

function cluster(bootstrap: string, consumer: Record<string, string> = {}): ClusterSettings {
  return { alias: 'A', bootstrapServers: [bootstrap], admin: {}, consumer, producer: {} };
}

describe('cluster clients', () => {
  it('reads known client keys and reports the others as ignored', () => {
    const settings = clientSettings(
      cluster('h:1', {
        'client.id': 'mine',
        'request.timeout.ms': '5000',
        'max.poll.records': '300',
        'sasl.mechanism': 'PLAIN',
      }),
      'consumer',
      'source',
      'default-id',
    );
    assert.equal(settings.clientId, 'mine');
    assert.equal(settings.requestTimeoutMs, 5000);
    assert.deepEqual(settings.ignored, ['source.consumer.sasl.mechanism']);
  });

  it('refuses other security protocols than PLAINTEXT and bad numbers, naming the keys', () => {
    assert.throws(
      () =>
        clientSettings(
          cluster('h:1', { 'security.protocol': 'SASL_SSL', 'fetch.max.bytes': 'lots' }),
          'consumer',
          'source',
          'x',
        ),
      (err: unknown) =>
        err instanceof ConfigError &&
        err.problems.map((p) => p.key).join() === 'source.cluster.security.protocol,source.consumer.fetch.max.bytes',
    );
  });

  it('connects an admin and a wire client to a real broker, and closes idempotently', async () => {
    const broker = await startBroker({ port: 0 });
    const clients = new ClusterClients({
      cluster: cluster(broker.bootstrap),
      side: 'source',
      clientIdBase: 'test',
      logger: testLogger(),
    });
    try {
      const admin = await clients.admin();
      assert.equal(await clients.admin(), admin, 'one admin per cluster');
      assert.ok(Array.isArray(await admin.listTopics()));
      const metadata = await clients.wire('consumer').metadata(null);
      assert.equal(metadata.brokers.length, 1);
    } finally {
      await clients.close();
      await clients.close();
      await broker.stop();
    }
    await assert.rejects(clients.admin(), /closed/);
  });
});
