import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { choice, defineConfig, int, password, string } from '@tributary/api';
import { ConfigInfoList } from '../../src/config/config-infos.js';

const definition = defineConfig({
  host: string({ doc: 'Host.', group: 'Connection' }),
  port: int({ default: 5432, min: 1, doc: 'Port.', group: 'Connection' }),
  secret: password({ default: null, doc: 'Secret.' }),
  mode: choice({ values: ['a', 'b'], default: 'a', doc: 'Mode.' }),
});

describe('ConfigInfoList', () => {
  test('entries in definition order with values, errors, recommended values and groups', () => {
    const list = new ConfigInfoList();
    list.addDefinition(definition, { port: 'x', secret: 'hunter2', mode: 'b' }, '');
    const infos = list.result('my-plugin');
    assert.equal(infos.name, 'my-plugin');
    assert.deepEqual(infos.groups, ['Connection']);
    assert.deepEqual(
      infos.configs.map((c) => [c.value.name, c.value.value, c.value.errors.length, c.value.recommended_values]),
      [
        ['host', null, 1, []],
        ['port', 'x', 1, []],
        ['secret', '[hidden]', 0, []],
        ['mode', 'b', 0, ['a', 'b']],
      ],
    );
    assert.equal(infos.error_count, 2);
    assert.ok(!JSON.stringify(infos).includes('hunter2'));
  });

  test('prefixed definitions get full names and the given group; the first definition of a key wins', () => {
    const list = new ConfigInfoList();
    list.addDefinition(definition, { 'transforms.a.host': 'h' }, 'transforms.a.', 'Transforms: a', { mode: ['x'] });
    list.addDefinition(definition, { 'transforms.a.host': '' }, 'transforms.a.');
    const infos = list.result('p');
    const host = infos.configs.find((c) => c.value.name === 'transforms.a.host');
    assert.equal(host?.definition.name, 'transforms.a.host');
    assert.equal(host?.definition.group, 'Transforms: a');
    assert.equal(host?.value.value, 'h');
    assert.deepEqual(infos.configs.find((c) => c.value.name === 'transforms.a.mode')?.value.recommended_values, ['x']);
    assert.equal(infos.configs.length, 4);
  });

  test('problems join their key once, or get an entry without the value', () => {
    const list = new ConfigInfoList();
    list.addDefinition(definition, { host: 'h' }, '');
    list.addProblem({ key: 'host', value: 'h', message: 'unreachable' });
    list.addProblem({ key: 'host', value: 'h', message: 'unreachable' });
    list.addProblem({ key: 'producer.override.sasl.jaas.config', value: 'secret jaas', message: 'not allowed' });
    const infos = list.result('p');
    assert.deepEqual(infos.configs.find((c) => c.value.name === 'host')?.value.errors, ['unreachable']);
    const extra = infos.configs.find((c) => c.value.name === 'producer.override.sasl.jaas.config');
    assert.equal(extra?.value.value, null);
    assert.deepEqual(extra?.value.errors, ['not allowed']);
    assert.equal(infos.error_count, 2);
    assert.ok(!JSON.stringify(infos).includes('secret jaas'));
  });
});
