import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ConfigError,
  type ConnectRecord,
  DataError,
  DateType,
  SchemaBuilder,
  Schemas,
  Struct,
  Time,
  Timestamp,
} from '@tributary/api';
import { timestampConverterKey, timestampConverterValue } from '../../src/transforms/timestamp-converter.js';
import { configure, record, structOf } from './fixtures.js';

function convert(props: Record<string, string>, plugin = timestampConverterValue) {
  return configure(plugin, props);
}

const MS = Date.UTC(2024, 0, 15, 13, 45, 30, 123);
const DAY_MS = Date.UTC(2024, 0, 15);
const TIME_MS = MS - DAY_MS;
const ISO = "yyyy-MM-dd'T'HH:mm:ss.SSSXXX";

describe('TimestampConverter', () => {
  it('has $Key and $Value plugins aliased to the Java classes', () => {
    assert.deepEqual(timestampConverterKey.aliases, ['org.apache.kafka.connect.transforms.TimestampConverter$Key']);
    assert.deepEqual(timestampConverterValue.aliases, ['org.apache.kafka.connect.transforms.TimestampConverter$Value']);
  });

  describe('whole value with a schema', () => {
    const cases: Array<[string, ConnectRecord, Record<string, string>, unknown, string]> = [
      [
        'Timestamp to string',
        record({ valueSchema: Timestamp.schema(), value: new Date(MS) }),
        { 'target.type': 'string', format: ISO },
        '2024-01-15T13:45:30.123Z',
        'string',
      ],
      [
        'string to Timestamp',
        record({ valueSchema: Schemas.STRING, value: '2024-01-15T14:45:30.123+01:00' }),
        { 'target.type': 'Timestamp', format: ISO },
        new Date(MS),
        Timestamp.LOGICAL_NAME,
      ],
      [
        'int64 unix to Date',
        record({ valueSchema: Schemas.INT64, value: MS }),
        { 'target.type': 'Date' },
        new Date(DAY_MS),
        DateType.LOGICAL_NAME,
      ],
      [
        'Timestamp to Time',
        record({ valueSchema: Timestamp.schema(), value: new Date(MS) }),
        { 'target.type': 'Time' },
        new Date(TIME_MS),
        Time.LOGICAL_NAME,
      ],
      [
        'Date to unix',
        record({ valueSchema: DateType.schema(), value: new Date(DAY_MS) }),
        { 'target.type': 'unix' },
        DAY_MS,
        'int64',
      ],
      [
        'Time to Timestamp',
        record({ valueSchema: Time.schema(), value: new Date(TIME_MS) }),
        { 'target.type': 'Timestamp' },
        new Date(TIME_MS),
        Timestamp.LOGICAL_NAME,
      ],
    ];
    for (const [name, input, props, expected, schemaName] of cases) {
      it(name, () => {
        const out = convert(props).apply(input);
        assert.deepEqual(out?.value, expected);
        assert.equal(out?.valueSchema?.name ?? out?.valueSchema?.type, schemaName);
        assert.equal(out?.valueSchema?.isOptional, false);
      });
    }

    it('keeps optionality and converts null to null', () => {
      const out = convert({ 'target.type': 'unix' }).apply(
        record({ valueSchema: Timestamp.builder().optional().build(), value: null }),
      );
      assert.equal(out?.value, null);
      assert.equal(out?.valueSchema, Schemas.OPTIONAL_INT64);
    });

    it('fails on a schema that is no timestamp type', () => {
      assert.throws(
        () => convert({ 'target.type': 'unix' }).apply(record({ valueSchema: Schemas.INT32, value: 5 })),
        (e: unknown) =>
          e instanceof DataError &&
          /Schema INT32 of record value does not correspond to a known timestamp type/.test(e.message),
      );
    });
  });

  describe('unix precision', () => {
    it('reads and writes seconds, microseconds and nanoseconds, truncating to milliseconds', () => {
      const toTs = (precision: string, value: number | bigint) => {
        const out = convert({ 'target.type': 'Timestamp', 'unix.precision': precision }).apply(
          record({ valueSchema: Schemas.INT64, value }),
        );
        assert.ok(out?.value instanceof Date);
        return out.value.getTime();
      };
      assert.equal(toTs('seconds', 1_705_326_330), 1_705_326_330_000);
      assert.equal(toTs('microseconds', 1_705_326_330_123_456), 1_705_326_330_123);
      assert.equal(toTs('nanoseconds', 1_705_326_330_123_456_789n), 1_705_326_330_123);
      const toUnix = (precision: string) =>
        convert({ 'target.type': 'unix', 'unix.precision': precision }).apply(
          record({ valueSchema: Timestamp.schema(), value: new Date(1_705_326_330_123) }),
        )?.value;
      assert.equal(toUnix('seconds'), 1_705_326_330);
      assert.equal(toUnix('milliseconds'), 1_705_326_330_123);
      assert.equal(toUnix('microseconds'), 1_705_326_330_123_000);
      assert.equal(toUnix('nanoseconds'), 1_705_326_330_123_000_000n);
    });
  });

  describe('one field of a struct', () => {
    const SCHEMA = SchemaBuilder.struct()
      .name('event')
      .version(2)
      .field('id', Schemas.INT32)
      .field('at', Schemas.OPTIONAL_STRING)
      .build();

    it('converts the field, keeps the others and the schema name, and caches the schema', () => {
      const t = convert({ field: 'at', 'target.type': 'Timestamp', format: 'yyyy-MM-dd HH:mm:ss.SSS' });
      const value = new Struct(SCHEMA).put('id', 1).put('at', '2024-01-15 13:45:30.123');
      const out = t.apply(record({ valueSchema: SCHEMA, value }));
      assert.ok(out !== null);
      const schema = out.valueSchema;
      assert.ok(schema !== null);
      assert.equal(schema.name, 'event');
      assert.equal(schema.version, 2);
      assert.equal(schema.field('at')?.schema.name, Timestamp.LOGICAL_NAME);
      assert.equal(schema.field('at')?.schema.isOptional, true);
      assert.deepEqual(structOf(out?.value).get('at'), new Date(MS));
      assert.equal(structOf(out?.value).get('id'), 1);
      assert.equal(t.apply(record({ valueSchema: SCHEMA, value }))?.valueSchema, schema);
    });

    it('keeps a null field null and a null struct null', () => {
      const t = convert({ field: 'at', 'target.type': 'unix', format: 'yyyy' });
      const out = t.apply(record({ valueSchema: SCHEMA, value: new Struct(SCHEMA).put('id', 1) }));
      assert.equal(structOf(out?.value).get('at'), null);
      const optional = SchemaBuilder.from(SCHEMA).optional().build();
      const empty = t.apply(record({ valueSchema: optional, value: null }));
      assert.equal(empty?.value, null);
      assert.equal(empty?.valueSchema?.field('at')?.schema, Schemas.OPTIONAL_INT64);
    });

    it('fails naming the field when a string does not match the format', () => {
      const value = new Struct(SCHEMA).put('id', 1).put('at', '15/01/2024');
      assert.throws(
        () =>
          convert({ field: 'at', 'target.type': 'unix', format: 'yyyy-MM-dd' }).apply(
            record({ valueSchema: SCHEMA, value }),
          ),
        (e: unknown) =>
          e instanceof DataError &&
          /Could not parse timestamp field "at": value \(15\/01\/2024\) does not match pattern \(yyyy-MM-dd\)/.test(
            e.message,
          ),
      );
    });

    it('fails naming the field when its schema is no timestamp type', () => {
      const value = new Struct(SCHEMA).put('id', 1);
      assert.throws(
        () => convert({ field: 'id', 'target.type': 'unix' }).apply(record({ valueSchema: SCHEMA, value })),
        (e: unknown) => e instanceof DataError && /field "id"/.test(e.message),
      );
    });

    it('fails naming the field when a string field has no format to parse it', () => {
      const value = new Struct(SCHEMA).put('id', 1).put('at', '2024');
      assert.throws(
        () => convert({ field: 'at', 'target.type': 'unix' }).apply(record({ valueSchema: SCHEMA, value })),
        (e: unknown) => e instanceof DataError && /field "at" is a string, but no format/.test(e.message),
      );
    });

    it('uses the default of an unset field unless replace.null.with.default is false', () => {
      const schema = SchemaBuilder.struct()
        .field('at', SchemaBuilder.int64().optional().defaultValue(MS).build())
        .build();
      const value = new Struct(schema);
      const withDefault = convert({ field: 'at', 'target.type': 'Timestamp' }).apply(
        record({ valueSchema: schema, value }),
      );
      assert.deepEqual(structOf(withDefault?.value).get('at'), new Date(MS));
      const without = convert({ field: 'at', 'target.type': 'Timestamp', 'replace.null.with.default': 'false' }).apply(
        record({ valueSchema: schema, value }),
      );
      assert.equal(structOf(without?.value).get('at'), null);
    });
  });

  describe('schemaless', () => {
    it('infers the source type of a whole value: Date, integer or string', () => {
      assert.equal(convert({ 'target.type': 'unix' }).apply(record({ value: new Date(MS) }))?.value, MS);
      assert.deepEqual(convert({ 'target.type': 'Timestamp' }).apply(record({ value: MS }))?.value, new Date(MS));
      assert.deepEqual(
        convert({ 'target.type': 'Timestamp' }).apply(record({ value: BigInt(MS) }))?.value,
        new Date(MS),
      );
      assert.deepEqual(
        convert({ 'target.type': 'Date', format: 'dd.MM.yyyy' }).apply(record({ value: '15.01.2024' }))?.value,
        new Date(DAY_MS),
      );
      assert.equal(
        convert({ 'target.type': 'string', format: 'yyyyMMdd' }).apply(record({ value: MS }))?.value,
        '20240115',
      );
      assert.equal(convert({ 'target.type': 'Date' }).apply(record())?.value, null);
    });

    it('converts one field of a map, leaving an absent field absent', () => {
      const t = convert({ field: 'ts', 'target.type': 'string', format: 'yyyy-MM-dd' });
      assert.deepEqual(t.apply(record({ value: { id: 1, ts: MS } }))?.value, { id: 1, ts: '2024-01-15' });
      assert.deepEqual(t.apply(record({ value: { id: 1 } }))?.value, { id: 1 });
      assert.deepEqual(t.apply(record({ value: { ts: null } }))?.value, { ts: null });
    });

    it('works on the key with TimestampConverter$Key', () => {
      const out = convert({ 'target.type': 'unix' }, timestampConverterKey).apply(
        record({ key: new Date(MS), value: 'v' }),
      );
      assert.equal(out?.key, MS);
      assert.equal(out?.value, 'v');
    });

    it('rejects values that are no timestamps, naming where they are', () => {
      assert.throws(
        () => convert({ field: 'ts', 'target.type': 'unix' }).apply(record({ value: { ts: 1.5 } })),
        (e: unknown) =>
          e instanceof DataError && /does not support number values as timestamps \(field "ts"\)/.test(e.message),
      );
      assert.throws(
        () => convert({ field: 'ts', 'target.type': 'unix' }).apply(record({ value: 'text' })),
        /Only Map objects supported in absence of schema/,
      );
    });
  });

  describe('config', () => {
    const problems = (props: Record<string, string>) => {
      try {
        convert(props);
        return [];
      } catch (err) {
        assert.ok(err instanceof ConfigError);
        return err.problems.map((p) => p.key);
      }
    };

    it('requires target.type to be one of the five types', () => {
      assert.deepEqual(problems({}), ['target.type']);
      assert.deepEqual(problems({ 'target.type': 'epoch' }), ['target.type']);
      assert.deepEqual(problems({ 'target.type': 'timestamp' }), []);
    });

    it('requires format for string targets and a valid pattern when given', () => {
      assert.deepEqual(problems({ 'target.type': 'string' }), ['format']);
      assert.deepEqual(problems({ 'target.type': 'unix', format: 'yyyy-MM-dd qq' }), ['format']);
    });

    it('requires a known unix.precision', () => {
      assert.deepEqual(problems({ 'target.type': 'unix', 'unix.precision': 'minutes' }), ['unix.precision']);
    });
  });
});
