import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { describe, it } from 'node:test';
import {
  boolean,
  ConfigError,
  choice,
  configDocsMarkdown,
  defineConfig,
  describeKey,
  double,
  int,
  list,
  long,
  Password,
  password,
  string,
} from '../src/index.js';

const def = defineConfig({
  'batch.max.rows': int({ default: 100, min: 1, doc: 'Rows per poll.', importance: 'high', group: 'Connector' }),
  'poll.interval.ms': long({ default: 5000, min: 0, doc: 'How often to poll.' }),
  ratio: double({ default: 0.5, max: 1, doc: 'A ratio.' }),
  'schemas.enable': boolean({ default: true, doc: 'Envelope or not.' }),
  'table.whitelist': list({ default: [], doc: 'Tables.' }),
  'errors.tolerance': choice({ values: ['none', 'all'], default: 'none', doc: 'Tolerance.' }),
  'connection.url': string({ nonEmpty: true, doc: 'Where.' }),
  'connection.password': password({ default: null, doc: 'Secret.' }),
  'query.suffix': string({ default: null, doc: 'Suffix.' }),
});

describe('defineConfig', () => {
  it('parses typed values and applies defaults', () => {
    const v = def.parse({ 'connection.url': 'jdbc:mysql://x', 'table.whitelist': ' a, b ,,c ', 'errors.tolerance': 'ALL', ratio: '0.25' });
    assert.equal(v['batch.max.rows'], 100);
    assert.equal(v['poll.interval.ms'], 5000);
    assert.equal(v.ratio, 0.25);
    assert.equal(v['schemas.enable'], true);
    assert.deepEqual(v['table.whitelist'], ['a', 'b', 'c']);
    assert.equal(v['errors.tolerance'], 'all');
    assert.equal(v['connection.password'], null);
    assert.equal(v['query.suffix'], null);
  });

  it('reports every bad and missing key at once, naming key and value', () => {
    let err: unknown;
    try {
      def.parse({ 'batch.max.rows': '0', 'schemas.enable': 'yes', 'poll.interval.ms': '1.5' }, 'connector "c1"');
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof ConfigError);
    const keys = err.problems.map((p) => p.key).sort();
    assert.deepEqual(keys, ['batch.max.rows', 'connection.url', 'poll.interval.ms', 'schemas.enable']);
    assert.match(err.message, /connector "c1"/);
    assert.match(err.message, /batch\.max\.rows: Invalid value "0": Value must be at least 1/);
    assert.match(err.message, /schemas\.enable: Invalid value "yes"/);
    assert.match(err.message, /connection\.url: Missing required configuration/);
  });

  it('rejects out-of-range ints and unknown choices', () => {
    assert.throws(() => def.parse({ 'connection.url': 'u', 'batch.max.rows': '3000000000' }), /32-bit integer/);
    assert.throws(() => def.parse({ 'connection.url': 'u', 'errors.tolerance': 'some' }), /must be one of none, all/);
    assert.throws(() => def.parse({ 'connection.url': '  ' }), /non-empty/);
  });

  it('never shows a password value, in errors, strings, JSON or inspect', () => {
    const v = def.parse({ 'connection.url': 'u', 'connection.password': 'hunter2' });
    const pw = v['connection.password'];
    assert.ok(pw instanceof Password);
    assert.equal(pw.value(), 'hunter2');
    assert.equal(`${pw}`, '[hidden]');
    assert.equal(JSON.stringify({ pw }), '{"pw":"[hidden]"}');
    assert.ok(!inspect(v).includes('hunter2'));
    const validation = def.validate({ 'connection.password': 'hunter2' });
    assert.ok(!JSON.stringify(validation).includes('hunter2'));
    assert.equal(validation.find((k) => k.name === 'connection.password')?.value, '[hidden]');
  });

  it('validate lists every key with its errors; unknownKeys finds the rest', () => {
    const result = def.validate({ 'batch.max.rows': 'x', extra: '1' });
    assert.equal(result.length, Object.keys(def.keys).length);
    assert.equal(result.find((k) => k.name === 'batch.max.rows')?.errors.length, 1);
    assert.equal(result.find((k) => k.name === 'connection.url')?.errors.length, 1);
    assert.equal(result.find((k) => k.name === 'ratio')?.errors.length, 0);
    assert.deepEqual(def.unknownKeys({ 'batch.max.rows': '1', extra: '1' }), ['extra']);
  });

  it('extend adds keys and replaces same-named ones', () => {
    const more = def.extend({ 'batch.max.rows': int({ default: 7, doc: 'Changed.' }), topic: string({ doc: 'Topic.' }) });
    const v = more.parse({ 'connection.url': 'u', topic: 't' });
    assert.equal(v['batch.max.rows'], 7);
    assert.equal(v.topic, 't');
  });

  it('describes keys the way Kafka Connect REST shows them', () => {
    const info = describeKey('batch.max.rows', def.keys['batch.max.rows']);
    assert.deepEqual(info, {
      name: 'batch.max.rows',
      type: 'INT',
      required: false,
      default_value: '100',
      importance: 'HIGH',
      documentation: 'Rows per poll.',
      group: 'Connector',
      order_in_group: -1,
      width: 'NONE',
      display_name: 'batch.max.rows',
      dependents: [],
    });
    assert.equal(describeKey('connection.url', def.keys['connection.url']).required, true);
  });

  it('renders a docs table with every key', () => {
    const md = configDocsMarkdown(def);
    for (const key of Object.keys(def.keys)) assert.ok(md.includes(`\`${key}\``), key);
    assert.match(md, /\| `connection.url` \| string \| \(required\) \|/);
  });
});

describe('key aliases', () => {
  const aliased = defineConfig({
    'source.cluster.bootstrap.servers': list({ doc: 'Source brokers.', aliases: ['src.kafka.bootstrap.servers'] }),
    'tasks.limit': int({ doc: 'A number.', default: 1, aliases: ['old.tasks.limit'] }),
  });

  it('takes the value from an alias when the key itself is absent, and the key wins when both are given', () => {
    const fromAlias = aliased.parse({ 'src.kafka.bootstrap.servers': 'a:1,b:2' });
    assert.deepEqual(fromAlias['source.cluster.bootstrap.servers'], ['a:1', 'b:2']);
    const both = aliased.parse({ 'source.cluster.bootstrap.servers': 'k:1', 'src.kafka.bootstrap.servers': 'a:1' });
    assert.deepEqual(both['source.cluster.bootstrap.servers'], ['k:1']);
  });

  it('names the alias the user wrote in problems, and the key when neither is given', () => {
    assert.throws(
      () => aliased.parse({ 'src.kafka.bootstrap.servers': 'a:1', 'old.tasks.limit': 'many' }),
      (err: unknown) => err instanceof ConfigError && err.problems.some((p) => p.key === 'old.tasks.limit'),
    );
    assert.throws(
      () => aliased.parse({}),
      (err: unknown) => err instanceof ConfigError && err.problems.some((p) => p.key === 'source.cluster.bootstrap.servers'),
    );
  });

  it('does not report aliases as unknown keys, and documents them', () => {
    assert.deepEqual(aliased.unknownKeys({ 'src.kafka.bootstrap.servers': 'a:1', other: 'x' }), ['other']);
    assert.match(configDocsMarkdown(aliased), /Also accepted as `src\.kafka\.bootstrap\.servers`/);
  });
});
