import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, DataError, DateType, Decimal, SchemaBuilder, Schemas, Struct, Timestamp } from '@tributary/api';
import { castKey, castValue } from '../../src/transforms/cast.js';
import { configure, record, structOf } from './fixtures.js';

function cast(props: Record<string, string>, part: 'key' | 'value' = 'value') {
  return configure(part === 'key' ? castKey : castValue, props);
}

describe('Cast', () => {
  it('declares the $Key and $Value plugins with the Java class names as aliases', () => {
    assert.equal(castValue.name, 'Cast$Value');
    assert.deepEqual(castValue.aliases, ['org.apache.kafka.connect.transforms.Cast$Value']);
    assert.deepEqual(castKey.aliases, ['org.apache.kafka.connect.transforms.Cast$Key']);
  });

  it('casts struct fields with Java narrowing and keeps the other fields', () => {
    const schema = SchemaBuilder.struct()
      .name('orders')
      .field('small', Schemas.INT32)
      .field('price', Schemas.OPTIONAL_FLOAT64)
      .field('count', Schemas.STRING)
      .field('flag', Schemas.BOOLEAN)
      .field('blob', Schemas.BYTES)
      .field('untouched', Schemas.STRING)
      .build();
    const value = new Struct(schema)
      .put('small', 300)
      .put('price', -3.9)
      .put('count', '42')
      .put('flag', true)
      .put('blob', Buffer.from('hello'))
      .put('untouched', 'x');
    const t = cast({ spec: 'small:int8,price:int32,count:int16,flag:string,blob:string' });
    const out = t.apply(record({ valueSchema: schema, value, key: 'k' }));
    assert.ok(out !== null);
    const s = out.value as Struct;
    assert.equal(s.get('small'), 44);
    assert.equal(s.get('price'), -3);
    assert.equal(s.get('count'), 42);
    assert.equal(s.get('flag'), 'true');
    assert.equal(s.get('blob'), Buffer.from('hello').toString('base64'));
    assert.equal(s.get('untouched'), 'x');
    assert.equal(out.key, 'k');
    const outSchema = out.valueSchema;
    assert.ok(outSchema !== null);
    assert.equal(outSchema.name, 'orders');
    assert.equal(outSchema.field('small')?.schema.type, 'int8');
    assert.equal(outSchema.field('price')?.schema.type, 'int32');
    assert.equal(outSchema.field('price')?.schema.isOptional, true);
    assert.equal(outSchema.field('flag')?.schema.type, 'string');
    assert.equal(outSchema.field('untouched')?.schema, Schemas.STRING);
  });

  it('builds the new schema once per input schema', () => {
    const schema = SchemaBuilder.struct().field('a', Schemas.INT64).build();
    const t = cast({ spec: 'a:int32' });
    const first = t.apply(record({ valueSchema: schema, value: new Struct(schema).put('a', 1) }));
    const second = t.apply(record({ valueSchema: schema, value: new Struct(schema).put('a', 2) }));
    assert.ok(first !== null && second !== null);
    assert.equal(first.valueSchema, second.valueSchema);
    assert.equal((second.value as Struct).get('a'), 2);
  });

  it('casts the whole key with a schema', () => {
    const t = cast({ spec: 'int32' }, 'key');
    const out = t.apply(record({ keySchema: Schemas.OPTIONAL_INT64, key: 5_000_000_000n, value: 'v' }));
    assert.ok(out !== null);
    assert.equal(out.keySchema?.type, 'int32');
    assert.equal(out.keySchema?.isOptional, true);
    assert.equal(out.key, 705_032_704); // 5e9 wrapped to 32 bits, as Java's Long.intValue
    assert.equal(out.value, 'v');
  });

  it('casts the whole schemaless value', () => {
    const out = cast({ spec: 'int64' }).apply(record({ value: '123' }));
    assert.equal(out?.value, 123);
    assert.equal(out?.valueSchema, null);
    const big = cast({ spec: 'int64' }).apply(record({ value: '9223372036854775807' }));
    assert.equal(big?.value, 9_223_372_036_854_775_807n);
  });

  it('casts fields of a schemaless map, adding listed fields that are missing as null (as Kafka)', () => {
    const t = cast({ spec: 'a:int32,b:int64,c:boolean,d:float32,missing:string' });
    const out = t.apply(record({ value: { a: '7', b: 1.9, c: 5, d: '2.5', other: 'kept' } }));
    assert.deepEqual(out?.value, { a: 7, b: 1, c: true, d: 2.5, other: 'kept', missing: null });
  });

  it('casts Decimal values by their numeric value', () => {
    const schema = SchemaBuilder.struct()
      .field('amount', Decimal.schema(2))
      .field('also', Decimal.schema(2))
      .field('text', Decimal.schema(2))
      .build();
    const value = new Struct(schema).put('amount', '-12.99').put('also', '12.99').put('text', '12.5');
    const out = cast({ spec: 'amount:int32,also:float64,text:string' }).apply(record({ valueSchema: schema, value }));
    const s = structOf(out?.value);
    assert.equal(s.get('amount'), -12);
    assert.equal(s.get('also'), 12.99);
    assert.equal(s.get('text'), '12.50');
    assert.equal(out?.valueSchema?.field('text')?.schema.name, null);
  });

  it('casts Date and Timestamp to their encoded numbers and to ISO strings', () => {
    const schema = SchemaBuilder.struct()
      .field('day', DateType.schema())
      .field('dayText', DateType.schema())
      .field('at', Timestamp.schema())
      .field('atText', Timestamp.schema())
      .build();
    const day = new Date(Date.UTC(2024, 0, 2));
    const at = new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 6));
    const value = new Struct(schema).put('day', day).put('dayText', day).put('at', at).put('atText', at);
    const out = cast({ spec: 'day:int32,dayText:string,at:int64,atText:string' }).apply(
      record({ valueSchema: schema, value }),
    );
    const s = structOf(out?.value);
    assert.equal(s.get('day'), 19_724);
    assert.equal(s.get('dayText'), '2024-01-02');
    assert.equal(s.get('at'), at.getTime());
    assert.equal(s.get('atText'), '2024-01-02T03:04:05.006Z');
  });

  it('prints floating-point numbers as Java does', () => {
    const schema = SchemaBuilder.struct()
      .field('one', Schemas.FLOAT64)
      .field('big', Schemas.FLOAT64)
      .field('tiny', Schemas.FLOAT64)
      .field('f32', Schemas.FLOAT32)
      .field('long', Schemas.INT64)
      .build();
    const value = new Struct(schema)
      .put('one', 1)
      .put('big', 12_345_678)
      .put('tiny', 0.00015)
      .put('f32', Math.fround(0.1))
      .put('long', 7);
    const out = cast({ spec: 'one:string,big:string,tiny:string,f32:string,long:string' }).apply(
      record({ valueSchema: schema, value }),
    );
    const s = structOf(out?.value);
    assert.equal(s.get('one'), '1.0');
    assert.equal(s.get('big'), '1.2345678E7');
    assert.equal(s.get('tiny'), '1.5E-4');
    assert.equal(s.get('f32'), '0.1');
    assert.equal(s.get('long'), '7');
  });

  it('casts field defaults and reads defaults per replace.null.with.default', () => {
    const schema = SchemaBuilder.struct().field('n', SchemaBuilder.int64().optional().defaultValue(42).build()).build();
    const value = new Struct(schema);
    const withDefault = cast({ spec: 'n:string' }).apply(record({ valueSchema: schema, value }));
    assert.equal(withDefault?.valueSchema?.field('n')?.schema.defaultValue, '42');
    assert.equal(structOf(withDefault?.value).getWithoutDefault('n'), '42');
    const withoutDefault = cast({ spec: 'n:string', 'replace.null.with.default': 'false' }).apply(
      record({ valueSchema: schema, value }),
    );
    assert.equal(structOf(withoutDefault?.value).getWithoutDefault('n'), null);
  });

  it('narrows floating-point numbers and parses booleans as Java does', () => {
    const t = cast({ spec: 'a:int8,b:int64,c:int32,d:boolean,e:boolean,f:boolean' });
    const out = t.apply(record({ value: { a: 300.7, b: 1e20, c: Number.NaN, d: 'TRUE', e: 'yes', f: 0.4 } }));
    assert.deepEqual(out?.value, { a: 44, b: 9_223_372_036_854_775_807n, c: 0, d: true, e: false, f: false });
  });

  it('casts the fields of a struct default too', () => {
    const base = SchemaBuilder.struct().field('n', Schemas.INT32).build();
    const schema = SchemaBuilder.struct()
      .field('n', Schemas.INT32)
      .optional()
      .defaultValue(new Struct(base).put('n', 5))
      .build();
    const out = cast({ spec: 'n:string' }).apply(
      record({ valueSchema: schema, value: new Struct(schema).put('n', 1) }),
    );
    const fallback = out?.valueSchema?.defaultValue;
    assert.ok(fallback instanceof Struct);
    assert.equal(fallback.get('n'), '5');
    assert.equal(structOf(out?.value).get('n'), '1');
  });

  it('passes a null value through unchanged', () => {
    const r = record({ valueSchema: Schemas.OPTIONAL_STRING, value: null });
    assert.equal(cast({ spec: 'int32' }).apply(r), r);
  });

  it('names the field when a string cannot be cast', () => {
    const t = cast({ spec: 'qty:int8' });
    assert.throws(
      () => t.apply(record({ value: { qty: 'abc' } })),
      (err: unknown) => err instanceof DataError && err.message.includes('"qty"'),
    );
    assert.throws(
      () => t.apply(record({ value: { qty: '300' } })),
      (err: unknown) => err instanceof DataError && /out of range/.test(err.message) && err.message.includes('"qty"'),
    );
  });

  it('rejects casting from structs, maps and bytes to numbers', () => {
    const inner = SchemaBuilder.struct().field('x', Schemas.INT32).build();
    const schema = SchemaBuilder.struct().field('nested', inner).field('blob', Schemas.BYTES).build();
    const value = new Struct(schema).put('nested', new Struct(inner).put('x', 1)).put('blob', Buffer.from([1]));
    assert.throws(
      () => cast({ spec: 'nested:int32' }).apply(record({ valueSchema: schema, value })),
      (err: unknown) => err instanceof DataError && /STRUCT/.test(err.message) && err.message.includes('"nested"'),
    );
    assert.throws(
      () => cast({ spec: 'blob:int32' }).apply(record({ valueSchema: schema, value })),
      (err: unknown) => err instanceof DataError && err.message.includes('"blob"'),
    );
    assert.throws(() => cast({ spec: 'm:int32' }).apply(record({ value: { m: { a: 1 } } })), DataError);
  });

  it('needs a struct (with schema) or a map (schemaless) for field casts', () => {
    assert.throws(() => cast({ spec: 'a:int32' }).apply(record({ value: 'text' })), /Only Map objects supported/);
    assert.throws(
      () => cast({ spec: 'a:int32' }).apply(record({ valueSchema: Schemas.STRING, value: 'text' })),
      DataError,
    );
  });

  it('reports config errors naming the spec key', () => {
    const problem = (props: Record<string, string>) => {
      try {
        castValue.config.parse(props);
      } catch (err) {
        assert.ok(err instanceof ConfigError);
        return err.problems[0];
      }
      assert.fail('expected a ConfigError');
    };
    assert.equal(problem({})?.key, 'spec');
    assert.match(problem({ spec: 'a:decimal' })?.message ?? '', /Invalid type found in casting spec: decimal/);
    assert.match(problem({ spec: 'a:bytes' })?.message ?? '', /does not support casting to BYTES/);
    assert.match(problem({ spec: 'int32,a:int8' })?.message ?? '', /only specify a single cast/);
    assert.match(problem({ spec: 'a:b:c' })?.message ?? '', /Invalid cast mapping/);
    assert.equal(problem({ spec: '' })?.key, 'spec');
  });
});
