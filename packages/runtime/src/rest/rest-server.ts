/**
 * The worker's REST API: Kafka Connect's paths, status codes and bodies, on `node:http`.
 *
 * Contract:
 * - `listeners` is Kafka's `listeners` value: comma-separated `http://HOST:PORT` URLs. An
 *   empty host (`http://:8083`) binds every interface; port 0 picks a free port. `https`
 *   listeners are refused (ConfigError on `listeners`), as is anything unparsable; a port
 *   that cannot be bound is a ConnectError naming it, and no listener is left open.
 * - With `basicAuth`, every request needs `Authorization: Basic …` with those credentials,
 *   else 401 with `WWW-Authenticate`. `GET /health` stays open so that liveness probes need
 *   no secret; it tells only whether the worker finished starting.
 * - Request bodies are JSON (`Content-Type: application/json` or none; anything else is 415)
 *   of at most `maxBodyBytes` (default 1 MiB; beyond that 413).
 * - Errors answer `{"error_code", "message"}`: NotFoundError 404, ConfigError 400,
 *   ConflictError 409, bad requests 400, unknown paths 404, other methods 405 (with
 *   `Allow`). Anything unexpected is a 500 whose message only names a request id; the error
 *   itself is logged under that id. No response carries a stack trace.
 * - A herder call still pending after `requestTimeoutMs` (default 90 s, Kafka's) answers
 *   500 "Request timed out"; the call itself goes on.
 * - `close()` stops accepting connections, lets requests in flight finish (for at most
 *   `closeGraceMs`, default 5 s) and resolves when every listener is closed.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '@tributary/api';
import { ConfigError, ConnectError } from '@tributary/api';
import type { Herder } from '../herder.js';
import { adminLoggersRoutes, type LoggerLevelsLike } from './admin-loggers-routes.js';
import { BASIC_AUTH_CHALLENGE, type BasicAuthCredentials, basicAuthCheck } from './basic-auth.js';
import { connectorPluginsRoutes } from './connector-plugins-routes.js';
import { connectorsRoutes } from './connectors-routes.js';
import { readJsonBody } from './request-body.js';
import { errorResponse, RestError } from './rest-error.js';
import { rootRoutes } from './root-routes.js';
import { type HttpMethod, type RestResponse, Router } from './router.js';

export interface RestServerOptions {
  readonly herder: Herder;
  /** Kafka's `listeners`, e.g. `http://127.0.0.1:8083` or `http://:8083,http://[::1]:8084`. */
  readonly listeners: string;
  readonly basicAuth?: BasicAuthCredentials | null;
  readonly loggers: LoggerLevelsLike;
  /** The Prometheus exposition served on `GET /metrics`; without it `/metrics` is a 404. */
  readonly metricsText?: () => string;
  /** Shown by `GET /`. */
  readonly version: string;
  readonly commit: string;
  readonly logger: Logger;
  readonly maxBodyBytes?: number;
  readonly requestTimeoutMs?: number;
  readonly closeGraceMs?: number;
}

export interface RestServer {
  /** The first listener's URL, with the port actually bound (`http://127.0.0.1:8083`). */
  readonly url: string;
  readonly port: number;
  /** Every listener's URL, in `listeners` order. */
  readonly urls: readonly string[];
  close(): Promise<void>;
}

export interface Listener {
  /** Undefined binds every interface. */
  readonly host: string | undefined;
  readonly port: number;
}

export async function startRestServer(options: RestServerOptions): Promise<RestServer> {
  const listeners = parseListeners(options.listeners);
  const handle = requestHandler(options);
  const servers: Server[] = [];
  let isClosing = false;
  const urls: string[] = [];
  let firstPort = 0;
  try {
    for (const listener of listeners) {
      const server = createServer((req, res) => void handle(req, res, () => isClosing));
      servers.push(server);
      const address = await listen(server, listener);
      if (servers.length === 1) firstPort = address.port;
      urls.push(`http://${urlHost(listener, address)}:${address.port}`);
    }
  } catch (error) {
    await Promise.all(servers.map((server) => closeServer(server, 0)));
    throw error;
  }
  options.logger.info({ listeners: urls }, 'REST server started');
  return {
    url: urls[0] ?? '',
    port: firstPort,
    urls,
    close: async () => {
      isClosing = true;
      await Promise.all(servers.map((server) => closeServer(server, options.closeGraceMs ?? 5_000)));
      options.logger.info({ listeners: urls }, 'REST server stopped');
    },
  };
}

/** Kafka's `listeners` value as listeners; a ConfigError on `listeners` when it is not one. */
export function parseListeners(listeners: string): Listener[] {
  const items = listeners
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
  const problem = (message: string) => new ConfigError([{ key: 'listeners', value: listeners, message }]);
  if (items.length === 0) throw problem('at least one listener is required, e.g. http://127.0.0.1:8083');
  return items.map((item) => {
    const match = /^([a-z][a-z0-9+.-]*):\/\/(\[[0-9a-f:.]+\]|[^:/[\]]*):(\d+)\/?$/i.exec(item);
    const [, protocol = '', host = '', port = ''] = match ?? [];
    if (match === null) throw problem(`'${item}' is not of the form http://HOST:PORT`);
    if (protocol.toLowerCase() !== 'http') {
      throw problem(`'${item}' uses ${protocol}, but only http listeners are supported`);
    }
    const portNumber = Number(port);
    if (portNumber > 65_535) throw problem(`'${item}' has port ${port}, above 65535`);
    return { host: host === '' ? undefined : host.replace(/^\[(.*)\]$/, '$1'), port: portNumber };
  });
}

