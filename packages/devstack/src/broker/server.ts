/**
 * Starts one embedded broker: a single-node Kafka cluster listening on TCP. Several
 * brokers in one process are independent clusters (each has its own state).
 */
import { createServer, type Socket } from 'node:net';
import { BrokerState } from './broker-state.js';
import { Connection } from './connection.js';
import { type BrokerOptions, resolveBrokerOptions } from './options.js';

export interface RunningBroker {
  /** The bound port (the real one when `port: 0` was asked for). */
  readonly port: number;
  readonly host: string;
  /** `host:port`, ready for `bootstrap.servers` / kafkajs `brokers`. */
  readonly bootstrap: string;
  readonly clusterId: string;
  /** Stops listening, closes every connection and the data files. Idempotent. */
  stop(): Promise<void>;
}

export async function startBroker(options: BrokerOptions = {}): Promise<RunningBroker> {
  const resolved = resolveBrokerOptions(options);
  const state = new BrokerState(resolved);
  state.load();
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    new Connection(socket, state);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(resolved.port, resolved.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  state.port = typeof address === 'object' && address !== null ? address.port : resolved.port;
  const retention = setInterval(() => applyRetention(state), resolved.retentionCheckIntervalMs);
  retention.unref();

  let stopping: Promise<void> | null = null;
  return {
    port: state.port,
    host: resolved.advertisedHost,
    bootstrap: `${resolved.advertisedHost}:${state.port}`,
    clusterId: state.clusterId,
    stop() {
      stopping ??= new Promise<void>((resolve) => {
        clearInterval(retention);
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
        state.close();
      });
      return stopping;
    },
  };
}

/**
 * One retention pass. It runs in a timer, where an exception would kill the process,
 * so a failure (a data file gone, a full disk) is logged and retried on the next pass.
 * Parked fetches are woken: one below the new log start answers OFFSET_OUT_OF_RANGE.
 */
function applyRetention(state: BrokerState): void {
  try {
    state.topics.enforceRetention(Date.now());
  } catch (err) {
    state.options.log('error', `retention check failed: ${(err as Error).stack ?? String(err)}`);
  }
  state.waiters.notify();
}
