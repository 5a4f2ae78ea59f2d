/**
 * AddPartitionsToTxn (key 24), v0-1.
 * Request: TransactionalId string, ProducerId int64, ProducerEpoch int16, Topics [Name
 * string, Partitions [int32]].
 * Response: ThrottleTimeMs int32, Results [Name string, Results [PartitionIndex int32,
 * ErrorCode int16]].
 * Sent before the first transactional Produce to each partition. All or nothing: one
 * unknown partition fails the request (siblings get OPERATION_NOT_ATTEMPTED).
 */
import type { Reader } from '@tributary/protocol';
import { Writer } from '@tributary/protocol';
import type { ApiHandler, RequestContext } from './api-handler.js';

export const addPartitionsToTxnApi: ApiHandler = {
  key: 24,
  name: 'AddPartitionsToTxn',
  minVersion: 0,
  maxVersion: 1,
  handle(req: Reader, ctx: RequestContext): Writer {
    const transactionalId = req.string();
    const producerId = req.int64();
    const producerEpoch = req.int16();
    const topics = req.array((r) => ({ name: r.string(), partitions: r.array((p) => p.int32()) }));
    const results = ctx.state.transactions.addPartitions(transactionalId, producerId, producerEpoch, topics);
    const w = new Writer(64 + topics.length * 32);
    w.int32(0);
    w.array(results, (x, t) => {
      x.string(t.name);
      x.array(t.partitions, (y, p) => y.int32(p.partition).int16(p.errorCode));
    });
    return w;
  },
};
