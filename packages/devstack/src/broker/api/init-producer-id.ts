/**
 * InitProducerId (key 22), v0-1.
 * Request: TransactionalId nullable string, TransactionTimeoutMs int32.
 * Response: ThrottleTimeMs int32, ErrorCode int16, ProducerId int64, ProducerEpoch int16.
 * v1 is identical to v0 (it marks throttling as applied after the response). kafkajs
 * sends it to the controller for an idempotent producer (null id) and to the
 * transaction coordinator for `transaction()`; this broker is both.
 */
import type { Reader } from '@tributary/protocol';
import { Writer } from '@tributary/protocol';
import type { ApiHandler, RequestContext } from './api-handler.js';

export const initProducerIdApi: ApiHandler = {
  key: 22,
  name: 'InitProducerId',
  minVersion: 0,
  maxVersion: 1,
  handle(req: Reader, ctx: RequestContext): Writer {
    const transactionalId = req.nullableString();
    const transactionTimeoutMs = req.int32();
    const result = ctx.state.transactions.initProducerId(transactionalId, transactionTimeoutMs);
    return new Writer(32).int32(0).int16(result.errorCode).int64(result.producerId).int16(result.producerEpoch);
  },
};
