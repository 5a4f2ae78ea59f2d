/**
 * One measurement of the benchmark, in a process of its own so that its peak RSS is its
 * own: `node --import tsx bench/measure.ts '<json MeasureRequest>'`. Prints one JSON line
 * (`MeasureResult`) on stdout as its last line.
 * - `read`: the raw driver streams the whole table (mysql2 query stream, pg-query-stream
 *   cursor; 1000-row batches, rows as arrays) — the database ceiling.
 * - `produce`: kafkajs sends the records the worker would send (same key and value bytes:
 *   the connector's column mapping from @tributary/jdbc, JsonConverter with schemas), 1000
 *   per `sendBatch`, one request in flight, `acks=-1`, as the runtime's source task does.
 *   Only sending is timed: records are prepared 50,000 at a time between timed sends.
 * - `connector`: the JDBC source (incrementing mode) in a standalone worker (runStandalone:
 *   StandaloneHerder, SourceTaskRunner, JsonConverter), timed from start until the topic
 *   holds every row.
 */

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Schema, SchemaBuilder, Struct } from '@tributary/api';
import { type ColumnMapping, openDatabase, parseConnectionUrl, type TableId } from '@tributary/jdbc';
import { createWireClient, encodeRecordBatch } from '@tributary/protocol';
import {
  builtinPlugins,
  JsonConverter,
  jsonConverterConfig,
  PluginRegistry,
  producerConfig,
  runStandalone,
} from '@tributary/runtime';
import { Kafka, logLevel, type Message, Partitioners } from 'kafkajs';
import { jdbcSource } from '../src/index.js';
import {
  type BenchDialect,
  benchTableName,
  connectionUrl,
  connectionUser,
  MARIADB,
  mysql2,
  type PgClient,
  POSTGRES,
  postgresClient,
  QueryStream,
} from './bench-table.js';

export type MeasureKind = 'read' | 'produce' | 'produce-wire' | 'connector';

export interface MeasureRequest {
  readonly kind: MeasureKind;
  readonly dialect: BenchDialect;
  readonly rows: number;
  /** The broker (`produce`, `connector`). */
  readonly bootstrap?: string;
  /** The topic to write (`produce`, `connector`). */
  readonly topic?: string;
}

export interface MeasureResult {
  readonly kind: MeasureKind;
  readonly dialect: BenchDialect;
  readonly count: number;
  readonly ms: number;
  readonly perSecond: number;
  /** Peak resident set size of the measuring process, in MB (see `peakRssKb`). */
  readonly peakRssMb: number;
}

const BATCH = 1000;

