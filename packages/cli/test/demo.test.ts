// `tributary demo` as users run it, as a child process: SQLite shop → JDBC source → embedded
// broker → JDBC sink → DuckDB warehouse, equal at the end; cleans up and can run again.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, it } from 'node:test';
import { type ProcessResult, runCli, startCli, stopCli } from './cli-process.js';

const TIMEOUT_MS = 180_000;

/** The temporary directory the demo announced (the shop's file lives in it). */
function demoDir(stdout: string): string {
  const match = /^shop: SQLite database (\S+) /m.exec(stdout);
  assert.ok(match?.[1], `no shop line in:\n${stdout}`);
  return dirname(match[1]);
}

/** The summary table: label → [shop, warehouse]. */
function summaryOf(stdout: string): Map<string, [string, string]> {
  const lines = stdout.split('\n');
  const header = lines.findIndex((l) => /^\s+shop \(SQLite\)\s+warehouse \(DuckDB\)$/.test(l));
  assert.ok(header >= 0, `no summary header in:\n${stdout}`);
  const columns = [lines[header]?.indexOf('shop (SQLite)') ?? -1, lines[header]?.indexOf('warehouse (DuckDB)') ?? -1];
  const summary = new Map<string, [string, string]>();
  for (const line of lines.slice(header + 1)) {
    if (line.trim() === '' || !/\S {2,}\S/.test(line)) break;
    const [shopAt = -1, warehouseAt = -1] = columns;
    summary.set(line.slice(0, shopAt).trim(), [line.slice(shopAt, warehouseAt).trim(), line.slice(warehouseAt).trim()]);
  }
  return summary;
}

function assertSuccessfulRun(r: ProcessResult): void {
  assert.equal(r.code, 0, `exit ${r.code ?? r.signal}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
  assert.match(r.stdout, /^demo done: the warehouse equals the shop \(([\d,]+) rows, [\d.]+ s\)$/m);
  assert.match(r.stdout, /^every row equal, column by column \([\d,]+ rows\)$/m);

  const summary = summaryOf(r.stdout);
  for (const label of ['rows', 'sum of amounts', 'updates applied (sum of revisions)', 'max id', 'orders with a coupon']) {
    assert.ok(summary.has(label), `no "${label}" line in the summary:\n${r.stdout}`);
  }
  for (const [label, [shop, warehouse]] of summary) assert.equal(warehouse, shop, `${label} differs:\n${r.stdout}`);
  assert.ok(Number(summary.get('rows')?.[0].replaceAll(',', '')) > 100, 'the shop received orders');
  assert.ok(Number(summary.get('updates applied (sum of revisions)')?.[0].replaceAll(',', '')) > 0, 'orders were updated');
  assert.ok(Number(summary.get('orders with a coupon')?.[0].replaceAll(',', '')) > 0, 'orders after the ALTER carry a coupon');
  assert.match(summary.get('sum of amounts')?.[0] ?? '', /^\$[\d,]+\.\d\d$/);

  // The column added to the shop half-way reached the warehouse through auto.evolve.
  assert.match(r.stdout, /^shop: ALTER TABLE orders ADD COLUMN coupon TEXT/m);
  assert.match(r.stdout, /^warehouse table orders, columns: id, customer, .*, coupon \(coupon added by auto\.evolve\)$/m);
  // Live progress, once a second.
  const progress = r.stdout
    .split('\n')
    .filter((l) => /^ +\d+ s {2}shop: .*\| rows read [\d,]+ {2}\| records in Kafka [\d,]+ {2}\| rows upserted [\d,]+ {2}\| lag [\d,]+$/.test(l));
  assert.ok(progress.length >= 4, `progress lines:\n${r.stdout}`);
  assert.match(progress.at(-1) ?? '', /\| lag 0$/);

  assert.equal(r.stderr, '');
  assert.equal(existsSync(demoDir(r.stdout)), false, 'the temporary directory is removed');
}

describe('tributary demo', () => {
  it('copies a changing SQLite table through Kafka into DuckDB and ends with equal tables, twice in a row', async () => {
    const first = await runCli(['demo', '--duration', '8'], TIMEOUT_MS);
    assertSuccessfulRun(first);
    const second = await runCli(['demo', '--duration', '6', '--rate', '150'], TIMEOUT_MS);
    assertSuccessfulRun(second);
    assert.notEqual(demoDir(second.stdout), demoDir(first.stdout));
  });

  it('stops on SIGINT, exits 130 and removes its temporary directory', async () => {
    const cli = startCli(['demo', '--duration', '60'], TIMEOUT_MS);
    let stdout = '';
    cli.child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    await new Promise<void>((resolve, reject) => {
      const check = (): void => {
        if (/^ +\d+ s {2}shop: /m.test(stdout)) resolve();
      };
      cli.child.stdout.on('data', check);
      void cli.exited.then((r) => reject(new Error(`the demo exited early (${r.code}):\n${r.stdout}\n${r.stderr}`)));
    });
    const r = await stopCli(cli, 'SIGINT');
    assert.equal(r.code, 130, r.stderr);
    assert.match(r.stderr, /^tributary demo: interrupted$/m);
    assert.equal(existsSync(demoDir(r.stdout)), false, 'the temporary directory is removed');
  });

  for (const args of [
    ['--duration', '1'],
    ['--rate', '0'],
    ['--port', 'x'],
    ['extra'],
  ]) {
    it(`refuses ${args.join(' ')} with exit code 2`, async () => {
      const r = await runCli(['demo', ...args]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, args[0]?.startsWith('--') ? new RegExp(args[0]) : /extra/);
    });
  }

  it('--help describes the pipeline', async () => {
    const r = await runCli(['demo', '--help']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Usage: tributary demo/);
    assert.match(r.stdout, /timestamp\+incrementing/);
    assert.match(r.stdout, /auto\.evolve/);
  });
});
