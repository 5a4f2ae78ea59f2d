/**
 * The REST server's route table: `{name}` path templates, matched segment by segment.
 *
 * A request path is split on `/` before percent-decoding, so a connector named `a/b`
 * reached as `/connectors/a%2Fb` matches `/connectors/{connector}` with `connector = 'a/b'`.
 * A path that matches no template is a 404; one that matches a template under another
 * method is a 405 with `Allow`. A single trailing slash is ignored, as Kafka's JAX-RS does.
 */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** What a handler sees of a request. */
export interface RestRequest {
  readonly method: HttpMethod;
  /** The template's `{name}` segments, percent-decoded. */
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  /** The body parsed as JSON; `undefined` when the body is empty. Rejects with a RestError (400, 413, 415). */
  json(): Promise<unknown>;
}

/** What a handler answers. `body` is serialised as JSON; `text` is sent as-is with `contentType`. */
export interface RestResponse {
  readonly status: number;
  readonly body?: unknown;
  readonly text?: string;
  readonly contentType?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export type RouteHandler = (request: RestRequest) => RestResponse | Promise<RestResponse>;

export interface Route {
  readonly method: HttpMethod;
  /** A template such as `/connectors/{connector}/tasks/{task}/status`. */
  readonly path: string;
  readonly handler: RouteHandler;
  /** Served without authentication (only `/health`). */
  readonly isPublic?: boolean;
}

export type RouteMatch =
  | { readonly kind: 'found'; readonly route: Route; readonly params: Readonly<Record<string, string>> }
  | { readonly kind: 'method-not-allowed'; readonly allowed: readonly HttpMethod[] }
  | { readonly kind: 'not-found' }
  | { readonly kind: 'bad-path' };

interface CompiledRoute {
  readonly route: Route;
  /** Literal segments as strings, parameters as `{ param }`. */
  readonly segments: readonly (string | { readonly param: string })[];
}

export class Router {
  readonly #routes: readonly CompiledRoute[];

  constructor(routes: readonly Route[]) {
    this.#routes = routes.map((route) => ({ route, segments: compile(route.path) }));
  }

  match(method: string, rawPath: string): RouteMatch {
    const segments = splitPath(rawPath);
    if (segments === undefined) return { kind: 'bad-path' };
    const allowed: HttpMethod[] = [];
    for (const { route, segments: template } of this.#routes) {
      const params = matchSegments(template, segments);
      if (params === undefined) continue;
      if (route.method === method) return { kind: 'found', route, params };
      if (!allowed.includes(route.method)) allowed.push(route.method);
    }
    return allowed.length > 0 ? { kind: 'method-not-allowed', allowed } : { kind: 'not-found' };
  }
}

function compile(path: string): CompiledRoute['segments'] {
  return path
    .split('/')
    .slice(1)
    .filter((segment, index, all) => !(segment === '' && index === all.length - 1))
    .map((segment) => {
      const param = /^\{([A-Za-z]+)\}$/.exec(segment)?.[1];
      return param === undefined ? segment : { param };
    });
}

/** Decoded segments of `rawPath` (which starts with `/`), or undefined when its percent-encoding is malformed. */
function splitPath(rawPath: string): string[] | undefined {
  const raw = rawPath.split('/').slice(1);
  if (raw.length > 1 && raw[raw.length - 1] === '') raw.pop();
  if (raw.length === 1 && raw[0] === '') return [];
  try {
    return raw.map((segment) => decodeURIComponent(segment));
  } catch {
    return undefined;
  }
}

function matchSegments(
  template: CompiledRoute['segments'],
  segments: readonly string[],
): Record<string, string> | undefined {
  if (template.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (const [index, part] of template.entries()) {
    const segment = segments[index] ?? '';
    if (typeof part === 'string') {
      if (part !== segment) return undefined;
    } else {
      if (segment === '') return undefined;
      params[part.param] = segment;
    }
  }
  return params;
}
