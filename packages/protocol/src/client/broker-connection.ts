/**
 * One TCP connection to one broker. Requests are pipelined: each gets a correlation id
 * and the responses, which Kafka sends in request order, are matched back by it.
 * Framing: INT32 size, then the response header (correlation id) and body. Incoming
 * chunks are kept as a list and each frame is copied out at most once (a frame that
 * lies inside one chunk is a view), so large responses cost no quadratic buffering.
 */
import { connect, type Socket } from 'node:net';
import { Reader } from '../codec/reader.js';
import { Writer } from '../codec/writer.js';

export class ConnectionError extends Error {
  override readonly name = 'ConnectionError';
}

/** The broker does not speak a version this client needs (not retried). */
export class UnsupportedVersionError extends Error {
  override readonly name = 'UnsupportedVersionError';
}

const API_VERSIONS_KEY = 18;
const API_NAMES: Record<number, string> = {
  0: 'Produce',
  1: 'Fetch',
  2: 'ListOffsets',
  3: 'Metadata',
  19: 'CreateTopics',
};

interface Pending {
  readonly correlationId: number;
  readonly resolve: (body: Buffer) => void;
  readonly reject: (err: Error) => void;
  readonly timer: NodeJS.Timeout;
}

export interface ConnectionOptions {
  readonly host: string;
  readonly port: number;
  readonly clientId: string;
  readonly connectTimeoutMs: number;
  readonly requestTimeoutMs: number;
}

export class BrokerConnection {
  private socket: Socket | null = null;
  private connecting: Promise<Socket> | null = null;
  private readonly pending: Pending[] = [];
  private nextCorrelationId = 1;
  private chunks: Buffer[] = [];
  private bufferedBytes = 0;
  private isClosed = false;
  private readonly versions = new Map<number, { min: number; max: number }>();

  constructor(private readonly options: ConnectionOptions) {}

  get address(): string {
    return `${this.options.host}:${this.options.port}`;
  }

  /**
   * Sends one request and resolves with the response body (after the correlation id).
   * Rejects with ConnectionError when the connection fails or the request times out
   * (the connection is then closed: later responses could no longer be matched).
   */
  /** `extraTimeoutMs`: time the broker may take on purpose (Fetch long poll, Produce acks wait). */
  async request(apiKey: number, apiVersion: number, body: Writer, extraTimeoutMs = 0): Promise<Buffer> {
    const socket = await this.open();
    if (this.socket !== socket) throw new ConnectionError(`connection to ${this.address} closed`);
    const range = this.versions.get(apiKey);
    if (!range || apiVersion < range.min || apiVersion > range.max) {
      throw new UnsupportedVersionError(
        `broker ${this.address} does not support ${API_NAMES[apiKey] ?? `API ${apiKey}`} v${apiVersion}` +
          ` (${range ? `it speaks v${range.min}-${range.max}` : 'not at all'}); Kafka 2.4 or later is needed`,
      );
    }
    return this.send(socket, apiKey, apiVersion, body, extraTimeoutMs);
  }

