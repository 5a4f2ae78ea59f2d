/**
 * The worker's configuration (`worker.properties`): Kafka Connect's `WorkerConfig` and
 * `StandaloneConfig` keys with their defaults, our REST keys, and the client security keys.
 *
 * Differences from Kafka Connect, on purpose:
 * - `listeners` defaults to `http://127.0.0.1:8083`: the REST API is reachable from this
 *   machine only unless the worker says otherwise.
 * - `connector.client.config.override.policy` defaults to `AllExceptSecurity`: connectors may
 *   override any producer/consumer/admin key except the security-sensitive ones
 *   (`security.protocol`, `sasl.*`, `ssl.*`, and `bootstrap.servers`, which would send the
 *   worker's credentials to another cluster). Kafka's `All`, `None` and `Principal`
 *   (only `sasl.jaas.config`, `sasl.mechanism`, `security.protocol`) are available, by name
 *   or by their Java class names.
 * - `plugin.path` and `plugin.discovery` are accepted and ignored with a note: plugins are
 *   npm packages registered by the CLI.
 * - Top-level security keys also apply to task clients unless `producer.`/`consumer.`/
 *   `admin.` keys override them (Kafka applies only `bootstrap.servers`).
 * Keys the worker does not know (distributed-mode keys, for one) come back as warnings.
 */
import {
  boolean,
  ConfigError,
  type ConfigProblem,
  type ConfigValues,
  className,
  int,
  list,
  long,
  password,
  string,
} from '@tributary/api';
import { clientSecurity, clientSecurityConfig } from './client-security.js';

export const OVERRIDE_POLICIES = ['None', 'Principal', 'All', 'AllExceptSecurity'] as const;
export type OverridePolicy = (typeof OVERRIDE_POLICIES)[number];

const POLICY_CLASSES: Readonly<Record<string, OverridePolicy>> = {
  'org.apache.kafka.connect.connector.policy.NoneConnectorClientConfigOverridePolicy': 'None',
  'org.apache.kafka.connect.connector.policy.PrincipalConnectorClientConfigOverridePolicy': 'Principal',
  'org.apache.kafka.connect.connector.policy.AllConnectorClientConfigOverridePolicy': 'All',
};

function overridePolicyOf(raw: string): OverridePolicy | undefined {
  const text = raw.trim();
  return POLICY_CLASSES[text] ?? OVERRIDE_POLICIES.find((p) => p.toLowerCase() === text.toLowerCase());
}

const COMMON = 'Common';
const REST = 'REST';

export const workerConfig = clientSecurityConfig.extend({
  'bootstrap.servers': list({
    default: ['localhost:9092'],
    importance: 'high',
    group: COMMON,
    doc: 'Kafka brokers (host:port, comma-separated). Task producers and consumers inherit it.',
  }),
  'client.id': string({ default: '', group: COMMON, doc: 'Client id prefix for the worker’s own Kafka clients.' }),
  'key.converter': className({
    importance: 'high',
    group: COMMON,
    doc: 'Converter for record keys; sub-configs under key.converter.*.',
  }),
  'value.converter': className({
    importance: 'high',
    group: COMMON,
    doc: 'Converter for record values; sub-configs under value.converter.*.',
  }),
  'header.converter': className({
    default: 'org.apache.kafka.connect.storage.SimpleHeaderConverter',
    group: COMMON,
    doc: 'Converter for header values; sub-configs under header.converter.*.',
  }),
  'offset.flush.interval.ms': long({
    default: 60_000,
    min: 1,
    group: COMMON,
    doc: 'How often source offsets are committed and sinks flushed.',
  }),
  'offset.flush.timeout.ms': long({
    default: 5_000,
    min: 1,
    group: COMMON,
    doc: 'How long an offset flush may wait for outstanding records.',
  }),
  'task.shutdown.graceful.timeout.ms': long({
    default: 5_000,
    min: 0,
    group: COMMON,
    doc: 'How long a stopping task may take before it is abandoned.',
  }),
  'plugin.path': list({
    default: null,
    group: COMMON,
    doc: 'Accepted and ignored: plugins are npm packages the CLI registers.',
  }),
  'plugin.discovery': string({ default: null, group: COMMON, doc: 'Accepted and ignored.' }),
  'config.providers': list({
    default: [],
    group: COMMON,
    doc: 'Config provider names; each needs config.providers.<name>.class.',
  }),
  'connector.client.config.override.policy': string({
    default: 'AllExceptSecurity',
    group: COMMON,
    validValues: OVERRIDE_POLICIES.join(', '),
    validate: (v) => (overridePolicyOf(v) === undefined ? `Must be one of ${OVERRIDE_POLICIES.join(', ')}` : undefined),
    doc: 'Which producer.override.*, consumer.override.* and admin.override.* keys connectors may set. AllExceptSecurity (default): all but security.protocol, sasl.*, ssl.* and bootstrap.servers; All; Principal (sasl.jaas.config, sasl.mechanism, security.protocol only); None.',
  }),
  'topic.creation.enable': boolean({
    default: true,
    group: COMMON,
    doc: 'Lets source connectors create topics per topic.creation.*.',
  }),
  'topic.tracking.enable': boolean({
    default: true,
    group: COMMON,
    doc: 'Records the topics each connector uses (GET /connectors/{name}/topics).',
  }),
  'topic.tracking.allow.reset': boolean({
    default: true,
    group: COMMON,
    doc: 'Allows PUT /connectors/{name}/topics/reset.',
  }),
  listeners: list({
    default: ['http://127.0.0.1:8083'],
    group: REST,
    doc: 'REST listeners (http://host:port). Defaults to loopback only; use http://0.0.0.0:8083 to listen on every interface.',
  }),
  'rest.advertised.host.name': string({
    default: null,
    group: REST,
    doc: 'Host name other workers and clients should use.',
  }),
  'rest.advertised.port': int({
    default: null,
    min: 0,
    max: 65_535,
    group: REST,
    doc: 'Port other workers and clients should use.',
  }),
  'rest.advertised.listener': string({ default: null, group: REST, doc: 'Listener protocol to advertise (http).' }),
  'rest.basic.auth.username': string({
    default: null,
    group: REST,
    doc: 'When set with rest.basic.auth.password, the REST API requires HTTP basic auth.',
  }),
  'rest.basic.auth.password': password({ default: null, group: REST, doc: 'Password for REST basic auth.' }),
});

