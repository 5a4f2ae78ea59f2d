/**
 * MirrorHeartbeatTask: every `emit.heartbeats.interval.seconds`, one Heartbeat record
 * `{sourceClusterAlias, targetClusterAlias, timestamp}` into partition 0 of the `heartbeats`
 * topic on the target cluster (created compacted, one partition, when missing).
 *
 * Like the checkpoint task it writes the record itself and `poll` returns []: heartbeats
 * belong to the target cluster (not necessarily the worker's) and are binary records a
 * worker's converters would change. So MM2's dummy source offset
 * (`{sourceClusterAlias, targetClusterAlias}` → `{offset: 0}`) is not stored; nothing reads it.
 */
import {
  type Logger,
  type Props,
  RetriableError,
  type SourceRecord,
  type SourceTask,
  type SourceTaskContext,
} from '@tributary/api';
import { encodeRecordBatch } from '@tributary/protocol';
import { ClusterClients } from './cluster-clients.js';
import { mirrorHeartbeatConfig, requireMirrorSettings } from './config.js';
import { encodeHeartbeat, type Heartbeat } from './internal-records.js';
import { ensureCompactedTopic } from './topic-creation.js';

interface Running {
  readonly logger: Logger;
  readonly target: ClusterClients;
  readonly topic: string;
  readonly sourceAlias: string;
  readonly targetAlias: string;
  readonly intervalMs: number;
}

export class MirrorHeartbeatTask implements SourceTask {
  #running: Running | null = null;
  #nextAt = 0;
  #count = 0;
  #isStopped = false;
  readonly #stopSignal = new AbortController();

  async start(props: Props, context: SourceTaskContext): Promise<void> {
    const where = `MirrorHeartbeatTask ${context.connectorName}-${context.taskId}`;
    const config = mirrorHeartbeatConfig.parse(props, where);
    const settings = requireMirrorSettings(
      config,
      props,
      { workerBootstrapServers: context.workerBootstrapServers, isSourceRequired: false },
      where,
    );
    const target = new ClusterClients({
      cluster: settings.target,
      side: 'target',
      clientIdBase: `mirror-heartbeat-${context.connectorName}-${context.taskId}`,
      logger: context.logger,
    });
    const running: Running = {
      logger: context.logger,
      target,
      topic: settings.policy.heartbeatsTopic(),
      sourceAlias: settings.source.alias,
      targetAlias: settings.target.alias,
      intervalMs: config['emit.heartbeats.interval.seconds'] * 1000,
    };
    this.#running = running;
    try {
      await ensureCompactedTopic(
        await target.admin(),
        running.topic,
        config['heartbeats.topic.replication.factor'],
        context.logger,
      );
    } catch (error) {
      await this.stop();
      throw new RetriableError(`${where}: cannot create ${running.topic} on the target`, { cause: error });
    }
  }

  async poll(signal: AbortSignal): Promise<SourceRecord[]> {
    const running = this.#running;
    if (running === null || this.#isStopped) return [];
    const wait = this.#nextAt - Date.now();
    if (wait > 0) {
      await sleep(Math.min(wait, 1000), AbortSignal.any([signal, this.#stopSignal.signal]));
      return [];
    }
    const heartbeat: Heartbeat = {
      sourceClusterAlias: running.sourceAlias,
      targetClusterAlias: running.targetAlias,
      timestamp: Date.now(),
    };
    const data = encodeRecordBatch([{ ...encodeHeartbeat(heartbeat), timestamp: heartbeat.timestamp }]);
    try {
      await running.target.wire('producer').produce([{ topic: running.topic, partition: 0, data }]);
    } catch (error) {
      if (this.#isStopped) return [];
      throw new RetriableError(`Writing a heartbeat to ${running.topic} failed`, { cause: error });
    }
    this.#count++;
    if (this.#count === 1) running.logger.info({ topic: running.topic }, 'First heartbeat written');
    this.#nextAt = heartbeat.timestamp + running.intervalMs;
    return [];
  }

  async stop(): Promise<void> {
    if (this.#isStopped) return;
    this.#isStopped = true;
    this.#stopSignal.abort();
    await this.#running?.target.close();
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve();
      return;
    }
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
