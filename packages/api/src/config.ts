/**
 * Declaring configuration keys. Each plugin has one object literal of keys:
 *
 *   export const config = defineConfig({
 *     'batch.max.rows': int({ default: 100, min: 1, doc: 'Rows per poll.' }),
 *     'connection.password': password({ default: null, doc: '…' }),
 *   });
 *   type Config = ConfigValues<typeof config.keys>;   // { 'batch.max.rows': number; … }
 *
 * From it come parsing that reports every bad key at once (`parse`), the REST
 * `/config/validate` answer (`validate`, `describeKey`) and the generated docs
 * (`configDocsMarkdown`). A key without `default` is required; `default: null` makes it
 * optional with the value `null` when unset. Raw values are strings (a properties file's
 * text, or a JSON scalar the runtime turned into a string).
 */
import { ConfigError, type ConfigProblem } from './errors.js';

export type ConfigType = 'boolean' | 'string' | 'int' | 'long' | 'double' | 'list' | 'class' | 'password';
export type Importance = 'high' | 'medium' | 'low';
export type Width = 'none' | 'short' | 'medium' | 'long';

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/** A secret. Prints, serialises and logs as `[hidden]`; `value()` reveals it. */
export class Password {
  static readonly HIDDEN = '[hidden]';
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }
  value(): string {
    return this.#value;
  }
  toString(): string {
    return Password.HIDDEN;
  }
  toJSON(): string {
    return Password.HIDDEN;
  }
  [INSPECT](): string {
    return Password.HIDDEN;
  }
}

export interface KeyOptions<T> {
  readonly doc: string;
  /** Omit for a required key; `null` for an optional key without a value. */
  readonly default?: T | null;
  readonly importance?: Importance;
  readonly group?: string;
  readonly orderInGroup?: number;
  readonly width?: Width;
  readonly displayName?: string;
  /** Keys whose meaning depends on this one (shown by `/config/validate`). */
  readonly dependents?: readonly string[];
  /** Extra check on the parsed value; return a message to reject it. */
  readonly validate?: (value: T) => string | undefined;
  /** Words for the docs' "valid values" column when `validate` is used. */
  readonly validValues?: string;
  /**
   * Other names of the same key, e.g. a predecessor's (`src.kafka.bootstrap.servers` for
   * `source.cluster.bootstrap.servers`). When the key itself is absent, the first alias
   * present supplies the value; problems then name the alias the user wrote.
   */
  readonly aliases?: readonly string[];
}

export interface ConfigKey<T> {
  readonly type: ConfigType;
  readonly doc: string;
  readonly isRequired: boolean;
  /** The parsed default; `null` when optional without a value; `undefined` when required. */
  readonly defaultValue: T | undefined;
  readonly importance: Importance;
  readonly group: string | null;
  readonly orderInGroup: number;
  readonly width: Width;
  readonly displayName: string | null;
  readonly dependents: readonly string[];
  /** Human description of the valid values, or `null`. */
  readonly validValues: string | null;
  /** Other accepted names of this key (see {@link KeyOptions.aliases}). */
  readonly aliases: readonly string[];
  /** Parses a raw value; throws an Error whose message says what was expected. */
  parse(raw: string): T;
  /** A value as its string form (`[hidden]` for passwords, `null` for no value). */
  format(value: T): string | null;
}

type Nullable<O, T> = O extends { readonly default: null } ? T | null : T;

function makeKey<T>(
  type: ConfigType,
  options: KeyOptions<T>,
  parseRaw: (raw: string) => T,
  validValues: string | null,
  format: (value: T) => string,
  check?: (value: T) => string | undefined,
): ConfigKey<T> {
  const parse = (raw: string): T => {
    const value = parseRaw(raw);
    const problem = check?.(value) ?? options.validate?.(value);
    if (problem !== undefined) throw new Error(problem);
    return value;
  };
  return Object.freeze({
    type,
    doc: options.doc,
    isRequired: !('default' in options) || options.default === undefined,
    defaultValue: options.default as T | undefined,
    importance: options.importance ?? 'medium',
    group: options.group ?? null,
    orderInGroup: options.orderInGroup ?? -1,
    width: options.width ?? 'none',
    displayName: options.displayName ?? null,
    dependents: options.dependents ?? [],
    validValues: options.validValues ?? validValues,
    aliases: options.aliases ?? [],
    parse,
    format: (value: T) => (value === null || value === undefined ? null : format(value)),
  });
}

