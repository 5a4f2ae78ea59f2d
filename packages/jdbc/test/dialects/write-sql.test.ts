// The write side's SQL, exactly, per dialect (no database; execution is in write-execution.test.ts).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DataError, DateType, Decimal, SchemaBuilder, Schemas, Time, Timestamp } from '@tributary/api';
import type { ColumnDefinition, DialectName, TableId, WriteColumn } from '../../src/index.js';
import { dialectFor } from '../../src/index.js';

const T: TableId = { catalog: null, schema: null, table: 'orders' };
const col = (name: string, schema: WriteColumn['schema'], isPrimaryKey = false): WriteColumn => ({
  name,
  schema,
  isPrimaryKey,
});
const COLUMNS: WriteColumn[] = [
  col('id', Schemas.INT64, true),
  col('name', Schemas.STRING, true),
  col('qty', SchemaBuilder.int32().optional().defaultValue(1).build()),
  col('price', Decimal.builder(2, 10).optional().build()),
  col('at', Timestamp.builder().build()),
  col('note', SchemaBuilder.string().optional().defaultValue("it's").build()),
];

describe('sqlType per dialect', () => {
  const schemas = {
    int8: Schemas.INT8,
    int16: Schemas.INT16,
    int32: Schemas.INT32,
    int64: Schemas.INT64,
    float32: Schemas.FLOAT32,
    float64: Schemas.FLOAT64,
    boolean: Schemas.BOOLEAN,
    string: Schemas.STRING,
    bytes: Schemas.BYTES,
    decimal: Decimal.schema(4, 20),
    decimalNoPrecision: Decimal.schema(3),
    date: DateType.schema(),
    time: Time.schema(),
    timestamp: Timestamp.schema(),
  };
  const expected: Record<DialectName, string[]> = {
    postgresql: [
      'SMALLINT',
      'SMALLINT',
      'INT',
      'BIGINT',
      'REAL',
      'DOUBLE PRECISION',
      'BOOLEAN',
      'TEXT',
      'BYTEA',
      'NUMERIC(20,4)',
      'NUMERIC',
      'DATE',
      'TIME(3)',
      'TIMESTAMP(3)',
    ],
    mysql: [
      'TINYINT',
      'SMALLINT',
      'INT',
      'BIGINT',
      'FLOAT',
      'DOUBLE',
      'TINYINT(1)',
      'TEXT',
      'LONGBLOB',
      'DECIMAL(20,4)',
      'DECIMAL(65,3)',
      'DATE',
      'TIME(3)',
      'DATETIME(3)',
    ],
    sqlite: [
      'TINYINT',
      'SMALLINT',
      'INTEGER',
      'BIGINT',
      'REAL',
      'DOUBLE',
      'BOOLEAN',
      'TEXT',
      'BLOB',
      'DECIMAL(20,4)',
      'DECIMAL(65,3)',
      'DATE',
      'TIME',
      'DATETIME',
    ],
    duckdb: [
      'TINYINT',
      'SMALLINT',
      'INTEGER',
      'BIGINT',
      'REAL',
      'DOUBLE',
      'BOOLEAN',
      'VARCHAR',
      'BLOB',
      'DECIMAL(20,4)',
      'DECIMAL(38,3)',
      'DATE',
      'TIME',
      'TIMESTAMP',
    ],
  };
  for (const [name, types] of Object.entries(expected) as [DialectName, string[]][]) {
    test(name, () => {
      const d = dialectFor(name);
      assert.deepEqual(
        Object.values(schemas).map((s) => d.sqlType(s, { isPrimaryKey: false })),
        types,
      );
    });
  }

  test('MySQL key columns get bounded types', () => {
    const d = dialectFor('mysql');
    assert.equal(d.sqlType(Schemas.STRING, { isPrimaryKey: true }), 'VARCHAR(256)');
    assert.equal(d.sqlType(Schemas.BYTES, { isPrimaryKey: true }), 'VARBINARY(1024)');
  });

  test('nested types and impossible decimals are refused with a DataError', () => {
    for (const name of ['postgresql', 'mysql', 'sqlite', 'duckdb'] as const) {
      const d = dialectFor(name);
      for (const s of [
        SchemaBuilder.struct().field('a', Schemas.INT32).build(),
        SchemaBuilder.array(Schemas.INT32).build(),
      ])
        assert.throws(
          () => d.sqlType(s, { isPrimaryKey: false }),
          (e: unknown) => e instanceof DataError && /cannot be written to a column/.test(e.message),
        );
    }
    assert.throws(() => dialectFor('duckdb').sqlType(Decimal.schema(2, 50), { isPrimaryKey: false }), DataError);
    assert.throws(() => dialectFor('mysql').sqlType(Decimal.schema(-2), { isPrimaryKey: false }), DataError);
    assert.equal(dialectFor('postgresql').sqlType(Decimal.schema(-2, 5), { isPrimaryKey: false }), 'NUMERIC');
  });
});

