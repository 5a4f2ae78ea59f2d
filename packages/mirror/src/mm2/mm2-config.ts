/**
 * A MirrorMaker 2 driver file (`connect-mirror-maker.properties`), already parsed into
 * key/value pairs, turned into replication flows: for each `source->target` pair, the
 * worker properties of a standalone worker writing into the target and the properties of
 * its connectors. The mapping follows Kafka's `MirrorMakerConfig`:
 *
 * - `clusters = A, B` lists the aliases; each needs `<alias>.bootstrap.servers`. Every
 *   `<alias>.<key>` is a property of that cluster; the security keys among them
 *   (`security.protocol`, `ssl.*`, `sasl.*`, also when given at the top level) are copied
 *   to `producer.`, `consumer.` and `admin.` unless given there (MM2 copies
 *   `bootstrap.servers` too; here every client takes it from the cluster key).
 * - A connector gets the top-level connector keys, `replication.policy.*`, the source
 *   cluster's properties as `source.cluster.<key>` (client prefixes as `source.consumer.*`
 *   and so on), the target's as `target.cluster.<key>` / `target.producer.*`, the aliases,
 *   and last the flow-scoped `A->B.<key>` overrides. `enabled` is false unless
 *   `A->B.enabled = true`.
 * - A flow's worker writes into the target: the target cluster's properties, the top-level
 *   converter keys, ByteArrayConverter for keys, values and headers by default, `client.id = A->B`.
 * - A pair runs when `A->B.enabled`, or when heartbeats are enabled for it
 *   (`emit.heartbeats.enabled`, default true, or `A->B.emit.heartbeats.enabled`): then only
 *   its heartbeat connector runs, so that the reverse flow has heartbeats to replicate
 *   (KAFKA-10710).
 * - `--clusters X` keeps the flows whose target is X.
 *
 * Differences, on purpose: each flow is a standalone worker whose source offsets live in
 * a file under the state directory (`mm2-offsets.<source>-><target>.json`), not in
 * `mm2-offsets.<source>.internal` on the target; the distributed-mode keys
 * (`offset.storage.topic`, `*.storage.replication.factor`, `group.id`, …) and the REST
 * keys are therefore accepted and ignored with a warning. Keys that mean nothing to the
 * driver or the connectors come back as warnings; a missing `clusters` or
 * `<alias>.bootstrap.servers` fails naming the key.
 */
import { ConfigError, type ConfigProblem } from '@tributary/api';
import { mirrorConnectorKey } from './connector-keys.js';

export const SOURCE_CONNECTOR_NAME = 'MirrorSourceConnector';
export const CHECKPOINT_CONNECTOR_NAME = 'MirrorCheckpointConnector';
export const HEARTBEAT_CONNECTOR_NAME = 'MirrorHeartbeatConnector';
const CONNECTOR_CLASS_PREFIX = 'org.apache.kafka.connect.mirror.';
const BYTE_ARRAY_CONVERTER = 'org.apache.kafka.connect.converters.ByteArrayConverter';
const FLOW_SEPARATOR = '->';

/** Keys every connector accepts (Kafka's `ConnectorConfig`), besides the mirror connectors' own. */
const GENERIC_CONNECTOR_KEY =
  /^(name|connector\.class|tasks\.max|key\.converter|value\.converter|header\.converter|config\.action\.reload|exactly\.once\.support|transaction\.boundary|offsets\.storage\.topic)$|^(transforms|predicates|errors|topic\.creation|key\.converter|value\.converter|header\.converter)(\.|$)/;

/** Client keys: the security ones are copied from a cluster (or the top level) to `producer.`/`consumer.`/`admin.`. */
const CLIENT_KEY = /^(bootstrap\.servers|security\.protocol|client\.dns\.lookup)$|^(ssl|sasl)\./;

/** Top-level worker keys MirrorMakerConfig copies into every flow's worker. */
const WORKER_PREFIXES = ['key.converter', 'value.converter', 'header.converter', 'task', 'worker'] as const;

/** Distributed-mode worker keys: MM2 keeps its state in topics; this driver keeps it in files. */
const DISTRIBUTED_KEY = /^(group\.id|(offset|config|status)\.storage\.(?!file\.filename$).*)$/;

