import assert from 'node:assert/strict';
import { randomBytes, randomInt } from 'node:crypto';
import { describe, it } from 'node:test';
import { Partitioners } from 'kafkajs';
import { keyPartition, murmur2 } from '../../src/worker/murmur2.js';

process.env['KAFKAJS_NO_PARTITIONER_WARNING'] = '1';

const bytes = (text: string) => Buffer.from(text, 'utf8');

function partitionMetadata(count: number) {
  return Array.from({ length: count }, (_, partitionId) => ({
    partitionErrorCode: 0,
    partitionId,
    leader: 0,
    replicas: [0],
    isr: [0],
  }));
}

describe('murmur2', () => {
  it("gives Kafka's murmur2 for the vectors of Kafka's UtilsTest", () => {
    assert.equal(murmur2(bytes('21')), -973932308);
    assert.equal(murmur2(bytes('foobar')), -790332482);
    assert.equal(murmur2(bytes('a-little-bit-long-string')), -985981536);
    assert.equal(murmur2(bytes('a-little-bit-longer-string')), -1486304829);
    assert.equal(murmur2(bytes('lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8')), -58897971);
    assert.equal(murmur2(new Uint8Array([0x61, 0x62, 0x63])), 479470107);
  });

  it('hashes the empty key and every tail length (0 to 3 extra bytes)', () => {
    // Compared with kafkajs's Java-compatible partitioner (a prime partition count keeps most of the hash).
    const partitioner = Partitioners.DefaultPartitioner();
    const metadata = partitionMetadata(1_000_003);
    for (const text of ['', 'a', 'ab', 'abc', 'abcd', 'abcde']) {
      const key = bytes(text);
      const expected = partitioner({ topic: 't', partitionMetadata: metadata, message: { key, value: null } });
      assert.equal(keyPartition(key, 1_000_003), expected, JSON.stringify(text));
    }
  });

  it("partitions random keys exactly as kafkajs's default partitioner", () => {
    const partitioner = Partitioners.DefaultPartitioner();
    for (const count of [2, 3, 7, 12, 100]) {
      const metadata = partitionMetadata(count);
      for (let i = 0; i < 2_000; i++) {
        const key = randomBytes(randomInt(0, 300));
        const expected = partitioner({ topic: 't', partitionMetadata: metadata, message: { key, value: null } });
        assert.equal(keyPartition(key, count), expected, `${count} partitions, key ${key.toString('hex')}`);
      }
    }
  });

  it('reads the bytes of a Uint8Array view at its offset', () => {
    const whole = bytes('xxfoobarxx');
    assert.equal(murmur2(whole.subarray(2, 8)), -790332482);
    assert.equal(murmur2(new Uint8Array(whole.buffer, whole.byteOffset + 2, 6)), -790332482);
  });
});