describe('statement builders per dialect', () => {
  test('postgresql', () => {
    const d = dialectFor('postgresql');
    assert.equal(
      d.createTableSql({ catalog: 'test', schema: 'public', table: 'orders' }, COLUMNS, ['id', 'name']),
      `CREATE TABLE IF NOT EXISTS "public"."orders" ("id" BIGINT NOT NULL, "name" TEXT NOT NULL, "qty" INT DEFAULT 1, "price" NUMERIC(10,2), "at" TIMESTAMP(3) NOT NULL, "note" TEXT DEFAULT 'it''s', PRIMARY KEY ("id", "name"))`,
    );
    assert.equal(d.insertSql(T, ['id', 'qty'], 2), 'INSERT INTO "orders" ("id", "qty") VALUES ($1, $2), ($3, $4)');
    assert.equal(
      d.upsertSql(T, ['id', 'name', 'qty'], ['id', 'name'], 2),
      'INSERT INTO "orders" ("id", "name", "qty") VALUES ($1, $2, $3), ($4, $5, $6) ON CONFLICT ("id", "name") DO UPDATE SET "qty" = EXCLUDED."qty"',
    );
    assert.equal(
      d.upsertSql(T, ['id', 'name'], ['id', 'name'], 1),
      'INSERT INTO "orders" ("id", "name") VALUES ($1, $2) ON CONFLICT ("id", "name") DO NOTHING',
    );
    assert.equal(
      d.insertIgnoreSql(T, ['id'], 2),
      'INSERT INTO "orders" ("id") VALUES ($1), ($2) ON CONFLICT DO NOTHING',
    );
    assert.equal(
      d.updateSql(T, ['qty', 'note'], ['id', 'name']),
      'UPDATE "orders" SET "qty" = $1, "note" = $2 WHERE "id" = $3 AND "name" = $4',
    );
    assert.equal(d.deleteSql(T, ['id'], 3), 'DELETE FROM "orders" WHERE "id" IN ($1, $2, $3)');
    assert.equal(
      d.deleteSql(T, ['id', 'name'], 2),
      'DELETE FROM "orders" WHERE ("id" = $1 AND "name" = $2) OR ("id" = $3 AND "name" = $4)',
    );
    assert.equal(
      d.addColumnSql(T, col('x', Schemas.OPTIONAL_FLOAT64)),
      'ALTER TABLE "orders" ADD COLUMN "x" DOUBLE PRECISION',
    );
    assert.equal(d.maxBindParameters, 65_535);
  });

  test('mysql: upserts are guarded by the key (KCJ #575)', () => {
    const d = dialectFor('mysql');
    assert.equal(
      d.createTableSql({ catalog: 'shop', schema: null, table: 'orders' }, COLUMNS, ['id', 'name']),
      "CREATE TABLE IF NOT EXISTS `shop`.`orders` (`id` BIGINT NOT NULL, `name` VARCHAR(256) NOT NULL, `qty` INT DEFAULT 1, `price` DECIMAL(10,2), `at` DATETIME(3) NOT NULL, `note` TEXT DEFAULT ('it''s'), PRIMARY KEY (`id`, `name`))",
    );
    assert.equal(d.insertSql(T, ['id', 'qty'], 2), 'INSERT INTO `orders` (`id`, `qty`) VALUES (?, ?), (?, ?)');
    assert.equal(
      d.upsertSql(T, ['id', 'name', 'qty', 'note'], ['id', 'name'], 1),
      'INSERT INTO `orders` (`id`, `name`, `qty`, `note`) VALUES (?, ?, ?, ?) ON DUPLICATE KEY UPDATE ' +
        '`qty` = IF(`id` <=> VALUES(`id`) AND `name` <=> VALUES(`name`), VALUES(`qty`), `qty`), ' +
        '`note` = IF(`id` <=> VALUES(`id`) AND `name` <=> VALUES(`name`), VALUES(`note`), `note`)',
    );
    assert.equal(
      d.upsertSql(T, ['id'], ['id'], 2),
      'INSERT INTO `orders` (`id`) VALUES (?), (?) ON DUPLICATE KEY UPDATE `id` = `id`',
    );
    assert.equal(d.insertIgnoreSql(T, ['id', 'qty'], 1), 'INSERT IGNORE INTO `orders` (`id`, `qty`) VALUES (?, ?)');
    assert.equal(d.updateSql(T, ['qty'], ['id']), 'UPDATE `orders` SET `qty` = ? WHERE `id` = ?');
    assert.equal(d.deleteSql(T, ['id'], 2), 'DELETE FROM `orders` WHERE `id` IN (?, ?)');
    assert.equal(
      d.addColumnSql(T, col('x', SchemaBuilder.string().defaultValue('a\\b').build())),
      "ALTER TABLE `orders` ADD COLUMN `x` TEXT NOT NULL DEFAULT ('a\\\\b')",
    );
  });

  test('sqlite', () => {
    const d = dialectFor('sqlite');
    assert.equal(
      d.createTableSql(T, COLUMNS, ['id', 'name']),
      `CREATE TABLE IF NOT EXISTS "orders" ("id" BIGINT NOT NULL, "name" TEXT NOT NULL, "qty" INTEGER DEFAULT 1, "price" DECIMAL(10,2), "at" DATETIME NOT NULL, "note" TEXT DEFAULT 'it''s', PRIMARY KEY ("id", "name"))`,
    );
    assert.equal(
      d.upsertSql(T, ['id', 'qty'], ['id'], 2),
      'INSERT INTO "orders" ("id", "qty") VALUES (?, ?), (?, ?) ON CONFLICT ("id") DO UPDATE SET "qty" = EXCLUDED."qty"',
    );
    assert.equal(d.insertIgnoreSql(T, ['id'], 1), 'INSERT INTO "orders" ("id") VALUES (?) ON CONFLICT DO NOTHING');
    assert.equal(d.maxBindParameters, 32_766);
  });

  test('duckdb', () => {
    const d = dialectFor('duckdb');
    assert.equal(
      d.createTableSql({ catalog: 'db', schema: 'main', table: 'orders' }, COLUMNS.slice(0, 3), ['id', 'name']),
      'CREATE TABLE IF NOT EXISTS "db"."main"."orders" ("id" BIGINT NOT NULL, "name" VARCHAR NOT NULL, "qty" INTEGER DEFAULT 1, PRIMARY KEY ("id", "name"))',
    );
    assert.equal(
      d.upsertSql(T, ['id', 'qty'], ['id'], 1),
      'INSERT INTO "orders" ("id", "qty") VALUES ($1, $2) ON CONFLICT ("id") DO UPDATE SET "qty" = EXCLUDED."qty"',
    );
  });
});

