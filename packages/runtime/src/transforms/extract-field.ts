/**
 * ExtractField: replaces the key or value with one of its fields, as Kafka's
 * `ExtractField`. With `field.syntax.version=V2` (KIP-821) the field is a dotted path into
 * nested structs or maps; a name containing dots is wrapped in backticks
 * (`` `foo.bar`.baz ``), and a backtick that ends a name early is escaped with a backslash.
 */
import {
  ConfigError,
  type ConnectRecord,
  choice,
  DataError,
  defineConfig,
  type Field,
  type Schema,
  type Struct,
  string,
} from '@tributary/api';
import {
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

const PURPOSE = 'field extraction';
const NESTED = 'nested field access';

const config = defineConfig({
  field: string({ doc: 'Field name to extract.' }),
  'field.syntax.version': choice({
    values: ['V1', 'V2'],
    default: 'V1',
    importance: 'high',
    doc:
      'Defines the version of the syntax to access fields. If set to V1, then the field paths are limited to access ' +
      'the elements at the root level of the struct or map. If set to V2, the syntax will support accessing nested ' +
      'elements. To access nested elements, dotted notation is used. If dots are already included in the field name, ' +
      'then backtick pairs can be used to wrap field names containing dots. E.g. to access the subfield baz from a ' +
      'field named "foo.bar" in a struct/map the following format can be used: "`foo.bar`.baz".',
  }),
  'replace.null.with.default': replaceNullWithDefault,
});

export const [extractFieldKey, extractFieldValue] = defineKeyValueTransforms({
  name: 'ExtractField',
  version: TRANSFORMS_VERSION,
  description: 'Replaces the key or value with one of its fields (a Struct field with a schema, a map entry without)',
  config,
  create(values, part) {
    const path = values.field;
    const steps = values['field.syntax.version'] === 'V2' ? parseFieldPath(path, 'field') : [path];
    const useDefaults = values['replace.null.with.default'];
    const fieldOf = schemaCache((schema) => {
      const field = fieldAt(schema, steps);
      if (field === undefined) throw new DataError(`Unknown field: ${path}`);
      return field;
    });

    return <R extends ConnectRecord>(record: R): R => {
      const { schema, value } = partOf(record, part);
      if (schema === null) {
        if (value === null || value === undefined) return withPart(record, part, null, null);
        return withPart(record, part, null, mapValueAt(requireMap(value, PURPOSE), steps));
      }
      const struct = value === null || value === undefined ? null : requireStruct(value, PURPOSE);
      const field = fieldOf(schema);
      return withPart(record, part, field.schema, struct === null ? null : structValueAt(struct, steps, useDefaults));
    };
  },
});

/**
 * The steps of a V2 field path: split at dots, except inside a backtick pair that opens a
 * step and closes right before a dot or the end. A trailing dot adds an empty last step.
 */
export function parseFieldPath(path: string, key: string): string[] {
  const steps: string[] = [];
  let i = 0;
  while (i < path.length) {
    if (path[i] !== '`') {
      const dot = path.indexOf('.', i);
      steps.push(dot < 0 ? path.slice(i) : path.slice(i, dot));
      i = dot < 0 ? path.length : dot + 1;
      continue;
    }
    const openedAt = i;
    let name = '';
    let start = i + 1;
    let at = start;
    for (;;) {
      const tick = path.indexOf('`', at);
      if (tick < 0) throw incompleteBackticks(path, openedAt, key);
      const isEscaped = path[tick - 1] === '\\';
      if (tick === path.length - 1) {
        if (isEscaped) throw incompleteBackticks(path, openedAt, key);
        steps.push(name + path.slice(start, tick));
        i = tick + 1;
        break;
      }
      if (path[tick + 1] !== '.') {
        at = tick + 1; // a backtick inside the name
        continue;
      }
      if (isEscaped) {
        name += `${path.slice(start, tick - 1)}\``;
        start = tick + 1;
        at = start;
        continue;
      }
      steps.push(name + path.slice(start, tick));
      i = tick + 2;
      break;
    }
  }
  if (path === '' || path.endsWith('.')) steps.push('');
  return steps;
}

function incompleteBackticks(path: string, at: number, key: string): ConfigError {
  return new ConfigError([
    {
      key,
      value: path,
      message: `Incomplete backtick pair in path: [${path}], consider adding a backslash before backtick at position ${at} to escape it`,
    },
  ]);
}

function fieldAt(schema: Schema, steps: readonly string[]): Field | undefined {
  let current = schema;
  let field: Field | undefined;
  for (const step of steps) {
    if (current.type !== 'struct')
      throw new DataError(`Cannot look up field "${step}" on non-struct type ${current.type.toUpperCase()}`);
    field = current.field(step);
    if (field === undefined) return undefined;
    current = field.schema;
  }
  return field;
}

function structValueAt(struct: Struct, steps: readonly string[], useDefaults: boolean): unknown {
  let current = struct;
  for (const [i, step] of steps.entries()) {
    if (current.schema.field(step) === undefined) return null;
    if (i === steps.length - 1) return readField(current, step, useDefaults);
    const next = current.get(step);
    if (next === null || next === undefined) return null;
    current = requireStruct(next, NESTED);
  }
  return null;
}

function mapValueAt(map: Record<string, unknown>, steps: readonly string[]): unknown {
  let current = map;
  for (const [i, step] of steps.entries()) {
    const next = Object.hasOwn(current, step) ? current[step] : undefined;
    if (i === steps.length - 1) return next ?? null;
    if (next === null || next === undefined) return null;
    current = requireMap(next, NESTED);
  }
  return null;
}
