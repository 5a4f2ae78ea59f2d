import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { describe, it } from 'node:test';
import { crc32c, Reader, Writer } from '@tributary/protocol';
import { BrokerState } from '../src/broker/broker-state.js';
import { Connection } from '../src/broker/connection.js';
import { resolveBrokerOptions } from '../src/broker/options.js';
import type { RunningBroker } from '../src/index.js';
import { kafkaFor, sleep, uniqueName, withBroker } from './fixtures.js';
import { fetchBody, recordBatch, requestFrame, WireSocket } from './wire-socket.js';

/** A fresh kafkajs producer and consumer still work: the broker survived. */
async function assertStillServes(broker: RunningBroker): Promise<void> {
  const kafka = kafkaFor(broker);
  const topic = uniqueName('alive');
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic, messages: [{ value: 'still here' }] });
  await producer.disconnect();
  const consumer = kafka.consumer({ groupId: uniqueName('g'), maxWaitTimeInMs: 200 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    const value = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no message consumed after the bad input')), 20_000);
      void consumer.run({
        eachMessage: async ({ message }) => {
          clearTimeout(timer);
          resolve(message.value?.toString() ?? '');
        },
      });
    });
    assert.equal(value, 'still here');
  } finally {
    await consumer.disconnect();
  }
}

/** Runs `fn` against a broker, then checks that the broker still serves kafkajs. */
function withBadInput(
  fn: (broker: RunningBroker, errors: string[]) => Promise<void>,
  options: { socketRequestMaxBytes?: number } = {},
): Promise<void> {
  const errors: string[] = [];
  return withBroker(
    async (broker) => {
      await fn(broker, errors);
      await assertStillServes(broker);
      // 'error' is what the connection logs for a handler that threw something other than
      // a protocol error: a bug, even when the connection survives it.
      assert.deepEqual(errors, []);
    },
    { ...options, log: (level, message) => (level === 'error' ? errors.push(message) : undefined) },
  );
}

async function expectClosed(broker: RunningBroker, bytes: Buffer, what: string): Promise<void> {
  const wire = await WireSocket.open(broker.bootstrap);
  const outcome = await wire.request(bytes);
  wire.close();
  assert.equal(outcome.kind, 'closed', `${what}: expected the broker to close the connection, got ${outcome.kind}`);
}

/** Produce v7 of one record set to partition 0; returns the partition's error code. */
async function produceRaw(
  wire: WireSocket,
  topic: string,
  records: Buffer,
  acks = -1,
): Promise<number | 'closed' | 'silent'> {
  const body = new Writer().nullableString(null).int16(acks).int32(5000);
  body.array([topic], (w, t) => w.string(t).array([0], (x, p) => x.int32(p).bytes(records)));
  const outcome = await wire.request(requestFrame(0, 7, 11, body), acks === 0 ? 500 : 5_000);
  if (outcome.kind !== 'response') return outcome.kind;
  const r = new Reader(outcome.body);
  r.int32();
  r.string();
  r.int32();
  r.int32();
  return r.int16();
}

async function highWatermark(wire: WireSocket, topic: string): Promise<number> {
  const body = new Writer().int32(-1).int8(0);
  body.array([topic], (w, t) => w.string(t).array([0], (x, p) => x.int32(p).int64(-1)));
  const outcome = await wire.request(requestFrame(2, 2, 12, body));
  assert.equal(outcome.kind, 'response');
  const r = new Reader(outcome.kind === 'response' ? outcome.body : Buffer.alloc(0));
  r.int32();
  r.int32();
  r.string();
  r.int32();
  r.int32();
  assert.equal(r.int16(), 0);
  r.int64();
  return r.int64();
}