describe('identifiers on the write side', () => {
  const hostile = ['a" OR 1=1 --', 'b`; DROP TABLE x; --', '[c]', "d'e"];
  test('hostile names are quoted with their quote characters doubled', () => {
    for (const name of ['postgresql', 'sqlite', 'duckdb'] as const) {
      const d = dialectFor(name);
      const sql = d.insertIgnoreSql({ catalog: null, schema: null, table: hostile[0] as string }, hostile, 1);
      assert.ok(
        sql.startsWith('INSERT INTO "a"" OR 1=1 --" ("a"" OR 1=1 --", "b`; DROP TABLE x; --", "[c]", "d\'e") VALUES'),
        sql,
      );
    }
    assert.equal(
      dialectFor('mysql').deleteSql({ catalog: null, schema: null, table: hostile[1] as string }, hostile, 1),
      'DELETE FROM `b``; DROP TABLE x; --` WHERE (`a" OR 1=1 --` = ? AND `b``; DROP TABLE x; --` = ? AND `[c]` = ? AND `d\'e` = ?)',
    );
  });

  test('a name longer than the database allows is refused, naming it', () => {
    const long = `x${'y'.repeat(299)}`;
    for (const [name, max] of [
      ['mysql', 64],
      ['postgresql', 63],
    ] as const) {
      const d = dialectFor(name);
      assert.equal(d.maxIdentifierLength, max);
      for (const build of [
        () => d.createTableSql({ catalog: null, schema: null, table: long }, [col('id', Schemas.INT32, true)], ['id']),
        () => d.insertSql(T, ['id', long], 1),
        () => d.addColumnSql(T, col(long, Schemas.OPTIONAL_INT32)),
      ]) {
        assert.throws(build, (e: unknown) => {
          assert.ok(e instanceof DataError);
          assert.equal(e.code, 'IDENTIFIER');
          assert.match(
            e.message,
            new RegExp(`^Identifier "xy{99}…" is 300 (characters|bytes) long; this database allows at most ${max}$`),
          );
          return true;
        });
      }
    }
    // 64 characters is fine on MySQL, 63 on PostgreSQL.
    assert.match(dialectFor('mysql').insertSql(T, ['z'.repeat(64)], 1), /z{64}/);
    assert.throws(() => dialectFor('postgresql').insertSql(T, ['z'.repeat(64)], 1), DataError);
    // PostgreSQL counts bytes: 32 two-byte characters are 64 bytes; MySQL counts characters.
    assert.throws(() => dialectFor('postgresql').insertSql(T, ['é'.repeat(32)], 1), /is 64 bytes long/);
    assert.match(dialectFor('mysql').insertSql(T, ['é'.repeat(64)], 1), /é{64}/);
    for (const name of ['sqlite', 'duckdb'] as const) assert.match(dialectFor(name).insertSql(T, [long], 1), /y{299}/);
    assert.throws(() => dialectFor('sqlite').insertSql(T, [''], 1), DataError);
  });
});

