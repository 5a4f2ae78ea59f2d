/**
 * Whether a key configures one of the three mirror connectors (MM2's `allConfigNames()`):
 * the driver copies such top-level keys into every flow's connectors and warns about the
 * rest. The keys come from the connectors' own config definitions.
 */
import { mirrorCheckpointConfig, mirrorHeartbeatConfig, mirrorSourceConfig } from '../config.js';

const MIRROR_CONNECTOR_KEYS: ReadonlySet<string> = new Set([
  ...Object.keys(mirrorSourceConfig.keys),
  ...Object.keys(mirrorCheckpointConfig.keys),
  ...Object.keys(mirrorHeartbeatConfig.keys),
]);

export function mirrorConnectorKey(key: string): boolean {
  return MIRROR_CONNECTOR_KEYS.has(key);
}
