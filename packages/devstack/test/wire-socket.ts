/**
 * A raw TCP connection to the broker for tests that send bytes no client library would:
 * truncated or lying frames, unknown APIs, corrupt batches. It reports what the broker
 * did — answered, closed the connection, or stayed silent — instead of failing on it.
 */
import { connect, type Socket } from 'node:net';
import { crc32c, Writer } from '@tributary/protocol';

export type WireOutcome =
  | { kind: 'response'; correlationId: number; body: Buffer }
  | { kind: 'closed' }
  | { kind: 'silent' };

/** Request header v1 (api key, version, correlation id, client id) followed by `body`. */
export function requestFrame(
  apiKey: number,
  apiVersion: number,
  correlationId: number,
  body: Buffer | Writer,
  clientId = 'wire-test',
): Buffer {
  const payload = body instanceof Writer ? body.toBuffer() : body;
  const head = new Writer(32).int16(apiKey).int16(apiVersion).int32(correlationId).nullableString(clientId).toBuffer();
  const size = Buffer.allocUnsafe(4);
  size.writeInt32BE(head.length + payload.length);
  return Buffer.concat([size, head, payload]);
}

function zigzag(w: Writer, v: number): Writer {
  return w.uvarint(v >= 0 ? v * 2 : -v * 2 - 1);
}

/** An uncompressed, non-idempotent v2 record batch of `values` (null keys), CRC included. */
export function recordBatch(values: readonly string[], timestampMs = Date.now()): Buffer {
  const records = values.map((value, i) => {
    const v = Buffer.from(value);
    const head = zigzag(zigzag(zigzag(new Writer(16).int8(0), 0), i), -1);
    zigzag(head, v.length);
    const body = Buffer.concat([head.toBuffer(), v, zigzag(new Writer(2), 0).toBuffer()]);
    return Buffer.concat([zigzag(new Writer(5), body.length).toBuffer(), body]);
  });
  const payload = Buffer.concat(records);
  const batch = Buffer.alloc(61 + payload.length);
  batch.writeBigInt64BE(0n, 0);
  batch.writeInt32BE(batch.length - 12, 8);
  batch.writeInt32BE(-1, 12);
  batch.writeInt8(2, 16);
  batch.writeInt16BE(0, 21);
  batch.writeInt32BE(values.length - 1, 23);
  batch.writeBigInt64BE(BigInt(timestampMs), 27);
  batch.writeBigInt64BE(BigInt(timestampMs), 35);
  batch.writeBigInt64BE(-1n, 43);
  batch.writeInt16BE(-1, 51);
  batch.writeInt32BE(-1, 53);
  batch.writeInt32BE(values.length, 57);
  payload.copy(batch, 61);
  batch.writeUInt32BE(crc32c(batch.subarray(21)), 17);
  return batch;
}

/** A Fetch v4–v11 body for one partition (read_uncommitted, no sessions, no rack). */
export function fetchBody(topic: string, partition: number, offset: bigint, maxWaitMs: number): Writer {
  const fetch = new Writer()
    .int32(-1)
    .int32(maxWaitMs)
    .int32(1)
    .int32(1 << 20)
    .int8(0)
    .int32(0)
    .int32(-1);
  fetch.array([topic], (w, t) =>
    w.string(t).array([partition], (x, p) =>
      x
        .int32(p)
        .int32(-1)
        .int64(offset)
        .int64(-1)
        .int32(1 << 20),
    ),
  );
  return fetch.array([], () => {}).string('');
}

export class WireSocket {
  private buffered = Buffer.alloc(0);
  private readonly frames: Buffer[] = [];
  private isClosed = false;
  private wake: (() => void) | null = null;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      while (this.buffered.length >= 4) {
        const size = this.buffered.readInt32BE(0);
        if (this.buffered.length < 4 + size) break;
        this.frames.push(this.buffered.subarray(4, 4 + size));
        this.buffered = this.buffered.subarray(4 + size);
      }
      this.wake?.();
    });
    // A reset (ECONNRESET) is one of the ways a broker may drop a bad connection.
    socket.on('error', () => {});
    socket.on('close', () => {
      this.isClosed = true;
      this.wake?.();
    });
  }

  static open(bootstrap: string): Promise<WireSocket> {
    const at = bootstrap.lastIndexOf(':');
    const host = bootstrap.slice(0, at);
    const port = Number(bootstrap.slice(at + 1));
    return new Promise((resolve, reject) => {
      const socket = connect(port, host, () => {
        socket.off('error', reject);
        resolve(new WireSocket(socket));
      });
      socket.once('error', reject);
    });
  }

  get closed(): boolean {
    return this.isClosed;
  }

  write(bytes: Buffer): void {
    if (!this.isClosed) this.socket.write(bytes);
  }

  /** The next response frame, or how the broker otherwise reacted within `timeoutMs`. */
  async next(timeoutMs = 5_000): Promise<WireOutcome> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const frame = this.frames.shift();
      if (frame) return { kind: 'response', correlationId: frame.readInt32BE(0), body: frame.subarray(4) };
      if (this.isClosed) return { kind: 'closed' };
      const left = deadline - Date.now();
      if (left <= 0) return { kind: 'silent' };
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          this.wake = null;
          resolve();
        };
      });
    }
  }

  /** Sends one request and waits for the broker's reaction. */
  async request(frame: Buffer, timeoutMs = 5_000): Promise<WireOutcome> {
    this.write(frame);
    return this.next(timeoutMs);
  }

  close(): void {
    this.socket.destroy();
  }
}
