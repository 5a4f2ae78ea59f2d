import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { HYSTERESIS_MB, SOFT_LIMIT_MB, shouldCapGrowth } from '../src/heap-growth.js';

const workload = join(dirname(fileURLToPath(import.meta.url)), 'heap-growth-workload.ts');
const MB = 2 ** 20;

interface WorkloadResult {
  isWatched: boolean;
  isCapped: boolean;
  peakOldSpaceMb: number;
}

async function runWorkload(softLimitMb: number, nodeFlags: string[] = []): Promise<WorkloadResult> {
  const args = [...nodeFlags, '--import', 'tsx', workload, String(softLimitMb)];
  const { stdout } = await promisify(execFile)(process.execPath, args, { timeout: 60_000 });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as WorkloadResult;
}

describe('the soft memory limit of the tributary executable', () => {
  it('caps above the limit and lifts the cap only below limit − hysteresis', () => {
    assert.equal(shouldCapGrowth(SOFT_LIMIT_MB * MB, false), false);
    assert.equal(shouldCapGrowth((SOFT_LIMIT_MB + 1) * MB, false), true);
    assert.equal(shouldCapGrowth((SOFT_LIMIT_MB - 1) * MB, true), true, 'still capped just under the limit');
    assert.equal(shouldCapGrowth((SOFT_LIMIT_MB - HYSTERESIS_MB) * MB, true), true);
    assert.equal(shouldCapGrowth((SOFT_LIMIT_MB - HYSTERESIS_MB - 1) * MB, true), false);
    assert.equal(shouldCapGrowth(100 * MB, false, 64), true, 'another limit');
  });

  it('over the limit, the old space stays near twice the live heap; under it, V8 grows it as it likes', async () => {
    // A limit of 0 MB is always exceeded; 100000 MB never is.
    const capped = await runWorkload(0);
    // 300 (a factor of 4) is what V8 picks itself for a process allocating this fast.
    const free = await runWorkload(100_000, ['--heap-growing-percent=300']);
    const uncapped = await runWorkload(100_000);
    assert.deepEqual([capped.isWatched, capped.isCapped], [true, true]);
    assert.deepEqual([uncapped.isWatched, uncapped.isCapped], [true, false]);
    assert.equal(free.isWatched, false, 'a --heap-growing-percent on the command line wins');
    assert.ok(
      capped.peakOldSpaceMb < free.peakOldSpaceMb * 0.8,
      `old space peaked at ${capped.peakOldSpaceMb} MB capped against ${free.peakOldSpaceMb} MB at a factor of 4`,
    );
  });
});
