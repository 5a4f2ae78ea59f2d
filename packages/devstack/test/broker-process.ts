// Runs one broker in its own process for tests that kill it: prints its bootstrap
// address, then serves until killed. Options come as JSON in argv[2].
import { startBroker } from '../src/index.js';

const options = JSON.parse(process.argv[2] ?? '{}') as Parameters<typeof startBroker>[0];
const broker = await startBroker({ port: 0, ...options });
process.stdout.write(`${broker.bootstrap}\n`);
process.on('SIGTERM', () => {
  void broker.stop().then(() => process.exit(0));
});
