/**
 * `pnpm bench`: AvroConverter encode/decode records per second next to the runtime's
 * JsonConverter (schemas.enable=true) in the same run, on the same 10-field records, against
 * the embedded broker and schema registry. Prints the ratios; absolute numbers depend on
 * the machine, the ratios much less.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { type Converter, Decimal, SchemaBuilder, Schemas, Struct, Timestamp } from '@tributary/api';
import { startBroker, startSchemaRegistry } from '@tributary/devstack';
import { JsonConverter, jsonConverterConfig } from '@tributary/runtime';
import { AvroConverter } from '../src/avro-converter.js';
import { schemaRegistryConverterConfig } from '../src/config.js';

const RECORDS = Number(process.env['BENCH_RECORDS'] ?? 200_000);
const ROUNDS = 3;

const schema = SchemaBuilder.struct()
  .name('bench.Order')
  .field('id', Schemas.INT64)
  .field('customer_id', Schemas.INT32)
  .field('status', Schemas.STRING)
  .field('note', Schemas.OPTIONAL_STRING)
  .field('quantity', Schemas.INT16)
  .field('price', Schemas.FLOAT64)
  .field('amount', Decimal.builder(2, 12).optional().build())
  .field('paid', Schemas.BOOLEAN)
  .field('created_at', Timestamp.schema())
  .field('sku', Schemas.STRING)
  .build();

const records = Array.from({ length: 1000 }, (_, i) =>
  new Struct(schema)
    .put('id', 1_000_000 + i)
    .put('customer_id', i % 977)
    .put('status', i % 3 === 0 ? 'NEW' : 'PAID')
    .put('note', i % 2 === 0 ? null : `note ${i}`)
    .put('quantity', i % 100)
    .put('price', i * 1.25)
    .put('amount', `${i}.${String(i % 100).padStart(2, '0')}`)
    .put('paid', i % 2 === 0)
    .put('created_at', new Date(1_700_000_000_000 + i * 1000))
    .put('sku', `SKU-${i.toString(36).toUpperCase()}`),
);

async function measure(name: string, run: (i: number) => unknown): Promise<number> {
  let best = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const start = performance.now();
    for (let i = 0; i < RECORDS; i++) {
      const r = run(i);
      if (r instanceof Promise) await r;
    }
    const perSecond = RECORDS / ((performance.now() - start) / 1000);
    best = Math.max(best, perSecond);
  }
  console.log(`${name.padEnd(28)} ${Math.round(best).toLocaleString('en-US').padStart(12)} records/s`);
  return best;
}

async function main(): Promise<void> {
  const broker = await startBroker({ port: 0 });
  const registry = await startSchemaRegistry({
    port: 0,
    bootstrapServers: [broker.bootstrap],
    topic: `_schemas-${randomUUID()}`,
  });
  try {
    const topic = `bench-${randomUUID()}`;
    const avro: Converter = new AvroConverter(
      schemaRegistryConverterConfig.parse({ 'schema.registry.url': registry.url }),
      { isKey: false },
    );
    const json: Converter = new JsonConverter(jsonConverterConfig.parse({ 'schemas.enable': 'true' }));
    const at = (i: number) => records[i % records.length] as Struct;

    // Warm up: registers the schema, fills the caches.
    const avroBytes = await Promise.all(records.map((r) => avro.fromConnectData(topic, [], schema, r)));
    const jsonBytes = await Promise.all(records.map((r) => json.fromConnectData(topic, [], schema, r)));
    await avro.toConnectData(topic, [], avroBytes[0] ?? null);
    const avroSize = avroBytes.reduce((n, b) => n + (b?.length ?? 0), 0) / records.length;
    const jsonSize = jsonBytes.reduce((n, b) => n + (b?.length ?? 0), 0) / records.length;

    console.log(`${RECORDS.toLocaleString('en-US')} records of a 10-field struct, best of ${ROUNDS} rounds`);
    console.log(
      `record size: Avro ${avroSize.toFixed(0)} B (incl. 5-byte header), JSON envelope ${jsonSize.toFixed(0)} B`,
    );
    const jsonEncode = await measure('JsonConverter encode', (i) => json.fromConnectData(topic, [], schema, at(i)));
    const avroEncode = await measure('AvroConverter encode', (i) => avro.fromConnectData(topic, [], schema, at(i)));
    const jsonDecode = await measure('JsonConverter decode', (i) =>
      json.toConnectData(topic, [], jsonBytes[i % records.length] ?? null),
    );
    const avroDecode = await measure('AvroConverter decode', (i) =>
      avro.toConnectData(topic, [], avroBytes[i % records.length] ?? null),
    );
    console.log(`ratio encode Avro/JSON: ${(avroEncode / jsonEncode).toFixed(2)}x`);
    console.log(`ratio decode Avro/JSON: ${(avroDecode / jsonDecode).toFixed(2)}x`);
    console.log(`ratio size   Avro/JSON: ${(avroSize / jsonSize).toFixed(2)}x`);
  } finally {
    await registry.stop();
    await broker.stop();
  }
}

await main();