/** Driver keys with no effect in one process without a REST API. */
const IGNORED_DRIVER_KEY = /^(dedicated\.mode\.enable\.internal\.rest|listeners|admin\.listeners)$|^rest\./;

export interface MirrorMakerOptions {
  /** `--clusters`: keep only the flows whose target is one of these aliases. */
  readonly targetClusters?: readonly string[];
  /** Where each flow keeps its source-offsets file (`--state-dir`, default `./mm2-state`). */
  readonly stateDir: string;
  /** Whether a top-level key configures the connectors (copied into them, else warned about). Default: the mirror connectors' keys. */
  readonly isConnectorKey?: (key: string) => boolean;
}

export interface MirrorConnectorProps {
  /** `MirrorSourceConnector`, `MirrorCheckpointConnector` or `MirrorHeartbeatConnector`. */
  readonly name: string;
  readonly config: Readonly<Record<string, string>>;
}

export interface MirrorFlow {
  readonly source: string;
  readonly target: string;
  /** `A->B` */
  readonly name: string;
  /** `A->B.enabled`: replicates topics and groups; false: the pair only emits heartbeats into its target. */
  readonly isReplicationEnabled: boolean;
  /** A standalone worker's properties: its cluster is the target; offsets in `offsetsFile`. */
  readonly workerProps: Readonly<Record<string, string>>;
  readonly offsetsFile: string;
  readonly connectors: readonly MirrorConnectorProps[];
}

export interface MirrorMakerPlan {
  /** The aliases of `clusters`, in file order. */
  readonly clusters: readonly string[];
  /** Each cluster's properties (`<alias>.*` with client keys copied), e.g. to connect tools to it. */
  readonly clusterProps: Readonly<Record<string, Readonly<Record<string, string>>>>;
  readonly flows: readonly MirrorFlow[];
  readonly warnings: readonly string[];
}

/** `A->B`. */
export function flowName(source: string, target: string): string {
  return `${source}${FLOW_SEPARATOR}${target}`;
}

/** The source-offsets file of a flow under the state directory. */
export function flowOffsetsFile(stateDir: string, source: string, target: string): string {
  const dir = stateDir.endsWith('/') ? stateDir.slice(0, -1) : stateDir;
  return `${dir}/mm2-offsets.${flowName(source, target)}.json`;
}

/** Splits a comma-separated list as Kafka's LIST type does (trimmed, empty items dropped). */
function listOf(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function withPrefix(props: Readonly<Record<string, string>>, prefix: string): Record<string, string> {
  return Object.fromEntries(Object.entries(props).filter(([k]) => k.startsWith(prefix)));
}

function strippedPrefix(props: Readonly<Record<string, string>>, prefix: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(props)) if (k.startsWith(prefix)) out[k.slice(prefix.length)] = v;
  return out;
}

function parseBoolean(value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  return value.trim().toLowerCase() === 'true';
}

const CLIENT_PREFIX = /^(consumer|producer|admin)\./;

/**
 * Maps a parsed MM2 driver file to its flows. Throws a ConfigError naming every missing
 * required key (`clusters`, `<alias>.bootstrap.servers`) and every unknown `--clusters` alias.
 */
