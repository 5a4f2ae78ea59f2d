/**
 * The FileStream sink connector of Kafka's quickstart: appends each record's value to a
 * text file as one line (standard output when `file` is not set). `flush` fsyncs, so the
 * consumer offsets the runtime commits afterwards only cover lines that are on disk.
 * Strings are written as they are, `null` as `null`, structs as Kafka prints them, and
 * other values (maps, arrays, bytes) as JSON, where Kafka would print Java's `toString`.
 */
import { type FileHandle, open } from 'node:fs/promises';
import {
  ConnectError,
  defineConfig,
  defineSinkConnector,
  type Props,
  type SinkConnector,
  type SinkRecord,
  type SinkTask,
  Struct,
  string,
} from '@tributary/api';

export const fileStreamSinkConfig = defineConfig({
  file: string({
    default: null,
    importance: 'high',
    doc: 'Destination filename. If not specified, the standard output will be used',
  }),
});

class FileStreamSinkConnector implements SinkConnector<unknown> {
  #props: Props | null = null;

  start(_config: unknown, props: Props): void {
    this.#props = props;
  }

  taskConfigs(maxTasks: number): Props[] {
    const props = this.#props;
    if (props === null) throw new ConnectError('FileStreamSinkConnector.taskConfigs called before start');
    return Array.from({ length: maxTasks }, () => ({ ...props }));
  }

  stop(): void {
    this.#props = null;
  }
}

class FileStreamSinkTask implements SinkTask {
  #handle: FileHandle | null = null;
  #file: string | null = null;

  async start(props: Props): Promise<void> {
    const config = fileStreamSinkConfig.parse(props, 'FileStreamSinkTask');
    this.#file = config.file === '' ? null : config.file;
    if (this.#file !== null) {
      try {
        this.#handle = await open(this.#file, 'a');
      } catch (err) {
        throw new ConnectError(`Couldn't open ${this.#file} for appending: ${(err as Error).message}`, { cause: err });
      }
    }
  }

  async put(records: readonly SinkRecord[]): Promise<void> {
    if (records.length === 0) return;
    const text = records.map((r) => `${formatValue(r.value)}\n`).join('');
    if (this.#handle === null) {
      process.stdout.write(text);
      return;
    }
    await this.#handle.appendFile(text, 'utf8');
  }

  async flush(): Promise<void> {
    await this.#handle?.sync();
  }

  async stop(): Promise<void> {
    const handle = this.#handle;
    this.#handle = null;
    await handle?.close();
  }
}

/** One record value as a line of text. */
export function formatValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return 'null';
  if (value instanceof Struct) return value.toString();
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value, jsonReplacer);
}

function jsonReplacer(this: unknown, key: string, serialised: unknown): unknown {
  // Buffers have a toJSON; look at the value as it was before that.
  const value = typeof this === 'object' && this !== null ? (this as Record<string, unknown>)[key] : serialised;
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [String(k), v]));
  if (value instanceof Struct) return value.toString();
  return serialised;
}

export const fileStreamSink = defineSinkConnector({
  name: 'file-stream-sink',
  aliases: ['org.apache.kafka.connect.file.FileStreamSinkConnector'],
  version: '0.1.0',
  description: 'Appends the value of each record to a text file, one line per record.',
  config: fileStreamSinkConfig,
  connector: () => new FileStreamSinkConnector(),
  task: () => new FileStreamSinkTask(),
});