async function readWithDriver(dialect: BenchDialect, rows: number): Promise<{ count: number; ms: number }> {
  // The connector's incrementing query (from the start: id > -1), so that both read the same plan.
  const sql = `SELECT * FROM ${dialect === 'mariadb' ? `\`${benchTableName(rows)}\`` : `"${benchTableName(rows)}"`} WHERE id > -1 ORDER BY id ASC`;
  let count = 0;
  if (dialect === 'mariadb') {
    const connection = mysql2.createConnection({ ...MARIADB });
    const started = performance.now();
    for await (const _row of connection.query({ sql, rowsAsArray: true }).stream({ highWaterMark: BATCH })) count++;
    const ms = performance.now() - started;
    await new Promise<void>((resolve, reject) => connection.end((err) => (err ? reject(err) : resolve())));
    return { count, ms };
  }
  const client: PgClient = await postgresClient();
  const started = performance.now();
  for await (const _row of client.query(new QueryStream(sql, [], { batchSize: BATCH, rowMode: 'array' }))) count++;
  const ms = performance.now() - started;
  await client.end();
  return { count, ms };
}

function tableIdOf(dialect: BenchDialect, rows: number): TableId {
  return dialect === 'mariadb'
    ? { catalog: MARIADB.database, schema: null, table: benchTableName(rows) }
    : { catalog: POSTGRES.database, schema: 'public', table: benchTableName(rows) };
}

/**
 * The producer ceiling: the connector's records (same schema, same JsonConverter bytes)
 * produced by a bare loop, with kafkajs or with the protocol client the runtime's source
 * path uses (one record batch per send, as the runtime sends them).
 */
async function produceRecords(
  request: MeasureRequest,
  bootstrap: string,
  topic: string,
  client: 'kafkajs' | 'wire',
): Promise<{ count: number; ms: number }> {
  const db = await openDatabase(
    parseConnectionUrl(connectionUrl(request.dialect), { user: connectionUser(request.dialect) }),
    {},
  );
  const id = tableIdOf(request.dialect, request.rows);
  const columns = await db.dialect.describeTable(db, id);
  const mappings = columns.map((column) =>
    db.dialect.columnMapping(column, { numericMapping: 'none', dbTimezone: 'UTC' }),
  );
  const valueBuilder = SchemaBuilder.struct().name(id.table);
  const fields: { name: string; index: number; mapping: ColumnMapping }[] = [];
  mappings.forEach((mapping, index) => {
    const column = columns[index];
    if (mapping === null || column === undefined) return;
    valueBuilder.field(column.name, mapping.schema);
    fields.push({ name: column.name, index, mapping });
  });
  const valueSchema = valueBuilder.build();
  const idField = fields.find((f) => f.name === 'id');
  if (idField === undefined) throw new Error('The bench table has no id column');
  const keySchema: Schema = SchemaBuilder.struct().name(`${id.table}.Key`).field('id', idField.mapping.schema).build();
  const converter = new JsonConverter(jsonConverterConfig.parse({}));

  const settings = producerConfig({});
  const kafka = new Kafka({ brokers: [bootstrap], clientId: 'bench-produce', logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ ...settings.config, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
  await admin.disconnect();

  const wire = client === 'wire' ? createWireClient({ bootstrapServers: [bootstrap] }) : null;
  let count = 0;
  let sendingMs = 0;
  let pending: Message[][] = [];
  const sendPending = async (): Promise<void> => {
    const started = performance.now();
    for (const messages of pending) {
      if (wire !== null) {
        const records = messages.map((m) => ({
          key: m.key as Buffer,
          value: m.value as Buffer,
          timestamp: Number(m.timestamp),
        }));
        await wire.produce([{ topic, partition: 0, data: encodeRecordBatch(records) }], { acks: -1 });
        continue;
      }
      await producer.sendBatch({
        acks: settings.acks,
        compression: settings.compression,
        topicMessages: [{ topic, messages }],
      });
    }
    sendingMs += performance.now() - started;
    pending = [];
  };
  const table = db.dialect.quoteTable(id);
  for await (const batch of db.stream(`SELECT * FROM ${table} WHERE id > -1 ORDER BY id ASC`, [], {
    batchSize: BATCH,
  })) {
    const messages: Message[] = [];
    for (const row of batch.rows) {
      const value = new Struct(valueSchema);
      for (const f of fields) value.put(f.name, f.mapping.read(row[f.index]));
      const key = new Struct(keySchema).put('id', value.get('id'));
      messages.push({
        partition: 0,
        key: Buffer.from(converter.fromConnectData(topic, [], keySchema, key) ?? new Uint8Array()),
        value: Buffer.from(converter.fromConnectData(topic, [], valueSchema, value) ?? new Uint8Array()),
        timestamp: String(Date.now()),
      });
    }
    count += messages.length;
    pending.push(messages);
    if (pending.length * BATCH >= 50_000) await sendPending();
  }
  await sendPending();
  await wire?.close();
  await producer.disconnect();
  await db.close();
  return { count, ms: sendingMs };
}

async function runConnector(
  request: MeasureRequest,
  bootstrap: string,
  topic: string,
): Promise<{ count: number; ms: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'jdbc-source-bench-'));
  const table = benchTableName(request.rows);
  const prefix = topic.slice(0, topic.length - table.length);
  if (`${prefix}${table}` !== topic)
    throw new Error(`The connector's topic must end with the table name ${table}: ${topic}`);
  const workerFile = join(dir, 'worker.properties');
  const connectorFile = join(dir, 'jdbc.properties');
  writeFileSync(
    workerFile,
    [
      `bootstrap.servers=${bootstrap}`,
      'key.converter=org.apache.kafka.connect.json.JsonConverter',
      'value.converter=org.apache.kafka.connect.json.JsonConverter',
      `offset.storage.file.filename=${join(dir, 'offsets')}`,
      'offset.flush.interval.ms=10000',
      'listeners=http://127.0.0.1:0',
      '',
    ].join('\n'),
  );
  writeFileSync(
    connectorFile,
    [
      'name=bench-jdbc-source',
      'connector.class=io.confluent.connect.jdbc.JdbcSourceConnector',
      'tasks.max=1',
      `connection.url=${connectionUrl(request.dialect)}`,
      `connection.user=${connectionUser(request.dialect)}`,
      'mode=incrementing',
      'incrementing.column.name=id',
      `table.whitelist=${table}`,
      `topic.prefix=${prefix}`,
      'poll.interval.ms=1000',
      '',
    ].join('\n'),
  );
  const kafka = new Kafka({ brokers: [bootstrap], clientId: 'bench-watch', logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
  const started = performance.now();
  const handle = await runStandalone({
    workerPropsPath: workerFile,
    connectorPaths: [connectorFile],
    registry: new PluginRegistry([...builtinPlugins, jdbcSource]),
    stdout: { write: () => true },
    log: { level: 'warn', destination: 2 },
  });
  let count = 0;
  while (count < request.rows) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    const [partition] = await admin.fetchTopicOffsets(topic);
    count = Number(partition?.high ?? 0);
    const state = handle.herder.connectorStatus('bench-jdbc-source').tasks[0]?.state;
    if (state === 'FAILED')
      throw new Error(`The task failed: ${JSON.stringify(handle.herder.connectorStatus('bench-jdbc-source'))}`);
  }
  const ms = performance.now() - started;
  await handle.stop();
  await admin.disconnect();
  rmSync(dir, { recursive: true, force: true });
  return { count, ms };
}

async function measure(request: MeasureRequest): Promise<MeasureResult> {
  const { bootstrap = '', topic = '' } = request;
  const { count, ms } =
    request.kind === 'read'
      ? await readWithDriver(request.dialect, request.rows)
      : request.kind === 'produce' || request.kind === 'produce-wire'
        ? await produceRecords(request, bootstrap, topic, request.kind === 'produce' ? 'kafkajs' : 'wire')
        : await runConnector(request, bootstrap, topic);
  return {
    kind: request.kind,
    dialect: request.dialect,
    count,
    ms,
    perSecond: (count / ms) * 1000,
    peakRssMb: peakRssKb() / 1024,
  };
}

/**
 * This process's peak RSS in KB. Linux: VmHWM of /proc/self/status, because
 * `process.resourceUsage().maxRSS` (getrusage) of a spawned child starts from its parent's
 * RSS at fork time — and the parent here holds the broker's records. Elsewhere: maxRSS.
 */
function peakRssKb(): number {
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (match?.[1] !== undefined) return Number(match[1]);
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS;
}

const request = JSON.parse(process.argv[2] ?? '{}') as MeasureRequest;
const result = await measure(request);
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0);