/** The standalone worker adds the offsets file. */
export const standaloneWorkerConfig = workerConfig.extend({
  'offset.storage.file.filename': string({
    nonEmpty: true,
    importance: 'high',
    group: COMMON,
    doc: 'File where source offsets are stored (JSON).',
  }),
});

export type WorkerConfigValues = ConfigValues<typeof workerConfig.keys>;
export type StandaloneWorkerConfigValues = ConfigValues<typeof standaloneWorkerConfig.keys>;

export interface ParsedWorkerConfig<V = StandaloneWorkerConfigValues> {
  readonly config: V;
  readonly overridePolicy: OverridePolicy;
  /** The properties as given (provider references unresolved). */
  readonly props: Readonly<Record<string, string>>;
  /** `producer.*`, `consumer.*`, `admin.*` with the prefix removed. */
  readonly producer: Readonly<Record<string, string>>;
  readonly consumer: Readonly<Record<string, string>>;
  readonly admin: Readonly<Record<string, string>>;
  /** Unknown and ignored keys, one sentence each. */
  readonly warnings: readonly string[];
}

/** Prefixes whose keys belong to someone else (clients, converters, providers). */
const KNOWN_PREFIXES = [
  'producer.',
  'consumer.',
  'admin.',
  'key.converter.',
  'value.converter.',
  'header.converter.',
  'config.providers.',
  'listeners.',
];
const IGNORED = ['plugin.path', 'plugin.discovery'];

/** `props`' keys starting with `prefix`, with it removed. */
export function subMap(props: Readonly<Record<string, string>>, prefix: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(props))
    if (k.startsWith(prefix) && k.length > prefix.length) out[k.slice(prefix.length)] = v;
  return out;
}

export function parseWorkerConfig(
  props: Readonly<Record<string, string>>,
  source: string,
): ParsedWorkerConfig<StandaloneWorkerConfigValues>;
export function parseWorkerConfig(
  props: Readonly<Record<string, string>>,
  source: string,
  options: { readonly isStandalone: false },
): ParsedWorkerConfig<WorkerConfigValues>;
/**
 * Parses worker properties. Throws one ConfigError (context: `source`) listing every bad or
 * missing key, including security settings that cannot work (JKS stores, a JAAS config
 * without credentials). `isStandalone` (default true) requires `offset.storage.file.filename`.
 */
export function parseWorkerConfig(
  props: Readonly<Record<string, string>>,
  source: string,
  options: { readonly isStandalone?: boolean } = {},
): ParsedWorkerConfig<WorkerConfigValues> {
  const definition = options.isStandalone === false ? workerConfig : standaloneWorkerConfig;
  const config = definition.parse(props, source);
  const problems: ConfigProblem[] = [];
  try {
    clientSecurity(config);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    problems.push(...err.problems);
  }
  if (problems.length > 0) throw new ConfigError(problems, { context: source });

  const warnings: string[] = [];
  for (const key of definition.unknownKeys(props)) {
    if (KNOWN_PREFIXES.some((p) => key.startsWith(p))) continue;
    warnings.push(`Unknown worker configuration ${key} in ${source} is ignored`);
  }
  for (const key of IGNORED) {
    if (props[key] !== undefined)
      warnings.push(`${key} in ${source} is ignored: plugins are npm packages registered by the CLI`);
  }
  const overridePolicy = overridePolicyOf(config['connector.client.config.override.policy']) ?? 'AllExceptSecurity';
  return {
    config,
    overridePolicy,
    props,
    producer: subMap(props, 'producer.'),
    consumer: subMap(props, 'consumer.'),
    admin: subMap(props, 'admin.'),
    warnings,
  };
}
