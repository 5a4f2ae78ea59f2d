/** Options of one embedded broker (one single-node cluster). */
export interface BrokerOptions {
  /** TCP port; 0 picks a free one. Default 9092. */
  port?: number;
  /** Address to bind. Default 127.0.0.1. */
  host?: string;
  /** Host name given to clients in Metadata and FindCoordinator. Default: `host`. */
  advertisedHost?: string;
  /** Keeps logs, offsets and topic configs here across restarts; memory only when absent. */
  dataDir?: string;
  /** Node id of this broker (and the controller). Default 1. */
  nodeId?: number;
  /** `auto.create.topics.enable`. Default true. */
  autoCreateTopics?: boolean;
  /** `num.partitions` for auto-created topics and CreateTopics with −1. Default 1. */
  numPartitions?: number;
  /** `message.max.bytes`: largest record batch accepted. Default 1048588. */
  messageMaxBytes?: number;
  /** `socket.request.max.bytes`: largest request frame. Default 104857600. */
  socketRequestMaxBytes?: number;
  /** `group.initial.rebalance.delay.ms`. Default 0 (Kafka's dev-friendly setting). */
  groupInitialRebalanceDelayMs?: number;
  /** `group.min.session.timeout.ms`. Default 6000. */
  groupMinSessionTimeoutMs?: number;
  /** `group.max.session.timeout.ms`. Default 1800000. */
  groupMaxSessionTimeoutMs?: number;
  /** `transaction.max.timeout.ms`. Default 900000. */
  transactionMaxTimeoutMs?: number;
  /** How often retention is applied (`log.retention.check.interval.ms`). Default 300000. */
  retentionCheckIntervalMs?: number;
  /** Receives one line per notable event (connections with bad requests, restarts). */
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
}

export type ResolvedBrokerOptions = Required<Omit<BrokerOptions, 'dataDir' | 'advertisedHost'>> & {
  dataDir: string | null;
  advertisedHost: string;
};

export function resolveBrokerOptions(options: BrokerOptions): ResolvedBrokerOptions {
  const host = options.host ?? '127.0.0.1';
  return {
    port: options.port ?? 9092,
    host,
    advertisedHost: options.advertisedHost ?? host,
    dataDir: options.dataDir ?? null,
    nodeId: options.nodeId ?? 1,
    autoCreateTopics: options.autoCreateTopics ?? true,
    numPartitions: options.numPartitions ?? 1,
    messageMaxBytes: options.messageMaxBytes ?? 1048588,
    socketRequestMaxBytes: options.socketRequestMaxBytes ?? 104857600,
    groupInitialRebalanceDelayMs: options.groupInitialRebalanceDelayMs ?? 0,
    groupMinSessionTimeoutMs: options.groupMinSessionTimeoutMs ?? 6000,
    groupMaxSessionTimeoutMs: options.groupMaxSessionTimeoutMs ?? 1800000,
    transactionMaxTimeoutMs: options.transactionMaxTimeoutMs ?? 900000,
    retentionCheckIntervalMs: options.retentionCheckIntervalMs ?? 300000,
    log: options.log ?? (() => {}),
  };
}
