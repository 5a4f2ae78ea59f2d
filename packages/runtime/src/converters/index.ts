export { ByteArrayConverter, byteArrayConverter, byteArrayHeaderConverter } from './byte-array-converter.js';
export { headerText, parseHeaderText } from './header-text.js';
export {
  JsonConverter,
  type JsonConverterConfig,
  jsonConverter,
  jsonConverterConfig,
  jsonHeaderConverter,
} from './json-converter.js';
export {
  doubleConverter,
  floatConverter,
  integerConverter,
  longConverter,
  NumberConverter,
  shortConverter,
} from './number-converters.js';
export { SimpleHeaderConverter, simpleHeaderConverter } from './simple-header-converter.js';
export {
  StringConverter,
  type StringConverterConfig,
  stringConverter,
  stringConverterConfig,
  stringHeaderConverter,
} from './string-converter.js';
