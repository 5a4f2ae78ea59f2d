/**
 * Workers for the conformance cases: in this process (`runStandalone`, with the plugin
 * under test registered next to the built-in plugins), or in a child process that can be
 * killed with SIGKILL (`standalone-child.ts`).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ConnectorPlugin, Plugin, Props } from '@tributary/api';
import { builtinPlugins, PluginRegistry, runStandalone, type StandaloneHandle } from '@tributary/runtime';
import type { PluginModule } from './conformance-spec.js';
import { writePropertiesFile } from './properties-file.js';
import { waitFor } from './wait-for.js';

/** The built-in plugins plus `plugin` (replacing a built-in of the same kind and name). */
export function registryWith(plugin: ConnectorPlugin): PluginRegistry {
  const others = builtinPlugins.filter((p: Plugin) => p !== plugin && !(p.kind === plugin.kind && p.name === plugin.name));
  return new PluginRegistry([...others, plugin]);
}

const logLevel = (): string => process.env['TESTKIT_LOG_LEVEL'] ?? 'silent';

let fileCounter = 0;

/** Writes `props` as a new worker properties file in `dir`. */
export async function writeWorkerFile(dir: string, props: Readonly<Record<string, string>>): Promise<string> {
  const path = join(dir, `worker-${++fileCounter}.properties`);
  await writePropertiesFile(path, props);
  return path;
}

/** Writes a connector file (the JSON body of `POST /connectors`). */
export async function writeConnectorFile(dir: string, name: string, config: Props): Promise<string> {
  const path = join(dir, `connector-${++fileCounter}.json`);
  await writeFile(path, JSON.stringify({ name, config }, null, 2), 'utf8');
  return path;
}

/** A standalone worker in this process with no connectors yet. */
export async function startWorker(
  dir: string,
  plugin: ConnectorPlugin,
  workerProps: Readonly<Record<string, string>>,
  env?: Readonly<Record<string, string>>,
): Promise<StandaloneHandle> {
  return runStandalone({
    workerPropsPath: await writeWorkerFile(dir, workerProps),
    connectorPaths: [],
    registry: registryWith(plugin),
    stdout: { write: () => true },
    log: { level: logLevel(), destination: 2 },
    ...(env === undefined ? {} : { env }),
  });
}

function childScript(): string {
  for (const name of ['standalone-child.js', 'standalone-child.ts']) {
    const path = fileURLToPath(new URL(name, import.meta.url));
    if (existsSync(path)) return path;
  }
  throw new Error(`@tributary/testkit: standalone-child script not found next to ${fileURLToPath(import.meta.url)}`);
}

/** This process's module hooks (`--import tsx`, `--loader …`), for the child to load TypeScript as the tests do. */
function moduleHookArgs(): string[] {
  const out: string[] = [];
  const args = process.execArgv;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (/^--(import|loader|experimental-loader|require)=/.test(arg)) out.push(arg);
    else if (/^(--import|--loader|--experimental-loader|--require|-r)$/.test(arg) && i + 1 < args.length) out.push(arg, args[++i] ?? '');
  }
  return out;
}

/** A standalone worker in a child process, running the connectors of the given files. */
export class ChildWorker {
  readonly #child: ChildProcess;
  readonly #exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  #stderr = '';

  private constructor(child: ChildProcess) {
    this.#child = child;
    this.#exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    child.stderr?.on('data', (d: Buffer) => {
      this.#stderr = (this.#stderr + d.toString()).slice(-8000);
    });
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** The last few kilobytes the worker wrote to stderr (its log). */
  get stderr(): string {
    return this.#stderr;
  }

  /** Starts the worker and resolves once it printed that its connectors are created. */
  static async start(pluginModule: PluginModule, workerPropsPath: string, connectorPaths: readonly string[], timeoutMs = 60_000): Promise<ChildWorker> {
    const args = [...moduleHookArgs(), childScript(), pluginModule.module, pluginModule.exportName, workerPropsPath, ...connectorPaths];
    const child = spawn(process.execPath, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, TESTKIT_LOG_LEVEL: process.env['TESTKIT_LOG_LEVEL'] ?? 'warn' },
    });
    const worker = new ChildWorker(child);
    let stdout = '';
    let exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
    child.stdout?.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    void worker.#exited.then((e) => {
      exit = e;
    });
    try {
      await waitFor(
        'the child worker to report its REST API (connectors created)',
        () => {
          if (exit !== null) {
            throw new Error(
              `The child worker (${process.execPath} ${args.join(' ')}) exited with code ${exit.code} signal ${exit.signal} before it was ready:\n${worker.stderr}`,
            );
          }
          return stdout.includes('REST API listening on') ? true : undefined;
        },
        { timeoutMs, describe: () => `stdout: ${JSON.stringify(stdout)}; stderr: ${worker.stderr.slice(-2000)}` },
      );
    } catch (err) {
      child.kill('SIGKILL');
      throw err;
    }
    return worker;
  }

  /** SIGKILL: no flush, no offset commit. */
  async kill(): Promise<void> {
    this.#child.kill('SIGKILL');
    await this.#exited;
  }

  /** SIGTERM, and checks the worker stopped gracefully (exit code 0). */
  async stop(timeoutMs = 60_000): Promise<void> {
    this.#child.kill('SIGTERM');
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), timeoutMs);
    const { code, signal } = await this.#exited;
    clearTimeout(timer);
    if (code !== 0) throw new Error(`The child worker did not stop gracefully on SIGTERM (code ${code}, signal ${signal}):\n${this.#stderr}`);
  }
}