function range(min: number | undefined, max: number | undefined): string | null {
  if (min === undefined && max === undefined) return null;
  return `[${min ?? '...'},...,${max ?? '...'}]`;
}

function checkRange(min: number | undefined, max: number | undefined) {
  return (v: number): string | undefined => {
    if (min !== undefined && v < min) return `Value must be at least ${min}`;
    if (max !== undefined && v > max) return `Value must be no more than ${max}`;
    return undefined;
  };
}

function parseInteger(raw: string, min: number, max: number, what: string): number {
  const text = raw.trim();
  if (!/^[+-]?\d+$/.test(text)) throw new Error(`Expected value to be a ${what} number, but it was "${raw}"`);
  const n = Number(text);
  if (n < min || n > max || !Number.isSafeInteger(n))
    throw new Error(`Expected value to be a ${what} number, but it was "${raw}" (out of range)`);
  return n;
}

export interface NumberOptions {
  readonly min?: number;
  readonly max?: number;
}

/** A 32-bit integer. */
export function int<const O extends KeyOptions<number> & NumberOptions>(options: O): ConfigKey<Nullable<O, number>> {
  return makeKey<number>(
    'int',
    options,
    (raw) => parseInteger(raw, -2_147_483_648, 2_147_483_647, '32-bit integer'),
    range(options.min, options.max),
    String,
    checkRange(options.min, options.max),
  ) as ConfigKey<Nullable<O, number>>;
}

/** A 64-bit integer (durations, sizes); values beyond 2^53 are rejected. */
export function long<const O extends KeyOptions<number> & NumberOptions>(options: O): ConfigKey<Nullable<O, number>> {
  return makeKey<number>(
    'long',
    options,
    (raw) => parseInteger(raw, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, 'long'),
    range(options.min, options.max),
    String,
    checkRange(options.min, options.max),
  ) as ConfigKey<Nullable<O, number>>;
}

export function double<const O extends KeyOptions<number> & NumberOptions>(options: O): ConfigKey<Nullable<O, number>> {
  return makeKey<number>(
    'double',
    options,
    (raw) => {
      const n = Number(raw.trim());
      if (raw.trim() === '' || !Number.isFinite(n))
        throw new Error(`Expected value to be a number, but it was "${raw}"`);
      return n;
    },
    range(options.min, options.max),
    String,
    checkRange(options.min, options.max),
  ) as ConfigKey<Nullable<O, number>>;
}

export function boolean<const O extends KeyOptions<boolean>>(options: O): ConfigKey<Nullable<O, boolean>> {
  return makeKey<boolean>(
    'boolean',
    options,
    (raw) => {
      const text = raw.trim().toLowerCase();
      if (text === 'true') return true;
      if (text === 'false') return false;
      throw new Error(`Expected value to be either true or false, but it was "${raw}"`);
    },
    'true, false',
    String,
  ) as ConfigKey<Nullable<O, boolean>>;
}

export interface StringOptions {
  /** Reject the empty string (after trimming). */
  readonly nonEmpty?: boolean;
}

export function string<const O extends KeyOptions<string> & StringOptions>(options: O): ConfigKey<Nullable<O, string>> {
  return makeKey<string>(
    'string',
    options,
    (raw) => raw.trim(),
    options.nonEmpty === true ? 'non-empty string' : null,
    (v) => v,
    options.nonEmpty === true ? (v) => (v === '' ? 'String must be non-empty' : undefined) : undefined,
  ) as ConfigKey<Nullable<O, string>>;
}

