export { ConnectionError, UnsupportedVersionError } from './client/broker-connection.js';
export {
  type BatchFetcher,
  type BrokerInfo,
  type ClusterMetadata,
  type CreateTopicResult,
  type FetchedPartition,
  type FetcherOptions,
  type ForwardBatch,
  type GroupOffset,
  type GroupOffsetResult,
  type Isolation,
  KafkaError,
  type KafkaWireClient,
  type MetadataOptions,
  type NewTopic,
  type PartitionPosition,
  type ProduceInput,
  type ProduceOptions,
  type ProduceResult,
  type TopicInfo,
  type TopicPartitionRef,
  type WireClientOptions,
} from './client/contract.js';
export { errorName } from './client/kafka-errors.js';
export { createWireClient } from './client/wire-client.js';
export { crc32c } from './codec/crc32c.js';
export { ErrorCode, type ErrorCodeValue } from './codec/error-codes.js';
export { ProtocolError, Reader } from './codec/reader.js';
export {
  Attr,
  BATCH_HEADER_SIZE,
  BatchError,
  type BatchHeader,
  buildControlBatch,
  type ControlBatchInput,
  controlType,
  type DecodedRecord,
  decodeRecords,
  LOG_OVERHEAD,
  type ProducedBatch,
  readBatchHeader,
  setBaseOffset,
  splitProducedBatches,
} from './codec/record-batch.js';
export {
  canCompress,
  compressRecords,
  decompressRecords,
  type EncodeBatchOptions,
  encodeRecordBatch,
  type KafkaRecord,
  type NewRecord,
  type RecordCompression,
  type RecordHeader,
  readBatchRecords,
  splitRecordSet,
} from './codec/records.js';
export { Writer } from './codec/writer.js';
