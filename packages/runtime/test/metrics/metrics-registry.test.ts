import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { escapeLabelValue, MetricsRegistry, PROMETHEUS_CONTENT_TYPE } from '../../src/metrics/metrics-registry.js';

describe('MetricsRegistry', () => {
  it('renders counters with HELP, TYPE and labelled series', () => {
    const registry = new MetricsRegistry();
    const c = registry.counter('jobs_total', 'Jobs done.', ['kind']);
    c.inc({ kind: 'a' });
    c.inc({ kind: 'a' }, 2);
    c.inc({ kind: 'b' });
    assert.equal(
      registry.render(),
      '# HELP jobs_total Jobs done.\n# TYPE jobs_total counter\njobs_total{kind="a"} 3\njobs_total{kind="b"} 1\n',
    );
  });

  it('renders an unlabelled gauge without braces and follows set and inc', () => {
    const registry = new MetricsRegistry();
    const g = registry.gauge('queue_depth', 'Depth.');
    g.set({}, 4);
    g.inc({}, -1.5);
    assert.match(registry.render(), /^queue_depth 2\.5$/m);
  });

  it('escapes label values and help text as the 0.0.4 format requires', () => {
    const registry = new MetricsRegistry();
    registry.gauge('g', 'Line one\nback\\slash', ['name']).set({ name: 'quote " back \\ newline \n end' }, 1);
    const text = registry.render();
    assert.ok(text.includes('# HELP g Line one\\nback\\\\slash\n'));
    assert.ok(text.includes('g{name="quote \\" back \\\\ newline \\n end"} 1\n'));
    assert.equal(escapeLabelValue('a"b'), 'a\\"b');
  });

  it('renders histograms with cumulative buckets, +Inf, sum and count', () => {
    const registry = new MetricsRegistry();
    const h = registry.histogram('latency_seconds', 'Latency.', ['op'], [0.1, 1]);
    h.observe({ op: 'commit' }, 0.05);
    h.observe({ op: 'commit' }, 0.5);
    h.observe({ op: 'commit' }, 3);
    const text = registry.render();
    assert.ok(text.includes('# TYPE latency_seconds histogram\n'));
    assert.ok(text.includes('latency_seconds_bucket{op="commit",le="0.1"} 1\n'));
    assert.ok(text.includes('latency_seconds_bucket{op="commit",le="1"} 2\n'));
    assert.ok(text.includes('latency_seconds_bucket{op="commit",le="+Inf"} 3\n'));
    assert.ok(text.includes('latency_seconds_sum{op="commit"} 3.55\n'));
    assert.ok(text.includes('latency_seconds_count{op="commit"} 3\n'));
  });

  it('returns the same metric for the same name and refuses a conflicting definition', () => {
    const registry = new MetricsRegistry();
    const a = registry.counter('x_total', 'X.', ['l']);
    assert.equal(registry.counter('x_total', 'X.', ['l']), a);
    assert.throws(() => registry.gauge('x_total', 'X.', ['l']), /already registered as a counter/);
    assert.throws(() => registry.counter('x_total', 'X.', ['other']), /already registered/);
  });

  it('rejects bad names, missing or unknown labels, and decreasing counters', () => {
    const registry = new MetricsRegistry();
    assert.throws(() => registry.counter('bad-name', 'no'), /Invalid metric name/);
    assert.throws(() => registry.counter('ok_total', 'no', ['__reserved']), /Invalid label name/);
    const c = registry.counter('c_total', 'C.', ['a']);
    assert.throws(() => c.inc({}), /needs label "a"/);
    assert.throws(() => c.inc({ a: 1, b: 2 }), /no label\(s\) b/);
    assert.throws(() => c.inc({ a: 1 }, -1), /only increase/);
  });

  it('removeSeries drops only the series matching every given label', () => {
    const registry = new MetricsRegistry();
    const c = registry.counter('r_total', 'R.', ['connector', 'task']);
    c.inc({ connector: 'a', task: 0 });
    c.inc({ connector: 'a', task: 1 });
    c.inc({ connector: 'b', task: 0 });
    registry.removeSeries({ connector: 'a', task: 0 });
    const text = registry.render();
    assert.equal(text.includes('r_total{connector="a",task="0"}'), false);
    assert.ok(text.includes('r_total{connector="a",task="1"} 1'));
    assert.ok(text.includes('r_total{connector="b",task="0"} 1'));
  });

  it('renders special values', () => {
    const registry = new MetricsRegistry();
    const g = registry.gauge('s', 'S.', ['v']);
    g.set({ v: 'nan' }, Number.NaN);
    g.set({ v: 'inf' }, Number.POSITIVE_INFINITY);
    g.set({ v: 'ninf' }, Number.NEGATIVE_INFINITY);
    const text = registry.render();
    assert.ok(text.includes('s{v="nan"} NaN\n'));
    assert.ok(text.includes('s{v="inf"} +Inf\n'));
    assert.ok(text.includes('s{v="ninf"} -Inf\n'));
  });

  it('declares the exposition content type', () => {
    assert.equal(PROMETHEUS_CONTENT_TYPE, 'text/plain; version=0.0.4; charset=utf-8');
  });
});
