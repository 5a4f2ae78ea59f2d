/**
 * `table.name.format` → the table a record goes to. Confluent replaces `${topic}` and
 * parses the result as a (possibly qualified) identifier, so dots become catalog/schema
 * (KCJ #709, #893); `table.name.dots=keep` keeps the whole name as one table name.
 */
import { DataError } from '@tributary/api';
import type { DialectName, TableId } from '@tributary/jdbc';

export type DotsMode = 'schema' | 'keep';

// biome-ignore lint/suspicious/noTemplateCurlyInString: Confluent's `${topic}` placeholder, not a template.
const TOPIC = '${topic}';

export function tableIdFor(topic: string, format: string, dots: DotsMode, dialect: DialectName): TableId {
  const name = format.split(TOPIC).join(topic);
  if (dots === 'keep') return { catalog: null, schema: null, table: name };
  const parts = name.split('.');
  if (parts.some((p) => p === '')) {
    throw new DataError(
      `Table name ${JSON.stringify(name)} (from table.name.format and topic ${JSON.stringify(topic)}) has an empty part between dots`,
    );
  }
  const [a = '', b = '', c = ''] = parts;
  if (parts.length === 1) return { catalog: null, schema: null, table: a };
  if (parts.length === 2) {
    // MySQL/MariaDB have databases (catalogs) and no schemas.
    return dialect === 'mysql' ? { catalog: a, schema: null, table: b } : { catalog: null, schema: a, table: b };
  }
  if (parts.length === 3 && dialect !== 'mysql') return { catalog: a, schema: b, table: c };
  throw new DataError(
    `Table name ${JSON.stringify(name)} (from table.name.format and topic ${JSON.stringify(topic)}) has too many dots for ${dialect}; ` +
      'set table.name.dots=keep to use it as one table name',
  );
}
