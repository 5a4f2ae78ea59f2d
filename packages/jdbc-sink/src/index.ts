export {
  checkSinkConfig,
  INSERT_MODES,
  type InsertMode,
  type JdbcSinkConfig,
  jdbcSinkConfig,
  KAFKA_PK_NAMES,
  PK_MODES,
  type PkMode,
  parseSinkConfig,
} from './config.js';
export { jdbcSink } from './jdbc-sink.js';
export {
  inferSchema,
  type RecordRow,
  recordRow,
  type Shape,
  type ShapeColumn,
  type ShapeOptions,
} from './record-shape.js';
export { type DotsMode, tableIdFor } from './table-name.js';
export { RecordWriteError } from './table-writer.js';
