/**
 * docker-compose.yml cannot be started here (no Docker engine), so this checks what can
 * be checked without one: the three services, their images, host ports, healthchecks,
 * credentials, and that Kafka's KRaft listener settings agree with each other.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parse } from 'yaml';

interface Service {
  image?: string;
  ports?: string[];
  environment?: Record<string, string | number>;
  healthcheck?: { test?: string[] | string; interval?: string; retries?: number };
}

const compose = parse(readFileSync(new URL('../docker-compose.yml', import.meta.url), 'utf8')) as {
  services?: Record<string, Service>;
};

function service(name: string): Service {
  const s = compose.services?.[name];
  assert.ok(s, `docker-compose.yml has no service "${name}"`);
  return s;
}

function env(s: Service, key: string): string {
  const value = s.environment?.[key];
  assert.ok(value !== undefined, `environment lacks ${key}`);
  return String(value);
}

/** `NAME://host:port,…` → [name, host, port] triples. */
function listeners(value: string): [string, string, number][] {
  return value.split(',').map((entry) => {
    const match = /^([A-Z_]+):\/\/([^:]*):(\d+)$/.exec(entry.trim());
    assert.ok(match, `not a listener: ${entry}`);
    const [, name = '', host = '', port = ''] = match;
    return [name, host, Number(port)];
  });
}

describe('docker-compose.yml', () => {
  it('defines exactly kafka, mysql and postgres, each with a healthcheck', () => {
    assert.deepEqual(Object.keys(compose.services ?? {}).sort(), ['kafka', 'mysql', 'postgres']);
    for (const name of ['kafka', 'mysql', 'postgres']) {
      const check = service(name).healthcheck;
      assert.ok(check?.test && check.test.length > 0, `${name} has no healthcheck test`);
      assert.ok((check.retries ?? 0) > 0, `${name} healthcheck has no retries`);
    }
  });

  it('uses the intended images', () => {
    assert.match(service('kafka').image ?? '', /^apache\/kafka:\d+\.\d+\.\d+$/);
    assert.match(service('mysql').image ?? '', /^mysql:8(\.|$)/);
    assert.match(service('postgres').image ?? '', /^postgres:16(\.|$)/);
  });

  it('publishes the standard ports on the host', () => {
    assert.deepEqual(service('kafka').ports, ['9092:9092']);
    assert.deepEqual(service('mysql').ports, ['3306:3306']);
    assert.deepEqual(service('postgres').ports, ['5432:5432']);
  });

  it('creates the database "test" with the credentials the tests use (root without a password, trust)', () => {
    const mysql = service('mysql');
    assert.equal(env(mysql, 'MYSQL_DATABASE'), 'test');
    assert.equal(env(mysql, 'MYSQL_ALLOW_EMPTY_PASSWORD'), 'yes');
    const postgres = service('postgres');
    assert.equal(env(postgres, 'POSTGRES_DB'), 'test');
    assert.equal(env(postgres, 'POSTGRES_HOST_AUTH_METHOD'), 'trust');
  });

  it('runs Kafka as a single KRaft node whose listener settings agree', () => {
    const kafka = service('kafka');
    assert.deepEqual(env(kafka, 'KAFKA_PROCESS_ROLES').split(',').sort(), ['broker', 'controller']);
    const nodeId = env(kafka, 'KAFKA_NODE_ID');
    assert.equal(Buffer.from(env(kafka, 'CLUSTER_ID'), 'base64url').length, 16, 'CLUSTER_ID is a base64url UUID');

    const bound = listeners(env(kafka, 'KAFKA_LISTENERS'));
    const advertised = listeners(env(kafka, 'KAFKA_ADVERTISED_LISTENERS'));
    const protocols = new Map(
      env(kafka, 'KAFKA_LISTENER_SECURITY_PROTOCOL_MAP')
        .split(',')
        .map((pair) => pair.split(':') as [string, string]),
    );
    for (const [name] of bound) assert.ok(protocols.has(name), `${name} has no security protocol`);
    for (const [name] of advertised) {
      assert.ok(
        bound.some(([n]) => n === name),
        `advertised listener ${name} is not bound`,
      );
    }

    // Host clients: the listener published as 9092 must advertise localhost:9092.
    const hostListener = bound.find(([, , port]) => port === 9092);
    assert.ok(hostListener, 'no listener on port 9092');
    assert.ok(
      advertised.some(([name, host, port]) => name === hostListener[0] && host === 'localhost' && port === 9092),
      'the port-9092 listener is not advertised as localhost:9092',
    );

    const inter = env(kafka, 'KAFKA_INTER_BROKER_LISTENER_NAME');
    assert.ok(
      advertised.some(([name]) => name === inter),
      'the inter-broker listener is not advertised',
    );

    const controller = env(kafka, 'KAFKA_CONTROLLER_LISTENER_NAMES');
    const controllerListener = bound.find(([name]) => name === controller);
    assert.ok(controllerListener, `controller listener ${controller} is not bound`);
    assert.ok(!advertised.some(([name]) => name === controller), 'the controller listener must not be advertised');
    assert.equal(env(kafka, 'KAFKA_CONTROLLER_QUORUM_VOTERS'), `${nodeId}@kafka:${controllerListener[2]}`);

    for (const key of ['KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR', 'KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR']) {
      assert.equal(env(kafka, key), '1', `${key} must be 1 on a single node`);
    }
  });
});
