import { type ConnectRecord, DataError, defineConfig, list, SchemaBuilder, Struct } from '@tributary/api';
import {
  copySchemaBasics,
  defineKeyValueTransforms,
  partOf,
  readField,
  replaceNullWithDefault,
  requireMap,
  requireStruct,
  schemaCache,
  TRANSFORMS_VERSION,
  withPart,
} from './support.js';

const replaceFieldConfig = defineConfig({
  exclude: list({ default: [], doc: 'Fields to exclude. This takes precedence over the fields to include.' }),
  blacklist: list({ default: null, importance: 'low', doc: 'Deprecated. Use exclude instead.' }),
  include: list({ default: [], doc: 'Fields to include. If specified, only these fields will be used.' }),
  whitelist: list({ default: null, importance: 'low', doc: 'Deprecated. Use include instead.' }),
  renames: list({
    default: [],
    doc: 'Field rename mappings.',
    validValues: 'list of colon-delimited pairs, e.g. foo:bar,abc:xyz',
    validate: (mappings) => {
      const bad = mappings.find((m) => parseRename(m) === undefined);
      return bad === undefined ? undefined : `Invalid rename mapping: ${bad}`;
    },
  }),
  'replace.null.with.default': replaceNullWithDefault,
});

const PURPOSE = 'field replacement';

function parseRename(mapping: string): readonly [string, string] | undefined {
  const parts = mapping.split(':');
  return parts.length === 2 && parts[0] !== '' && parts[1] !== '' ? [parts[0] ?? '', parts[1] ?? ''] : undefined;
}

/**
 * Kafka's ReplaceField. `blacklist` and `whitelist` (Kafka 3.x) are used when `exclude`
 * and `include` are empty. The new struct schema keeps the old one's name, version, doc,
 * parameters and optionality, and is built once per input schema.
 */
export const [replaceFieldKey, replaceFieldValue] = defineKeyValueTransforms({
  name: 'ReplaceField',
  version: TRANSFORMS_VERSION,
  description: 'Drops, keeps only, or renames fields of a struct or map',
  config: replaceFieldConfig,
  create(config, part) {
    const exclude = new Set(config.exclude.length > 0 ? config.exclude : (config.blacklist ?? []));
    const include = new Set(config.include.length > 0 ? config.include : (config.whitelist ?? []));
    const renames = new Map(config.renames.map((m) => parseRename(m) ?? [m, m]));
    const useDefaults = config['replace.null.with.default'];
    const isKept = (name: string) => !exclude.has(name) && (include.size === 0 || include.has(name));
    const renamed = (name: string) => renames.get(name) ?? name;
    /** The new schema, and for each of its fields the name of the field it is read from. */
    const updated = schemaCache((schema) => {
      const b = copySchemaBasics(schema, SchemaBuilder.struct());
      if (schema.isOptional) b.optional();
      const sources: string[] = [];
      for (const field of schema.fields) {
        if (!isKept(field.name)) continue;
        const name = renamed(field.name);
        if (sources.some((s) => renamed(s) === name)) {
          throw new DataError(
            `Cannot rename field "${field.name}" to "${name}": the result already has a field "${name}"`,
          );
        }
        b.field(name, field.schema);
        sources.push(field.name);
      }
      return { schema: b.build(), sources };
    });

    return <R extends ConnectRecord>(record: R): R => {
      const { schema, value } = partOf(record, part);
      if (value === null || value === undefined) return record;
      if (schema === null) {
        const entries = Object.entries(requireMap(value, PURPOSE)).filter(([name]) => isKept(name));
        const out = Object.fromEntries(entries.map(([name, v]) => [renamed(name), v]));
        return withPart(record, part, null, out);
      }
      const struct = requireStruct(value, PURPOSE);
      const { schema: newSchema, sources } = updated(struct.schema);
      const out = new Struct(newSchema);
      for (const [i, field] of newSchema.fields.entries()) {
        const source = sources[i] ?? field.name;
        out.put(field.name, readField(struct, source, useDefaults));
      }
      return withPart(record, part, newSchema, out);
    };
  },
});
