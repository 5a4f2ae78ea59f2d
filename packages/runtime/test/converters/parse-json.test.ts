import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DecimalText,
  endOfJsonValue,
  hasLongNumberRun,
  JsonSyntaxError,
  parseJson,
} from '../../src/converters/parse-json.js';

const exact = { keepsDecimalText: true };
const plain = { keepsDecimalText: false };

describe('parseJson', () => {
  it('reads integer literals beyond 2^53 as bigint and smaller ones as numbers', () => {
    assert.deepEqual(
      parseJson('[9007199254740993, -9223372036854775808, 9007199254740991, 12345678901234567, 0, -0]', plain),
      [9_007_199_254_740_993n, -(2n ** 63n), 9_007_199_254_740_991, 12_345_678_901_234_567n, 0, -0],
    );
    assert.deepEqual(parseJson('{"big":123456789012345678901234567890}', plain), {
      big: 123_456_789_012_345_678_901_234_567_890n,
    });
  });

  it('keeps fractions with more than 15 significant digits as DecimalText when asked', () => {
    const value = parseJson('[0.1234567890123456789, 1.5, 1234567890.123456]', exact) as unknown[];
    assert.ok(value[0] instanceof DecimalText);
    assert.equal((value[0] as DecimalText).text, '0.1234567890123456789');
    assert.equal(value[1], 1.5);
    assert.ok(value[2] instanceof DecimalText);
    assert.deepEqual(parseJson('[0.1234567890123456789]', plain), [0.12345678901234568]);
  });

  it('reads the same values as JSON.parse for ordinary documents, with or without long numbers elsewhere', () => {
    const doc = {
      s: 'a "quoted" \\ back\nslash \u0000 \u2028 é 😀',
      n: [0, -1, 1.25, 1e-7, 6.02e23, -0.5],
      b: [true, false, null],
      o: { nested: { deeper: [[], {}] } },
      '': 'empty key',
    };
    const text = JSON.stringify(doc);
    assert.deepEqual(parseJson(text, plain), doc);
    // A 16-digit run in a string sends the text to the hand-written parser; the result must not change.
    const withRun = JSON.stringify({ ...doc, id: '1234567890123456' });
    assert.deepEqual(parseJson(withRun, plain), { ...doc, id: '1234567890123456' });
    assert.deepEqual(parseJson(' \n\t{ "a" : [ 1 , 2 ] , "x" : "\\u00e9\\ud83d\\ude00\\/" }\r\n', exact), {
      a: [1, 2],
      x: 'é😀/',
    });
  });

  it('keeps a "__proto__" key as data', () => {
    const value = parseJson('{"__proto__":{"polluted":1},"n":12345678901234567890}', plain) as Record<string, unknown>;
    assert.deepEqual(Object.keys(value), ['__proto__', 'n']);
    assert.equal(Object.getPrototypeOf(value), Object.prototype);
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
  });

  it('skips a leading byte-order mark', () => {
    assert.deepEqual(parseJson('\ufeff{"a":1}', plain), { a: 1 });
  });

  for (const bad of [
    '',
    '{',
    '{"a":1,}',
    '[1 2]',
    '01',
    '1.',
    '-',
    '"\\x"',
    '"tab\there"',
    'tru',
    '{"a":1} x',
    '"unterminated',
    '[12345678901234567,]',
  ]) {
    it(`rejects ${JSON.stringify(bad)} with a position`, () => {
      assert.throws(
        () => parseJson(bad, exact),
        (err: unknown) => err instanceof JsonSyntaxError && /at position \d+/.test(err.message),
      );
    });
  }

  it('rejects nesting deeper than 1000 levels instead of overflowing the stack', () => {
    const deep = `${'['.repeat(5000)}12345678901234567${']'.repeat(5000)}`;
    assert.throws(() => parseJson(deep, plain), /Nesting deeper than 1000/);
    assert.ok(Array.isArray(parseJson(`${'['.repeat(900)}12345678901234567${']'.repeat(900)}`, plain)));
  });
});

describe('hasLongNumberRun', () => {
  it('finds a run of 16 or more digits and dots wherever it starts and ends, and nothing shorter', () => {
    const run = /[\d.]{16,}/;
    for (let length = 0; length <= 40; length++) {
      for (let before = 0; before <= 34; before++) {
        for (const after of [0, 1, 15, 16, 17]) {
          const text = `${'x'.repeat(before)}${'1.'.repeat(length).slice(0, length)}${'"'.repeat(after)}`;
          assert.equal(hasLongNumberRun(text), run.test(text), `${length} digits after ${before} characters: ${text}`);
        }
      }
    }
    // Several short runs next to each other are not one long run.
    assert.equal(hasLongNumberRun('123456789012345,123456789012345,123456789012345'), false);
    assert.equal(hasLongNumberRun('{"id":9007199254740993}'), true);
  });
});

describe('endOfJsonValue', () => {
  it('finds the end of objects, arrays, strings and scalars', () => {
    const text = '{"schema":{"a":"}\\"]","b":[1,{"c":2}]},"payload":1}';
    const start = text.indexOf('{', 1);
    assert.equal(text.slice(start, endOfJsonValue(text, start)), '{"a":"}\\"]","b":[1,{"c":2}]}');
    assert.equal(endOfJsonValue('"a\\"b",1', 0), 6);
    assert.equal(endOfJsonValue('null,1', 0), 4);
    assert.equal(endOfJsonValue('123}', 0), 3);
  });
});
