/**
 * The worker process of the crash cases: `node standalone-child.js <plugin module>
 * <export name> worker.properties connector.json…` runs a standalone worker with the
 * built-in plugins and the given one, prints the worker's "REST API listening" line on
 * stdout, stops gracefully on SIGTERM (exit 0) and is meant to be killed with SIGKILL.
 */
import type { ConnectorPlugin } from '@tributary/api';
import { runStandalone } from '@tributary/runtime';
import { registryWith } from './worker-harness.js';

async function main(): Promise<void> {
  const [moduleUrl, exportName, workerPropsPath, ...connectorPaths] = process.argv.slice(2);
  if (moduleUrl === undefined || exportName === undefined || workerPropsPath === undefined) {
    throw new Error('usage: standalone-child <plugin module> <export name> worker.properties [connector files…]');
  }
  const loaded = (await import(moduleUrl)) as Record<string, unknown>;
  const plugin = loaded[exportName] as ConnectorPlugin | undefined;
  if (plugin === undefined || (plugin.kind !== 'source' && plugin.kind !== 'sink')) {
    throw new Error(`${moduleUrl} has no connector plugin export named ${exportName}`);
  }
  const handle = await runStandalone({
    workerPropsPath,
    connectorPaths,
    registry: registryWith(plugin),
    stdout: process.stdout,
    log: { level: process.env['TESTKIT_LOG_LEVEL'] ?? 'warn', destination: 2 },
  });
  process.once('SIGTERM', () => {
    handle.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`standalone-child: stop failed: ${String(err)}\n`);
        process.exit(1);
      },
    );
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`standalone-child: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
