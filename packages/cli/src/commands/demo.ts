/**
 * `tributary demo`: a produce / consume round trip on the embedded defaults, with
 * nothing to install or configure. It starts a broker in this process, creates a topic,
 * produces a few records with kafkajs, reads them back with a consumer group, shows the
 * offsets the group committed, and exits 0.
 */
import { parseArgs } from 'node:util';
import { type RunningBroker, startBroker } from '@tributary/devstack';
import { type Admin, type Consumer, Kafka, logLevel, Partitioners, type Producer } from 'kafkajs';
import type { Command, CommandContext, Output } from '../command.js';
import { hostPort } from '../host-port.js';
import { integerOption, parseOrThrow } from '../parse-options.js';
import { untilAborted } from '../until-aborted.js';

const TOPIC = 'tributary-demo';
const GROUP = 'tributary-demo';
const PARTITIONS = 3;
const DEADLINE_MS = 30_000;

const READINGS = [
  { sensor: 'boiler-1', celsius: 71.5 },
  { sensor: 'boiler-2', celsius: 68.25 },
  { sensor: 'intake', celsius: 12 },
  { sensor: 'boiler-1', celsius: 72 },
  { sensor: 'exhaust', celsius: 140.75 },
];

const usage = `Usage: tributary demo [options]

Starts the embedded broker in this process, creates the topic "${TOPIC}" with
${PARTITIONS} partitions, produces ${READINGS.length} records with kafkajs, consumes them back with the
consumer group "${GROUP}", prints them and the group's committed offsets, and exits.

Options:
  --port N     port for the embedded broker (default 0: a free one)
  -h, --help   show this help
`;

const options = {
  port: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

interface Clients {
  broker?: RunningBroker;
  admin?: Admin;
  producer?: Producer;
  consumer?: Consumer;
}

async function run(args: readonly string[], { stdout, stderr, signal }: CommandContext): Promise<number> {
  const { values } = parseOrThrow(() => parseArgs({ args: [...args], options, strict: true, allowPositionals: false }));
  if (values.help) {
    stdout.write(usage);
    return 0;
  }
  const port = values.port === undefined ? 0 : integerOption('port', values.port, 0, 65535);

  const clients: Clients = {};
  const work = roundTrip(port, clients, stdout, stderr);
  // Cleanup below disconnects the clients, which may make an abandoned round trip reject.
  work.catch(() => {});
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), DEADLINE_MS);
  });
  try {
    const outcome = await Promise.race([work, deadline, untilAborted(signal).then(() => 'interrupted' as const)]);
    if (outcome === 'timeout') {
      stderr.write(`tributary demo: gave up after ${DEADLINE_MS / 1000} s\n`);
      return 1;
    }
    if (outcome === 'interrupted') {
      stderr.write('tributary demo: interrupted\n');
      return 130;
    }
    return 0;
  } catch (err) {
    stderr.write(`tributary demo: failed: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  } finally {
    clearTimeout(timer);
    await close(clients);
  }
}

async function roundTrip(port: number, clients: Clients, stdout: Output, stderr: Output): Promise<void> {
  const started = Date.now();
  const broker = await startBroker({
    port,
    log: (level, message) => stderr.write(`tributary demo: broker [${level}] ${message}\n`),
  });
  clients.broker = broker;
  stdout.write(
    `embedded broker listening on ${hostPort(broker.host, broker.port)} (cluster id ${broker.clusterId}, memory only)\n`,
  );

  const kafka = new Kafka({
    clientId: 'tributary-demo',
    brokers: [broker.bootstrap],
    logLevel: logLevel.NOTHING,
    retry: { retries: 5, initialRetryTime: 100 },
  });

  const admin = kafka.admin();
  clients.admin = admin;
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: PARTITIONS }], waitForLeaders: true });
  stdout.write(`created topic ${TOPIC} with ${PARTITIONS} partitions\n`);

  const producer = kafka.producer({ idempotent: true, createPartitioner: Partitioners.DefaultPartitioner });
  clients.producer = producer;
  await producer.connect();
  await producer.send({
    topic: TOPIC,
    messages: READINGS.map((reading) => ({
      key: reading.sensor,
      value: JSON.stringify(reading),
      headers: { source: 'tributary-demo' },
    })),
  });
  stdout.write(`produced ${READINGS.length} records (idempotent producer, keyed by sensor)\n`);

  const consumer = kafka.consumer({ groupId: GROUP, maxWaitTimeInMs: 100 });
  clients.consumer = consumer;
  await consumer.connect();
  await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
  stdout.write(`consuming with group ${GROUP}:\n`);
  let seen = 0;
  await new Promise<void>((resolve, reject) => {
    consumer.on(consumer.events.CRASH, ({ payload }) => reject(payload.error));
    consumer
      .run({
        eachMessage: async ({ topic, partition, message }) => {
          const key = message.key?.toString() ?? 'null';
          const value = message.value?.toString() ?? 'null';
          stdout.write(`  ${topic}[${partition}]@${message.offset}  key=${key}  value=${value}\n`);
          seen += 1;
          if (seen === READINGS.length) resolve();
        },
      })
      .catch(reject);
  });
  // Stopping commits the offsets of everything processed so far.
  await consumer.stop();

  const committed = await admin.fetchOffsets({ groupId: GROUP, topics: [TOPIC] });
  const offsets = (committed[0]?.partitions ?? [])
    .sort((a, b) => a.partition - b.partition)
    .map((p) => `${p.partition}→${p.offset}`)
    .join(', ');
  stdout.write(`group ${GROUP} committed offsets: ${offsets}\n`);
  stdout.write(`round trip done in ${Date.now() - started} ms\n`);
}

/** Disconnects whatever was started, consumer first, broker last; never throws. */
async function close(clients: Clients): Promise<void> {
  for (const client of [clients.consumer, clients.producer, clients.admin]) {
    await client?.disconnect().catch(() => {});
  }
  await clients.broker?.stop();
}

export const demoCommand: Command = {
  name: 'demo',
  summary: 'produce and consume a few records on an in-process embedded broker',
  usage,
  run,
};
