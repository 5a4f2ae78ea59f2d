/**
 * Splits bytes read from a growing file into lines, tracking the byte position after each
 * line so that a reader can resume exactly there. Line ends are `\n`, `\r\n` and `\r`, as
 * Kafka's FileStreamSourceTask accepts; a trailing `\r` is held back until the next byte
 * tells whether a `\n` follows. Bytes after the last line end stay buffered until their line
 * is complete. Splitting happens on bytes, so multi-byte UTF-8 characters are never cut.
 */

const LF = 0x0a;
const CR = 0x0d;

export interface Line {
  readonly text: string;
  /** Byte position in the file just after this line and its line end. */
  readonly nextPosition: number;
}

export class LineSplitter {
  #pending: Buffer = Buffer.alloc(0);
  /** File position of `#pending[0]`. */
  #pendingStart: number;

  constructor(startPosition: number) {
    this.#pendingStart = startPosition;
  }

  /** The position the next read from the file should start at. */
  get readPosition(): number {
    return this.#pendingStart + this.#pending.length;
  }

  /** Bytes buffered that do not form a complete line yet. */
  get bufferedBytes(): number {
    return this.#pending.length;
  }

  push(bytes: Buffer): void {
    this.#pending = this.#pending.length === 0 ? Buffer.from(bytes) : Buffer.concat([this.#pending, bytes]);
  }

  /** Takes up to `max` complete lines out of the buffer. */
  take(max: number): Line[] {
    const lines: Line[] = [];
    const buf = this.#pending;
    let start = 0;
    let i = 0;
    while (i < buf.length && lines.length < max) {
      const byte = buf[i];
      if (byte !== LF && byte !== CR) {
        i += 1;
        continue;
      }
      let end = i + 1;
      if (byte === CR) {
        if (i + 1 >= buf.length) break;
        if (buf[i + 1] === LF) end = i + 2;
      }
      lines.push({ text: buf.toString('utf8', start, i), nextPosition: this.#pendingStart + end });
      start = end;
      i = end;
    }
    if (start > 0) {
      this.#pending = buf.subarray(start);
      this.#pendingStart += start;
    }
    return lines;
  }
}
