/**
 * TxnOffsetCommit (key 28), v0-2.
 * Request: TransactionalId string, GroupId string, ProducerId int64, ProducerEpoch int16,
 * Topics [Name string, Partitions [PartitionIndex int32, CommittedOffset int64,
 * CommittedLeaderEpoch int32 (v2+), CommittedMetadata nullable string]].
 * Response: ThrottleTimeMs int32, Topics [Name string, Partitions [PartitionIndex int32,
 * ErrorCode int16]].
 * Sent to the group coordinator after AddOffsetsToTxn. The offsets stay staged in the
 * transaction, invisible to OffsetFetch, until EndTxn commits them.
 */
import type { Reader } from '@tributary/protocol';
import { Writer } from '@tributary/protocol';
import type { ApiHandler, RequestContext } from './api-handler.js';

export const txnOffsetCommitApi: ApiHandler = {
  key: 28,
  name: 'TxnOffsetCommit',
  minVersion: 0,
  maxVersion: 2,
  handle(req: Reader, ctx: RequestContext): Writer {
    const v = ctx.apiVersion;
    const transactionalId = req.string();
    const groupId = req.string();
    const producerId = req.int64();
    const producerEpoch = req.int16();
    const topics = req.array((r) => ({
      name: r.string(),
      partitions: r.array((p) => ({
        partition: p.int32(),
        offset: p.int64(),
        leaderEpoch: v >= 2 ? p.int32() : -1,
        metadata: p.nullableString(),
      })),
    }));
    const results = ctx.state.transactions.commitOffsets(transactionalId, groupId, producerId, producerEpoch, topics);
    const w = new Writer(64 + topics.length * 32);
    w.int32(0);
    w.array(results, (x, t) => {
      x.string(t.name);
      x.array(t.partitions, (y, p) => y.int32(p.partition).int16(p.errorCode));
    });
    return w;
  },
};
