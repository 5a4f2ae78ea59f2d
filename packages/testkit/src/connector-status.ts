/** Waiting for connector and task states, failing fast (with the trace) when something FAILED. */
import type { ConnectorStateInfo, Herder } from '@tributary/runtime';
import { waitFor } from './wait-for.js';

export function describeStatus(status: ConnectorStateInfo): string {
  const tasks = status.tasks.map((t) => `task ${t.id} ${t.state}${t.trace === undefined ? '' : `: ${t.trace}`}`);
  const trace = status.connector.trace === undefined ? '' : `: ${status.connector.trace}`;
  return `connector ${status.connector.state}${trace}; ${tasks.length === 0 ? 'no tasks' : tasks.join('; ')}`;
}

/** The connector and at least one task RUNNING, every task RUNNING. */
export async function waitRunning(herder: Herder, name: string, timeoutMs: number): Promise<ConnectorStateInfo> {
  return waitFor(
    `connector ${name} and its tasks to be RUNNING`,
    () => {
      const status = herder.connectorStatus(name);
      if (status.connector.state === 'FAILED' || status.tasks.some((t) => t.state === 'FAILED')) {
        throw new Error(`Connector ${name} failed instead of running: ${describeStatus(status)}`);
      }
      const isRunning = status.connector.state === 'RUNNING' && status.tasks.length > 0 && status.tasks.every((t) => t.state === 'RUNNING');
      return isRunning ? status : undefined;
    },
    { timeoutMs, describe: () => describeStatus(herder.connectorStatus(name)) },
  );
}
