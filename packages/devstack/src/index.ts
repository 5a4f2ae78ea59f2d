export type { BrokerOptions } from './broker/options.js';
export { type RunningBroker, startBroker } from './broker/server.js';
export {
  type RunningSchemaRegistry,
  type SchemaRegistryOptions,
  startSchemaRegistry,
} from './registry/start-schema-registry.js';
