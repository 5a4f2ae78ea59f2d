/**
 * FindCoordinator (key 10) v2, request header v1 (Kafka 2.0 – 4.x).
 * Request: Key string, KeyType int8 (0 group, 1 transaction).
 * Response: ThrottleTimeMs int32, ErrorCode int16, ErrorMessage nullable string, NodeId
 * int32, Host string, Port int32.
 */
import { Reader } from '../../codec/reader.js';
import { Writer } from '../../codec/writer.js';

export const FIND_COORDINATOR_KEY = 10;
export const FIND_COORDINATOR_VERSION = 2;

export interface Coordinator {
  readonly errorCode: number;
  readonly errorMessage: string | null;
  readonly nodeId: number;
  readonly host: string;
  readonly port: number;
}

export function encodeFindCoordinatorRequest(groupId: string): Writer {
  return new Writer(64).string(groupId).int8(0);
}

export function decodeFindCoordinatorResponse(body: Buffer): Coordinator {
  const r = new Reader(body);
  r.int32();
  return {
    errorCode: r.int16(),
    errorMessage: r.nullableString(),
    nodeId: r.int32(),
    host: r.string(),
    port: r.int32(),
  };
}
