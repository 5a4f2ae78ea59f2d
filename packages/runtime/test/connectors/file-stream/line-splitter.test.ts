import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LineSplitter } from '../../../src/connectors/file-stream/line-splitter.js';

describe('LineSplitter', () => {
  it('splits on \\n, \\r\\n and \\r and gives the byte position after each line end', () => {
    const s = new LineSplitter(0);
    s.push(Buffer.from('a\nbb\r\nccc\rd'));
    assert.deepEqual(s.take(10), [
      { text: 'a', nextPosition: 2 },
      { text: 'bb', nextPosition: 6 },
      { text: 'ccc', nextPosition: 10 },
    ]);
    assert.equal(s.bufferedBytes, 1);
    assert.equal(s.readPosition, 11);
  });

  it('holds back an incomplete line until its end arrives', () => {
    const s = new LineSplitter(100);
    s.push(Buffer.from('hal'));
    assert.deepEqual(s.take(10), []);
    s.push(Buffer.from('f\n'));
    assert.deepEqual(s.take(10), [{ text: 'half', nextPosition: 105 }]);
  });

  it('waits for the byte after a trailing \\r before deciding the line end', () => {
    const s = new LineSplitter(0);
    s.push(Buffer.from('x\r'));
    assert.deepEqual(s.take(10), []);
    s.push(Buffer.from('\ny\n'));
    assert.deepEqual(s.take(10), [
      { text: 'x', nextPosition: 3 },
      { text: 'y', nextPosition: 5 },
    ]);
  });

  it('counts bytes, not characters, and never cuts a multi-byte character', () => {
    const s = new LineSplitter(0);
    const bytes = Buffer.from('né\n€\n');
    s.push(bytes.subarray(0, 2));
    s.push(bytes.subarray(2, 6));
    s.push(bytes.subarray(6));
    assert.deepEqual(s.take(10), [
      { text: 'né', nextPosition: 4 },
      { text: '€', nextPosition: 8 },
    ]);
  });

  it('takes at most the number of lines asked for and keeps the rest', () => {
    const s = new LineSplitter(0);
    s.push(Buffer.from('1\n2\n3\n'));
    assert.deepEqual(
      s.take(2).map((l) => l.text),
      ['1', '2'],
    );
    assert.deepEqual(s.take(2), [{ text: '3', nextPosition: 6 }]);
    assert.equal(s.readPosition, 6);
  });
});
