/**
 * Builds one response body in the classic encoding. Record data is appended as
 * chunks by reference ({@link Writer.records}), so a Fetch response never copies
 * the stored batches; the connection writes the chunk list to the socket.
 */
export class Writer {
  private buf: Buffer;
  private pos = 0;
  private readonly chunks: Buffer[] = [];
  private chunkBytes = 0;

  constructor(initialSize = 256) {
    this.buf = Buffer.allocUnsafe(initialSize);
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  int8(v: number): this {
    this.ensure(1);
    this.pos = this.buf.writeInt8(v, this.pos);
    return this;
  }

  bool(v: boolean): this {
    return this.int8(v ? 1 : 0);
  }

  int16(v: number): this {
    this.ensure(2);
    this.pos = this.buf.writeInt16BE(v, this.pos);
    return this;
  }

  int32(v: number): this {
    this.ensure(4);
    this.pos = this.buf.writeInt32BE(v, this.pos);
    return this;
  }

  int64(v: number | bigint): this {
    this.ensure(8);
    this.pos = this.buf.writeBigInt64BE(BigInt(v), this.pos);
    return this;
  }

  string(v: string): this {
    const len = Buffer.byteLength(v);
    this.ensure(2 + len);
    this.pos = this.buf.writeInt16BE(len, this.pos);
    this.pos += this.buf.write(v, this.pos);
    return this;
  }

  nullableString(v: string | null): this {
    return v === null ? this.int16(-1) : this.string(v);
  }

  bytes(v: Buffer | null): this {
    if (v === null) return this.int32(-1);
    this.ensure(4 + v.length);
    this.pos = this.buf.writeInt32BE(v.length, this.pos);
    this.pos += v.copy(this.buf, this.pos);
    return this;
  }

  array<T>(items: readonly T[], write: (w: this, item: T) => void): this {
    this.int32(items.length);
    for (const item of items) write(this, item);
    return this;
  }

  nullableArray<T>(items: readonly T[] | null, write: (w: this, item: T) => void): this {
    return items === null ? this.int32(-1) : this.array(items, write);
  }

  uvarint(v: number): this {
    this.ensure(5);
    let n = v >>> 0;
    while (n >= 0x80) {
      this.buf[this.pos++] = (n & 0x7f) | 0x80;
      n >>>= 7;
    }
    this.buf[this.pos++] = n;
    return this;
  }

  compactArray<T>(items: readonly T[], write: (w: this, item: T) => void): this {
    this.uvarint(items.length + 1);
    for (const item of items) write(this, item);
    return this;
  }

  emptyTags(): this {
    return this.uvarint(0);
  }

  /** RECORDS field: INT32 total length, then the given buffers by reference. */
  records(parts: readonly Buffer[] | null): this {
    if (parts === null) return this.int32(-1);
    let total = 0;
    for (const p of parts) total += p.length;
    this.int32(total);
    if (total === 0) return this;
    this.flushChunk();
    for (const p of parts) this.chunks.push(p);
    this.chunkBytes += total;
    return this;
  }

  private flushChunk(): void {
    if (this.pos === 0) return;
    const piece = this.buf.subarray(0, this.pos);
    this.chunks.push(piece);
    this.chunkBytes += piece.length;
    this.buf = Buffer.allocUnsafe(Math.max(256, this.buf.length - this.pos));
    this.pos = 0;
  }

  get length(): number {
    return this.chunkBytes + this.pos;
  }

  /** The body as a list of buffers, in order. */
  toChunks(): Buffer[] {
    this.flushChunk();
    return this.chunks;
  }

  toBuffer(): Buffer {
    return Buffer.concat(this.toChunks());
  }
}
