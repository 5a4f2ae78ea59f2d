/**
 * A bare-bones Kafka client for group-protocol tests: sends one request frame, returns
 * the response body. kafkajs hides the states these tests need (a member that never
 * heartbeats again, exact error codes, JoinGroup v3 vs v5), so they speak the wire
 * protocol directly, one request at a time per connection as real clients do.
 */
import { connect, type Socket } from 'node:net';
import { Reader, Writer } from '@tributary/protocol';

export class WireClient {
  private buffered = Buffer.alloc(0);
  private nextCorrelationId = 1;
  private readonly waiting = new Map<number, { resolve: (body: Reader) => void; reject: (err: Error) => void }>();

  private constructor(
    private readonly socket: Socket,
    private readonly clientId: string,
  ) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('close', () => {
      for (const [id, w] of this.waiting) w.reject(new Error(`connection closed before response ${id}`));
      this.waiting.clear();
    });
  }

  static open(bootstrap: string, clientId = 'wire-test'): Promise<WireClient> {
    const [host = '127.0.0.1', port = '0'] = bootstrap.split(':');
    return new Promise((resolve, reject) => {
      const socket = connect(Number(port), host, () => {
        socket.off('error', reject);
        resolve(new WireClient(socket, clientId));
      });
      socket.once('error', reject);
    });
  }

  /** Sends a request and resolves with the response body (after the correlation id). */
  request(apiKey: number, apiVersion: number, writeBody: (w: Writer) => void): Promise<Reader> {
    const correlationId = this.nextCorrelationId++;
    const w = new Writer(128);
    w.int16(apiKey).int16(apiVersion).int32(correlationId).nullableString(this.clientId);
    writeBody(w);
    const body = w.toBuffer();
    const size = Buffer.alloc(4);
    size.writeInt32BE(body.length);
    return new Promise((resolve, reject) => {
      this.waiting.set(correlationId, { resolve, reject });
      this.socket.write(Buffer.concat([size, body]));
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.buffered = Buffer.concat([this.buffered, chunk]);
    while (this.buffered.length >= 4) {
      const size = this.buffered.readInt32BE(0);
      if (this.buffered.length < 4 + size) return;
      const frame = this.buffered.subarray(4, 4 + size);
      this.buffered = this.buffered.subarray(4 + size);
      const r = new Reader(frame);
      const correlationId = r.int32();
      const waiter = this.waiting.get(correlationId);
      this.waiting.delete(correlationId);
      waiter?.resolve(r);
    }
  }
}

export interface JoinResponse {
  errorCode: number;
  generationId: number;
  protocolName: string;
  leaderId: string;
  memberId: string;
  members: { memberId: string; metadata: Buffer }[];
}

export interface JoinOptions {
  groupId: string;
  memberId?: string;
  sessionTimeoutMs?: number;
  rebalanceTimeoutMs?: number;
  protocols?: { name: string; metadata: Buffer }[];
  /** 5 by default (MEMBER_ID_REQUIRED applies); 3 joins directly. */
  version?: 3 | 5;
}

export async function joinGroup(c: WireClient, o: JoinOptions): Promise<JoinResponse> {
  const v = o.version ?? 5;
  const r = await c.request(11, v, (w) => {
    w.string(o.groupId)
      .int32(o.sessionTimeoutMs ?? 10_000)
      .int32(o.rebalanceTimeoutMs ?? 10_000)
      .string(o.memberId ?? '');
    if (v >= 5) w.nullableString(null);
    w.string('consumer');
    w.array(o.protocols ?? [{ name: 'range', metadata: Buffer.from('m') }], (x, p) =>
      x.string(p.name).bytes(p.metadata),
    );
  });
  r.int32();
  const errorCode = r.int16();
  const generationId = r.int32();
  const protocolName = r.string();
  const leaderId = r.string();
  const memberId = r.string();
  const members = r.array((m) => {
    const id = m.string();
    if (v >= 5) m.nullableString();
    return { memberId: id, metadata: m.bytes() };
  });
  return { errorCode, generationId, protocolName, leaderId, memberId, members };
}

/** JoinGroup v5 twice, as clients do: the first answer is MEMBER_ID_REQUIRED with the id to use. */
export async function joinWithMemberId(
  c: WireClient,
  o: Omit<JoinOptions, 'memberId' | 'version'>,
): Promise<JoinResponse> {
  const first = await joinGroup(c, o);
  if (first.errorCode !== 79) throw new Error(`expected MEMBER_ID_REQUIRED, got ${first.errorCode}`);
  return joinGroup(c, { ...o, memberId: first.memberId });
}

export async function syncGroup(
  c: WireClient,
  groupId: string,
  generationId: number,
  memberId: string,
  assignments: { memberId: string; assignment: Buffer }[] = [],
): Promise<{ errorCode: number; assignment: Buffer }> {
  const r = await c.request(14, 3, (w) => {
    w.string(groupId).int32(generationId).string(memberId).nullableString(null);
    w.array(assignments, (x, a) => x.string(a.memberId).bytes(a.assignment));
  });
  r.int32();
  return { errorCode: r.int16(), assignment: r.bytes() };
}

export async function heartbeat(
  c: WireClient,
  groupId: string,
  generationId: number,
  memberId: string,
): Promise<number> {
  const r = await c.request(12, 3, (w) => w.string(groupId).int32(generationId).string(memberId).nullableString(null));
  r.int32();
  return r.int16();
}

export interface CommitPartition {
  partition: number;
  offset: number;
  metadata?: string | null;
}

/** OffsetCommit v7; returns `topic/partition → error code`. */
export async function commitOffsets(
  c: WireClient,
  o: {
    groupId: string;
    generationId: number;
    memberId: string;
    topics: { name: string; partitions: CommitPartition[] }[];
  },
): Promise<Map<string, number>> {
  const r = await c.request(8, 7, (w) => {
    w.string(o.groupId).int32(o.generationId).string(o.memberId).nullableString(null);
    w.array(o.topics, (x, t) => {
      x.string(t.name);
      x.array(t.partitions, (y, p) =>
        y
          .int32(p.partition)
          .int64(p.offset)
          .int32(-1)
          .nullableString(p.metadata ?? null),
      );
    });
  });
  r.int32();
  const errors = new Map<string, number>();
  for (const t of r.array((x) => ({
    name: x.string(),
    partitions: x.array((y) => ({ partition: y.int32(), errorCode: y.int16() })),
  }))) {
    for (const p of t.partitions) errors.set(`${t.name}/${p.partition}`, p.errorCode);
  }
  return errors;
}

/** OffsetFetch v5; `topics` null asks for every committed partition. */
export async function fetchOffsets(
  c: WireClient,
  groupId: string,
  topics: { name: string; partitions: number[] }[] | null,
): Promise<
  { name: string; partitions: { partition: number; offset: number; metadata: string | null; errorCode: number }[] }[]
> {
  const r = await c.request(9, 5, (w) => {
    w.string(groupId);
    w.nullableArray(topics, (x, t) => x.string(t.name).array(t.partitions, (y, p) => y.int32(p)));
  });
  r.int32();
  return r.array((x) => ({
    name: x.string(),
    partitions: x.array((y) => {
      const partition = y.int32();
      const offset = y.int64();
      y.int32();
      return { partition, offset, metadata: y.nullableString(), errorCode: y.int16() };
    }),
  }));
}

export async function listGroups(c: WireClient): Promise<{ groupId: string; protocolType: string }[]> {
  const r = await c.request(16, 2, () => {});
  r.int32();
  r.int16();
  return r.array((x) => ({ groupId: x.string(), protocolType: x.string() }));
}