describe('addColumnSql and widenColumnSql', () => {
  const defined = (over: Partial<ColumnDefinition>): ColumnDefinition => ({
    name: 'c',
    typeName: 'int',
    declaredType: 'int',
    isUnsigned: false,
    precision: null,
    scale: null,
    isNullable: true,
    isAutoIncrement: false,
    primaryKeyPosition: null,
    ...over,
  });

  test('a required column without default cannot be added', () => {
    assert.throws(
      () => dialectFor('postgresql').addColumnSql(T, col('c', Schemas.INT32)),
      (e: unknown) => e instanceof DataError && /"c".*not optional and has no default/.test(e.message),
    );
    assert.equal(
      dialectFor('postgresql').addColumnSql(T, col('c', SchemaBuilder.int32().defaultValue(0).build())),
      'ALTER TABLE "orders" ADD COLUMN "c" INT NOT NULL DEFAULT 0',
    );
    assert.equal(
      dialectFor('sqlite').addColumnSql(T, col('c', SchemaBuilder.bool().defaultValue(true).build())),
      'ALTER TABLE "orders" ADD COLUMN "c" BOOLEAN NOT NULL DEFAULT 1',
    );
  });

  test('widenings per dialect', () => {
    const pg = dialectFor('postgresql');
    const my = dialectFor('mysql');
    const duck = dialectFor('duckdb');
    assert.equal(
      pg.widenColumnSql(T, col('c', Schemas.INT64), defined({ typeName: 'int4' })),
      'ALTER TABLE "orders" ALTER COLUMN "c" TYPE BIGINT',
    );
    assert.equal(pg.widenColumnSql(T, col('c', Schemas.INT32), defined({ typeName: 'int8' })), null);
    assert.equal(
      pg.widenColumnSql(T, col('c', Schemas.FLOAT64), defined({ typeName: 'float4' })),
      'ALTER TABLE "orders" ALTER COLUMN "c" TYPE DOUBLE PRECISION',
    );
    assert.equal(
      pg.widenColumnSql(T, col('c', Schemas.STRING), defined({ typeName: 'varchar', precision: 20 })),
      'ALTER TABLE "orders" ALTER COLUMN "c" TYPE TEXT',
    );
    assert.equal(
      pg.widenColumnSql(T, col('c', Decimal.schema(2, 12)), defined({ typeName: 'numeric', precision: 10, scale: 2 })),
      'ALTER TABLE "orders" ALTER COLUMN "c" TYPE NUMERIC(12,2)',
    );
    assert.equal(
      pg.widenColumnSql(T, col('c', Decimal.schema(3, 10)), defined({ typeName: 'numeric', precision: 10, scale: 2 })),
      null,
    );
    assert.equal(pg.widenColumnSql(T, col('c', Schemas.STRING), defined({ typeName: 'int4' })), null);
    assert.equal(
      my.widenColumnSql(T, col('c', Schemas.INT64), defined({ typeName: 'int', isNullable: false })),
      'ALTER TABLE `orders` MODIFY COLUMN `c` BIGINT NOT NULL',
    );
    assert.equal(
      my.widenColumnSql(
        T,
        col('c', Schemas.STRING, true),
        defined({ typeName: 'varchar', precision: 100, isNullable: false }),
      ),
      'ALTER TABLE `orders` MODIFY COLUMN `c` VARCHAR(256) NOT NULL',
    );
    assert.equal(
      my.widenColumnSql(T, col('c', Schemas.STRING, true), defined({ typeName: 'varchar', precision: 300 })),
      null,
    );
    // tinyint(1) is a boolean; an unsigned INT needs BIGINT; nothing holds BIGINT UNSIGNED.
    assert.equal(
      my.widenColumnSql(T, col('c', Schemas.INT16), defined({ typeName: 'tinyint', declaredType: 'tinyint(1)' })),
      null,
    );
    assert.equal(
      my.widenColumnSql(T, col('c', Schemas.INT32), defined({ typeName: 'mediumint', isUnsigned: true })),
      'ALTER TABLE `orders` MODIFY COLUMN `c` INT NULL',
    );
    assert.equal(
      my.widenColumnSql(T, col('c', Schemas.INT64), defined({ typeName: 'bigint', isUnsigned: true })),
      null,
    );
    assert.equal(
      my.widenColumnSql(T, col('c', Schemas.INT64), defined({ typeName: 'int', isAutoIncrement: true })),
      null,
    );
    assert.equal(
      duck.widenColumnSql(T, col('c', Schemas.INT64), defined({ typeName: 'integer' })),
      'ALTER TABLE "orders" ALTER COLUMN "c" TYPE BIGINT',
    );
    assert.equal(dialectFor('sqlite').widenColumnSql(T, col('c', Schemas.INT64), defined({ typeName: 'int' })), null);
  });
});