export function mirrorMakerPlan(props: Readonly<Record<string, string>>, options: MirrorMakerOptions): MirrorMakerPlan {
  const problems: ConfigProblem[] = [];
  const warnings: string[] = [];
  const clustersValue = props['clusters'];
  const clusters = clustersValue === undefined ? [] : [...new Set(listOf(clustersValue))];
  if (clusters.length === 0) {
    problems.push({
      key: 'clusters',
      value: clustersValue,
      message: 'Missing required configuration: the cluster aliases, e.g. clusters = A, B',
    });
  }
  for (const alias of clusters) {
    const key = `${alias}.bootstrap.servers`;
    const value = props[key];
    if (value === undefined || listOf(value).length === 0) {
      problems.push({ key, value, message: `Missing required configuration: the brokers of cluster ${alias}` });
    }
  }
  for (const target of options.targetClusters ?? []) {
    if (!clusters.includes(target)) {
      problems.push({
        key: '--clusters',
        value: target,
        message: `Not one of the clusters (${clusters.join(', ') || 'none'})`,
      });
    }
  }
  if (problems.length > 0) throw new ConfigError(problems, { context: 'MirrorMaker configuration' });

  const isMirrorKey = options.isConnectorKey ?? mirrorConnectorKey;
  const isConnectorKey = (k: string): boolean => isMirrorKey(k) || GENERIC_CONNECTOR_KEY.test(k);
  warnings.push(...unknownKeyWarnings(props, clusters, isConnectorKey));

  const clusterProps = Object.fromEntries(clusters.map((alias) => [alias, clusterPropsOf(props, alias)]));
  const flows: MirrorFlow[] = [];
  const globalHeartbeats = parseBoolean(props['emit.heartbeats.enabled']) ?? true;
  for (const source of clusters) {
    for (const target of clusters) {
      if (source === target) continue;
      if (options.targetClusters !== undefined && !options.targetClusters.includes(target)) continue;
      const prefix = `${flowName(source, target)}.`;
      const isReplicationEnabled = parseBoolean(props[`${prefix}enabled`]) ?? false;
      const hasHeartbeats = parseBoolean(props[`${prefix}emit.heartbeats.enabled`]) ?? globalHeartbeats;
      if (!isReplicationEnabled && !hasHeartbeats) continue;
      flows.push(
        buildFlow(props, { ...options, isConnectorKey }, clusterProps, {
          source,
          target,
          isReplicationEnabled,
          hasHeartbeats,
        }),
      );
    }
  }
  return { clusters, clusterProps, flows, warnings };
}

/** `<alias>.*` with the client keys (its own, then top-level ones) copied to producer./consumer./admin. */
function clusterPropsOf(props: Readonly<Record<string, string>>, alias: string): Record<string, string> {
  const own = strippedPrefix(props, `${alias}.`);
  const out: Record<string, string> = { ...own };
  const copy = (key: string, value: string): void => {
    for (const client of ['producer', 'consumer', 'admin']) out[`${client}.${key}`] ??= value;
  };
  // bootstrap.servers stays a cluster key: every client of the cluster gets it from there.
  for (const [k, v] of Object.entries(own)) if (CLIENT_KEY.test(k) && k !== 'bootstrap.servers') copy(k, v);
  for (const [k, v] of Object.entries(props)) {
    if (!CLIENT_KEY.test(k) || k === 'bootstrap.servers') continue;
    copy(k, v);
    out[k] ??= v;
  }
  return out;
}

interface Pair {
  readonly source: string;
  readonly target: string;
  readonly isReplicationEnabled: boolean;
  readonly hasHeartbeats: boolean;
}

