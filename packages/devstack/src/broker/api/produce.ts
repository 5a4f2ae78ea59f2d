/**
 * Produce (key 0), advertised v0-8 so that librdkafka < 2.11.1 enables compression
 * (it checks that Produce v0 is in range); v0-2 requests close the connection, as
 * Kafka 4 does.
 * Request v3-8: TransactionalId nullable string, Acks int16, TimeoutMs int32,
 * TopicData [Name string, PartitionData [Index int32, Records records]].
 * Response: Responses [Name string, PartitionResponses [Index int32, ErrorCode int16,
 * BaseOffset int64, LogAppendTimeMs int64, LogStartOffset int64 (v5+), RecordErrors
 * [BatchIndex int32, BatchIndexErrorMessage nullable string] (v8+), ErrorMessage nullable
 * string (v8+)]], ThrottleTimeMs int32.
 * acks=0 gets no response; when it fails, the connection is closed instead.
 */

import type { Reader } from '@tributary/protocol';
import { ErrorCode, Writer } from '@tributary/protocol';
import { type ApiHandler, CloseConnection, type RequestContext } from './api-handler.js';

interface PartitionResult {
  index: number;
  errorCode: number;
  baseOffset: number;
  logStartOffset: number;
  message: string | null;
}

export const produceApi: ApiHandler = {
  key: 0,
  name: 'Produce',
  minVersion: 0,
  maxVersion: 8,
  handle(req: Reader, ctx: RequestContext): Writer | null {
    const v = ctx.apiVersion;
    if (v < 3) throw new CloseConnection(`Produce v${v} (message format < 2) is not supported`);
    const { state } = ctx;
    const transactionalId = req.nullableString();
    const acks = req.int16();
    req.int32();
    const topics = req.array((r) => ({
      name: r.string(),
      partitions: r.array((p) => ({ index: p.int32(), records: p.nullableBytes() })),
    }));

    let hasError = false;
    const results = topics.map((t) => {
      const topic = state.topics.get(t.name) ?? (state.autoCreate(t.name) ? state.topics.get(t.name) : undefined);
      const partitions = t.partitions.map((p): PartitionResult => {
        const log = topic?.partitions[p.index];
        const fail = (errorCode: number, message: string | null = null): PartitionResult => {
          hasError = true;
          return { index: p.index, errorCode, baseOffset: -1, logStartOffset: -1, message };
        };
        if (acks !== 0 && acks !== 1 && acks !== -1) return fail(ErrorCode.INVALID_REQUIRED_ACKS);
        if (!topic || !log) return fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
        if (p.records === null || p.records.length === 0) return fail(ErrorCode.CORRUPT_MESSAGE, 'empty records');
        const txnCheck = state.checkTransactionalProduce(transactionalId, p.records, t.name, p.index);
        if (txnCheck !== ErrorCode.NONE) return fail(txnCheck);
        const result = log.append(p.records, state.topics.numericConfig(topic, 'max.message.bytes'));
        if (result.errorCode !== ErrorCode.NONE) return fail(result.errorCode, result.message ?? null);
        return {
          index: p.index,
          errorCode: 0,
          baseOffset: result.baseOffset,
          logStartOffset: log.logStartOffset,
          message: null,
        };
      });
      return { name: t.name, partitions };
    });
    state.waiters.notify();

    if (acks === 0) {
      if (hasError) throw new CloseConnection('acks=0 produce failed');
      return null;
    }
    const w = new Writer(64 + results.length * 64);
    w.array(results, (x, t) => {
      x.string(t.name);
      x.array(t.partitions, (y, p) => {
        y.int32(p.index).int16(p.errorCode).int64(p.baseOffset).int64(-1);
        if (v >= 5) y.int64(p.logStartOffset);
        if (v >= 8) y.array([], () => {}).nullableString(p.message);
      });
    });
    return w.int32(0);
  },
};
