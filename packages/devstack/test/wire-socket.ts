/**
 * A raw TCP connection to the broker for tests that send bytes no client library would:
 * truncated or lying frames, unknown APIs, corrupt batches. It reports what the broker
 * did — answered, closed the connection, or stayed silent — instead of failing on it.
 */
import { connect, type Socket } from 'node:net';
import { Writer } from '../src/protocol/writer.js';

export type WireOutcome = { kind: 'response'; correlationId: number; body: Buffer } | { kind: 'closed' } | { kind: 'silent' };

/** Request header v1 (api key, version, correlation id, client id) followed by `body`. */
export function requestFrame(apiKey: number, apiVersion: number, correlationId: number, body: Buffer | Writer, clientId = 'wire-test'): Buffer {
  const payload = body instanceof Writer ? body.toBuffer() : body;
  const head = new Writer(32).int16(apiKey).int16(apiVersion).int32(correlationId).nullableString(clientId).toBuffer();
  const size = Buffer.allocUnsafe(4);
  size.writeInt32BE(head.length + payload.length);
  return Buffer.concat([size, head, payload]);
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
