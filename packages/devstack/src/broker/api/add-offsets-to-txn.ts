/**
 * AddOffsetsToTxn (key 25), v0-1.
 * Request: TransactionalId string, ProducerId int64, ProducerEpoch int16, GroupId string.
 * Response: ThrottleTimeMs int32, ErrorCode int16.
 * Enrols a consumer group in the transaction, so that offsets sent for it with
 * TxnOffsetCommit are applied when the transaction commits.
 */
import type { Reader } from '@tributary/protocol';
import { Writer } from '@tributary/protocol';
import type { ApiHandler, RequestContext } from './api-handler.js';

export const addOffsetsToTxnApi: ApiHandler = {
  key: 25,
  name: 'AddOffsetsToTxn',
  minVersion: 0,
  maxVersion: 1,
  handle(req: Reader, ctx: RequestContext): Writer {
    const transactionalId = req.string();
    const producerId = req.int64();
    const producerEpoch = req.int16();
    const groupId = req.string();
    const errorCode = ctx.state.transactions.addOffsets(transactionalId, producerId, producerEpoch, groupId);
    return new Writer(8).int32(0).int16(errorCode);
  },
};
