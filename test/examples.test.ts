// The files in examples/ and ../shared/compat/ are what users start from: each must load
// unchanged and validate against the built-in plugins.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { jdbcSink } from '@tributary/jdbc-sink';
import { jdbcSource } from '@tributary/jdbc-source';
import {
  builtinPlugins,
  loadConnectorFile,
  PluginRegistry,
  parseWorkerConfig,
  readPropertiesFile,
  validateConnectorConfig,
} from '@tributary/runtime';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const examples = join(root, 'examples');
const compat = resolve(root, '../shared/compat');
// The plugins the `tributary` command registers.
const registry = new PluginRegistry([...builtinPlugins, jdbcSource, jdbcSink]);

describe('examples/', () => {
  it('has a worker file that parses without warnings', () => {
    const parsed = parseWorkerConfig(readPropertiesFile(join(examples, 'connect-standalone.properties')), 'connect-standalone.properties');
    assert.deepEqual(parsed.warnings, []);
  });

  const connectorFiles = readdirSync(examples).filter((f) => f.endsWith('.properties') && f !== 'connect-standalone.properties');
  it('has connector files', () => assert.ok(connectorFiles.length >= 4));
  for (const file of connectorFiles) {
    it(`${file} validates with no errors`, () => {
      const { config } = loadConnectorFile(join(examples, file));
      const infos = validateConnectorConfig(config, registry);
      const errors = infos.configs.flatMap((c) => c.value.errors.map((e) => `${c.value.name}: ${e}`));
      assert.deepEqual(errors, []);
      assert.equal(infos.error_count, 0);
    });
  }
});

describe('../shared/compat worker files', () => {
  it('connect-standalone.properties loads unchanged', () => {
    const parsed = parseWorkerConfig(readPropertiesFile(join(compat, 'connect-standalone.properties')), 'connect-standalone.properties');
    assert.equal(parsed.config['offset.flush.interval.ms'], 10000);
  });
  it('connect-distributed.properties loads as a distributed worker file', () => {
    const parsed = parseWorkerConfig(readPropertiesFile(join(compat, 'connect-distributed.properties')), 'connect-distributed.properties', {
      isStandalone: false,
    });
    assert.ok(parsed.config['bootstrap.servers'].length > 0);
  });
});