  private send(socket: Socket, apiKey: number, apiVersion: number, body: Writer, extraTimeoutMs = 0): Promise<Buffer> {
    const correlationId = this.nextCorrelationId;
    this.nextCorrelationId = (this.nextCorrelationId + 1) & 0x7fffffff;
    const header = new Writer(32).int16(apiKey).int16(apiVersion).int32(correlationId).string(this.options.clientId);
    const parts = [...header.toChunks(), ...body.toChunks()];
    let size = 0;
    for (const p of parts) size += p.length;
    const prefix = Buffer.allocUnsafe(4);
    prefix.writeInt32BE(size, 0);
    return new Promise<Buffer>((resolve, reject) => {
      const timeoutMs = this.options.requestTimeoutMs + extraTimeoutMs;
      const timer = setTimeout(() => {
        this.fail(new ConnectionError(`request (api ${apiKey}) to ${this.address} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.push({ correlationId, resolve, reject, timer });
      socket.cork();
      socket.write(prefix);
      for (const p of parts) socket.write(p);
      socket.uncork();
    });
  }

  /** ApiVersions v0 (every Kafka version answers it): the ranges checked before each request. */
  private async negotiate(socket: Socket): Promise<void> {
    const body = await this.send(socket, API_VERSIONS_KEY, 0, new Writer(0));
    const r = new Reader(body);
    const errorCode = r.int16();
    if (errorCode !== 0) throw new ConnectionError(`broker ${this.address} refused ApiVersions (error ${errorCode})`);
    this.versions.clear();
    r.array((x) => {
      const key = x.int16();
      this.versions.set(key, { min: x.int16(), max: x.int16() });
    });
  }

  close(): void {
    this.isClosed = true;
    this.fail(new ConnectionError(`connection to ${this.address} closed`));
  }

  private open(): Promise<Socket> {
    if (this.isClosed) return Promise.reject(new ConnectionError(`connection to ${this.address} closed`));
    if (this.connecting) return this.connecting;
    if (this.socket) return Promise.resolve(this.socket);
    this.connecting = new Promise<Socket>((resolve, reject) => {
      const socket = connect({ host: this.options.host, port: this.options.port, noDelay: true });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(
          new ConnectionError(`connecting to ${this.address} timed out after ${this.options.connectTimeoutMs} ms`),
        );
      }, this.options.connectTimeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        this.socket = socket;
        this.negotiate(socket).then(
          () => resolve(socket),
          (err: unknown) => {
            const error = err instanceof ConnectionError ? err : new ConnectionError(String(err), { cause: err });
            if (this.socket === socket) this.fail(error);
            reject(error);
          },
        );
      });
      socket.on('data', (chunk: Buffer) => this.onData(chunk));
      socket.on('error', (err) => {
        clearTimeout(timer);
        const error = new ConnectionError(`connection to ${this.address} failed: ${err.message}`, { cause: err });
        if (this.socket === socket) this.fail(error);
        else reject(error);
      });
      socket.once('close', () => {
        clearTimeout(timer);
        if (this.socket === socket)
          this.fail(new ConnectionError(`connection to ${this.address} closed by the broker`));
        else reject(new ConnectionError(`connection to ${this.address} closed while connecting`));
      });
    }).finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  /** Drops the socket and fails every waiting request; the next request reconnects. */
  private fail(err: Error): void {
    const socket = this.socket;
    this.socket = null;
    this.chunks = [];
    this.bufferedBytes = 0;
    socket?.destroy();
    const waiting = this.pending.splice(0);
    for (const p of waiting) {
      clearTimeout(p.timer);
      p.reject(err);
    }
  }

  private onData(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.bufferedBytes += chunk.length;
    while (this.bufferedBytes >= 4) {
      const size = this.peekSize();
      if (this.bufferedBytes < 4 + size) return;
      const frame = this.take(4 + size).subarray(4);
      this.deliver(frame);
      if (this.socket === null) return;
    }
  }

  private peekSize(): number {
    const first = this.chunks[0] as Buffer;
    if (first.length >= 4) return first.readInt32BE(0);
    const head = Buffer.allocUnsafe(4);
    let n = 0;
    for (const c of this.chunks) {
      n += c.copy(head, n, 0, Math.min(c.length, 4 - n));
      if (n === 4) break;
    }
    return head.readInt32BE(0);
  }

  /** Removes `n` bytes from the front of the chunk list; a view when one chunk holds them. */
  private take(n: number): Buffer {
    this.bufferedBytes -= n;
    const first = this.chunks[0] as Buffer;
    if (first.length >= n) {
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
      return first.subarray(0, n);
    }
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const c = this.chunks[0] as Buffer;
      const want = n - filled;
      if (c.length <= want) {
        c.copy(out, filled);
        filled += c.length;
        this.chunks.shift();
      } else {
        c.copy(out, filled, 0, want);
        filled += want;
        this.chunks[0] = c.subarray(want);
      }
    }
    return out;
  }

  private deliver(frame: Buffer): void {
    const correlationId = frame.readInt32BE(0);
    const next = this.pending[0];
    if (!next || next.correlationId !== correlationId) {
      this.fail(
        new ConnectionError(
          `broker ${this.address} answered correlation id ${correlationId}, expected ${next?.correlationId ?? 'none'}`,
        ),
      );
      return;
    }
    this.pending.shift();
    clearTimeout(next.timer);
    next.resolve(frame.subarray(4));
  }
}