describe('bad input never crashes the broker: framing and headers', () => {
  it('closes the connection on a truncated request body', async () => {
    await withBadInput(async (broker) => {
      // Metadata v1 whose topic string claims 200 bytes but carries 3.
      const body = Buffer.concat([new Writer().int32(1).int16(200).toBuffer(), Buffer.from('abc')]);
      await expectClosed(broker, requestFrame(3, 1, 1, body), 'truncated body');
      // A header that stops inside the client id.
      const header = new Writer().int32(10).int16(3).int16(1).int32(1).int16(20).toBuffer();
      await expectClosed(broker, header, 'truncated header');
      // Every field of a Produce, cut at each possible length.
      const produce = requestFrame(
        0,
        7,
        1,
        new Writer()
          .nullableString(null)
          .int16(1)
          .int32(1000)
          .array(['t'], (w, t) => w.string(t).array([0], (x) => x.int32(0).bytes(recordBatch(['x'])))),
      );
      for (let cut = 14; cut < produce.length; cut += 7) {
        const bytes = Buffer.from(produce.subarray(0, cut));
        bytes.writeInt32BE(cut - 4, 0);
        await expectClosed(broker, bytes, `produce cut at ${cut}`);
      }
    });
  });

  it('closes the connection on an array length that lies', async () => {
    await withBadInput(async (broker) => {
      for (const count of [1_000_000, 2_000_000_000, -2, 50]) {
        const body = new Writer().int32(count).string('one-topic').bool(true).toBuffer();
        await expectClosed(broker, requestFrame(3, 4, 1, body), `array length ${count}`);
      }
    });
  });

  it('closes the connection on an unknown API key and on an unsupported version', async () => {
    await withBadInput(async (broker) => {
      await expectClosed(broker, requestFrame(9999, 0, 1, Buffer.alloc(0)), 'api key 9999');
      await expectClosed(broker, requestFrame(-1, 0, 1, Buffer.alloc(0)), 'api key -1');
      await expectClosed(broker, requestFrame(68, 0, 1, Buffer.alloc(8)), 'ConsumerGroupHeartbeat');
      await expectClosed(broker, requestFrame(3, 99, 1, Buffer.alloc(8)), 'Metadata v99');
      await expectClosed(broker, requestFrame(1, 3, 1, Buffer.alloc(8)), 'Fetch v3 (below the advertised minimum)');
      await expectClosed(broker, requestFrame(0, 2, 1, Buffer.alloc(8)), 'Produce v2 (message format 1)');
    });
  });

  it('answers ApiVersions v9 with a v0-shaped UNSUPPORTED_VERSION body and keeps the connection', async () => {
    await withBadInput(async (broker) => {
      const wire = await WireSocket.open(broker.bootstrap);
      const outcome = await wire.request(requestFrame(18, 9, 42, Buffer.alloc(0)));
      assert.equal(outcome.kind, 'response');
      if (outcome.kind !== 'response') return;
      assert.equal(outcome.correlationId, 42);
      const r = new Reader(outcome.body);
      assert.equal(r.int16(), 35);
      assert.deepEqual(
        r.array((x) => [x.int16(), x.int16(), x.int16()]),
        [[18, 0, 3]],
      );
      assert.equal(r.remaining, 0);
      // The client retries lower on the same connection.
      const retry = await wire.request(requestFrame(18, 2, 43, Buffer.alloc(0)));
      wire.close();
      assert.equal(retry.kind, 'response');
      if (retry.kind === 'response') assert.equal(new Reader(retry.body).int16(), 0);
    });
  });

  it('closes the connection on a frame over socket.request.max.bytes, before reading it', async () => {
    await withBadInput(
      async (broker) => {
        const size = Buffer.alloc(4);
        size.writeInt32BE(4097);
        // Only the size is sent: the broker must not wait for (or buffer) the 4 KiB.
        await expectClosed(broker, size, 'frame of 4097 bytes');
        size.writeInt32BE(0x7fffffff);
        await expectClosed(broker, size, 'frame of 2 GiB');
        const justFits = requestFrame(3, 1, 1, new Writer().int32(0).toBuffer());
        const wire = await WireSocket.open(broker.bootstrap);
        assert.equal((await wire.request(justFits)).kind, 'response');
        wire.close();
      },
      { socketRequestMaxBytes: 4096 },
    );
  });

  it('closes the connection on a negative or too small frame size', async () => {
    await withBadInput(async (broker) => {
      for (const n of [-1, -2_147_483_648, 0, 7]) {
        const size = Buffer.alloc(4);
        size.writeInt32BE(n);
        await expectClosed(broker, Buffer.concat([size, Buffer.alloc(8)]), `frame size ${n}`);
      }
    });
  });
});

