/** Shared by the error-handling tests: a fake clock (a process edge) and a captured real logger. */
import { Writable } from 'node:stream';
import type { Logger } from '@tributary/api';
import type { Clock } from '../../src/errors/clock.js';
import { createRootLogger } from '../../src/logging/root-logger.js';

export interface FakeClock extends Clock {
  readonly sleeps: number[];
}

/** Time advances only by sleeping. */
export function fakeClock(startMs = 1_700_000_000_000): FakeClock {
  let nowMs = startMs;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => nowMs,
    async sleep(ms) {
      sleeps.push(ms);
      nowMs += ms;
    },
  };
}

export interface CapturedLogger {
  readonly logger: Logger;
  readonly lines: Record<string, unknown>[];
}

export function capturedLogger(level = 'debug'): CapturedLogger {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n'))
        if (line.trim() !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
      callback();
    },
  });
  return { logger: createRootLogger({ level, destination }), lines };
}
