/**
 * Reads the classic (non-flexible) Kafka protocol primitives from one request body.
 * Every read checks bounds: a truncated or lying request throws {@link ProtocolError},
 * which the connection turns into a closed socket, never a crashed broker.
 */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
}

const MAX_ARRAY = 1_000_000;

export class Reader {
  offset: number;

  constructor(
    readonly buf: Buffer,
    offset = 0,
  ) {
    this.offset = offset;
  }

  get remaining(): number {
    return this.buf.length - this.offset;
  }

  private need(n: number): number {
    const at = this.offset;
    if (n < 0 || at + n > this.buf.length) {
      throw new ProtocolError(`truncated request: need ${n} bytes at ${at}, have ${this.buf.length - at}`);
    }
    this.offset = at + n;
    return at;
  }

  int8(): number {
    return this.buf.readInt8(this.need(1));
  }

  bool(): boolean {
    return this.int8() !== 0;
  }

  int16(): number {
    return this.buf.readInt16BE(this.need(2));
  }

  int32(): number {
    return this.buf.readInt32BE(this.need(4));
  }

  /** INT64 as a JS number: offsets, ids and timestamps stay far below 2^53. */
  int64(): number {
    return Number(this.buf.readBigInt64BE(this.need(8)));
  }

  string(): string {
    const s = this.nullableString();
    if (s === null) throw new ProtocolError('null where a string is required');
    return s;
  }

  nullableString(): string | null {
    const len = this.int16();
    if (len === -1) return null;
    if (len < 0) throw new ProtocolError(`invalid string length ${len}`);
    const at = this.need(len);
    return this.buf.toString('utf8', at, at + len);
  }

  /** INT32-length bytes, returned as a view (no copy). */
  nullableBytes(): Buffer | null {
    const len = this.int32();
    if (len === -1) return null;
    if (len < 0) throw new ProtocolError(`invalid bytes length ${len}`);
    const at = this.need(len);
    return this.buf.subarray(at, at + len);
  }

  bytes(): Buffer {
    return this.nullableBytes() ?? Buffer.alloc(0);
  }

  array<T>(read: (r: Reader) => T): T[] {
    const items = this.nullableArray(read);
    return items ?? [];
  }

  nullableArray<T>(read: (r: Reader) => T): T[] | null {
    const n = this.int32();
    if (n === -1) return null;
    if (n < 0 || n > MAX_ARRAY || n > this.remaining) {
      throw new ProtocolError(`invalid array length ${n}`);
    }
    const out: T[] = new Array(n);
    for (let i = 0; i < n; i++) out[i] = read(this);
    return out;
  }

  uvarint(): number {
    let value = 0;
    let shift = 0;
    for (;;) {
      const b = this.buf.readUInt8(this.need(1));
      value += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return value;
      shift += 7;
      if (shift > 28) throw new ProtocolError('unsigned varint too long');
    }
  }

  /** Zigzag VARINT, as used inside record batches. */
  varint(): number {
    const n = this.uvarint();
    return n % 2 === 0 ? n / 2 : -(n + 1) / 2;
  }

  /** Zigzag VARLONG (timestamp deltas); precise to 2^53. */
  varlong(): number {
    let value = 0n;
    let shift = 0n;
    for (;;) {
      const b = this.buf.readUInt8(this.need(1));
      value |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) break;
      shift += 7n;
      if (shift > 63n) throw new ProtocolError('varlong too long');
    }
    return Number((value >> 1n) ^ -(value & 1n));
  }

  compactString(): string | null {
    const n = this.uvarint();
    if (n === 0) return null;
    const at = this.need(n - 1);
    return this.buf.toString('utf8', at, at + n - 1);
  }

  /** Skips a flexible-version TAG_BUFFER. */
  skipTags(): void {
    const count = this.uvarint();
    for (let i = 0; i < count; i++) {
      this.uvarint();
      this.need(this.uvarint());
    }
  }

  raw(len: number): Buffer {
    const at = this.need(len);
    return this.buf.subarray(at, at + len);
  }
}