function buildFlow(
  props: Readonly<Record<string, string>>,
  options: MirrorMakerOptions & { readonly isConnectorKey: (key: string) => boolean },
  clusterProps: Readonly<Record<string, Readonly<Record<string, string>>>>,
  pair: Pair,
): MirrorFlow {
  const { source, target } = pair;
  const offsetsFile = flowOffsetsFile(options.stateDir, source, target);
  const targetProps = clusterProps[target] ?? {};
  const sourceProps = clusterProps[source] ?? {};

  const workerProps: Record<string, string> = {};
  for (const [k, v] of Object.entries(targetProps)) if (!DISTRIBUTED_KEY.test(k)) workerProps[k] = v;
  for (const prefix of WORKER_PREFIXES) {
    for (const [k, v] of Object.entries(withPrefix(props, prefix))) {
      // `tasks.max` starts with "task" but is a connector key only.
      if (k !== 'tasks.max') workerProps[k] = v;
    }
  }
  Object.assign(workerProps, withPrefix(props, 'config.providers'));
  workerProps['client.id'] ??= flowName(source, target);
  workerProps['key.converter'] ??= BYTE_ARRAY_CONVERTER;
  workerProps['value.converter'] ??= BYTE_ARRAY_CONVERTER;
  workerProps['header.converter'] ??= BYTE_ARRAY_CONVERTER;
  workerProps['offset.storage.file.filename'] = offsetsFile;

  const base: Record<string, string> = {};
  for (const [k, v] of Object.entries(props)) if (options.isConnectorKey(k)) base[k] = v;
  Object.assign(base, withPrefix(props, 'config.providers'), withPrefix(props, 'replication.policy'));
  for (const [side, sideProps] of [
    ['source', sourceProps],
    ['target', targetProps],
  ] as const) {
    for (const [k, v] of Object.entries(sideProps)) {
      if (CLIENT_PREFIX.test(k)) base[`${side}.${k}`] = v;
      else base[`${side}.cluster.${k}`] = v;
    }
  }
  base['source.cluster.alias'] ??= source;
  base['target.cluster.alias'] ??= target;
  const overrides = strippedPrefix(props, `${flowName(source, target)}.`);

  const connector = (simpleName: string): MirrorConnectorProps => {
    const config: Record<string, string> = { ...base };
    config['name'] ??= simpleName;
    config['connector.class'] ??= `${CONNECTOR_CLASS_PREFIX}${simpleName}`;
    Object.assign(config, overrides);
    // MM2's heartbeat connector ignores `enabled`: a pair that does not replicate still
    // emits heartbeats (KAFKA-10710); only `emit.heartbeats.enabled` turns them off.
    if (simpleName === HEARTBEAT_CONNECTOR_NAME) delete config['enabled'];
    else config['enabled'] ??= 'false';
    // One process runs every flow's connectors under their MM2 names; the name must be the
    // connector's own, not a top-level `name` meant for something else.
    config['name'] = simpleName;
    config['connector.class'] = `${CONNECTOR_CLASS_PREFIX}${simpleName}`;
    return { name: simpleName, config };
  };
  const connectors: MirrorConnectorProps[] = [];
  if (pair.isReplicationEnabled) {
    connectors.push(connector(SOURCE_CONNECTOR_NAME), connector(CHECKPOINT_CONNECTOR_NAME));
  }
  if (pair.hasHeartbeats) connectors.push(connector(HEARTBEAT_CONNECTOR_NAME));
  return {
    source,
    target,
    name: flowName(source, target),
    isReplicationEnabled: pair.isReplicationEnabled,
    workerProps,
    offsetsFile,
    connectors,
  };
}

function unknownKeyWarnings(
  props: Readonly<Record<string, string>>,
  clusters: readonly string[],
  isConnectorKey: (key: string) => boolean,
): string[] {
  const warnings: string[] = [];
  const distributed: string[] = [];
  const ignored: string[] = [];
  const unknown: string[] = [];
  for (const key of Object.keys(props)) {
    if (key === 'clusters' || key.startsWith('config.providers') || key.startsWith('replication.policy')) continue;
    const flow = /^(.+?)->(.+?)\.(.+)$/.exec(key);
    if (flow !== null) {
      const [, source = '', target = '', rest = ''] = flow;
      const missing = [source, target].filter((a) => !clusters.includes(a));
      if (missing.length > 0) {
        warnings.push(
          `${key}: ${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} not in clusters (${clusters.join(', ')}); ignored`,
        );
      } else if (rest !== 'enabled' && !isConnectorKey(rest)) {
        unknown.push(key);
      }
      continue;
    }
    if (clusters.some((alias) => key.startsWith(`${alias}.`))) continue;
    if (key === 'bootstrap.servers') {
      warnings.push('bootstrap.servers: ignored; each cluster has its own <alias>.bootstrap.servers');
      continue;
    }
    if (isConnectorKey(key) || CLIENT_KEY.test(key)) continue;
    if (WORKER_PREFIXES.some((p) => key.startsWith(p))) continue;
    if (DISTRIBUTED_KEY.test(key)) distributed.push(key);
    else if (IGNORED_DRIVER_KEY.test(key)) ignored.push(key);
    else unknown.push(key);
  }
  if (distributed.length > 0) {
    warnings.push(
      `${distributed.join(', ')}: ignored; each flow keeps its source offsets in a file under the state directory (--state-dir), not in internal topics`,
    );
  }
  if (ignored.length > 0) {
    warnings.push(
      `${ignored.join(', ')}: ignored; connect-mirror-maker runs every flow in one process without a REST API`,
    );
  }
  for (const key of unknown) warnings.push(`${key}: unknown key, ignored`);
  return warnings;
}
