/**
 * `/` and `/health` (Kafka Connect's `RootResource`, health per KIP-1017) and `/metrics`
 * (Prometheus text exposition format 0.0.4) when the worker has metrics.
 */
import type { Herder } from '../herder.js';
import type { Route } from './router.js';

export interface RootRoutesOptions {
  readonly herder: Herder;
  readonly version: string;
  readonly commit: string;
  readonly metricsText?: (() => string) | undefined;
}

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export function rootRoutes(options: RootRoutesOptions): Route[] {
  const { herder, version, commit, metricsText } = options;
  const routes: Route[] = [
    {
      method: 'GET',
      path: '/',
      handler: async () => ({
        status: 200,
        body: { version, commit, kafka_cluster_id: await herder.kafkaClusterId() },
      }),
    },
    {
      method: 'GET',
      path: '/health',
      isPublic: true,
      handler: () =>
        herder.isReady
          ? {
              status: 200,
              body: { status: 'healthy', message: 'Worker has completed startup and is ready to handle requests.' },
            }
          : { status: 503, body: { status: 'starting', message: 'Worker is still starting up.' } },
    },
  ];
  if (metricsText !== undefined) {
    routes.push({
      method: 'GET',
      path: '/metrics',
      handler: () => ({ status: 200, text: metricsText(), contentType: PROMETHEUS_CONTENT_TYPE }),
    });
  }
  return routes;
}
