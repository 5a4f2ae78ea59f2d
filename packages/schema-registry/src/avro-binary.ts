/**
 * Avro's binary encoding (specification §"Binary Encoding"): int and long as zig-zag
 * varints, float and double little-endian IEEE 754, bytes and string as a long length and
 * the bytes, arrays and maps as blocks ended by a zero count.
 */
import { DataError } from '@tributary/api';

const TWO_32 = 4_294_967_296;
const MASK_64 = (1n << 64n) - 1n;

/** A growable output buffer; `finish()` returns the bytes written since `reset()`. */
export class AvroWriter {
  private buf: Buffer;
  pos = 0;

  constructor(initialSize = 1024) {
    this.buf = Buffer.allocUnsafe(initialSize);
  }

  reset(): void {
    this.pos = 0;
  }

  /** A copy of what was written. */
  finish(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.pos));
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  writeByte(b: number): void {
    this.ensure(1);
    this.buf[this.pos++] = b;
  }

  writeRaw(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  writeBoolean(v: boolean): void {
    this.writeByte(v ? 1 : 0);
  }

  /** A 32-bit int as a zig-zag varint. */
  writeInt(n: number): void {
    let z = ((n << 1) ^ (n >> 31)) >>> 0;
    this.ensure(5);
    while (z > 0x7f) {
      this.buf[this.pos++] = (z & 0x7f) | 0x80;
      z >>>= 7;
    }
    this.buf[this.pos++] = z;
  }

  /** A 64-bit long (a safe-integer number or a bigint) as a zig-zag varint. */
  writeLong(v: number | bigint): void {
    if (typeof v === 'number') {
      if (v >= -0x40000000 && v < 0x40000000) {
        this.writeInt(v);
        return;
      }
      if (!Number.isSafeInteger(v)) {
        this.writeLong(BigInt(v));
        return;
      }
      let z = v >= 0 ? v * 2 : -v * 2 - 1;
      this.ensure(10);
      while (z >= 0x80) {
        this.buf[this.pos++] = (z % 0x80) | 0x80;
        z = Math.floor(z / 0x80);
      }
      this.buf[this.pos++] = z;
      return;
    }
    let z = ((v << 1n) ^ (v >> 63n)) & MASK_64;
    this.ensure(10);
    while (z >= 0x80n) {
      this.buf[this.pos++] = Number(z & 0x7fn) | 0x80;
      z >>= 7n;
    }
    this.buf[this.pos++] = Number(z);
  }

  writeFloat(v: number): void {
    this.ensure(4);
    this.buf.writeFloatLE(v, this.pos);
    this.pos += 4;
  }

  writeDouble(v: number): void {
    this.ensure(8);
    this.buf.writeDoubleLE(v, this.pos);
    this.pos += 8;
  }

  writeBytes(bytes: Uint8Array): void {
    this.writeLong(bytes.length);
    this.writeRaw(bytes);
  }

  writeString(s: string): void {
    // Most strings are short and ASCII: write them in place, with a 1-byte length.
    if (s.length < 64) {
      this.ensure(1 + s.length * 3);
      const start = this.pos + 1;
      const n = this.buf.write(s, start, 'utf8');
      if (n < 64) {
        this.buf[this.pos] = n << 1;
        this.pos = start + n;
        return;
      }
    }
    const n = Buffer.byteLength(s, 'utf8');
    this.writeLong(n);
    this.ensure(n);
    this.buf.write(s, this.pos, 'utf8');
    this.pos += n;
  }
}

export class AvroReader {
  pos: number;

  constructor(
    readonly buf: Buffer,
    start = 0,
  ) {
    this.pos = start;
  }

  get isAtEnd(): boolean {
    return this.pos >= this.buf.length;
  }

  private truncated(): never {
    throw new DataError(`Avro data ends early at byte ${this.pos} of ${this.buf.length}`);
  }

  readByte(): number {
    const b = this.buf[this.pos++];
    if (b === undefined) this.truncated();
    return b;
  }

  readBoolean(): boolean {
    return this.readByte() !== 0;
  }

  readInt(): number {
    let b = this.readByte();
    if (b < 0x80) return b & 1 ? -((b + 1) / 2) : b / 2;
    let z = b & 0x7f;
    let mul = 0x80;
    do {
      if (mul > 0x10000000) throw new DataError('Avro int varint is longer than 5 bytes');
      b = this.readByte();
      z += (b & 0x7f) * mul;
      mul *= 0x80;
    } while (b & 0x80);
    return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
  }

  /** A long: a number when it is a safe integer, a bigint otherwise. */
  readLong(): number | bigint {
    let lo = 0;
    let hi = 0;
    let shift = 0;
    let b: number;
    do {
      b = this.readByte();
      const bits = b & 0x7f;
      if (shift < 28) lo += bits * 2 ** shift;
      else if (shift === 28) {
        lo += (bits & 0x0f) * 2 ** 28;
        hi += bits >> 4;
      } else if (shift < 64) hi += bits * 2 ** (shift - 32);
      else throw new DataError('Avro long varint is longer than 10 bytes');
      shift += 7;
    } while (b & 0x80);
    // Zig-zag decode: value = (z >>> 1) ^ -(z & 1), with z = hi·2^32 + lo.
    if (hi < 0x200000) {
      const z = hi * TWO_32 + lo;
      return lo % 2 === 0 ? z / 2 : -(z + 1) / 2;
    }
    const z = (BigInt(hi) << 32n) + BigInt(lo);
    const v = (z >> 1n) ^ -(z & 1n);
    return Number.isSafeInteger(Number(v)) ? Number(v) : v;
  }

  readFloat(): number {
    if (this.pos + 4 > this.buf.length) this.truncated();
    const v = this.buf.readFloatLE(this.pos);
    this.pos += 4;
    return v;
  }

  readDouble(): number {
    if (this.pos + 8 > this.buf.length) this.truncated();
    const v = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return v;
  }

  readLength(): number {
    const n = this.readLong();
    if (typeof n !== 'number' || n < 0) throw new DataError(`Invalid Avro length ${n}`);
    if (this.pos + n > this.buf.length) this.truncated();
    return n;
  }

  readFixed(n: number): Buffer {
    if (this.pos + n > this.buf.length) this.truncated();
    const out = Buffer.from(this.buf.subarray(this.pos, this.pos + n));
    this.pos += n;
    return out;
  }

  readBytes(): Buffer {
    return this.readFixed(this.readLength());
  }

  readString(): string {
    const n = this.readLength();
    const s = this.buf.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    return s;
  }

  /** The item count of the next array or map block (0 ends), skipping a negative count's byte size. */
  readBlockCount(): number {
    const n = this.readLong();
    if (typeof n !== 'number') throw new DataError('Avro block count out of range');
    if (n < 0) {
      this.readLong();
      return -n;
    }
    return n;
  }
}
