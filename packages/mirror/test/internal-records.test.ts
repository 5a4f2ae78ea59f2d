import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataError } from '@tributary/api';
import {
  decodeCheckpoint,
  decodeHeartbeat,
  decodeOffsetSync,
  encodeCheckpoint,
  encodeHeartbeat,
  encodeOffsetSync,
} from '../src/internal-records.js';

// Fixtures written by hand from MM2's Struct layout (big-endian, STRING = int16 length + UTF-8).
const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe('offset sync', () => {
  const sync = { topic: 'orders', partition: 3, upstreamOffset: 1234, downstreamOffset: 1200 };
  const key = hex('0006 6f7264657273  00000003');
  const value = hex('00000000000004d2  00000000000004b0');

  it('encodes key {topic, partition} and value {upstreamOffset, offset} without a version', () => {
    const kv = encodeOffsetSync(sync);
    assert.deepEqual(kv.key, key);
    assert.deepEqual(kv.value, value);
  });

  it('decodes the same bytes', () => {
    assert.deepEqual(decodeOffsetSync(key, value), sync);
  });

  it('round-trips offsets above 2^32 and non-ASCII topic names', () => {
    const big = { topic: 'bestellungen-ü', partition: 0, upstreamOffset: 2 ** 40 + 7, downstreamOffset: 2 ** 33 };
    const kv = encodeOffsetSync(big);
    assert.equal(kv.key.readInt16BE(0), Buffer.byteLength('bestellungen-ü'));
    assert.deepEqual(decodeOffsetSync(kv.key, kv.value), big);
  });

  it('throws a DataError naming the part when truncated or null', () => {
    assert.throws(
      () => decodeOffsetSync(key.subarray(0, 5), value),
      (e: unknown) => {
        assert.ok(e instanceof DataError);
        assert.match(e.message, /offset sync key cannot be decoded/);
        return true;
      },
    );
    assert.throws(() => decodeOffsetSync(key, value.subarray(0, 12)), /offset sync value cannot be decoded/);
    assert.throws(() => decodeOffsetSync(key, null), /offset sync value is null/);
  });
});

describe('checkpoint', () => {
  const checkpoint = {
    group: 'g1',
    topic: 'A.orders',
    partition: 1,
    upstreamOffset: 500,
    downstreamOffset: 480,
    metadata: 'm',
  };
  const key = hex('0002 6731  0008 412e6f7264657273  00000001');
  const value = hex('0000  00000000000001f4  00000000000001e0  0001 6d');

  it('encodes key {group, topic, partition} and value {version 0, upstreamOffset, offset, metadata}', () => {
    const kv = encodeCheckpoint(checkpoint);
    assert.deepEqual(kv.key, key);
    assert.deepEqual(kv.value, value);
  });

  it('decodes the same bytes', () => {
    assert.deepEqual(decodeCheckpoint(key, value), checkpoint);
  });

  it('encodes empty metadata as a zero-length string', () => {
    const kv = encodeCheckpoint({ ...checkpoint, metadata: '' });
    assert.deepEqual(kv.value, hex('0000 00000000000001f4 00000000000001e0 0000'));
    assert.equal(decodeCheckpoint(kv.key, kv.value).metadata, '');
  });

  it('reads later versions with the version-0 fields and ignores trailing bytes', () => {
    const v1 = Buffer.concat([hex('0001'), value.subarray(2), hex('deadbeef')]);
    assert.deepEqual(decodeCheckpoint(key, v1), checkpoint);
  });

  it('rejects a negative version', () => {
    assert.throws(() => decodeCheckpoint(key, Buffer.concat([hex('ffff'), value.subarray(2)])), /invalid version -1/);
  });
});

describe('heartbeat', () => {
  const heartbeat = { sourceClusterAlias: 'A', targetClusterAlias: 'B', timestamp: 1_700_000_000_000 };
  const key = hex('0001 41  0001 42');
  // 1_700_000_000_000 = 0x18BCFE56800
  const value = hex('0000  0000018bcfe56800');

  it('encodes key {sourceClusterAlias, targetClusterAlias} and value {version 0, timestamp}', () => {
    const kv = encodeHeartbeat(heartbeat);
    assert.deepEqual(kv.key, key);
    assert.deepEqual(kv.value, value);
  });

  it('decodes the same bytes', () => {
    assert.deepEqual(decodeHeartbeat(key, value), heartbeat);
  });

  it('throws a DataError for a truncated value', () => {
    assert.throws(() => decodeHeartbeat(key, value.subarray(0, 6)), /heartbeat value cannot be decoded/);
  });
});
