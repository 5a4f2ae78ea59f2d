/**
 * What a connector's tests hand the conformance suite. The suite owns the broker, the
 * worker, the topic and the records' identities; the connector's tests own the external
 * system: where data comes from (a file, a table) and where it goes.
 *
 * Records are identified by ids the suite chooses (`c0a8…-17`): a source's
 * `produceSourceData` puts records carrying those ids into its system, and `idOf` finds an
 * id in a record the connector produced; a sink's `readSinkData` returns the ids it finds
 * in its system, one entry per stored record (so duplicates show).
 */
import type { Props, SinkConnectorPlugin, SourceConnectorPlugin } from '@tributary/api';

/** One test's fresh surroundings. Everything in it is unique to the test. */
export interface ConformanceContext {
  /** A unique word (letters, digits, dashes) for names of files, tables, … */
  readonly id: string;
  /** The connector's name (a sink's consumer group is `connect-<name>`). */
  readonly connectorName: string;
  /** The topic the source writes to or the sink reads from; created with one partition. */
  readonly topic: string;
  /** A new directory, removed after the test. */
  readonly dir: string;
  /** The embedded broker, `host:port`. */
  readonly bootstrap: string;
}

/**
 * Where a worker in a child process imports the plugin from: `module` is a URL or absolute
 * path (`import.meta.resolve('@my/connector')`), `exportName` the export holding the plugin.
 * The child process inherits the test process's `--import` hooks (tsx), so TypeScript
 * sources work.
 */
export interface PluginModule {
  readonly module: string;
  readonly exportName: string;
}

interface CommonSpec {
  /** The describe block's title; default `<plugin name> conformance`. */
  readonly title?: string;
  readonly pluginModule: PluginModule;
  /**
   * The connector's own properties for a fresh target in `ctx` (file, table, topic key);
   * without `name` and `connector.class` (the suite sets them) and, for sinks, `topics`.
   */
  baseConfig(ctx: ConformanceContext): Props | Promise<Props>;
  /**
   * Worker properties added to the suite's. The suite's defaults: key and value
   * JsonConverter with `schemas.enable=false`.
   */
  readonly workerProps?: Readonly<Record<string, string>>;
  /** Called after each test (drop tables, close pools). The directory is removed by the suite. */
  cleanup?(ctx: ConformanceContext): void | Promise<void>;
  /** How long one wait (for records, states) may take; default 60 s. */
  readonly waitTimeoutMs?: number;
}

export interface SourceConformanceSpec extends CommonSpec {
  readonly plugin: SourceConnectorPlugin;
  /** Puts one record per id into the source system, in this order, and returns once they are there. */
  produceSourceData(ctx: ConformanceContext, ids: readonly string[]): void | Promise<void>;
  /** The id carried by a produced record; default: the value, a JSON string (JsonConverter, schemas off). */
  idOf?(record: { readonly key: Buffer | null; readonly value: Buffer | null }): string;
}

export interface SinkConformanceSpec extends CommonSpec {
  readonly plugin: SinkConnectorPlugin;
  /** Every id stored in the sink system so far, one entry per stored record, duplicates included. */
  readSinkData(ctx: ConformanceContext): readonly string[] | Promise<readonly string[]>;
  /** The JSON value the suite produces for an id (JsonConverter, schemas off); default the id itself. */
  recordValue?(id: string): unknown;
}
