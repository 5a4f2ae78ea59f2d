/**
 * Every plugin that ships with the runtime, as the explicit list the CLI registers (no
 * scanning, no registration on import): Kafka's converters, transforms and predicates
 * under their Java names, and the FileStream connectors of Kafka's quickstart.
 */
import type { Plugin } from '@tributary/api';
import { fileStreamSink } from './connectors/file-stream/file-stream-sink.js';
import { fileStreamSource } from './connectors/file-stream/file-stream-source.js';
import { byteArrayConverter, byteArrayHeaderConverter } from './converters/byte-array-converter.js';
import { jsonConverter, jsonHeaderConverter } from './converters/json-converter.js';
import {
  doubleConverter,
  floatConverter,
  integerConverter,
  longConverter,
  shortConverter,
} from './converters/number-converters.js';
import { simpleHeaderConverter } from './converters/simple-header-converter.js';
import { stringConverter, stringHeaderConverter } from './converters/string-converter.js';
import { hasHeaderKey } from './predicates/has-header-key.js';
import { recordIsTombstone } from './predicates/record-is-tombstone.js';
import { topicNameMatches } from './predicates/topic-name-matches.js';
import { castKey, castValue } from './transforms/cast.js';
import { dropHeaders } from './transforms/drop-headers.js';
import { extractFieldKey, extractFieldValue } from './transforms/extract-field.js';
import { filter } from './transforms/filter.js';
import { flattenKey, flattenValue } from './transforms/flatten.js';
import { headerFromKey, headerFromValue } from './transforms/header-from.js';
import { hoistFieldKey, hoistFieldValue } from './transforms/hoist-field.js';
import { insertFieldKey, insertFieldValue } from './transforms/insert-field.js';
import { insertHeader } from './transforms/insert-header.js';
import { maskFieldKey, maskFieldValue } from './transforms/mask-field.js';
import { regexRouter } from './transforms/regex-router.js';
import { replaceFieldKey, replaceFieldValue } from './transforms/replace-field.js';
import { setSchemaMetadataKey, setSchemaMetadataValue } from './transforms/set-schema-metadata.js';
import { timestampConverterKey, timestampConverterValue } from './transforms/timestamp-converter.js';
import { timestampRouter } from './transforms/timestamp-router.js';
import { valueToKey } from './transforms/value-to-key.js';

export const builtinPlugins: readonly Plugin[] = [
  // Converters
  jsonConverter,
  stringConverter,
  byteArrayConverter,
  shortConverter,
  integerConverter,
  longConverter,
  floatConverter,
  doubleConverter,
  // Header converters
  simpleHeaderConverter,
  jsonHeaderConverter,
  stringHeaderConverter,
  byteArrayHeaderConverter,
  // Transforms
  castKey,
  castValue,
  dropHeaders,
  extractFieldKey,
  extractFieldValue,
  filter,
  flattenKey,
  flattenValue,
  headerFromKey,
  headerFromValue,
  hoistFieldKey,
  hoistFieldValue,
  insertFieldKey,
  insertFieldValue,
  insertHeader,
  maskFieldKey,
  maskFieldValue,
  regexRouter,
  replaceFieldKey,
  replaceFieldValue,
  setSchemaMetadataKey,
  setSchemaMetadataValue,
  timestampConverterKey,
  timestampConverterValue,
  timestampRouter,
  valueToKey,
  // Predicates
  hasHeaderKey,
  recordIsTombstone,
  topicNameMatches,
  // Connectors
  fileStreamSource,
  fileStreamSink,
];
