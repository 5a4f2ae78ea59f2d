/**
 * The APIs this broker speaks and the versions it advertises: classic encodings only
 * (plus ApiVersions v3), ranges chosen so that kafkajs 2.2.4 and librdkafka (old and new)
 * find the features they check for. See broker-spec §1.
 */
import type { Writer } from '../../protocol/writer.js';
import type { ApiHandler } from './api-handler.js';
import { apiVersionsApi, unsupportedApiVersionsBody } from './api-versions.js';
import { fetchApi } from './fetch.js';
import { findCoordinatorApi } from './find-coordinator.js';
import { listOffsetsApi } from './list-offsets.js';
import { metadataApi } from './metadata.js';
import { produceApi } from './produce.js';

const apis: ApiHandler[] = [];
const byKey = new Map<number, ApiHandler>();

function register(...handlers: ApiHandler[]): void {
  for (const h of handlers) {
    apis.push(h);
    byKey.set(h.key, h);
  }
  apis.sort((a, b) => a.key - b.key);
}

register(
  produceApi,
  fetchApi,
  listOffsetsApi,
  metadataApi,
  findCoordinatorApi,
  apiVersionsApi(() => apis),
);

export function apiByKey(key: number): ApiHandler | undefined {
  return byKey.get(key);
}

export function allApis(): readonly ApiHandler[] {
  return apis;
}

export function answerUnsupportedApiVersions(): Writer {
  return unsupportedApiVersionsBody();
}
