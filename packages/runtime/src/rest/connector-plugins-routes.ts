/**
 * `/connector-plugins/*`: Kafka Connect's `ConnectorPluginsResource`. `connectorsOnly`
 * defaults to true, as in Kafka; `…/config/validate` refuses a body whose `connector.class`
 * names another plugin than the path (400), comparing Kafka's way: both names with a
 * trailing `Connector` dropped, the body's ending with the path's.
 */
import type { Herder } from '../herder.js';
import { queryFlag } from './query-flag.js';
import { expectConfig } from './request-body.js';
import { RestError } from './rest-error.js';
import type { Route } from './router.js';

const ALIAS_SUFFIX = 'Connector';

export function connectorPluginsRoutes(herder: Herder): Route[] {
  return [
    {
      method: 'GET',
      path: '/connector-plugins',
      handler: (r) => ({ status: 200, body: herder.plugins(queryFlag(r.query, 'connectorsOnly', true)) }),
    },
    {
      method: 'GET',
      path: '/connector-plugins/{plugin}/config',
      handler: (r) => ({ status: 200, body: herder.pluginConfig(r.params['plugin'] ?? '') }),
    },
    {
      method: 'PUT',
      path: '/connector-plugins/{plugin}/config/validate',
      handler: async (r) => {
        const plugin = r.params['plugin'] ?? '';
        const config = expectConfig(await r.json(), 'the connector configuration');
        const included = config['connector.class'];
        if (included !== undefined && !withoutSuffix(included).endsWith(withoutSuffix(plugin))) {
          throw new RestError(400, `Included connector type ${included} does not match request type ${plugin}`);
        }
        return { status: 200, body: await herder.validateConfig(plugin, config) };
      },
    },
  ];
}

function withoutSuffix(pluginName: string): string {
  return pluginName.endsWith(ALIAS_SUFFIX) && pluginName.length > ALIAS_SUFFIX.length
    ? pluginName.slice(0, -ALIAS_SUFFIX.length)
    : pluginName;
}
