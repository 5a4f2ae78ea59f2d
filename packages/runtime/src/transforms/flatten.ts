/**
 * Flatten: turns nested structs (or nested maps, schemaless) into one level, joining the
 * names with `delimiter` (`address.city`), as Kafka's `Flatten`. A flattened field is
 * optional when any struct above it is, and takes its default from the nearest default
 * above it. Arrays are kept as they are; maps inside a struct are not supported.
 */
import {
  type ConnectRecord,
  DataError,
  defineConfig,
  type Schema,
  SchemaBuilder,
  Struct,
  string,
} from '@tributary/api';
import {
  copySchemaBasics,
  defineKeyValueTransforms,
  describeValue,
  isPlainObject,
  partOf,
  requireMap,
  requireStruct,
  schemaCache,
  TRANSFORMS_VERSION,
  withPart,
} from './support.js';

const PURPOSE = 'flattening';

const config = defineConfig({
  delimiter: string({
    default: '.',
    doc: 'Delimiter to insert between field names from the input record when generating field names for the output record',
  }),
});

export const [flattenKey, flattenValue] = defineKeyValueTransforms({
  name: 'Flatten',
  version: TRANSFORMS_VERSION,
  description: 'Flattens nested structs or maps into one level, joining field names with a delimiter',
  config,
  create(values, part) {
    const delimiter = values.delimiter;
    const join = (prefix: string, name: string) => (prefix === '' ? name : `${prefix}${delimiter}${name}`);

    const flattenSchema = schemaCache((schema) => {
      const builder = copySchemaBasics(schema, SchemaBuilder.struct());
      const addFields = (struct: Schema, prefix: string, isOptional: boolean, parentDefault: Struct | null) => {
        for (const field of struct.fields) {
          const name = join(prefix, field.name);
          const isFieldOptional = isOptional || field.schema.isOptional;
          const own = field.schema.defaultValue;
          const fieldDefault =
            own !== undefined && own !== null ? own : parentDefault === null ? null : parentDefault.get(field.name);
          if (field.schema.type === 'struct') {
            addFields(
              field.schema,
              name,
              isFieldOptional,
              fieldDefault === null || fieldDefault === undefined ? null : requireStruct(fieldDefault, PURPOSE),
            );
            continue;
          }
          if (field.schema.type === 'map') {
            throw new DataError(
              `Flatten transformation does not support MAP for record with schemas (for field ${name}).`,
            );
          }
          const copy = copyPrimitive(field.schema);
          if (isFieldOptional) copy.optional();
          if (fieldDefault !== null && fieldDefault !== undefined) copy.defaultValue(fieldDefault);
          try {
            builder.field(name, copy.build());
          } catch (err) {
            throw new DataError(`Flatten cannot add field "${name}": ${(err as Error).message}`, { cause: err });
          }
        }
      };
      const topDefault = schema.defaultValue;
      addFields(
        schema,
        '',
        schema.isOptional,
        topDefault === null || topDefault === undefined ? null : requireStruct(topDefault, PURPOSE),
      );
      return builder.build();
    });

    const copyValues = (struct: Struct, prefix: string, out: Struct) => {
      for (const field of struct.schema.fields) {
        const name = join(prefix, field.name);
        const value = struct.get(field.name);
        if (field.schema.type !== 'struct') out.put(name, value);
        else if (value !== null && value !== undefined) copyValues(requireStruct(value, PURPOSE), name, out);
      }
    };

    const flattenMap = (map: Record<string, unknown>, prefix: string, out: Record<string, unknown>) => {
      for (const [key, value] of Object.entries(map)) {
        const name = join(prefix, key);
        if (isPlainObject(value)) flattenMap(value, name, out);
        else if (isSchemalessLeaf(value)) out[name] = value ?? null;
        else {
          throw new DataError(
            `Flatten transformation does not support ${describeValue(value)} for record without schemas (for field ${name}).`,
          );
        }
      }
    };

    return <R extends ConnectRecord>(record: R): R => {
      const { schema, value } = partOf(record, part);
      if (value === null || value === undefined) return record;
      if (schema === null) {
        const out: Record<string, unknown> = {};
        flattenMap(requireMap(value, PURPOSE), '', out);
        return withPart(record, part, null, out);
      }
      const struct = requireStruct(value, PURPOSE);
      const flat = flattenSchema(schema);
      const out = new Struct(flat);
      copyValues(struct, '', out);
      return withPart(record, part, flat, out);
    };
  },
});

/** A builder with the type, name, version, doc and parameters of `schema` (array items too). */
function copyPrimitive(schema: Schema): SchemaBuilder {
  const builder =
    schema.type === 'array' && schema.valueSchema !== null
      ? SchemaBuilder.array(schema.valueSchema)
      : SchemaBuilder.type(schema.type);
  return copySchemaBasics(schema, builder);
}

function isSchemalessLeaf(value: unknown): boolean {
  return (
    value === null ||
    value === undefined ||
    typeof value === 'number' ||
    typeof value === 'bigint' ||
    typeof value === 'boolean' ||
    typeof value === 'string' ||
    value instanceof Uint8Array ||
    Array.isArray(value)
  );
}
