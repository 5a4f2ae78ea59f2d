import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkQueryText, findPlaceholders, topLevelClauses } from '../src/query-text.js';

describe('findPlaceholders', () => {
  it('finds :timestamp, :end_timestamp and :incrementing, repeated, in order', () => {
    const sql =
      'SELECT * FROM t WHERE ts < :end_timestamp AND ((ts = :timestamp AND id > :incrementing) OR ts > :TIMESTAMP)';
    assert.deepEqual(
      findPlaceholders(sql).map((p) => p.name),
      ['end_timestamp', 'timestamp', 'incrementing', 'timestamp'],
    );
  });

  it('ignores casts, other names, string literals, quoted identifiers and comments', () => {
    const sql = `SELECT ts::timestamp, ':timestamp' AS a, ":incrementing" AS b, \`:x\` FROM t -- :timestamp
      /* :incrementing */ WHERE x = :other AND y = $$ :timestamp $$ AND z = 'it''s :end_timestamp'`;
    assert.deepEqual(findPlaceholders(sql), []);
  });
});

describe('topLevelClauses', () => {
  it('sees clauses outside parentheses only', () => {
    assert.deepEqual(topLevelClauses('SELECT * FROM (SELECT * FROM t WHERE a = 1 ORDER BY a) q'), []);
    assert.deepEqual(topLevelClauses('SELECT a FROM t WHERE a > 1 GROUP BY a ORDER BY a LIMIT 5'), [
      'WHERE',
      'GROUP',
      'ORDER',
      'LIMIT',
    ]);
    assert.deepEqual(topLevelClauses('SELECT a FROM t UNION SELECT b FROM u'), ['UNION']);
    assert.deepEqual(topLevelClauses("SELECT 'where' AS w, somewhere FROM t"), []);
  });
});

describe('checkQueryText', () => {
  it('refuses a query with its own WHERE in an incremental mode, naming the clause', () => {
    const [problem] = checkQueryText('SELECT * FROM t WHERE a = 1', 'incrementing');
    assert.match(problem ?? '', /own top-level WHERE/);
    assert.match(problem ?? '', /:incrementing/);
  });

  it('accepts such a query in bulk mode, and with placeholders in the incremental modes', () => {
    assert.deepEqual(checkQueryText('SELECT * FROM t WHERE a = 1', 'bulk'), []);
    assert.deepEqual(
      checkQueryText('SELECT * FROM t WHERE a = 1 AND id > :incrementing ORDER BY id', 'incrementing'),
      [],
    );
    assert.deepEqual(
      checkQueryText('SELECT * FROM t WHERE ts > :timestamp AND ts < :end_timestamp ORDER BY ts', 'timestamp'),
      [],
    );
  });

  it('refuses placeholders the mode does not bind', () => {
    assert.match(
      checkQueryText('SELECT * FROM t WHERE id > :incrementing', 'timestamp')[0] ?? '',
      /:incrementing cannot be used with mode=timestamp/,
    );
    assert.match(checkQueryText('SELECT * FROM t WHERE id > :incrementing', 'bulk')[0] ?? '', /mode=bulk/);
  });
});
