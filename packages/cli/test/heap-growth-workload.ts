/**
 * Run by heap-growth.test.ts as a child process: watchHeapGrowth with this process's
 * command line and the soft limit in MB given as the argument, then a workload that keeps a
 * live set and promotes garbage, as a worker does, yielding to the event loop so that the
 * watch runs. Prints one JSON line: whether it watched, whether the growth ended capped,
 * and the old space's peak size.
 */
import { setImmediate as turn } from 'node:timers/promises';
import { getHeapSpaceStatistics } from 'node:v8';
import { watchHeapGrowth } from '../src/heap-growth.js';

const watch = watchHeapGrowth(process.execArgv, Number(process.argv[2]), 5);
const oldSpaceBytes = () => getHeapSpaceStatistics().find((s) => s.space_name === 'old_space')?.space_size ?? 0;
const live = Array.from({ length: 300_000 }, (_, i) => ({ i, text: `live ${i}` }));
// Each round's objects outlive several young-generation collections, so they reach the old space and die there.
const ring: unknown[] = new Array(64).fill(null);
let peak = 0;
for (let round = 0; round < 4000; round++) {
  ring[round % ring.length] = Array.from({ length: 2000 }, (_, i) => ({ round, i, text: `garbage ${i}` }));
  if (round % 20 === 0) {
    peak = Math.max(peak, oldSpaceBytes());
    await turn();
  }
}
watch?.stop();
const result = { isWatched: watch !== null, isCapped: watch?.isCapped ?? false, peakOldSpaceMb: peak / 2 ** 20 };
process.stdout.write(`${JSON.stringify({ ...result, live: live.length })}\n`);
