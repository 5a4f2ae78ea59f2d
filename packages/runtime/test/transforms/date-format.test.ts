import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileDateFormat, dateFormatProblem } from '../../src/transforms/date-format.js';

const at = (iso: string) => new Date(iso);

describe('compileDateFormat', () => {
  it('formats the ISO-like pattern users write, in UTC', () => {
    const f = compileDateFormat("yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
    assert.equal(f.format(at('2024-01-15T13:45:30.123Z')), '2024-01-15T13:45:30.123Z');
    assert.equal(f.format(at('2024-01-15T23:30:00.000-02:00')), '2024-01-16T01:30:00.000Z');
  });

  it('formats names, 12-hour clocks, day of year and zones as Java does', () => {
    const d = at('2024-12-31T00:05:09.007Z');
    assert.equal(compileDateFormat('EEE, d MMM yyyy hh:mm:ss a z').format(d), 'Tue, 31 Dec 2024 12:05:09 AM UTC');
    assert.equal(compileDateFormat('EEEE MMMM').format(d), 'Tuesday December');
    assert.equal(compileDateFormat('D u k K H').format(d), '366 2 24 0 0');
    assert.equal(compileDateFormat('yy M d H m s S').format(d), '24 12 31 0 5 9 7');
    assert.equal(compileDateFormat('Z X XX zzzz G').format(d), '+0000 Z Z Coordinated Universal Time AD');
    assert.equal(compileDateFormat("'at' HH 'o''clock' ''").format(d), "at 00 o'clock '");
    assert.equal(compileDateFormat('SSSS').format(d), '0007');
  });

  it('parses back what it formats, with offsets moving the instant', () => {
    const f = compileDateFormat("yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
    assert.equal(f.parse('2024-01-15T13:45:30.123Z').toISOString(), '2024-01-15T13:45:30.123Z');
    assert.equal(f.parse('2024-01-15T13:45:30.123+02:00').toISOString(), '2024-01-15T11:45:30.123Z');
    assert.equal(
      compileDateFormat('yyyy-MM-dd HH:mm Z').parse('2024-01-15 10:00 -0130').toISOString(),
      '2024-01-15T11:30:00.000Z',
    );
    assert.equal(
      compileDateFormat('yyyy-MM-dd z').parse('2024-01-15 GMT+01:00').toISOString(),
      '2024-01-14T23:00:00.000Z',
    );
  });

  it('reads abutting number fields by their width and others by their digits', () => {
    assert.equal(compileDateFormat('yyyyMMddHHmm').parse('202401150930').toISOString(), '2024-01-15T09:30:00.000Z');
    assert.equal(compileDateFormat('yyyy-M-d').parse('2024-1-5').toISOString(), '2024-01-05T00:00:00.000Z');
    assert.equal(
      compileDateFormat('d MMM yyyy h:mm a').parse('5 september 2024 1:07 pm').toISOString(),
      '2024-09-05T13:07:00.000Z',
    );
    assert.equal(compileDateFormat('yyyy D').parse('2024 60').toISOString(), '2024-02-29T00:00:00.000Z');
  });

  it('puts two-digit years within 80 years before and 20 after now', () => {
    const f = compileDateFormat('yy-MM-dd', { nowMs: Date.UTC(2024, 0, 1) });
    assert.equal(f.parse('99-02-03').getUTCFullYear(), 1999);
    assert.equal(f.parse('30-02-03').getUTCFullYear(), 2030);
    assert.equal(f.parse('43-02-03').getUTCFullYear(), 2043);
    assert.equal(f.parse('44-02-03').getUTCFullYear(), 1944);
    assert.equal(compileDateFormat('yyyy').parse('44').getUTCFullYear(), 44);
  });

  it('ignores text after the pattern, as Java does', () => {
    assert.equal(
      compileDateFormat('yyyy-MM-dd').parse('2024-01-15T10:00:00Z').toISOString(),
      '2024-01-15T00:00:00.000Z',
    );
  });

  it('refuses text that does not match, and values out of range instead of rolling them over', () => {
    const f = compileDateFormat('yyyy-MM-dd HH:mm:ss.SSS');
    assert.throws(() => f.parse('2024/01/15 10:00:00.000'), /expected "-" at position 4/);
    assert.throws(() => f.parse('2024-13-15 10:00:00.000'), /month 13 out of range/);
    assert.throws(() => f.parse('2023-02-29 10:00:00.000'), /day 29 out of range 1-28/);
    assert.throws(() => f.parse('2024-01-15 10:00:61.000'), /second 61 out of range/);
    assert.throws(() => compileDateFormat('ss.SSSSSS').parse('01.123456'), /millisecond 123456 out of range/);
    assert.throws(() => f.parse('2024-01-'), /expected a number for 'dd'/);
  });

  it('rejects unknown letters, week-based letters and open quotes', () => {
    assert.match(dateFormatProblem('yyyy-MM-dd bb') ?? '', /Illegal pattern character 'b'/);
    assert.match(dateFormatProblem('YYYY-ww') ?? '', /'Y' \(week-based\) is not supported/);
    assert.match(dateFormatProblem("yyyy 'at") ?? '', /Unterminated quote/);
    assert.match(dateFormatProblem('XXXX') ?? '', /ISO 8601/);
    assert.equal(dateFormatProblem("yyyy-MM-dd'T'HH:mm:ss.SSSXXX"), undefined);
    assert.throws(() => compileDateFormat('yyyy-qq'), /Illegal pattern character 'q'/);
  });
});
