/**
 * The background fetcher: at most one Fetch in flight per leader broker, on connections
 * of its own (a long-polling Fetch holds up the requests behind it on its connection),
 * started again as soon as one returns while fewer than maxBufferedBytes wait for
 * `next()`. A response is accepted for a partition only if the partition still sits at
 * the offset (and seek generation) it was requested at, so a late answer from an old
 * leader or from before a seek is dropped.
 */
import { decodeFetchResponse, encodeFetchRequest, FETCH_KEY, FETCH_VERSION, type FetchRequest } from './api/fetch.js';
import type { BrokerConnection } from './broker-connection.js';
import { ConnectionError } from './broker-connection.js';
import { type Cluster, tpKey } from './cluster.js';
import type { BatchFetcher, FetchedPartition, FetcherOptions, ForwardBatch, PartitionPosition } from './contract.js';
import { toForwardBatches } from './forward-batches.js';
import { errorName, isRetriable, isStaleMetadata } from './kafka-errors.js';

const OFFSET_OUT_OF_RANGE = 1;
const UNKNOWN_TOPIC_OR_PARTITION = 3;
const LEADER_NOT_AVAILABLE = 5;

interface Assigned {
  readonly topic: string;
  readonly partition: number;
  readonly key: string;
  /** The offset given by the last assign/seek. */
  requestedOffset: number;
  /** The next offset to fetch. */
  offset: number;
  generation: number;
  /** Set once an error was reported; cleared by seek/assign. */
  isStopped: boolean;
  /** The node whose request holds this partition, or −1. */
  inFlightNode: number;
  /** When the partition first had no leader / was unknown in a row. */
  unroutableSince: number | null;
}

interface Buffered {
  topic: string;
  partition: number;
  errorCode: number;
  errorMessage: string | null;
  batches: ForwardBatch[];
  nextOffset: number;
  highWatermark: number;
  lastStableOffset: number;
  logStartOffset: number;
  bytes: number;
}

export class Fetcher implements BatchFetcher {
  private readonly parts = new Map<string, Assigned>();
  private readonly buffer = new Map<string, Buffered>();
  private bufferedBytes = 0;
  private readonly connections = new Map<number, BrokerConnection>();
  private readonly inFlight = new Set<number>();
  private readonly nodeBackoff = new Map<number, { until: number; failingSince: number; delayMs: number }>();
  private waiters: (() => void)[] = [];
  private failure: Error | null = null;
  private isClosed = false;
  private refreshing: Promise<void> | null = null;
  private refreshFailingSince: number | null = null;
  private lastRefreshAt = 0;
  private wakeTimer: NodeJS.Timeout | null = null;
  private rotation = 0;
  private readonly isReadCommitted: boolean;
  private readonly isDecodeOnly: boolean;
  private readonly maxWaitMs: number;
  private readonly minBytes: number;
  private readonly maxBytes: number;
  private readonly partitionMaxBytes: number;
  private readonly maxBufferedBytes: number;

  constructor(
    private readonly cluster: Cluster,
    options: FetcherOptions,
  ) {
    this.isReadCommitted = (options.isolation ?? 'read_committed') === 'read_committed';
    this.isDecodeOnly = options.isDecodeOnly ?? false;
    this.maxWaitMs = options.maxWaitMs ?? 500;
    this.minBytes = options.minBytes ?? 1;
    this.maxBytes = options.maxBytes ?? 52_428_800;
    this.partitionMaxBytes = options.partitionMaxBytes ?? 1_048_576;
    this.maxBufferedBytes = options.maxBufferedBytes ?? 64 * 1024 * 1024;
  }

  assign(positions: readonly PartitionPosition[]): void {
    this.checkOpen();
    const keep = new Set<string>();
    for (const pos of positions) {
      const key = tpKey(pos.topic, pos.partition);
      keep.add(key);
      const existing = this.parts.get(key);
      if (existing && existing.requestedOffset === pos.offset && !existing.isStopped) continue;
      if (existing) {
        this.reposition(existing, pos.offset);
        continue;
      }
      this.parts.set(key, {
        topic: pos.topic,
        partition: pos.partition,
        key,
        requestedOffset: pos.offset,
        offset: pos.offset,
        generation: 0,
        isStopped: false,
        inFlightNode: -1,
        unroutableSince: null,
      });
    }
    for (const [key, p] of this.parts) {
      if (keep.has(key)) continue;
      p.generation++;
      this.parts.delete(key);
      this.dropBuffered(key);
    }
    this.schedule();
  }

