export { type RunningBroker, startBroker } from './broker/server.js';
export type { BrokerOptions } from './broker/options.js';