/**
 * One of a fixed set of words, matched without regard to case and returned as declared:
 * `choice({ values: ['none', 'all'], default: 'none', doc })`.
 */
export function choice<const V extends readonly string[]>(
  options: KeyOptions<V[number]> & { readonly values: V; readonly default: null },
): ConfigKey<V[number] | null>;
export function choice<const V extends readonly string[]>(
  options: KeyOptions<V[number]> & { readonly values: V },
): ConfigKey<V[number]>;
export function choice<const V extends readonly string[]>(
  options: KeyOptions<V[number]> & { readonly values: V },
): ConfigKey<V[number]> {
  const values = options.values;
  return makeKey<V[number]>(
    'string',
    options,
    (raw) => {
      const found = values.find((v) => v.toLowerCase() === raw.trim().toLowerCase());
      if (found === undefined) throw new Error(`Invalid value ${raw}: must be one of ${values.join(', ')}`);
      return found;
    },
    `[${values.join(', ')}]`,
    (v) => v,
  );
}

/** A comma-separated list; items are trimmed and empty items dropped. */
export function list<const O extends KeyOptions<readonly string[]> & StringOptions>(
  options: O,
): ConfigKey<Nullable<O, readonly string[]>> {
  return makeKey<readonly string[]>(
    'list',
    options,
    (raw) =>
      raw
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== ''),
    options.nonEmpty === true ? 'non-empty list' : null,
    (v) => v.join(','),
    options.nonEmpty === true ? (v) => (v.length === 0 ? 'List must contain at least one item' : undefined) : undefined,
  ) as ConfigKey<Nullable<O, readonly string[]>>;
}

/** A secret: never printed, logged or returned by the REST API. */
export function password<const O extends KeyOptions<Password>>(options: O): ConfigKey<Nullable<O, Password>> {
  return makeKey<Password>(
    'password',
    options,
    (raw) => new Password(raw),
    null,
    () => Password.HIDDEN,
  ) as ConfigKey<Nullable<O, Password>>;
}

/** A plugin name: one of ours, or a Java class name that is an alias of one. */
export function className<const O extends KeyOptions<string>>(options: O): ConfigKey<Nullable<O, string>> {
  return makeKey<string>(
    'class',
    options,
    (raw) => raw.trim(),
    null,
    (v) => v,
  ) as ConfigKey<Nullable<O, string>>;
}

// biome-ignore lint/suspicious/noExplicitAny: keys of any value type.
export type ConfigKeys = Readonly<Record<string, ConfigKey<any>>>;

export type ConfigValues<K extends ConfigKeys> = {
  readonly [P in keyof K]: K[P] extends ConfigKey<infer T> ? T : never;
};

/** One key's answer in `/config/validate`. */
export interface KeyValidation {
  readonly name: string;
  /** The value given, as text (`[hidden]` for passwords), or `null`. */
  readonly value: string | null;
  readonly errors: readonly string[];
}

export interface ConfigDefinition<K extends ConfigKeys> {
  readonly keys: K;
  /** Parses `props`; throws one ConfigError listing every bad or missing key. Unknown keys are ignored. */
  parse(props: Readonly<Record<string, string | undefined>>, context?: string): ConfigValues<K>;
  /** Every key's value and problems, for `/config/validate`. */
  validate(props: Readonly<Record<string, string | undefined>>): KeyValidation[];
  /** Keys of `props` this definition does not declare. */
  unknownKeys(props: Readonly<Record<string, string | undefined>>): string[];
  /** A definition with more keys (later ones replace earlier ones of the same name). */
  extend<K2 extends ConfigKeys>(more: K2): ConfigDefinition<Omit<K, keyof K2> & K2>;
}

