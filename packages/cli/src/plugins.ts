/**
 * The plugins `tributary` registers: the runtime's built-ins and the connectors shipped as
 * their own packages. An explicit list (no scanning, no registration on import): a
 * connector is available to the CLI when, and only when, it is named here.
 */
import type { Plugin } from '@tributary/api';
import { jdbcSink } from '@tributary/jdbc-sink';
import { jdbcSource } from '@tributary/jdbc-source';
import { mirrorPlugins } from '@tributary/mirror';
import { builtinPlugins } from '@tributary/runtime';
import { schemaRegistryPlugins } from '@tributary/schema-registry';

export const cliPlugins: readonly Plugin[] = [
  ...builtinPlugins,
  jdbcSource,
  jdbcSink,
  ...mirrorPlugins,
  ...schemaRegistryPlugins,
];
