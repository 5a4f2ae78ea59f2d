/**
 * The benchmark's broker, in a process of its own so that the records it holds count
 * neither against the measurements' RSS nor against their CPU time on the event loop:
 * `node dist-bench/broker.js` prints `{"bootstrap":"127.0.0.1:N"}` and runs until
 * its stdin closes or it gets SIGTERM.
 */
import { startBroker } from '@tributary/devstack';

const broker = await startBroker({ port: 0 });
process.stdout.write(`${JSON.stringify({ bootstrap: broker.bootstrap })}\n`);
let isStopping = false;
const stop = async (): Promise<void> => {
  if (isStopping) return;
  isStopping = true;
  await broker.stop();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.stdin.on('end', () => void stop());
process.stdin.resume();
