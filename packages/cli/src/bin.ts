#!/usr/bin/env node
/**
 * The `tributary` executable. The first SIGINT or SIGTERM asks the running command to
 * stop cleanly (through its abort signal); a second one exits at once. A soft memory
 * limit is watched from the start (heap-growth.ts).
 */
import { constants } from 'node:os';
import { watchHeapGrowth } from './heap-growth.js';
import { main } from './main.js';

watchHeapGrowth(process.execArgv);

const controller = new AbortController();
let signalsReceived = 0;

function onSignal(signal: NodeJS.Signals): void {
  signalsReceived += 1;
  if (signalsReceived > 1) process.exit(128 + constants.signals[signal]);
  controller.abort(signal);
}

process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

try {
  process.exitCode = await main(process.argv.slice(2), { signal: controller.signal });
} catch (err) {
  process.stderr.write(`tributary: ${(err as Error).stack ?? String(err)}\n`);
  process.exitCode = 1;
}