describe('bad input never crashes the broker: record batches', () => {
  it('answers CORRUPT_MESSAGE for a batch whose CRC does not match, and appends nothing', async () => {
    await withBadInput(async (broker) => {
      const topic = uniqueName('crc');
      const wire = await WireSocket.open(broker.bootstrap);
      assert.equal(await produceRaw(wire, topic, recordBatch(['good'])), 0);
      const bad = recordBatch(['flipped']);
      const last = bad.length - 3;
      bad.writeUInt8((bad.readUInt8(last) ^ 0xff) & 0xff, last);
      assert.equal(await produceRaw(wire, topic, bad), 2);
      // A good batch followed by a bad one in the same record set: all or nothing.
      assert.equal(await produceRaw(wire, topic, Buffer.concat([recordBatch(['ok']), bad])), 2);
      assert.equal(await highWatermark(wire, topic), 1);
      // With acks=0 there is no response to carry the error, so Kafka closes the connection.
      assert.equal(await produceRaw(wire, topic, bad, 0), 'closed');
      wire.close();
    });
  });

  it('answers UNSUPPORTED_FOR_MESSAGE_FORMAT for magic other than 2', async () => {
    await withBadInput(async (broker) => {
      const topic = uniqueName('magic');
      const wire = await WireSocket.open(broker.bootstrap);
      for (const magic of [0, 1, 3]) {
        const batch = recordBatch(['old format']);
        batch.writeInt8(magic, 16);
        assert.equal(await produceRaw(wire, topic, batch), 43, `magic ${magic}`);
      }
      assert.equal(await highWatermark(wire, topic), 0);
      wire.close();
    });
  });

  it('answers MESSAGE_TOO_LARGE for a batch over max.message.bytes', async () => {
    await withBadInput(async (broker) => {
      const topic = uniqueName('too-large');
      const admin = kafkaFor(broker).admin();
      await admin.connect();
      await admin.createTopics({ topics: [{ topic, configEntries: [{ name: 'max.message.bytes', value: '1000' }] }] });
      await admin.disconnect();
      const wire = await WireSocket.open(broker.bootstrap);
      const big = recordBatch(['x'.repeat(1000)]);
      assert.equal(await produceRaw(wire, topic, big), 10);
      // The limit counts the whole batch, log overhead included, as Kafka does.
      const exact = recordBatch(['x'.repeat(1000 - (big.length - 1000))]);
      assert.equal(exact.length, 1000);
      assert.equal(await produceRaw(wire, topic, exact), 0);
      const oneOver = recordBatch(['x'.repeat(1001 - (big.length - 1000))]);
      assert.equal(await produceRaw(wire, topic, oneOver), 10);
      assert.equal(await highWatermark(wire, topic), 1);
      wire.close();
    });
  });

  it('rejects batch headers that lie about their length or record count', async () => {
    await withBadInput(async (broker) => {
      const topic = uniqueName('lying-batch');
      const wire = await WireSocket.open(broker.bootstrap);
      const longer = recordBatch(['a']);
      longer.writeInt32BE(longer.length * 4, 8);
      assert.equal(await produceRaw(wire, topic, longer), 2);
      const negative = recordBatch(['a']);
      negative.writeInt32BE(-100, 8);
      assert.equal(await produceRaw(wire, topic, negative), 2);
      assert.equal(await produceRaw(wire, topic, recordBatch(['a']).subarray(0, 40)), 2);
      assert.equal(await produceRaw(wire, topic, Buffer.alloc(0)), 2);
      assert.equal(await highWatermark(wire, topic), 0);
      wire.close();
    });
  });

  it('answers timestamp look-ups over a stored batch whose record lengths are negative instead of looping', async () => {
    await withBadInput(async (broker) => {
      const topic = uniqueName('garbled');
      const wire = await WireSocket.open(broker.bootstrap);
      // A valid header and CRC around records whose length varint says −1: a decoder
      // that trusts it steps back onto the same byte forever (regression: it did).
      const batch = recordBatch(['abcdefgh']);
      batch.fill(1, 61);
      batch.writeInt32BE(0x7ffffffe, 23);
      batch.writeInt32BE(0x7fffffff, 57);
      batch.writeUInt32BE(crc32c(batch.subarray(21)), 17);
      assert.equal(await produceRaw(wire, topic, batch), 0);
      const body = new Writer().int32(-1).int8(0);
      body.array([topic], (w, t) => w.string(t).array([0], (x, p) => x.int32(p).int64(0)));
      const outcome = await wire.request(requestFrame(2, 2, 13, body));
      assert.equal(outcome.kind, 'response');
      wire.close();
    });
  });
});

describe('bad input never crashes the broker: abandoned requests', () => {
  it('releases a long poll as soon as its client disconnects', async () => {
    // The broker's own parts, wired as startBroker does, so that the parked fetches can be counted.
    const state = new BrokerState(resolveBrokerOptions({ port: 0 }));
    state.load();
    const server = createServer((socket) => new Connection(socket, state));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    state.port = typeof address === 'object' && address !== null ? address.port : 0;
    try {
      const topic = uniqueName('abandoned');
      state.topics.create(topic, 1, 1, []);
      const fetch = fetchBody(topic, 0, 0n, 2_147_483_647);
      const sockets = await Promise.all(Array.from({ length: 20 }, () => WireSocket.open(`127.0.0.1:${state.port}`)));
      for (const [i, wire] of sockets.entries()) wire.write(requestFrame(1, 11, i, fetch));
      for (let i = 0; i < 250 && state.waiters.size < sockets.length; i++) await sleep(20);
      assert.equal(state.waiters.size, sockets.length);
      for (const wire of sockets) wire.close();
      for (let i = 0; i < 250 && state.waiters.size > 0; i++) await sleep(20);
      assert.equal(state.waiters.size, 0, 'parked fetches outlived their connections');
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      state.close();
    }
  });
});
