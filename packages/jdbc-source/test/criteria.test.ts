import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Dialect, mysqlDialect, postgresDialect, sqliteDialect, type TableId } from '@tributary/jdbc';
import type { Mode } from '../src/config.js';
import { queryPlan, quoterFor, tablePlan } from '../src/criteria.js';

const shop: TableId = { catalog: 'shop', schema: null, table: 'orders' };
const pg: TableId = { catalog: null, schema: 'public', table: 'orders' };
const lite: TableId = { catalog: null, schema: null, table: 'orders' };

function plan(
  dialect: Dialect,
  table: TableId,
  mode: Mode,
  extra: { ts?: string[]; inc?: string; suffix?: string } = {},
) {
  return tablePlan(table, {
    dialect,
    quoter: quoterFor(dialect, 'always'),
    mode,
    timestampColumns: extra.ts ?? [],
    incrementingColumn: extra.inc ?? null,
    suffix: extra.suffix ?? '',
  });
}

describe('tablePlan', () => {
  it("generates Confluent's SQL for each mode (MySQL)", () => {
    assert.deepEqual(plan(mysqlDialect, shop, 'bulk'), { sql: 'SELECT * FROM `shop`.`orders`', bindings: [] });
    assert.deepEqual(plan(mysqlDialect, shop, 'incrementing', { inc: 'id' }), {
      sql: 'SELECT * FROM `shop`.`orders` WHERE `id` > ? ORDER BY `id` ASC',
      bindings: ['incrementing'],
    });
    assert.deepEqual(plan(mysqlDialect, shop, 'timestamp', { ts: ['updated'] }), {
      sql: 'SELECT * FROM `shop`.`orders` WHERE `updated` > ? AND `updated` < ? ORDER BY `updated` ASC',
      bindings: ['timestamp', 'end_timestamp'],
    });
    assert.deepEqual(plan(mysqlDialect, shop, 'timestamp+incrementing', { ts: ['updated'], inc: 'id' }), {
      sql: 'SELECT * FROM `shop`.`orders` WHERE `updated` < ? AND ((`updated` = ? AND `id` > ?) OR `updated` > ?) ORDER BY `updated`,`id` ASC',
      bindings: ['end_timestamp', 'timestamp', 'incrementing', 'timestamp'],
    });
  });

  it('numbers PostgreSQL parameters and uses COALESCE for several timestamp columns', () => {
    assert.deepEqual(plan(postgresDialect, pg, 'timestamp+incrementing', { ts: ['modified', 'created'], inc: 'id' }), {
      sql:
        'SELECT * FROM "public"."orders" WHERE COALESCE("modified","created") < $1 AND ((COALESCE("modified","created") = $2 AND "id" > $3) ' +
        'OR COALESCE("modified","created") > $4) ORDER BY COALESCE("modified","created"),"id" ASC',
      bindings: ['end_timestamp', 'timestamp', 'incrementing', 'timestamp'],
    });
  });

  it('appends query.suffix after the ORDER BY (SQLite)', () => {
    assert.equal(
      plan(sqliteDialect, lite, 'incrementing', { inc: 'id', suffix: ' LIMIT 500 ' }).sql,
      'SELECT * FROM "orders" WHERE "id" > ? ORDER BY "id" ASC LIMIT 500',
    );
  });

  it('doubles embedded quotes in table and column names', () => {
    const evil: TableId = { catalog: null, schema: 'pub"lic', table: 'or"ders' };
    assert.equal(
      plan(postgresDialect, evil, 'incrementing', { inc: 'id" OR 1=1 --' }).sql,
      'SELECT * FROM "pub""lic"."or""ders" WHERE "id"" OR 1=1 --" > $1 ORDER BY "id"" OR 1=1 --" ASC',
    );
    assert.equal(
      plan(mysqlDialect, { catalog: 'a`b', schema: null, table: 't' }, 'bulk').sql,
      'SELECT * FROM `a``b`.`t`',
    );
  });

  it('writes plain names unquoted with quote.sql.identifiers=never, but still quotes the others', () => {
    const p = tablePlan(shop, {
      dialect: mysqlDialect,
      quoter: quoterFor(mysqlDialect, 'never'),
      mode: 'incrementing',
      timestampColumns: [],
      incrementingColumn: 'order id',
      suffix: '',
    });
    assert.equal(p.sql, 'SELECT * FROM shop.orders WHERE `order id` > ? ORDER BY `order id` ASC');
  });
});

describe('queryPlan', () => {
  const options = (dialect: Dialect, mode: Mode, suffix = '') => ({
    dialect,
    quoter: quoterFor(dialect, 'always'),
    mode,
    timestampColumns: ['ts'],
    incrementingColumn: 'id',
    suffix,
  });

  it('appends the criteria to a plain query, as Confluent does', () => {
    assert.deepEqual(
      queryPlan('SELECT a.id, a.ts FROM a JOIN b ON a.id = b.id', options(mysqlDialect, 'incrementing', 'LIMIT 10')),
      {
        sql: 'SELECT a.id, a.ts FROM a JOIN b ON a.id = b.id WHERE `id` > ? ORDER BY `id` ASC LIMIT 10',
        bindings: ['incrementing'],
      },
    );
  });

  it('binds named placeholders in place and appends nothing but the suffix', () => {
    const q =
      'SELECT * FROM t WHERE kind = 2 AND ts < :end_timestamp AND ((ts = :timestamp AND id > :incrementing) OR ts > :timestamp) ORDER BY ts, id';
    assert.deepEqual(queryPlan(q, options(postgresDialect, 'timestamp+incrementing', 'LIMIT 10')), {
      sql: 'SELECT * FROM t WHERE kind = 2 AND ts < $1 AND ((ts = $2 AND id > $3) OR ts > $4) ORDER BY ts, id LIMIT 10',
      bindings: ['end_timestamp', 'timestamp', 'incrementing', 'timestamp'],
    });
  });
});
