/** DropHeaders: removes every header whose key is listed, as Kafka's `DropHeaders`. */
import { type ConnectRecord, defineConfig, list } from '@tributary/api';
import { defineSimpleTransform, TRANSFORMS_VERSION } from './support.js';

const config = defineConfig({
  headers: list({ nonEmpty: true, importance: 'high', doc: 'The name of the headers to be removed.' }),
});

export const dropHeaders = defineSimpleTransform({
  name: 'DropHeaders',
  version: TRANSFORMS_VERSION,
  description: 'Removes one or more headers from each record',
  config,
  create(values) {
    const names = new Set(values.headers);
    return <R extends ConnectRecord>(record: R): R => {
      if (!record.headers.some((h) => names.has(h.key))) return record;
      return { ...record, headers: record.headers.filter((h) => !names.has(h.key)) };
    };
  },
});
