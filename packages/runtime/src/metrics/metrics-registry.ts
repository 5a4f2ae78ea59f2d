/**
 * A small Prometheus registry: counters, gauges and histograms with labels, rendered in
 * the text exposition format 0.0.4 (what `/metrics` serves). Asking twice for a metric of
 * the same name returns the same metric, so every task shares one family per name.
 */

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export type Labels = Readonly<Record<string, string | number>>;

type MetricType = 'counter' | 'gauge' | 'histogram';

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Seconds; suits offset commits (a few ms to `offset.flush.timeout.ms`). */
export const DEFAULT_BUCKETS: readonly number[] = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

abstract class Metric<S> {
  protected readonly series = new Map<string, { readonly labels: readonly string[]; state: S }>();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
    readonly type: MetricType,
  ) {}

  /** Drops the series whose labels include every pair of `match` (all series for `{}`). */
  remove(match: Labels = {}): void {
    const checks = Object.entries(match).map(([k, v]) => [this.labelNames.indexOf(k), String(v)] as const);
    if (checks.some(([i]) => i < 0)) return;
    for (const [key, s] of this.series) {
      if (checks.every(([i, v]) => s.labels[i] === v)) this.series.delete(key);
    }
  }

  protected stateFor(labels: Labels, initial: () => S): { labels: readonly string[]; state: S } {
    const values = this.labelNames.map((n) => {
      const v = labels[n];
      if (v === undefined) throw new Error(`Metric ${this.name} needs label "${n}"`);
      return String(v);
    });
    if (Object.keys(labels).length !== this.labelNames.length) {
      const extra = Object.keys(labels).filter((k) => !this.labelNames.includes(k));
      throw new Error(`Metric ${this.name} has no label(s) ${extra.join(', ')}`);
    }
    const key = JSON.stringify(values);
    let s = this.series.get(key);
    if (s === undefined) {
      s = { labels: values, state: initial() };
      this.series.set(key, s);
    }
    return s;
  }

  protected labelText(values: readonly string[], extra?: readonly [string, string]): string {
    const pairs = this.labelNames.map((n, i) => `${n}="${escapeLabelValue(values[i] ?? '')}"`);
    if (extra !== undefined) pairs.push(`${extra[0]}="${escapeLabelValue(extra[1])}"`);
    return pairs.length === 0 ? '' : `{${pairs.join(',')}}`;
  }

  render(): string {
    const head = `# HELP ${this.name} ${escapeHelp(this.help)}\n# TYPE ${this.name} ${this.type}\n`;
    return head + [...this.series.values()].map((s) => this.renderSeries(s.labels, s.state)).join('');
  }

  protected abstract renderSeries(labels: readonly string[], state: S): string;
}

export class Counter extends Metric<{ value: number }> {
  inc(labels: Labels = {}, amount = 1): void {
    if (!(amount >= 0)) throw new Error(`Counter ${this.name} can only increase, got ${amount}`);
    this.stateFor(labels, () => ({ value: 0 })).state.value += amount;
  }

  get(labels: Labels = {}): number {
    return this.stateFor(labels, () => ({ value: 0 })).state.value;
  }

  protected renderSeries(labels: readonly string[], state: { value: number }): string {
    return `${this.name}${this.labelText(labels)} ${formatNumber(state.value)}\n`;
  }
}

export class Gauge extends Metric<{ value: number }> {
  set(labels: Labels, value: number): void {
    this.stateFor(labels, () => ({ value: 0 })).state.value = value;
  }

  inc(labels: Labels = {}, amount = 1): void {
    this.stateFor(labels, () => ({ value: 0 })).state.value += amount;
  }

  protected renderSeries(labels: readonly string[], state: { value: number }): string {
    return `${this.name}${this.labelText(labels)} ${formatNumber(state.value)}\n`;
  }
}

interface HistogramState {
  readonly counts: number[];
  sum: number;
  count: number;
}

export class Histogram extends Metric<HistogramState> {
  readonly buckets: readonly number[];

  constructor(name: string, help: string, labelNames: readonly string[], buckets: readonly number[]) {
    super(name, help, labelNames, 'histogram');
    if (labelNames.includes('le')) throw new Error(`Histogram ${name} cannot have a label named "le"`);
    this.buckets = [...buckets].sort((a, b) => a - b);
  }

  observe(labels: Labels, value: number): void {
    const { state } = this.stateFor(labels, () => ({ counts: this.buckets.map(() => 0), sum: 0, count: 0 }));
    this.buckets.forEach((upper, i) => {
      if (value <= upper) state.counts[i] = (state.counts[i] ?? 0) + 1;
    });
    state.sum += value;
    state.count += 1;
  }

  protected renderSeries(labels: readonly string[], state: HistogramState): string {
    const lines = this.buckets.map(
      (upper, i) =>
        `${this.name}_bucket${this.labelText(labels, ['le', formatNumber(upper)])} ${state.counts[i] ?? 0}\n`,
    );
    lines.push(`${this.name}_bucket${this.labelText(labels, ['le', '+Inf'])} ${state.count}\n`);
    lines.push(`${this.name}_sum${this.labelText(labels)} ${formatNumber(state.sum)}\n`);
    lines.push(`${this.name}_count${this.labelText(labels)} ${state.count}\n`);
    return lines.join('');
  }
}

type AnyMetric = Counter | Gauge | Histogram;

export class MetricsRegistry {
  readonly #metrics = new Map<string, AnyMetric>();

  counter(name: string, help: string, labelNames: readonly string[] = []): Counter {
    return this.#getOrCreate(name, 'counter', labelNames, () => new Counter(name, help, labelNames, 'counter'));
  }

  gauge(name: string, help: string, labelNames: readonly string[] = []): Gauge {
    return this.#getOrCreate(name, 'gauge', labelNames, () => new Gauge(name, help, labelNames, 'gauge'));
  }

  histogram(
    name: string,
    help: string,
    labelNames: readonly string[] = [],
    buckets: readonly number[] = DEFAULT_BUCKETS,
  ): Histogram {
    return this.#getOrCreate(name, 'histogram', labelNames, () => new Histogram(name, help, labelNames, buckets));
  }

  /** Drops, from every metric, the series whose labels include all of `match`. */
  removeSeries(match: Labels): void {
    for (const metric of this.#metrics.values()) metric.remove(match);
  }

  /** Every metric in the text exposition format, in registration order. */
  render(): string {
    return [...this.#metrics.values()].map((m) => m.render()).join('');
  }

  #getOrCreate<M extends AnyMetric>(name: string, type: MetricType, labelNames: readonly string[], create: () => M): M {
    const existing = this.#metrics.get(name);
    if (existing !== undefined) {
      if (existing.type !== type || existing.labelNames.join() !== labelNames.join()) {
        throw new Error(
          `Metric ${name} is already registered as a ${existing.type} with labels [${existing.labelNames.join(', ')}]`,
        );
      }
      return existing as M;
    }
    if (!NAME.test(name)) throw new Error(`Invalid metric name "${name}"`);
    for (const l of labelNames) {
      if (!LABEL_NAME.test(l) || l.startsWith('__')) throw new Error(`Invalid label name "${l}" for metric ${name}`);
    }
    const metric = create();
    this.#metrics.set(name, metric);
    return metric;
  }
}

/** Label values escape `\`, `"` and line feeds (exposition format 0.0.4). */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** HELP text escapes `\` and line feeds. */
function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function formatNumber(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Number.POSITIVE_INFINITY) return '+Inf';
  if (n === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(n);
}
