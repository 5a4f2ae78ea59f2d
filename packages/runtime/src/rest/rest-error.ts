/**
 * Errors as the REST API answers them: Kafka Connect's `{"error_code": <http>, "message": "…"}`
 * (`rest/entities/ErrorMessage`).
 *
 * The herder's NotFoundError, ConfigError and ConflictError carry messages meant for users
 * (the herder contract keeps secrets out of them) and are answered as 404, 400 and 409.
 * Anything else is a fault of ours: the client gets a generic 500 naming a request id, and
 * the error with its stack goes to the log under that id. A stack trace or an arbitrary
 * error message never reaches a response.
 */
import type { Logger } from '@tributary/api';
import { ConfigError, NotFoundError } from '@tributary/api';
import { ConflictError } from '../herder.js';
import type { RestResponse } from './router.js';

/** An error raised by the REST layer itself, with the status to answer. */
export class RestError extends Error {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;

  constructor(status: number, message: string, headers: Readonly<Record<string, string>> = {}) {
    super(message);
    this.name = 'RestError';
    this.status = status;
    this.headers = headers;
  }
}

export interface ErrorMessage {
  readonly error_code: number;
  readonly message: string;
}

export function errorBody(status: number, message: string): ErrorMessage {
  return { error_code: status, message };
}

export interface FailedRequest {
  readonly requestId: number;
  readonly method: string;
  readonly path: string;
}

export function errorResponse(error: unknown, request: FailedRequest, logger: Logger): RestResponse {
  const known = knownStatus(error);
  if (known !== undefined && error instanceof Error) {
    logger.debug({ ...request, status: known, error: error.message }, 'REST request rejected');
    const headers = error instanceof RestError ? error.headers : {};
    return { status: known, body: errorBody(known, error.message), headers };
  }
  logger.error({ ...request, err: error }, 'REST request failed unexpectedly');
  return {
    status: 500,
    body: errorBody(500, `The worker failed to handle this request; see its log for request ${request.requestId}`),
  };
}

function knownStatus(error: unknown): number | undefined {
  if (error instanceof RestError) return error.status;
  if (error instanceof NotFoundError) return 404;
  if (error instanceof ConfigError) return 400;
  if (error instanceof ConflictError) return 409;
  return undefined;
}
