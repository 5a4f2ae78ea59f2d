/**
 * The APIs this broker speaks and the versions it advertises: classic encodings only
 * (plus ApiVersions v3), ranges chosen so that kafkajs 2.2.4 and librdkafka (old and new)
 * find the features they check for. See broker-spec §1.
 */
import type { Writer } from '@tributary/protocol';
import { addOffsetsToTxnApi } from './add-offsets-to-txn.js';
import { addPartitionsToTxnApi } from './add-partitions-to-txn.js';
import { alterConfigsApi } from './alter-configs.js';
import type { ApiHandler } from './api-handler.js';
import { apiVersionsApi, unsupportedApiVersionsBody } from './api-versions.js';
import { createPartitionsApi } from './create-partitions.js';
import { createTopicsApi } from './create-topics.js';
import { deleteGroupsApi } from './delete-groups.js';
import { deleteRecordsApi } from './delete-records.js';
import { deleteTopicsApi } from './delete-topics.js';
import { describeConfigsApi } from './describe-configs.js';
import { describeGroupsApi } from './describe-groups.js';
import { endTxnApi } from './end-txn.js';
import { fetchApi } from './fetch.js';
import { findCoordinatorApi } from './find-coordinator.js';
import { heartbeatApi } from './heartbeat.js';
import { incrementalAlterConfigsApi } from './incremental-alter-configs.js';
import { initProducerIdApi } from './init-producer-id.js';
import { joinGroupApi } from './join-group.js';
import { leaveGroupApi } from './leave-group.js';
import { listGroupsApi } from './list-groups.js';
import { listOffsetsApi } from './list-offsets.js';
import { metadataApi } from './metadata.js';
import { offsetCommitApi } from './offset-commit.js';
import { offsetFetchApi } from './offset-fetch.js';
import { produceApi } from './produce.js';
import { syncGroupApi } from './sync-group.js';
import { txnOffsetCommitApi } from './txn-offset-commit.js';

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

// Idempotent producer and transactions (broker-spec §6.2, §6.3).
register(initProducerIdApi, addPartitionsToTxnApi, addOffsetsToTxnApi, endTxnApi, txnOffsetCommitApi);

// Classic consumer groups and committed offsets (broker-spec §7).
register(
  offsetCommitApi,
  offsetFetchApi,
  joinGroupApi,
  heartbeatApi,
  leaveGroupApi,
  syncGroupApi,
  describeGroupsApi,
  listGroupsApi,
  deleteGroupsApi,
);

// Admin: topics, partitions, records and configs (broker-spec §3 "Other admin APIs").
register(
  createTopicsApi,
  deleteTopicsApi,
  deleteRecordsApi,
  describeConfigsApi,
  alterConfigsApi,
  createPartitionsApi,
  incrementalAlterConfigsApi,
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