  seek(position: PartitionPosition): void {
    this.checkOpen();
    const p = this.parts.get(tpKey(position.topic, position.partition));
    if (!p) throw new Error(`seek: ${position.topic}-${position.partition} is not assigned to this fetcher`);
    this.reposition(p, position.offset);
    this.schedule();
  }

  async next(timeoutMs: number, signal?: AbortSignal): Promise<FetchedPartition[]> {
    if (this.failure) throw this.failure;
    if (this.buffer.size === 0 && !this.isClosed && !signal?.aborted) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', done);
          this.waiters = this.waiters.filter((w) => w !== done);
          resolve();
        };
        const timer = setTimeout(done, Math.max(0, timeoutMs));
        signal?.addEventListener('abort', done, { once: true });
        this.waiters.push(done);
      });
    }
    if (this.failure) throw this.failure;
    if (signal?.aborted) return [];
    return this.drain();
  }

  async close(): Promise<void> {
    if (this.isClosed) return;
    this.isClosed = true;
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    for (const c of this.connections.values()) c.close();
    this.connections.clear();
    this.buffer.clear();
    this.bufferedBytes = 0;
    this.wake();
  }

  private checkOpen(): void {
    if (this.isClosed) throw new Error('the fetcher is closed');
  }

  private reposition(p: Assigned, offset: number): void {
    p.requestedOffset = offset;
    p.offset = offset;
    p.generation++;
    p.isStopped = false;
    p.unroutableSince = null;
    this.dropBuffered(p.key);
  }

  private dropBuffered(key: string): void {
    const b = this.buffer.get(key);
    if (!b) return;
    this.bufferedBytes -= b.bytes;
    this.buffer.delete(key);
  }

  private drain(): FetchedPartition[] {
    const out = [...this.buffer.values()];
    this.buffer.clear();
    this.bufferedBytes = 0;
    this.schedule();
    return out;
  }

  private wake(): void {
    const waiting = this.waiters;
    this.waiters = [];
    for (const w of waiting) w();
  }

  private fail(err: Error): void {
    if (this.failure) return;
    this.failure = err;
    this.wake();
  }

  private bufferFor(p: Assigned): Buffered {
    let b = this.buffer.get(p.key);
    if (!b) {
      b = {
        topic: p.topic,
        partition: p.partition,
        errorCode: 0,
        errorMessage: null,
        batches: [],
        nextOffset: p.offset,
        highWatermark: -1,
        lastStableOffset: -1,
        logStartOffset: -1,
        bytes: 0,
      };
      this.buffer.set(p.key, b);
    }
    return b;
  }

  private report(p: Assigned, errorCode: number, message: string | null = null): void {
    p.isStopped = true;
    const b = this.bufferFor(p);
    b.errorCode = errorCode;
    b.errorMessage = `fetching ${p.topic}-${p.partition} at offset ${p.offset} failed with ${errorName(errorCode)} (${errorCode})${message ? `: ${message}` : ''}`;
    b.nextOffset = p.offset;
    this.wake();
  }

  private connectionTo(nodeId: number): BrokerConnection {
    let conn = this.connections.get(nodeId);
    if (conn) return conn;
    const broker = this.cluster.broker(nodeId);
    if (!broker) throw new ConnectionError(`broker ${nodeId} is not in the metadata`);
    conn = this.cluster.newConnection(broker.host, broker.port);
    this.connections.set(nodeId, conn);
    return conn;
  }

  /** Sends a Fetch to every leader that has fetchable partitions and nothing in flight. */
  private schedule(): void {
    if (this.isClosed || this.failure) return;
    if (this.bufferedBytes >= this.maxBufferedBytes) return;
    const now = Date.now();
    const byNode = new Map<number, Assigned[]>();
    let needsRefresh = false;
    let nextWake = Number.POSITIVE_INFINITY;
    for (const p of this.parts.values()) {
      if (p.isStopped || p.inFlightNode >= 0) continue;
      const leader = this.cluster.leaderFor(p.topic, p.partition);
      if (leader === undefined || leader < 0) {
        p.unroutableSince ??= now;
        if (now - p.unroutableSince > this.cluster.config.retryTimeoutMs) {
          this.report(p, leader === undefined ? UNKNOWN_TOPIC_OR_PARTITION : LEADER_NOT_AVAILABLE);
        } else {
          needsRefresh = true;
        }
        continue;
      }
      if (this.inFlight.has(leader)) continue;
      const backoff = this.nodeBackoff.get(leader);
      if (backoff && backoff.until > now) {
        nextWake = Math.min(nextWake, backoff.until);
        continue;
      }
      const list = byNode.get(leader);
      if (list) list.push(p);
      else byNode.set(leader, [p]);
    }
    if (needsRefresh) this.refreshMetadata();
    if (nextWake !== Number.POSITIVE_INFINITY) this.wakeAt(nextWake);
    for (const [nodeId, partitions] of byNode) void this.fetchFrom(nodeId, partitions);
  }

  private wakeAt(when: number): void {
    if (this.wakeTimer) return;
    this.wakeTimer = setTimeout(
      () => {
        this.wakeTimer = null;
        this.schedule();
      },
      Math.max(1, when - Date.now()),
    );
  }

  private refreshMetadata(): void {
    if (this.refreshing || this.isClosed) return;
    // At most one refresh per 100 ms while partitions stay unroutable.
    const waitMs = Math.max(0, this.lastRefreshAt + 100 - Date.now());
    this.refreshing = (async () => {
      if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
      if (this.isClosed) return;
      const topics = [...new Set([...this.parts.values()].map((p) => p.topic))];
      this.lastRefreshAt = Date.now();
      try {
        await this.cluster.metadata(topics);
        this.refreshFailingSince = null;
      } catch (err) {
        if (!(err instanceof ConnectionError)) {
          this.fail(err as Error);
          return;
        }
        const now = Date.now();
        this.refreshFailingSince ??= now;
        if (now - this.refreshFailingSince > this.cluster.config.retryTimeoutMs) {
          this.fail(
            new Error(`fetcher: metadata unavailable for ${this.cluster.config.retryTimeoutMs} ms: ${err.message}`, {
              cause: err,
            }),
          );
        }
      }
    })().finally(() => {
      this.refreshing = null;
      this.schedule();
    });
  }

  private async fetchFrom(nodeId: number, partitions: Assigned[]): Promise<void> {
    this.inFlight.add(nodeId);
    // Rotate so that every partition gets to be first (and fetch an oversized batch).
    const start = this.rotation++ % partitions.length;
    const ordered = [...partitions.slice(start), ...partitions.slice(0, start)];
    const sent = ordered.map((p) => ({ p, offset: p.offset, generation: p.generation }));
    for (const p of ordered) p.inFlightNode = nodeId;
    const topics = new Map<string, { partition: number; offset: number; maxBytes: number }[]>();
    for (const s of sent) {
      const list = topics.get(s.p.topic) ?? [];
      list.push({ partition: s.p.partition, offset: s.offset, maxBytes: this.partitionMaxBytes });
      topics.set(s.p.topic, list);
    }
    const request: FetchRequest = {
      maxWaitMs: this.maxWaitMs,
      minBytes: this.minBytes,
      maxBytes: this.maxBytes,
      isReadCommitted: this.isReadCommitted,
      topics: [...topics].map(([topic, parts]) => ({ topic, partitions: parts })),
    };
    let body: Buffer | null = null;
    let error: Error | null = null;
    try {
      body = await this.connectionTo(nodeId).request(
        FETCH_KEY,
        FETCH_VERSION,
        encodeFetchRequest(request),
        this.maxWaitMs,
      );
    } catch (err) {
      error = err as Error;
    }
    this.inFlight.delete(nodeId);
    for (const s of sent) if (s.p.inFlightNode === nodeId) s.p.inFlightNode = -1;
    if (this.isClosed) return;
    try {
      if (body === null) throw error ?? new Error('no response');
      this.handleResponse(nodeId, body, sent);
    } catch (err) {
      if (err instanceof ConnectionError) this.nodeFailed(nodeId, err);
      else this.fail(err as Error);
    }
    this.schedule();
  }

  private nodeFailed(nodeId: number, err: Error): void {
    const now = Date.now();
    const prev = this.nodeBackoff.get(nodeId);
    const failingSince = prev?.failingSince ?? now;
    if (now - failingSince > this.cluster.config.retryTimeoutMs) {
      const broker = this.cluster.broker(nodeId);
      this.fail(
        new Error(
          `fetcher: broker ${nodeId} (${broker ? `${broker.host}:${broker.port}` : 'unknown'}) failing for ${this.cluster.config.retryTimeoutMs} ms: ${err.message}`,
          { cause: err },
        ),
      );
      return;
    }
    const delayMs = Math.min((prev?.delayMs ?? 50) * 2, 1000);
    this.nodeBackoff.set(nodeId, { until: now + delayMs, failingSince, delayMs });
    // The leader may have moved.
    this.refreshMetadata();
  }

  private handleResponse(
    nodeId: number,
    body: Buffer,
    sent: { p: Assigned; offset: number; generation: number }[],
  ): void {
    const response = decodeFetchResponse(body);
    if (response.errorCode !== 0) {
      throw new ConnectionError(`fetch from broker ${nodeId} failed with ${errorName(response.errorCode)}`);
    }
    this.nodeBackoff.delete(nodeId);
    const sentByKey = new Map(sent.map((s) => [s.p.key, s]));
    let isStale = false;
    let hasRetriable = false;
    let hasData = false;
    for (const r of response.partitions) {
      const key = tpKey(r.topic, r.partition);
      const s = sentByKey.get(key);
      const p = this.parts.get(key);
      if (!s || !p || p !== s.p || p.generation !== s.generation || p.offset !== s.offset || p.isStopped) continue;
      if (r.errorCode === 0) {
        p.unroutableSince = null;
        const result = toForwardBatches(r.records, s.offset, r.aborted, this.isReadCommitted, this.isDecodeOnly);
        if (result.nextOffset !== p.offset || result.batches.length > 0) {
          const b = this.bufferFor(p);
          for (const batch of result.batches) b.batches.push(batch);
          b.bytes += result.bytes;
          this.bufferedBytes += result.bytes;
          b.nextOffset = result.nextOffset;
          b.highWatermark = r.highWatermark;
          b.lastStableOffset = r.lastStableOffset;
          b.logStartOffset = r.logStartOffset;
          p.offset = result.nextOffset;
          hasData = true;
        }
        if (result.errorCode !== 0) this.report(p, result.errorCode, result.errorMessage);
        continue;
      }
      if (r.errorCode === OFFSET_OUT_OF_RANGE || !isRetriable(r.errorCode)) {
        const b = this.bufferFor(p);
        b.highWatermark = r.highWatermark;
        b.lastStableOffset = r.lastStableOffset;
        b.logStartOffset = r.logStartOffset;
        this.report(p, r.errorCode);
        continue;
      }
      if (isStaleMetadata(r.errorCode)) {
        isStale = true;
        this.cluster.forgetTopic(p.topic);
      }
      // Retriable: retried until retryTimeoutMs, then reported.
      hasRetriable = true;
      p.unroutableSince ??= Date.now();
      if (Date.now() - p.unroutableSince > this.cluster.config.retryTimeoutMs) this.report(p, r.errorCode);
    }
    if (hasRetriable) {
      const delayMs = 100;
      this.nodeBackoff.set(nodeId, { until: Date.now() + delayMs, failingSince: Date.now(), delayMs });
    }
    if (isStale) this.refreshMetadata();
    if (hasData) this.wake();
  }
}
