import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MetricsRegistry } from '../../src/metrics/metrics-registry.js';
import { createTaskMetrics } from '../../src/metrics/task-metrics.js';

describe('createTaskMetrics', () => {
  it('exposes the task counters, commit latency and sink lag with connector and task labels', () => {
    const registry = new MetricsRegistry();
    const m = createTaskMetrics(registry, { connector: 'orders-sink', task: 1, type: 'sink' });
    m.recordsPolled(10);
    m.recordsWritten(8);
    m.recordsFailed(2);
    m.offsetCommit(20, true);
    m.offsetCommit(5, false);
    m.sinkLag('orders', 3, 42);
    const text = registry.render();
    const l = 'connector="orders-sink",task="1"';
    assert.ok(text.includes(`tributary_task_records_polled_total{${l}} 10\n`), text);
    assert.ok(text.includes(`tributary_task_records_written_total{${l}} 8\n`));
    assert.ok(text.includes(`tributary_task_records_failed_total{${l}} 2\n`));
    assert.ok(text.includes(`tributary_task_offset_commit_seconds_bucket{${l},le="0.025"} 1\n`));
    assert.ok(text.includes(`tributary_task_offset_commit_seconds_count{${l}} 1\n`));
    assert.ok(text.includes(`tributary_task_offset_commit_seconds_sum{${l}} 0.02\n`));
    assert.ok(text.includes(`tributary_task_offset_commit_failures_total{${l}} 1\n`));
    assert.ok(text.includes(`tributary_sink_partition_lag{${l},topic="orders",partition="3"} 42\n`));
    assert.ok(text.includes(`tributary_task_info{${l},type="sink"} 1\n`));
  });

  it('shows a new task at zero before it does anything', () => {
    const registry = new MetricsRegistry();
    createTaskMetrics(registry, { connector: 'c', task: 0, type: 'source' });
    assert.ok(registry.render().includes('tributary_task_records_written_total{connector="c",task="0"} 0\n'));
  });

  it('keeps tasks apart and removes only the stopped task series', () => {
    const registry = new MetricsRegistry();
    const a = createTaskMetrics(registry, { connector: 'c', task: 0, type: 'sink' });
    const b = createTaskMetrics(registry, { connector: 'c', task: 1, type: 'sink' });
    a.recordsWritten(1);
    b.recordsWritten(5);
    a.sinkLag('t', 0, 9);
    a.close();
    a.recordsWritten(100);
    const text = registry.render();
    assert.equal(text.includes('task="0"'), false, text);
    assert.ok(text.includes('tributary_task_records_written_total{connector="c",task="1"} 5\n'));
    assert.ok(text.includes('# TYPE tributary_sink_partition_lag gauge'));
  });

  it('escapes connector names in labels', () => {
    const registry = new MetricsRegistry();
    createTaskMetrics(registry, { connector: 'we"ird\\name', task: 0, type: 'source' }).recordsPolled(1);
    assert.ok(
      registry.render().includes('tributary_task_records_polled_total{connector="we\\"ird\\\\name",task="0"} 1\n'),
    );
  });
});
