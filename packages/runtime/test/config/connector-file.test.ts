import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ConfigError } from '@tributary/api';
import { loadConnectorFile } from '../../src/config/connector-file.js';

const compat = new URL('../../../../../shared/compat/', import.meta.url);

describe('loadConnectorFile', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'connector-file-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const write = async (name: string, text: string) => {
    const path = join(dir, name);
    await writeFile(path, text);
    return path;
  };

  test('a .properties file', async () => {
    const path = await write(
      'a.properties',
      'name=local-file-source\nconnector.class=FileStreamSource\ntasks.max=1\nfile=test.txt\ntopic=connect-test\n',
    );
    assert.deepEqual(loadConnectorFile(path), {
      name: 'local-file-source',
      config: {
        name: 'local-file-source',
        'connector.class': 'FileStreamSource',
        'tasks.max': '1',
        file: 'test.txt',
        topic: 'connect-test',
      },
    });
  });

  test('a POST /connectors body; the name is added to config and initial_state kept', async () => {
    const path = await write(
      'post.json',
      JSON.stringify({
        name: 'sink-1',
        config: { 'connector.class': 'FileStreamSink', 'tasks.max': 2, 'errors.log.enable': true, topics: 't' },
        initial_state: 'paused',
      }),
    );
    assert.deepEqual(loadConnectorFile(path), {
      name: 'sink-1',
      config: {
        'connector.class': 'FileStreamSink',
        'tasks.max': '2',
        'errors.log.enable': 'true',
        topics: 't',
        name: 'sink-1',
      },
      initialState: 'PAUSED',
    });
  });

  test('a POST body whose config name differs from name is refused', async () => {
    const path = await write(
      'mismatch.json',
      JSON.stringify({ name: 'a', config: { name: 'b', 'connector.class': 'X' } }),
    );
    assert.throws(
      () => loadConnectorFile(path),
      (err: unknown) => err instanceof ConfigError && err.message.includes(path) && err.problems[0]?.key === 'name',
    );
  });

  test('a PUT /connectors/{n}/config body (flat map with name)', async () => {
    const path = await write(
      'put.json',
      JSON.stringify({ name: 'src', 'connector.class': 'FileStreamSource', 'batch.size': 100, 'x.optional': null }),
    );
    assert.deepEqual(loadConnectorFile(path), {
      name: 'src',
      config: { name: 'src', 'connector.class': 'FileStreamSource', 'batch.size': '100' },
    });
  });

  test('a JSON file without the .json extension is recognised by its content', async () => {
    const path = await write('connector.conf', '  {"name":"n","connector.class":"C"}');
    assert.equal(loadConnectorFile(path).name, 'n');
  });

  test('a nested value is an error naming the key', async () => {
    const path = await write(
      'nested.json',
      JSON.stringify({ name: 'n', config: { 'connector.class': 'C', 'bad.key': { a: 1 }, 'list.key': [1] } }),
    );
    assert.throws(
      () => loadConnectorFile(path),
      (err: unknown) =>
        err instanceof ConfigError &&
        err.problems.map((p) => p.key).join() === 'config.bad.key,config.list.key' &&
        err.message.includes(path),
    );
  });

  test('a missing name is an error naming the file, in each form', async () => {
    for (const [file, text] of [
      ['noname.properties', 'connector.class=C\n'],
      ['noname-put.json', '{"connector.class":"C"}'],
      ['noname-post.json', '{"config":{"connector.class":"C"}}'],
    ] as const) {
      const path = await write(file, text);
      assert.throws(
        () => loadConnectorFile(path),
        (err: unknown) => err instanceof ConfigError && err.message.includes(path) && err.message.includes("'name'"),
        file,
      );
    }
  });

  test('invalid JSON and unreadable files name the file', async () => {
    const bad = await write('bad.json', '{"name": ');
    assert.throws(
      () => loadConnectorFile(bad),
      (err: unknown) => err instanceof ConfigError && err.message.includes(bad),
    );
    const missing = join(dir, 'missing.properties');
    assert.throws(
      () => loadConnectorFile(missing),
      (err: unknown) => err instanceof ConfigError && err.message.includes(missing),
    );
  });

  test('an invalid initial_state is refused', async () => {
    const path = await write('state.json', JSON.stringify({ name: 'n', config: {}, initial_state: 'SLEEPING' }));
    assert.throws(
      () => loadConnectorFile(path),
      (err: unknown) => err instanceof ConfigError && err.problems[0]?.key === 'initial_state',
    );
  });

  test('the compat connector files load unchanged', () => {
    for (const file of [
      'mysql-incrementing.properties',
      'mysql-timestamp-incrementing.properties',
      'databend-sink.properties',
      'replicator-connector.json',
    ]) {
      const loaded = loadConnectorFile(new URL(file, compat).pathname);
      assert.ok(loaded.name.length > 0, file);
      assert.equal(loaded.config['name'], loaded.name, file);
      assert.ok((loaded.config['connector.class'] ?? '').length > 0, file);
    }
  });
});
