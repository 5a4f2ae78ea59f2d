/**
 * MirrorHeartbeatConnector: one task that writes a Heartbeat record to the `heartbeats`
 * topic of the target cluster every `emit.heartbeats.interval.seconds`. Replicated onward
 * (flow B→A writes `heartbeats` into A, flow A→B copies it to B as `A.heartbeats`), the
 * heartbeats show that a replication path is alive end to end. No task runs when the
 * connector or `emit.heartbeats.enabled` is disabled.
 */
import {
  ConfigError,
  type ConfigProblem,
  type Props,
  type SourceConnector,
  type SourceConnectorContext,
  type SourceOffset,
  type SourcePartition,
} from '@tributary/api';
import { type MirrorHeartbeatConfig, requireMirrorSettings } from './config.js';
import { checkStrings, checkZeroOffset } from './mirror-checkpoint-connector.js';

export class MirrorHeartbeatConnector implements SourceConnector<MirrorHeartbeatConfig> {
  #props: Props = {};
  #isEnabled = false;

  start(config: MirrorHeartbeatConfig, props: Props, context: SourceConnectorContext): void {
    const settings = requireMirrorSettings(
      config,
      props,
      { workerBootstrapServers: context.workerBootstrapServers, isSourceRequired: false },
      'MirrorHeartbeatConnector',
    );
    for (const warning of settings.warnings) context.logger.warn(warning);
    this.#props = props;
    this.#isEnabled = config.enabled && config['emit.heartbeats.enabled'];
    if (!this.#isEnabled) context.logger.info('Heartbeats are disabled; no task');
  }

  taskConfigs(_maxTasks: number): Props[] {
    return this.#isEnabled ? [{ ...this.#props }] : [];
  }

  /** MM2's check: `{sourceClusterAlias, targetClusterAlias}` → `{offset: 0}` (or null to reset). */
  alterOffsets(_props: Props, offsets: ReadonlyMap<SourcePartition, SourceOffset | null>): void {
    const problems: ConfigProblem[] = [];
    for (const [partition, offset] of offsets) {
      if (offset === null) continue;
      problems.push(...checkStrings(partition, ['sourceClusterAlias', 'targetClusterAlias']));
      problems.push(...checkZeroOffset(partition, offset));
    }
    if (problems.length > 0) throw new ConfigError(problems, { context: 'MirrorHeartbeatConnector offsets' });
  }

  stop(): void {
    this.#isEnabled = false;
  }
}
