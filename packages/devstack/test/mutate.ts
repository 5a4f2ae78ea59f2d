/**
 * Reproducible random mutations for the fuzz tests: a seeded generator and the ways a
 * valid request body is damaged (bytes flipped, lengths and counts replaced by extreme
 * values, truncation, extension, splicing, or noise).
 */

/** mulberry32: small, fast and good enough to pick mutations reproducibly. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Rng {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = random(seed);
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    const item = items[this.int(items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }
  bytes(n: number): Buffer {
    const out = Buffer.allocUnsafe(n);
    for (let i = 0; i < n; i++) out[i] = this.int(256);
    return out;
  }
}

const EXTREME_32 = [0, 1, -1, 2, 0x7fffffff, -0x80000000, 0x7ffffffe, 255, 65_536, 1_000_000, 100_000_000];
const EXTREME_16 = [0, 1, -1, 2, 0x7fff, -0x8000, 255, 9999];

/** One to three rounds of {@link mutateOnce}. */
export function mutate(body: Buffer, rng: Rng): Buffer {
  let out = mutateOnce(body, rng);
  for (let rounds = rng.int(3); rounds > 0; rounds--) out = mutateOnce(out, rng);
  return out;
}

/** One mutation of a valid body; lengths and counts are overwritten with extreme values. */
function mutateOnce(body: Buffer, rng: Rng): Buffer {
  const b = Buffer.from(body);
  switch (rng.int(8)) {
    case 0: {
      const flips = 1 + rng.int(4);
      for (let i = 0; i < flips && b.length > 0; i++) {
        const at = rng.int(b.length);
        b[at] = (b[at] ?? 0) ^ (1 + rng.int(255));
      }
      return b;
    }
    case 1:
      return b.subarray(0, rng.int(b.length + 1));
    case 2:
      return Buffer.concat([b, rng.bytes(1 + rng.int(48))]);
    case 3:
      if (b.length >= 4) b.writeInt32BE(rng.pick(EXTREME_32), rng.int(b.length - 3));
      return b;
    case 4:
      if (b.length >= 2) b.writeInt16BE(rng.pick(EXTREME_16), rng.int(b.length - 1));
      return b;
    case 5:
      return rng.bytes(rng.int(96));
    case 6: {
      const from = rng.int(b.length + 1);
      return Buffer.concat([b.subarray(0, from), b.subarray(Math.min(b.length, from + 1 + rng.int(16)))]);
    }
    default:
      // Unchanged: valid requests (odd state transitions included) must work too.
      return b;
  }
}
