/**
 * The contract of one protocol API: the versions it advertises and a handler that
 * decodes a request body and encodes the response body (classic encoding; the
 * connection adds the size and correlation id).
 */
import type { Reader, Writer } from '@tributary/protocol';
import type { BrokerState } from '../broker-state.js';

export interface RequestContext {
  readonly state: BrokerState;
  readonly apiVersion: number;
  readonly correlationId: number;
  readonly clientId: string | null;
  /** As Kafka reports it in DescribeGroups: `/127.0.0.1`. */
  readonly clientHost: string;
  /**
   * Aborted when the client's connection closes. A parked request (long-poll Fetch)
   * stops waiting then, so abandoned long polls do not pile up; its answer is dropped.
   */
  readonly connectionClosed?: AbortSignal;
}

export interface ApiHandler {
  readonly key: number;
  readonly name: string;
  readonly minVersion: number;
  readonly maxVersion: number;
  /**
   * Returns the response body, or null when no response is sent (Produce acks=0).
   * May be async (long-poll Fetch, parked JoinGroup). Throwing closes the connection.
   */
  handle(req: Reader, ctx: RequestContext): Writer | null | Promise<Writer | null>;
}

/** Thrown by a handler to close the connection the way Kafka does for a request it will not answer. */
export class CloseConnection extends Error {
  override readonly name = 'CloseConnection';
}
