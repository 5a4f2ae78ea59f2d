/**
 * The FileStream source connector of Kafka's quickstart: tails a text file and publishes
 * each line as a record with a STRING value schema. The source partition is
 * `{filename}` (the `file` setting as written) and the offset `{position}`, the byte
 * position after the line, so a restarted task continues after the last committed line.
 * Unlike Kafka, reading standard input is not supported: `file` is required. Always runs
 * one task.
 */
import { type FileHandle, open } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  ConfigError,
  type ConfigProblem,
  type ConfigValues,
  ConnectError,
  defineConfig,
  defineSourceConnector,
  int,
  type Props,
  Schemas,
  type SourceConnector,
  type SourceOffset,
  type SourcePartition,
  type SourceRecord,
  type SourceTask,
  type SourceTaskContext,
  string,
} from '@tributary/api';
import { LineSplitter } from './line-splitter.js';

export const fileStreamSourceConfig = defineConfig({
  file: string({
    nonEmpty: true,
    importance: 'high',
    doc: 'Source filename. Kafka reads standard input when this is empty; Tributary requires a file.',
  }),
  topic: string({ nonEmpty: true, importance: 'high', doc: 'The topic to publish data to' }),
  'batch.size': int({
    default: 2000,
    min: 1,
    importance: 'low',
    doc: 'The maximum number of records the source task can read from the file each time it is polled',
  }),
});

type Config = ConfigValues<typeof fileStreamSourceConfig.keys>;

/** How long `poll` waits for the file to appear or grow before returning `[]`. */
const TAIL_INTERVAL_MS = 500;
const READ_CHUNK_BYTES = 64 * 1024;

export const FILENAME_FIELD = 'filename';
export const POSITION_FIELD = 'position';

class FileStreamSourceConnector implements SourceConnector<Config> {
  #config: Config | null = null;

  start(config: Config): void {
    this.#config = config;
  }

  taskConfigs(): Props[] {
    const config = this.#config;
    if (config === null) throw new ConnectError('FileStreamSourceConnector.taskConfigs called before start');
    return [{ file: config.file, topic: config.topic, 'batch.size': String(config['batch.size']) }];
  }

  stop(): void {
    this.#config = null;
  }

  alterOffsets(_props: Props, offsets: ReadonlyMap<SourcePartition, SourceOffset | null>): void {
    const problems: ConfigProblem[] = [];
    for (const [partition, offset] of offsets) {
      const where = JSON.stringify(partition);
      if (!(FILENAME_FIELD in partition)) {
        problems.push({
          key: 'partition',
          value: where,
          message: `Partition objects should contain the key '${FILENAME_FIELD}'`,
        });
      }
      if (offset === null) continue;
      const position = offset[POSITION_FIELD];
      if (position === undefined) {
        problems.push({
          key: 'offset',
          value: where,
          message: `Offset objects should either be null or contain the key '${POSITION_FIELD}'`,
        });
      } else if (typeof position !== 'number' || !Number.isSafeInteger(position) || position < 0) {
        problems.push({
          key: 'offset',
          value: String(position),
          message: `The value for the '${POSITION_FIELD}' key in the offset should be a non-negative integer`,
        });
      }
    }
    if (problems.length > 0) throw new ConfigError(problems, { context: 'FileStreamSourceConnector offsets' });
  }
}

class FileStreamSourceTask implements SourceTask {
  #config: Config | null = null;
  #context: SourceTaskContext | null = null;
  #reader: { readonly handle: FileHandle; readonly splitter: LineSplitter } | null = null;
  #hasWarnedMissing = false;
  #isStopped = false;

  async start(props: Props, context: SourceTaskContext): Promise<void> {
    this.#config = fileStreamSourceConfig.parse(props, 'FileStreamSourceTask');
    this.#context = context;
  }

  async poll(signal: AbortSignal): Promise<SourceRecord[]> {
    const config = this.#config;
    const context = this.#context;
    if (config === null || context === null) throw new ConnectError('FileStreamSourceTask.poll called before start');
    const reader = this.#reader ?? (await this.#open(config.file, context));
    if (reader === null) {
      await pause(signal);
      return [];
    }
    const { handle, splitter } = reader;
    const batchSize = config['batch.size'];
    const lines = splitter.take(batchSize);
    const chunk = Buffer.alloc(READ_CHUNK_BYTES);
    while (lines.length < batchSize && !signal.aborted) {
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, splitter.readPosition);
      if (bytesRead === 0) break;
      splitter.push(chunk.subarray(0, bytesRead));
      lines.push(...splitter.take(batchSize - lines.length));
    }
    if (lines.length === 0) {
      await pause(signal);
      return [];
    }
    const partition: SourcePartition = { [FILENAME_FIELD]: config.file };
    const now = Date.now();
    return lines.map((line) => ({
      topic: config.topic,
      kafkaPartition: null,
      keySchema: null,
      key: null,
      valueSchema: Schemas.STRING,
      value: line.text,
      timestamp: now,
      headers: [],
      sourcePartition: partition,
      sourceOffset: { [POSITION_FIELD]: line.nextPosition },
    }));
  }

  async stop(): Promise<void> {
    this.#isStopped = true;
    const reader = this.#reader;
    this.#reader = null;
    await reader?.handle.close();
  }

  async #open(
    file: string,
    context: SourceTaskContext,
  ): Promise<{ handle: FileHandle; splitter: LineSplitter } | null> {
    let handle: FileHandle;
    try {
      handle = await open(file, 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new ConnectError(`Cannot open ${file}: ${(err as Error).message}`, { cause: err });
      }
      if (!this.#hasWarnedMissing) {
        context.logger.warn({ file }, "Couldn't find file for FileStreamSourceTask, waiting for it to be created");
        this.#hasWarnedMissing = true;
      }
      return null;
    }
    const position = await storedPosition(file, context).catch(async (err: unknown) => {
      await handle.close();
      throw err;
    });
    if (this.#isStopped) {
      await handle.close();
      return null;
    }
    context.logger.info({ file, position }, 'Reading file');
    this.#reader = { handle, splitter: new LineSplitter(position) };
    return this.#reader;
  }
}

async function storedPosition(file: string, context: SourceTaskContext): Promise<number> {
  const offset = await context.offsetStorageReader.offset({ [FILENAME_FIELD]: file });
  const position = offset?.[POSITION_FIELD];
  if (position === undefined || position === null) return 0;
  if (typeof position !== 'number' || !Number.isSafeInteger(position) || position < 0) {
    throw new ConnectError(
      `Stored offset position for ${file} is not a non-negative integer: ${JSON.stringify(position)}`,
    );
  }
  return position;
}

/** Waits one tail interval, or less if `signal` aborts. */
async function pause(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return;
  await sleep(TAIL_INTERVAL_MS, undefined, { signal }).catch((err: unknown) => {
    if (!signal.aborted) throw err;
  });
}

export const fileStreamSource = defineSourceConnector({
  name: 'file-stream-source',
  aliases: ['org.apache.kafka.connect.file.FileStreamSourceConnector'],
  version: '0.1.0',
  description: 'Publishes each line of a text file as a record, following the file as it grows.',
  config: fileStreamSourceConfig,
  connector: () => new FileStreamSourceConnector(),
  task: () => new FileStreamSourceTask(),
});