describe('toSqlValue per dialect', () => {
  const tz = { dbTimezone: 'Europe/Paris' };
  test('primitives and logical types become driver values', () => {
    const at = new Date('2024-07-01T10:00:00.123Z');
    const cases: Array<[WriteColumn['schema'], unknown]> = [
      [Schemas.INT64, 9007199254740993n],
      [Schemas.BOOLEAN, true],
      [Decimal.schema(2), '12.5'],
      [DateType.schema(), new Date('2024-02-29T00:00:00Z')],
      [Time.schema(), new Date('1970-01-01T23:59:59.999Z')],
      [Timestamp.schema(), at],
      [Schemas.BYTES, new Uint8Array([1, 2])],
      [Schemas.OPTIONAL_STRING, null],
    ];
    const expected: Record<DialectName, unknown[]> = {
      postgresql: ['9007199254740993', true],
      mysql: [9007199254740993n, 1],
      sqlite: [9007199254740993n, 1],
      duckdb: [9007199254740993n, true],
    };
    for (const [name, head] of Object.entries(expected) as [DialectName, unknown[]][]) {
      const d = dialectFor(name);
      assert.deepEqual(
        cases.map(([s, v]) => d.toSqlValue(s, v, tz)),
        [...head, '12.50', '2024-02-29', '23:59:59.999', '2024-07-01 12:00:00.123', Buffer.from([1, 2]), null],
        name,
      );
    }
  });

  test('values that do not fit their schema are DataErrors', () => {
    const d = dialectFor('postgresql');
    assert.throws(() => d.toSqlValue(Schemas.INT32, 'x', tz), DataError);
    assert.throws(() => d.toSqlValue(Decimal.schema(1), '1.25', tz), DataError);
    assert.throws(() => d.toSqlValue(DateType.schema(), new Date('2024-01-01T01:00:00Z'), tz), DataError);
    assert.throws(() => d.toSqlValue(SchemaBuilder.array(Schemas.INT32).build(), [1], tz), DataError);
  });
});
