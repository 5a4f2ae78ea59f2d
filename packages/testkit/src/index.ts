export type {
  ConformanceContext,
  PluginModule,
  SinkConformanceSpec,
  SourceConformanceSpec,
} from './conformance-spec.js';
export { runSinkConnectorConformance } from './sink-conformance.js';
export { runSourceConnectorConformance } from './source-conformance.js';
export { type ReadRecord, TopicReader } from './topic-reader.js';
export { type WaitOptions, waitFor } from './wait-for.js';
