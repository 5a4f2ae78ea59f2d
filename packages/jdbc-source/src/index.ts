export {
  checkSourceConfig,
  type JdbcSourceConfig,
  jdbcSourceConfig,
  type Mode,
  parseSourceConfig,
} from './config.js';
export { type CriteriaOptions, type QueryPlan, type Quoter, queryPlan, quoterFor, tablePlan } from './criteria.js';
export { jdbcSource } from './jdbc-source.js';
export { legacyTablePartition, QUERY_PARTITION, tablePartition } from './offsets.js';
export { checkQueryText, findPlaceholders, PLACEHOLDERS, type PlaceholderName, topLevelClauses } from './query-text.js';
