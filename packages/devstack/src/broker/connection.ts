/**
 * One client connection: splits the byte stream into size-prefixed frames, runs
 * requests strictly one at a time in arrival order (Kafka mutes a channel until its
 * response is written; clients rely on that order), and writes each response as
 * header + body chunks without copying record data.
 */
import type { Socket } from 'node:net';
import type { Writer } from '@tributary/protocol';
import { ProtocolError, Reader } from '@tributary/protocol';
import { CloseConnection, type RequestContext } from './api/api-handler.js';
import { answerUnsupportedApiVersions, apiByKey } from './api/api-table.js';
import type { BrokerState } from './broker-state.js';

const PAUSE_QUEUED_BYTES = 64 * 1024 * 1024;

export class Connection {
  private readonly chunks: Buffer[] = [];
  private buffered = 0;
  private readonly queue: Buffer[] = [];
  private queuedBytes = 0;
  private isBusy = false;
  private isClosed = false;
  private readonly clientHost: string;
  private readonly closed = new AbortController();

  constructor(
    private readonly socket: Socket,
    private readonly state: BrokerState,
  ) {
    this.clientHost = `/${socket.remoteAddress ?? 'unknown'}`.replace('/::ffff:', '/');
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => this.close());
    socket.on('close', () => {
      this.isClosed = true;
      this.closed.abort();
    });
  }

  close(reason?: string): void {
    if (reason) this.state.options.log('warn', `closing connection from ${this.clientHost}: ${reason}`);
    this.isClosed = true;
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    while (this.buffered >= 4) {
      const size = this.peekInt32();
      if (size < 8 || size > this.state.options.socketRequestMaxBytes) {
        this.close(
          `invalid request size ${size} (socket.request.max.bytes ${this.state.options.socketRequestMaxBytes})`,
        );
        return;
      }
      if (this.buffered < 4 + size) break;
      this.take(4);
      const frame = this.take(size);
      this.queue.push(frame);
      this.queuedBytes += frame.length;
    }
    if (this.queuedBytes > PAUSE_QUEUED_BYTES) this.socket.pause();
    void this.run();
  }

  private peekInt32(): number {
    const first = this.chunks[0] as Buffer;
    if (first.length >= 4) return first.readInt32BE(0);
    return this.takeCopy(4, false).readInt32BE(0);
  }

  private take(n: number): Buffer {
    const first = this.chunks[0] as Buffer;
    if (first.length >= n) {
      const out = first.subarray(0, n);
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
      this.buffered -= n;
      return out;
    }
    return this.takeCopy(n, true);
  }

  private takeCopy(n: number, consume: boolean): Buffer {
    const out = Buffer.allocUnsafe(n);
    let got = 0;
    let i = 0;
    while (got < n) {
      const c = this.chunks[i] as Buffer;
      const use = Math.min(c.length, n - got);
      c.copy(out, got, 0, use);
      got += use;
      if (consume) {
        if (use === c.length) this.chunks.shift();
        else this.chunks[0] = c.subarray(use);
      } else {
        i++;
      }
    }
    if (consume) this.buffered -= n;
    return out;
  }

  private async run(): Promise<void> {
    if (this.isBusy) return;
    this.isBusy = true;
    try {
      while (this.queue.length > 0 && !this.isClosed) {
        const frame = this.queue.shift() as Buffer;
        this.queuedBytes -= frame.length;
        if (this.queuedBytes <= PAUSE_QUEUED_BYTES && this.socket.isPaused()) this.socket.resume();
        await this.handle(frame);
      }
    } finally {
      this.isBusy = false;
    }
  }

  private async handle(frame: Buffer): Promise<void> {
    const r = new Reader(frame);
    let apiKey = -1;
    let apiVersion = -1;
    let correlationId = 0;
    try {
      apiKey = r.int16();
      apiVersion = r.int16();
      correlationId = r.int32();
      const clientId = r.nullableString();
      const api = apiByKey(apiKey);
      if (!api) throw new CloseConnection(`unknown API key ${apiKey}`);
      if (apiVersion < api.minVersion || apiVersion > api.maxVersion) {
        if (apiKey === 18) return this.respond(correlationId, answerUnsupportedApiVersions());
        throw new CloseConnection(`unsupported ${api.name} version ${apiVersion}`);
      }
      // Request header v2 (flexible versions; here only ApiVersions v3) ends with tags.
      if (apiKey === 18 && apiVersion >= 3) r.skipTags();
      const ctx: RequestContext = {
        state: this.state,
        apiVersion,
        correlationId,
        clientId,
        clientHost: this.clientHost,
        connectionClosed: this.closed.signal,
      };
      const pending = api.handle(r, ctx);
      const body = pending instanceof Promise ? await pending : pending;
      if (body !== null && !this.isClosed) await this.respond(correlationId, body);
    } catch (err) {
      if (err instanceof CloseConnection || err instanceof ProtocolError || err instanceof RangeError) {
        this.close(`${err.message} (api ${apiKey} v${apiVersion})`);
      } else {
        this.state.options.log('error', `request api ${apiKey} v${apiVersion} failed: ${(err as Error).stack ?? err}`);
        this.close();
      }
    }
  }

  private respond(correlationId: number, body: Writer): Promise<void> | undefined {
    // A destroyed socket never emits 'drain' or 'close' again: waiting would stall this
    // connection's request loop forever.
    if (this.socket.destroyed) return undefined;
    const chunks = body.toChunks();
    const head = Buffer.allocUnsafe(8);
    head.writeInt32BE(4 + body.length, 0);
    head.writeInt32BE(correlationId, 4);
    this.socket.cork();
    this.socket.write(head);
    let isFull = false;
    for (const c of chunks) isFull = !this.socket.write(c);
    this.socket.uncork();
    if (!isFull || this.socket.destroyed) return undefined;
    return new Promise((resolve) => {
      const done = (): void => {
        this.socket.off('drain', done);
        this.socket.off('close', done);
        resolve();
      };
      this.socket.on('drain', done);
      this.socket.on('close', done);
    });
  }
}