function parseKey(
  name: string,
  key: ConfigKey<unknown>,
  raw: string | undefined,
): { value: unknown; problem?: ConfigProblem } {
  if (raw === undefined) {
    if (key.isRequired) {
      return {
        value: undefined,
        problem: { key: name, value: undefined, message: 'Missing required configuration with no default value' },
      };
    }
    return { value: key.defaultValue ?? null };
  }
  try {
    return { value: key.parse(raw) };
  } catch (err) {
    const shown = key.type === 'password' ? Password.HIDDEN : raw;
    const message = `Invalid value ${JSON.stringify(shown)}: ${(err as Error).message}`;
    return { value: undefined, problem: { key: name, value: shown, message } };
  }
}

/** The name the user wrote for `name` (the key or its first alias present) and its raw value. */
function rawValue(
  name: string,
  key: ConfigKey<unknown>,
  props: Readonly<Record<string, string | undefined>>,
): { written: string; raw: string | undefined } {
  if (props[name] !== undefined) return { written: name, raw: props[name] };
  for (const alias of key.aliases) {
    if (props[alias] !== undefined) return { written: alias, raw: props[alias] };
  }
  return { written: name, raw: undefined };
}

export function defineConfig<K extends ConfigKeys>(keys: K): ConfigDefinition<K> {
  const aliasNames = new Set(Object.values(keys).flatMap((k) => k.aliases));
  return {
    keys,
    parse(props, context) {
      const out: Record<string, unknown> = {};
      const problems: ConfigProblem[] = [];
      for (const [name, key] of Object.entries(keys)) {
        const { written, raw } = rawValue(name, key, props);
        const { value, problem } = parseKey(written, key, raw);
        if (problem) problems.push(problem);
        out[name] = value;
      }
      if (problems.length > 0) throw new ConfigError(problems, context === undefined ? {} : { context });
      return Object.freeze(out) as ConfigValues<K>;
    },
    validate(props) {
      return Object.entries(keys).map(([name, key]) => {
        const { written, raw } = rawValue(name, key, props);
        const { problem } = parseKey(written, key, raw);
        return {
          name,
          value: raw === undefined ? null : key.type === 'password' ? Password.HIDDEN : raw,
          errors: problem ? [problem.message] : [],
        };
      });
    },
    unknownKeys(props) {
      return Object.keys(props).filter((k) => !(k in keys) && !aliasNames.has(k));
    },
    extend(more) {
      return defineConfig({ ...keys, ...more } as unknown as Omit<K, keyof typeof more> & typeof more);
    },
  };
}

/** Kafka's `ConfigKeyInfo`, as `GET /connector-plugins/{p}/config` and `/config/validate` show it. */
export interface ConfigKeyInfo {
  readonly name: string;
  readonly type: string;
  readonly required: boolean;
  readonly default_value: string | null;
  readonly importance: string;
  readonly documentation: string;
  readonly group: string | null;
  readonly order_in_group: number;
  readonly width: string;
  readonly display_name: string;
  readonly dependents: readonly string[];
}

export function describeKey(name: string, key: ConfigKey<unknown>): ConfigKeyInfo {
  return {
    name,
    type: key.type.toUpperCase(),
    required: key.isRequired,
    default_value: key.isRequired ? null : key.format(key.defaultValue),
    importance: key.importance.toUpperCase(),
    documentation: key.doc,
    group: key.group,
    order_in_group: key.orderInGroup,
    width: key.width.toUpperCase(),
    display_name: key.displayName ?? name,
    dependents: key.dependents,
  };
}

/** A Markdown table of `definition`'s keys: name, type, default, valid values, importance, description. */
export function configDocsMarkdown(definition: ConfigDefinition<ConfigKeys>): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const rows = Object.entries(definition.keys).map(([name, key]) => {
    const dflt = key.isRequired ? '(required)' : (key.format(key.defaultValue) ?? 'null');
    const aliases = key.aliases.length === 0 ? '' : ` Also accepted as ${key.aliases.map((a) => `\`${a}\``).join(', ')}.`;
    return `| \`${name}\` | ${key.type} | ${cell(dflt === '' ? '""' : dflt)} | ${cell(key.validValues ?? '')} | ${key.importance} | ${cell(key.doc + aliases)} |`;
  });
  return [
    '| key | type | default | valid values | importance | description |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}
