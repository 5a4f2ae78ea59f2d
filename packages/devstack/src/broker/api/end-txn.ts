/**
 * EndTxn (key 26), v0-1.
 * Request: TransactionalId string, ProducerId int64, ProducerEpoch int16, Committed bool.
 * Response: ThrottleTimeMs int32, ErrorCode int16.
 * Commits or aborts: writes a marker to every partition of the transaction (waking
 * read_committed fetches) and, on commit, applies the staged group offsets, before
 * answering.
 */
import type { Reader } from '@tributary/protocol';
import { Writer } from '@tributary/protocol';
import type { ApiHandler, RequestContext } from './api-handler.js';

export const endTxnApi: ApiHandler = {
  key: 26,
  name: 'EndTxn',
  minVersion: 0,
  maxVersion: 1,
  handle(req: Reader, ctx: RequestContext): Writer {
    const transactionalId = req.string();
    const producerId = req.int64();
    const producerEpoch = req.int16();
    const isCommit = req.bool();
    const errorCode = ctx.state.transactions.endTxn(transactionalId, producerId, producerEpoch, isCommit);
    return new Writer(8).int32(0).int16(errorCode);
  },
};
