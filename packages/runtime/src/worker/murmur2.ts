/**
 * Kafka's key partitioning: the 32-bit murmur2 hash of the key bytes with Kafka's seed
 * (`org.apache.kafka.common.utils.Utils.murmur2`), and the default partitioner's
 * `toPositive(murmur2(key)) % numPartitions`, which kafkajs's `DefaultPartitioner` also
 * computes. Written on 32-bit integers (`Math.imul`) instead of kafkajs's 64-bit Long
 * arithmetic, which costs microseconds per key.
 */

const SEED = 0x9747b28c;
const M = 0x5bd1e995;

/** Kafka's murmur2 of `data`, as a signed 32-bit integer (Java's `int`). */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  let h = SEED ^ length;
  const whole = length & ~3;
  let i = 0;
  for (; i < whole; i += 4) {
    let k =
      (data[i] as number) |
      ((data[i + 1] as number) << 8) |
      ((data[i + 2] as number) << 16) |
      ((data[i + 3] as number) << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  const rest = length & 3;
  if (rest === 3) h ^= (data[i + 2] as number) << 16;
  if (rest >= 2) h ^= (data[i + 1] as number) << 8;
  if (rest >= 1) {
    h ^= data[i] as number;
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h;
}

/** The partition Kafka's default partitioner gives a record with key `key`. */
export function keyPartition(key: Uint8Array, numPartitions: number): number {
  return (murmur2(key) & 0x7fffffff) % numPartitions;
}
