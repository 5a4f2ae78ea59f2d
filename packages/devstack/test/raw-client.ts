/**
 * A bare Kafka protocol client for tests that need requests no client library will
 * send on purpose: replayed batches, sequence gaps, stale epochs, transactional
 * batches for partitions never added. One request at a time over one socket.
 */
import { connect, type Socket } from 'node:net';
import { crc32c, Reader, Writer } from '@tributary/protocol';

export class RawClient {
  private correlationId = 0;
  private buffered = Buffer.alloc(0);
  private waiting: { resolve: (frame: Buffer) => void; reject: (err: Error) => void } | null = null;

  private constructor(private readonly socket: Socket) {
    socket.on('close', () => {
      const pending = this.waiting;
      this.waiting = null;
      pending?.reject(new Error('connection closed by the broker'));
    });
    socket.on('data', (chunk: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      if (this.buffered.length < 4) return;
      const size = this.buffered.readInt32BE(0);
      if (this.buffered.length < 4 + size) return;
      const frame = this.buffered.subarray(4, 4 + size);
      this.buffered = this.buffered.subarray(4 + size);
      const pending = this.waiting;
      this.waiting = null;
      pending?.resolve(frame);
    });
  }

  static open(bootstrap: string): Promise<RawClient> {
    const [host, port] = bootstrap.split(':');
    return new Promise((resolve, reject) => {
      const socket = connect(Number(port), host ?? '127.0.0.1', () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  /** Sends one request and returns a reader positioned after the response's correlation id. */
  request(apiKey: number, apiVersion: number, body: Writer): Promise<Reader> {
    const correlationId = ++this.correlationId;
    const payload = body.toBuffer();
    const head = new Writer(32)
      .int16(apiKey)
      .int16(apiVersion)
      .int32(correlationId)
      .nullableString('raw-test')
      .toBuffer();
    const size = Buffer.alloc(4);
    size.writeInt32BE(head.length + payload.length);
    return new Promise((resolve, reject) => {
      const onFrame = (frame: Buffer): void => {
        const r = new Reader(frame);
        const got = r.int32();
        if (got !== correlationId) reject(new Error(`correlation id ${got}, expected ${correlationId}`));
        else resolve(r);
      };
      this.waiting = { resolve: onFrame, reject };
      this.socket.write(Buffer.concat([size, head, payload]));
    });
  }

  close(): void {
    this.socket.destroy();
  }

  /** Creates `topic` (broker defaults: one partition) through Metadata v4 auto-creation. */
  async autoCreateTopic(topic: string): Promise<void> {
    await this.request(3, 4, new Writer().array([topic], (w, t) => w.string(t)).bool(true));
  }

  /** InitProducerId v1. */
  async initProducerId(
    transactionalId: string | null,
    transactionTimeoutMs = 60_000,
  ): Promise<{ errorCode: number; producerId: number; producerEpoch: number }> {
    const r = await this.request(22, 1, new Writer().nullableString(transactionalId).int32(transactionTimeoutMs));
    r.int32();
    return { errorCode: r.int16(), producerId: r.int64(), producerEpoch: r.int16() };
  }

  /** Produce v7, acks −1, one partition; returns that partition's error and base offset. */
  async produce(
    topic: string,
    partition: number,
    records: Buffer,
    transactionalId: string | null = null,
  ): Promise<{ errorCode: number; baseOffset: number }> {
    const body = new Writer()
      .nullableString(transactionalId)
      .int16(-1)
      .int32(5000)
      .array([topic], (w, t) => {
        w.string(t).array([partition], (x, p) => x.int32(p).bytes(records));
      });
    const r = await this.request(0, 7, body);
    r.int32();
    r.string();
    r.int32();
    r.int32();
    return { errorCode: r.int16(), baseOffset: r.int64() };
  }

  /** AddPartitionsToTxn v1; returns `topic:partition → error code`. */
  async addPartitionsToTxn(
    transactionalId: string,
    producerId: number,
    producerEpoch: number,
    topics: Record<string, number[]>,
  ): Promise<Record<string, number>> {
    const body = new Writer().string(transactionalId).int64(producerId).int16(producerEpoch);
    body.array(Object.entries(topics), (w, [name, partitions]) => {
      w.string(name).array(partitions, (x, p) => x.int32(p));
    });
    const r = await this.request(24, 1, body);
    r.int32();
    const out: Record<string, number> = {};
    for (const t of r.array((x) => ({
      name: x.string(),
      results: x.array((y) => ({ p: y.int32(), code: y.int16() })),
    }))) {
      for (const res of t.results) out[`${t.name}:${res.p}`] = res.code;
    }
    return out;
  }

  /** EndTxn v1; returns the error code. */
  async endTxn(transactionalId: string, producerId: number, producerEpoch: number, commit: boolean): Promise<number> {
    const r = await this.request(
      26,
      1,
      new Writer().string(transactionalId).int64(producerId).int16(producerEpoch).bool(commit),
    );
    r.int32();
    return r.int16();
  }

  /** AddOffsetsToTxn v1; returns the error code. */
  async addOffsetsToTxn(
    transactionalId: string,
    producerId: number,
    producerEpoch: number,
    groupId: string,
  ): Promise<number> {
    const r = await this.request(
      25,
      1,
      new Writer().string(transactionalId).int64(producerId).int16(producerEpoch).string(groupId),
    );
    r.int32();
    return r.int16();
  }

  /** TxnOffsetCommit v2 for one partition; returns its error code. */
  async txnOffsetCommit(
    transactionalId: string,
    groupId: string,
    producerId: number,
    producerEpoch: number,
    topic: string,
    partition: number,
    offset: number,
  ): Promise<number> {
    const body = new Writer().string(transactionalId).string(groupId).int64(producerId).int16(producerEpoch);
    body.array([topic], (w, t) => {
      w.string(t).array([partition], (x, p) => x.int32(p).int64(offset).int32(-1).nullableString(null));
    });
    const r = await this.request(28, 2, body);
    r.int32();
    r.int32();
    r.string();
    r.int32();
    r.int32();
    return r.int16();
  }

  /** ListOffsets v2 (−1: HWM, or the LSO when read committed). */
  async latestOffset(topic: string, partition: number, isReadCommitted = false): Promise<number> {
    const body = new Writer().int32(-1).int8(isReadCommitted ? 1 : 0);
    body.array([topic], (w, t) => {
      w.string(t).array([partition], (x, p) => x.int32(p).int64(-1));
    });
    const r = await this.request(2, 2, body);
    r.int32();
    r.int32();
    r.string();
    r.int32();
    r.int32();
    const errorCode = r.int16();
    if (errorCode !== 0) throw new Error(`ListOffsets error ${errorCode}`);
    r.int64();
    return r.int64();
  }
}

export interface BatchInput {
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  values: string[];
  isTransactional?: boolean;
}

/** An uncompressed v2 record batch, with its CRC-32C, as a producer would send it. */
export function recordBatch(input: BatchInput): Buffer {
  const records = input.values.map((value, i) => {
    const v = Buffer.from(value);
    const body = new Writer(32);
    body.int8(0);
    zigzag(body, 0); // timestamp delta
    zigzag(body, i); // offset delta
    zigzag(body, -1); // null key
    zigzag(body, v.length);
    const head = body.toBuffer();
    const tail = new Writer(2);
    zigzag(tail, 0); // header count
    const record = Buffer.concat([head, v, tail.toBuffer()]);
    const length = new Writer(5);
    zigzag(length, record.length);
    return Buffer.concat([length.toBuffer(), record]);
  });
  const payload = Buffer.concat(records);
  const now = BigInt(Date.now());
  const batch = Buffer.alloc(61 + payload.length);
  batch.writeBigInt64BE(0n, 0);
  batch.writeInt32BE(batch.length - 12, 8);
  batch.writeInt32BE(-1, 12);
  batch.writeInt8(2, 16);
  batch.writeInt16BE(input.isTransactional ? 0x10 : 0, 21);
  batch.writeInt32BE(input.values.length - 1, 23);
  batch.writeBigInt64BE(now, 27);
  batch.writeBigInt64BE(now, 35);
  batch.writeBigInt64BE(BigInt(input.producerId), 43);
  batch.writeInt16BE(input.producerEpoch, 51);
  batch.writeInt32BE(input.baseSequence, 53);
  batch.writeInt32BE(input.values.length, 57);
  payload.copy(batch, 61);
  batch.writeUInt32BE(crc32c(batch.subarray(21)), 17);
  return batch;
}

function zigzag(w: Writer, v: number): void {
  w.uvarint(v >= 0 ? v * 2 : -v * 2 - 1);
}
