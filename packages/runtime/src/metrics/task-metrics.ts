/**
 * The per-task series on `/metrics`, labelled `connector` and `task`, behind the
 * TaskMetrics interface the task loops report to.
 */
import type { TaskMetrics } from '../task-parts.js';
import type { MetricsRegistry } from './metrics-registry.js';

export interface TaskMetricsHandle extends TaskMetrics {
  /** Removes this task's series (call when the task stops). Idempotent. */
  close(): void;
}

export interface TaskIdentity {
  readonly connector: string;
  readonly task: number;
  readonly type: 'source' | 'sink';
}

const TASK_LABELS = ['connector', 'task'] as const;

export function createTaskMetrics(registry: MetricsRegistry, id: TaskIdentity): TaskMetricsHandle {
  const info = registry.gauge('tributary_task_info', 'A running task (always 1), with its type.', [
    'connector',
    'task',
    'type',
  ]);
  const polled = registry.counter(
    'tributary_task_records_polled_total',
    'Records a source task returned from poll, or a sink task consumed from Kafka.',
    TASK_LABELS,
  );
  const written = registry.counter(
    'tributary_task_records_written_total',
    'Records written: acknowledged by Kafka (source) or accepted by put (sink).',
    TASK_LABELS,
  );
  const failed = registry.counter(
    'tributary_task_records_failed_total',
    'Records that failed and were tolerated, logged or sent to the dead-letter queue.',
    TASK_LABELS,
  );
  const commitSeconds = registry.histogram(
    'tributary_task_offset_commit_seconds',
    'Duration of successful offset commits (flush, preCommit and the write of the offsets).',
    TASK_LABELS,
  );
  const commitFailures = registry.counter(
    'tributary_task_offset_commit_failures_total',
    'Offset commits that failed.',
    TASK_LABELS,
  );
  const lag = registry.gauge(
    'tributary_sink_partition_lag',
    'Records between the position of a sink task and the end of the partition, as of the last batch.',
    ['connector', 'task', 'topic', 'partition'],
  );

  const labels = { connector: id.connector, task: id.task };
  info.set({ ...labels, type: id.type }, 1);
  polled.inc(labels, 0);
  written.inc(labels, 0);
  failed.inc(labels, 0);
  commitFailures.inc(labels, 0);
  let isClosed = false;

  return {
    recordsPolled: (count) => {
      if (!isClosed) polled.inc(labels, count);
    },
    recordsWritten: (count) => {
      if (!isClosed) written.inc(labels, count);
    },
    recordsFailed: (count) => {
      if (!isClosed) failed.inc(labels, count);
    },
    offsetCommit: (durationMs, succeeded) => {
      if (isClosed) return;
      if (succeeded) commitSeconds.observe(labels, durationMs / 1000);
      else commitFailures.inc(labels);
    },
    sinkLag: (topic, partition, value) => {
      if (!isClosed) lag.set({ ...labels, topic, partition }, Math.max(0, value));
    },
    close: () => {
      isClosed = true;
      registry.removeSeries(labels);
    },
  };
}
