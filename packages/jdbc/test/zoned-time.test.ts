import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigError } from '@tributary/api';
import { checkTimezone, formatWallClock, instantOf, parseDateTime, wallClockOf } from '../src/zoned-time.js';

function instantText(text: string, zone: string): string {
  const parsed = parseDateTime(text);
  assert.ok(parsed !== null, text);
  const t = instantOf(parsed, zone);
  return `${new Date(t.epochMs).toISOString()} ${t.nanos}`;
}

describe('zoned time', () => {
  test('wall clocks in a zone become instants, across daylight-saving time', () => {
    assert.equal(instantText('2024-01-15 10:00:00', 'Europe/Paris'), '2024-01-15T09:00:00.000Z 0');
    assert.equal(instantText('2024-07-15 10:00:00', 'Europe/Paris'), '2024-07-15T08:00:00.000Z 0');
    assert.equal(instantText('2024-07-01 12:00:00.000000001', 'Asia/Kolkata'), '2024-07-01T06:30:00.000Z 1');
    // The repeated hour when clocks go back: the first (summer-time) occurrence or the second, never a shifted hour.
    const ambiguous = instantText('2024-10-27 02:30:00', 'Europe/Paris');
    assert.ok(['2024-10-27T00:30:00.000Z 0', '2024-10-27T01:30:00.000Z 0'].includes(ambiguous), ambiguous);
  });

  test('every minute around daylight-saving changes maps to a wall clock and back', () => {
    for (const [zone, start] of [
      ['Europe/Paris', '2024-03-31T00:00:00Z'],
      ['Europe/Paris', '2024-10-27T00:00:00Z'],
      ['America/New_York', '2024-11-03T05:00:00Z'],
      ['Australia/Lord_Howe', '2024-04-06T14:00:00Z'],
    ] as const) {
      for (let minute = 0; minute < 180; minute++) {
        const t = { epochMs: Date.parse(start) + minute * 60_000 + 7_000, nanos: 7_000_000_000 % 1_000_000_000 };
        const text = formatWallClock(wallClockOf(t, zone), 3);
        const parsed = parseDateTime(text);
        assert.ok(parsed !== null);
        const back = instantOf(parsed, zone);
        // In the repeated hour a wall clock names two instants; either is a correct reading.
        const offsets = [0, 3_600_000, -3_600_000, 1_800_000, -1_800_000];
        assert.ok(
          offsets.includes(back.epochMs - t.epochMs),
          `${zone} ${text}: ${new Date(back.epochMs).toISOString()} vs ${new Date(t.epochMs).toISOString()}`,
        );
        if (back.epochMs !== t.epochMs) assert.equal(formatWallClock(wallClockOf(back, zone), 3), text);
      }
    }
  });

  test('an explicit offset wins over the zone', () => {
    assert.equal(instantText('2024-01-15 10:00:00+05:30', 'Europe/Paris'), '2024-01-15T04:30:00.000Z 0');
    assert.equal(instantText('2024-01-15T10:00:00Z', 'America/New_York'), '2024-01-15T10:00:00.000Z 0');
    assert.equal(instantText('2024-01-15 10:00:00-03', 'UTC'), '2024-01-15T13:00:00.000Z 0');
  });

  test('before the epoch, fractions stay consistent with epochMs', () => {
    const parsed = parseDateTime('1969-12-31 23:59:59.25');
    assert.ok(parsed !== null);
    assert.deepEqual(instantOf(parsed, 'UTC'), { epochMs: -750, nanos: 250_000_000 });
  });

  test('BC dates and years beyond 9999 from PostgreSQL', () => {
    const bc = parseDateTime('0044-03-15 12:00:00 BC');
    assert.equal(bc?.wall.year, -43);
    const far = parseDateTime('12345-01-01 00:00:00');
    assert.equal(far?.wall.year, 12345);
  });

  test('instants format back to the same wall clock', () => {
    const t = { epochMs: Date.parse('2024-07-01T16:34:56.123Z'), nanos: 123_456_789 };
    assert.equal(formatWallClock(wallClockOf(t, 'America/New_York'), 6), '2024-07-01 12:34:56.123456');
    assert.equal(formatWallClock(wallClockOf(t, 'UTC'), 9), '2024-07-01 16:34:56.123456789');
    assert.equal(formatWallClock(wallClockOf(t, 'UTC'), 0), '2024-07-01 16:34:56');
  });

  test('an unknown zone is a ConfigError naming db.timezone', () => {
    assert.throws(
      () => checkTimezone('Mars/Olympus'),
      (e: unknown) => e instanceof ConfigError && e.problems[0]?.key === 'db.timezone',
    );
    checkTimezone('Europe/Paris');
  });

  test('text that is not a date-time is rejected', () => {
    assert.equal(parseDateTime('yesterday'), null);
    assert.equal(parseDateTime('2024-13'), null);
  });
});
