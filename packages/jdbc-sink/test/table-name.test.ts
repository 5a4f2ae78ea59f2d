import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataError } from '@tributary/api';
import { tableIdFor } from '../src/table-name.js';

const TOPIC = '$' + '{topic}';
const FORMAT = TOPIC;

describe('table.name.format', () => {
  it('replaces every topic placeholder', () => {
    assert.deepEqual(tableIdFor('orders', `kafka_${TOPIC}_${TOPIC}`, 'schema', 'postgresql'), {
      catalog: null,
      schema: null,
      table: 'kafka_orders_orders',
    });
  });

  it('splits dots as Confluent does: schema.table (PostgreSQL, SQLite, DuckDB), database.table (MySQL), catalog.schema.table', () => {
    assert.deepEqual(tableIdFor('sales.orders', FORMAT, 'schema', 'postgresql'), {
      catalog: null,
      schema: 'sales',
      table: 'orders',
    });
    assert.deepEqual(tableIdFor('sales.orders', FORMAT, 'schema', 'mysql'), {
      catalog: 'sales',
      schema: null,
      table: 'orders',
    });
    assert.deepEqual(tableIdFor('db.s.t', FORMAT, 'schema', 'duckdb'), { catalog: 'db', schema: 's', table: 't' });
    assert.throws(
      () => tableIdFor('a.b.c', FORMAT, 'schema', 'mysql'),
      (err: unknown) => err instanceof DataError && /table\.name\.dots=keep/.test(err.message),
    );
    assert.throws(() => tableIdFor('a..b', FORMAT, 'schema', 'sqlite'), DataError);
  });

  it('table.name.dots=keep keeps the name whole', () => {
    assert.deepEqual(tableIdFor('shop.public.orders', FORMAT, 'keep', 'mysql'), {
      catalog: null,
      schema: null,
      table: 'shop.public.orders',
    });
  });
});