function listen(server: Server, listener: Listener): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const fail = (error: Error) => {
      const where = `${listener.host ?? '(every interface)'}:${listener.port}`;
      reject(new ConnectError(`Cannot listen on ${where} (listeners): ${error.message}`, { cause: error }));
    };
    server.once('error', fail);
    server.listen(listener.port, listener.host, () => {
      server.off('error', fail);
      resolve(server.address() as AddressInfo);
    });
  });
}

function urlHost(listener: Listener, address: AddressInfo): string {
  // Every interface: 127.0.0.1 reaches it on both IPv4-only and dual-stack sockets.
  if (listener.host === undefined) return '127.0.0.1';
  return address.family === 'IPv6' && listener.host.includes(':') ? `[${listener.host}]` : listener.host;
}

function closeServer(server: Server, graceMs: number): Promise<void> {
  if (!server.listening) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => server.closeAllConnections(), graceMs);
    force.unref();
    server.close(() => {
      clearTimeout(force);
      resolve();
    });
    server.closeIdleConnections();
  });
}

function requestHandler(options: RestServerOptions) {
  const { herder, logger } = options;
  const router = new Router([
    ...rootRoutes(options),
    ...connectorsRoutes(herder, logger),
    ...connectorPluginsRoutes(herder),
    ...adminLoggersRoutes(options.loggers, logger),
  ]);
  const isAuthorized = options.basicAuth == null ? () => true : basicAuthCheck(options.basicAuth);
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const requestTimeoutMs = options.requestTimeoutMs ?? 90_000;
  let lastRequestId = 0;

  async function respond(req: IncomingMessage, path: string, query: URLSearchParams): Promise<RestResponse> {
    const method = req.method ?? '';
    const match = router.match(method, path);
    const isPublic = match.kind === 'found' && match.route.isPublic === true;
    if (!isPublic && !isAuthorized(req.headers.authorization)) {
      throw new RestError(401, 'Unauthorized: valid Basic credentials are required', {
        'www-authenticate': BASIC_AUTH_CHALLENGE,
      });
    }
    switch (match.kind) {
      case 'bad-path':
        throw new RestError(400, 'Malformed percent-encoding in the request path');
      case 'not-found':
        throw new RestError(404, 'HTTP 404 Not Found');
      case 'method-not-allowed':
        throw new RestError(405, 'HTTP 405 Method Not Allowed', {
          allow: match.allowed.join(', '),
        });
      case 'found':
        break;
    }
    let bodyRead: Promise<unknown> | undefined;
    const request = {
      method: method as HttpMethod,
      params: match.params,
      query,
      json: () => {
        bodyRead ??= readJsonBody(req, maxBodyBytes);
        return bodyRead;
      },
    };
    return withTimeout(
      Promise.resolve().then(() => match.route.handler(request)),
      requestTimeoutMs,
    );
  }

  return async (req: IncomingMessage, res: ServerResponse, isClosing: () => boolean): Promise<void> => {
    const requestId = ++lastRequestId;
    const method = req.method ?? '';
    const target = requestTarget(req.url ?? '/');
    let response: RestResponse;
    try {
      if (target === undefined) throw new RestError(400, 'Bad request target');
      response = await respond(req, target.path, target.query);
    } catch (error) {
      response = errorResponse(error, { requestId, method, path: target?.path ?? '' }, logger);
    }
    try {
      send(res, response, isClosing());
    } catch (error) {
      // The handler's result could not be serialised (e.g. a bigint in a body).
      send(res, errorResponse(error, { requestId, method, path: target?.path ?? '' }, logger), isClosing());
    }
    logger.debug({ requestId, method, path: target?.path, status: response.status }, 'REST request');
  };
}

/** Path and query of a request target (origin form, or absolute form from a proxy). */
function requestTarget(raw: string): { path: string; query: URLSearchParams } | undefined {
  let target = raw;
  if (/^https?:\/\//i.test(target)) {
    try {
      const url = new URL(target);
      target = url.pathname + url.search;
    } catch {
      return undefined;
    }
  }
  if (!target.startsWith('/')) return undefined;
  const mark = target.indexOf('?');
  return mark < 0
    ? { path: target, query: new URLSearchParams() }
    : { path: target.slice(0, mark), query: new URLSearchParams(target.slice(mark + 1)) };
}

function withTimeout<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RestError(500, 'Request timed out')), timeoutMs);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

function send(res: ServerResponse, response: RestResponse, isClosing: boolean): void {
  if (res.headersSent) return;
  const headers: Record<string, string> = { ...response.headers };
  let payload: string | undefined;
  if (response.body !== undefined) {
    payload = JSON.stringify(response.body);
    headers['content-type'] = 'application/json';
  } else if (response.text !== undefined) {
    payload = response.text;
    headers['content-type'] = response.contentType ?? 'text/plain; charset=utf-8';
  }
  if (isClosing) headers['connection'] = 'close';
  res.writeHead(response.status, headers);
  res.end(payload);
}
