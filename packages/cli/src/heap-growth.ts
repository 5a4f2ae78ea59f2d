/**
 * A soft memory limit for the `tributary` process, in the spirit of Go's GOMEMLIMIT.
 *
 * After each full garbage collection V8 lets the heap grow by a factor it picks between
 * 1.1 and 4 from its own speed. A connector worker allocates fast and keeps records across
 * young-generation collections, so a good part of what it allocates dies in the old
 * generation, and fetched record batches (memory outside the heap) are only freed by a full
 * collection. Both wait for the next one. With a database library in the same process
 * (DuckDB's is 70 MB of code alone) that garbage was what took the JDBC sink bench into
 * DuckDB past 300 MB.
 *
 * Collecting more often is not free either: at a factor of 2 all the time, the MariaDB sink
 * bench lost about a tenth of its throughput to marking. So the factor is capped at 2
 * (`--heap-growing-percent=100`) only while the resident set is above SOFT_LIMIT_MB, and
 * handed back to V8 once it is below SOFT_LIMIT_MB − HYSTERESIS_MB. V8 reads the flag each
 * time it sizes the heap after a full collection, so setting it while running takes effect
 * from the next one.
 */
import { setFlagsFromString } from 'node:v8';

/** Above this resident set size the heap may grow to at most twice what a full collection left alive. */
export const SOFT_LIMIT_MB = 240;
/** The cap is lifted again below SOFT_LIMIT_MB minus this. */
export const HYSTERESIS_MB = 32;
/** How often the resident set size is read. */
const CHECK_INTERVAL_MS = 100;
/** The growth allowed past the live heap while capped: a factor of 2. */
export const CAPPED_GROWING_PERCENT = 100;

const FLAG = /^--heap[-_]growing[-_]percent(=|$)/;

/** Whether the growth should be capped, given the resident set and whether it is now. */
export function shouldCapGrowth(rssBytes: number, isCapped: boolean, softLimitMb = SOFT_LIMIT_MB): boolean {
  const rssMb = rssBytes / 2 ** 20;
  return isCapped ? rssMb >= softLimitMb - HYSTERESIS_MB : rssMb > softLimitMb;
}

export interface HeapGrowthWatch {
  /** Whether the growth is capped now. */
  readonly isCapped: boolean;
  stop(): void;
}

/**
 * Starts watching the resident set size (an unref'd timer) and caps or uncaps V8's heap
 * growth as it crosses `softLimitMb`. Null, and nothing watched, when node was started with
 * its own `--heap-growing-percent` (`node --heap-growing-percent=N …/tributary`), which wins.
 */
export function watchHeapGrowth(
  execArgv: readonly string[],
  softLimitMb = SOFT_LIMIT_MB,
  intervalMs = CHECK_INTERVAL_MS,
): HeapGrowthWatch | null {
  if (execArgv.some((arg) => FLAG.test(arg))) return null;
  let isCapped = false;
  const check = () => {
    const cap = shouldCapGrowth(process.memoryUsage.rss(), isCapped, softLimitMb);
    if (cap === isCapped) return;
    isCapped = cap;
    // 0 is V8's default: it picks the factor itself.
    setFlagsFromString(`--heap-growing-percent=${cap ? CAPPED_GROWING_PERCENT : 0}`);
  };
  check();
  const timer = setInterval(check, intervalMs);
  timer.unref();
  return {
    get isCapped() {
      return isCapped;
    },
    stop: () => clearInterval(timer),
  };
}
