/**
 * What the REST API asks of a worker. The standalone worker (`worker/standalone-herder.ts`)
 * implements it; a distributed one would too. Shapes are Kafka Connect's REST entities
 * (`rest/entities/*` in Apache Kafka), field names included, so responses serialise as-is.
 *
 * Errors: NotFoundError (404) for unknown connectors/tasks/plugins, ConfigError (400) for
 * invalid configurations, ConflictError (409) for "already exists" and "must be stopped",
 * anything else 500. No method's result or error ever contains a resolved secret.
 */
import type { ConfigKeyInfo, OffsetValue } from '@tributary/api';
import { ConnectError } from '@tributary/api';
import type { TaskState } from './task-parts.js';

export class ConflictError extends ConnectError {}

export type ConnectorType = 'source' | 'sink' | 'unknown';
export type ConnectorState = 'UNASSIGNED' | 'RUNNING' | 'PAUSED' | 'STOPPED' | 'FAILED' | 'RESTARTING';
export type TargetState = 'RUNNING' | 'PAUSED' | 'STOPPED';

export interface ConnectorTaskId {
  readonly connector: string;
  readonly task: number;
}

/** `GET /connectors/{n}`: the configuration as submitted (config-provider references unresolved, passwords as given by the user are shown as Kafka does — the raw config). */
export interface ConnectorInfo {
  readonly name: string;
  readonly config: Readonly<Record<string, string>>;
  readonly tasks: readonly ConnectorTaskId[];
  readonly type: ConnectorType;
}

export interface TaskStatus {
  readonly id: number;
  readonly state: TaskState;
  readonly worker_id: string;
  /** Present only when FAILED: the error's stack with secrets removed. */
  readonly trace?: string;
}

export interface ConnectorStateInfo {
  readonly name: string;
  readonly connector: { readonly state: ConnectorState; readonly worker_id: string; readonly trace?: string };
  readonly tasks: readonly TaskStatus[];
  readonly type: ConnectorType;
}

export interface TaskInfo {
  readonly id: ConnectorTaskId;
  readonly config: Readonly<Record<string, string>>;
}

export interface PluginDescription {
  readonly class: string;
  readonly type: 'source' | 'sink' | 'converter' | 'header_converter' | 'transformation' | 'predicate';
  readonly version: string;
}

/** One key's entry in a `/config/validate` answer. */
export interface ConfigInfo {
  readonly definition: ConfigKeyInfo;
  readonly value: {
    readonly name: string;
    readonly value: string | null;
    readonly recommended_values: readonly string[];
    readonly errors: readonly string[];
    readonly visible: boolean;
  };
}

export interface ConfigInfos {
  readonly name: string;
  readonly error_count: number;
  readonly groups: readonly string[];
  readonly configs: readonly ConfigInfo[];
}

/** KIP-875 offsets: source `{partition, offset}` maps; sinks `{kafka_topic, kafka_partition}` → `{kafka_offset}`. */
export interface ConnectorOffset {
  readonly partition: Readonly<Record<string, OffsetValue>>;
  readonly offset: Readonly<Record<string, OffsetValue>> | null;
}

export interface RestartRequest {
  readonly includeTasks: boolean;
  readonly onlyFailed: boolean;
}

export interface Herder {
  readonly workerId: string;
  /** The Kafka cluster id the worker's `bootstrap.servers` point at. */
  kafkaClusterId(): Promise<string>;
  /** True once startup finished (`/health`). */
  readonly isReady: boolean;

  connectors(): string[];
  connectorInfo(name: string): ConnectorInfo;
  connectorConfig(name: string): Record<string, string>;
  connectorStatus(name: string): ConnectorStateInfo;
  taskConfigs(name: string): TaskInfo[];
  taskStatus(name: string, task: number): TaskStatus;
  /** Creates or replaces; `created` tells which (201 vs 200). Validates first (ConfigError). */
  putConnectorConfig(
    name: string,
    config: Record<string, string>,
    options: { readonly allowReplace: boolean; readonly initialState?: TargetState },
  ): Promise<{ readonly created: boolean; readonly info: ConnectorInfo }>;
  deleteConnector(name: string): Promise<void>;
  /** Restart per `request`; returns the state right after the restart was requested (RESTARTING entries). */
  restartConnector(name: string, request: RestartRequest): Promise<ConnectorStateInfo>;
  restartTask(name: string, task: number): Promise<void>;
  pauseConnector(name: string): Promise<void>;
  resumeConnector(name: string): Promise<void>;
  stopConnector(name: string): Promise<void>;
  connectorOffsets(name: string): Promise<ConnectorOffset[]>;
  /** Connector must be STOPPED (ConflictError otherwise). */
  alterConnectorOffsets(name: string, offsets: readonly ConnectorOffset[]): Promise<void>;
  resetConnectorOffsets(name: string): Promise<void>;
  /** Topics the connector has used (`GET /connectors/{n}/topics`). */
  connectorTopics(name: string): string[];
  resetConnectorTopics(name: string): void;

  plugins(connectorsOnly: boolean): PluginDescription[];
  pluginConfig(pluginName: string): ConfigKeyInfo[];
  validateConfig(pluginName: string, config: Record<string, string>): Promise<ConfigInfos>;
}
