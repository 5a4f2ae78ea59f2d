/**
 * Seeded fuzzing of the broker's request handling: well-formed requests of every
 * advertised API and version, mutated (bytes flipped, lengths replaced by extreme
 * values, truncated, extended, spliced, headers garbled), sent over TCP and fed straight
 * to the handlers. The broker may close connections; it must never crash, hang, or log
 * an unexpected handler error, and must still serve clients afterwards.
 * FUZZ_SEED=<n> replays a run; FUZZ_SCALE=<n> multiplies its length for a longer hunt.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ProtocolError, Reader, Writer } from '@tributary/protocol';
import { CloseConnection, type RequestContext } from '../src/broker/api/api-handler.js';
import { allApis } from '../src/broker/api/api-table.js';
import { BrokerState } from '../src/broker/broker-state.js';
import { resolveBrokerOptions } from '../src/broker/options.js';
import type { RunningBroker } from '../src/index.js';
import { kafkaFor, uniqueName, withBroker } from './fixtures.js';
import { mutate, Rng } from './mutate.js';
import { type TemplateNames, templateBody } from './request-templates.js';
import { WireSocket } from './wire-socket.js';

const SEED = Number(process.env['FUZZ_SEED'] ?? 20_241_122);
const SCALE = Number(process.env['FUZZ_SCALE'] ?? 1);

interface Target {
  apiKey: number;
  apiVersion: number;
  body: Buffer;
}

function targets(names: TemplateNames): Target[] {
  const out: Target[] = [];
  const missing: string[] = [];
  for (const api of allApis()) {
    for (let v = api.minVersion; v <= api.maxVersion; v++) {
      const body = templateBody(api.key, v, names);
      if (body) out.push({ apiKey: api.key, apiVersion: v, body });
      else missing.push(`${api.name} (${api.key}) v${v}`);
    }
  }
  assert.deepEqual(missing, [], 'every advertised API needs a request template in test/request-templates.ts');
  return out;
}

function frame(rng: Rng, target: Target): Buffer {
  const body = rng.chance(0.9) ? mutate(target.body, rng) : target.body;
  const apiKey = rng.chance(0.97) ? target.apiKey : rng.int(70) - 2;
  const apiVersion = rng.chance(0.93) ? target.apiVersion : rng.int(16) - 2;
  const head = new Writer(32)
    .int16(apiKey)
    .int16(apiVersion)
    .int32(rng.int(1 << 30));
  head.nullableString(rng.pick([null, 'fuzz', '', 'x'.repeat(300)]));
  let bytes: Buffer = Buffer.concat([head.toBuffer(), body]);
  // Sometimes the header itself is damaged.
  if (rng.chance(0.04)) bytes = mutate(bytes, rng);
  const size = Buffer.allocUnsafe(4);
  // Rarely, the frame size lies; the broker then reads the next bytes as a new frame.
  size.writeInt32BE(rng.chance(0.02) ? bytes.length + rng.int(9) - 4 : bytes.length);
  return Buffer.concat([size, bytes]);
}

async function assertStillServes(broker: RunningBroker): Promise<void> {
  const kafka = kafkaFor(broker);
  const topic = uniqueName('after-fuzz');
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic, messages: [{ key: 'k', value: 'survived' }] });
  await producer.disconnect();
  const consumer = kafka.consumer({ groupId: uniqueName('g'), maxWaitTimeInMs: 200 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    const value = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('nothing consumed after the fuzzing')), 20_000);
      void consumer.run({
        eachMessage: async ({ message }) => {
          clearTimeout(timer);
          resolve(message.value?.toString() ?? '');
        },
      });
    });
    assert.equal(value, 'survived');
  } finally {
    await consumer.disconnect();
  }
}

describe('fuzzing', () => {
  it(`survives thousands of mutated requests over TCP (seed ${SEED})`, async (t) => {
    const errors: string[] = [];
    await withBroker(
      async (broker) => {
        const names: TemplateNames = {
          topic: uniqueName('fuzz'),
          group: uniqueName('fuzz-g'),
          transactionalId: uniqueName('fuzz-txn'),
        };
        const all = targets(names);
        // Data to fetch, and a topic the mutated admin requests can act on.
        const producer = kafkaFor(broker).producer();
        await producer.connect();
        await producer.send({ topic: names.topic, messages: [{ value: 'seed' }] });
        await producer.disconnect();

        // Generated up front and dealt round-robin, so a seed replays the same traffic per connection.
        const rng = new Rng(SEED);
        const CONNECTIONS = 6;
        const frames = Array.from({ length: 3000 * SCALE }, () => frame(rng, rng.pick(all)));
        const deadlineMs = Date.now() + 12_000 * SCALE;
        let sent = 0;
        const outcomes = { response: 0, closed: 0, silent: 0 };
        const worker = async (w: number): Promise<void> => {
          let wire: WireSocket | null = null;
          for (let i = w; i < frames.length && Date.now() < deadlineMs; i += CONNECTIONS) {
            sent++;
            wire ??= await WireSocket.open(broker.bootstrap);
            const outcome = await wire.request(frames[i] ?? Buffer.alloc(0), 150);
            outcomes[outcome.kind]++;
            if (outcome.kind !== 'response') {
              // Silent: parked (long poll, join) or waiting for bytes a lying size promised.
              wire.close();
              wire = null;
            }
          }
          wire?.close();
        };
        await Promise.all(Array.from({ length: CONNECTIONS }, (_, w) => worker(w)));
        t.diagnostic(
          `${sent} frames: ${outcomes.response} answered, ${outcomes.closed} closed, ${outcomes.silent} silent`,
        );
        assert.ok(sent >= 1000, `only ${sent} frames sent before the deadline`);
        assert.ok(outcomes.response > sent / 10, 'too few requests got past decoding to be a useful fuzz');
        await assertStillServes(broker);
      },
      { log: (level, message) => (level === 'error' ? errors.push(message) : undefined) },
    );
    assert.deepEqual(errors, [], 'a handler threw something other than a protocol error');
  });

  it(`feeds mutated bodies straight to every handler (seed ${SEED})`, async () => {
    const state = new BrokerState(resolveBrokerOptions({ port: 0 }));
    state.load();
    const names: TemplateNames = { topic: 'fuzz-direct', group: 'fuzz-direct-g', transactionalId: 'fuzz-direct-txn' };
    state.topics.create(names.topic, 2, 1, []);
    const rng = new Rng(SEED + 1);
    const failures: string[] = [];
    const pending: Promise<unknown>[] = [];
    const classify = (api: string, err: unknown): void => {
      if (err instanceof ProtocolError || err instanceof RangeError || err instanceof CloseConnection) return;
      failures.push(`${api}: ${(err as Error).stack ?? String(err)}`);
    };
    try {
      for (const target of targets(names)) {
        const api = allApis().find((a) => a.key === target.apiKey);
        if (!api) continue;
        const label = `${api.name} v${target.apiVersion}`;
        for (let i = 0; i < 150 * SCALE; i++) {
          const body = mutate(target.body, rng);
          const ctx: RequestContext = {
            state,
            apiVersion: target.apiVersion,
            correlationId: i,
            clientId: 'fuzz',
            clientHost: '/127.0.0.1',
          };
          try {
            const result = api.handle(new Reader(body), ctx);
            // Parked requests (long-poll fetches, joins) settle when the state closes.
            if (result instanceof Promise) pending.push(result.catch((err: unknown) => classify(label, err)));
          } catch (err) {
            classify(label, err);
          }
        }
      }
    } finally {
      state.close();
    }
    await Promise.race([Promise.all(pending), new Promise((r) => setTimeout(r, 2_000).unref())]);
    assert.deepEqual(failures.slice(0, 5), []);
  });
});
