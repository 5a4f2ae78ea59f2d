/**
 * MirrorMaker 2's internal records, byte for byte, so that MM2's own readers
 * (`RemoteClusterUtils.translateOffsets`, the console formatters
 * `org.apache.kafka.connect.mirror.formatters.{OffsetSync,Checkpoint,Heartbeat}Formatter`)
 * read what we write and we read what MM2 wrote.
 *
 * Each key and value is a Kafka protocol `Struct` in the classic binary encoding
 * (big-endian; STRING = INT16 byte length + UTF-8, never null):
 *
 *   offset sync  (topic `mm2-offset-syncs.<alias>.internal`, partition 0)
 *     key    topic STRING, partition INT32
 *     value  upstreamOffset INT64, offset INT64                  (no version header)
 *   checkpoint   (topic `<source alias>.checkpoints.internal` on the target, partition 0)
 *     key    group STRING, topic STRING, partition INT32         (topic = the remote topic)
 *     value  version INT16 (0), upstreamOffset INT64, offset INT64, metadata STRING
 *   heartbeat    (topic `heartbeats` on the target, partition 0)
 *     key    sourceClusterAlias STRING, targetClusterAlias STRING
 *     value  version INT16 (0), timestamp INT64
 *
 * Decoders accept any version ≥ 0 and read the version-0 fields, as MM2 does, and ignore
 * trailing bytes (room for fields a later version appends). A truncated or malformed
 * record throws a DataError naming the record kind and the part that failed.
 */
import { DataError } from '@tributary/api';
import { Reader, Writer } from '@tributary/protocol';

/** Version written in the value header of checkpoints and heartbeats. */
export const INTERNAL_RECORD_VERSION = 0;

/** Upstream offset `upstreamOffset` of `topic`/`partition` was written downstream at `offset`. */
export interface OffsetSync {
  /** The upstream (source cluster) topic. */
  readonly topic: string;
  readonly partition: number;
  readonly upstreamOffset: number;
  readonly downstreamOffset: number;
}

/** A consumer group's committed offset, translated to the target cluster. */
export interface Checkpoint {
  readonly group: string;
  /** The remote (renamed) topic on the target cluster. */
  readonly topic: string;
  readonly partition: number;
  /** The group's committed offset on the source cluster. */
  readonly upstreamOffset: number;
  /** The same position on the target cluster. */
  readonly downstreamOffset: number;
  /** The commit's metadata string, `''` when none. */
  readonly metadata: string;
}

export interface Heartbeat {
  readonly sourceClusterAlias: string;
  readonly targetClusterAlias: string;
  /** Milliseconds since the epoch when it was emitted. */
  readonly timestamp: number;
}

export interface KeyValue {
  readonly key: Buffer;
  readonly value: Buffer;
}

export function encodeOffsetSync(sync: OffsetSync): KeyValue {
  return {
    key: new Writer(64).string(sync.topic).int32(sync.partition).toBuffer(),
    value: new Writer(16).int64(sync.upstreamOffset).int64(sync.downstreamOffset).toBuffer(),
  };
}

export function decodeOffsetSync(key: Buffer | null, value: Buffer | null): OffsetSync {
  const k = decodePart('offset sync key', key, (r) => ({ topic: r.string(), partition: r.int32() }));
  const v = decodePart('offset sync value', value, (r) => ({ upstreamOffset: r.int64(), downstreamOffset: r.int64() }));
  return { ...k, ...v };
}

export function encodeCheckpoint(checkpoint: Checkpoint): KeyValue {
  return {
    key: new Writer(64).string(checkpoint.group).string(checkpoint.topic).int32(checkpoint.partition).toBuffer(),
    value: new Writer(32)
      .int16(INTERNAL_RECORD_VERSION)
      .int64(checkpoint.upstreamOffset)
      .int64(checkpoint.downstreamOffset)
      .string(checkpoint.metadata)
      .toBuffer(),
  };
}

export function decodeCheckpoint(key: Buffer | null, value: Buffer | null): Checkpoint {
  const k = decodePart('checkpoint key', key, (r) => ({ group: r.string(), topic: r.string(), partition: r.int32() }));
  const v = decodePart('checkpoint value', value, (r) => {
    readVersion(r, 'checkpoint value');
    return { upstreamOffset: r.int64(), downstreamOffset: r.int64(), metadata: r.string() };
  });
  return { ...k, ...v };
}

export function encodeHeartbeat(heartbeat: Heartbeat): KeyValue {
  return {
    key: new Writer(64).string(heartbeat.sourceClusterAlias).string(heartbeat.targetClusterAlias).toBuffer(),
    value: new Writer(16).int16(INTERNAL_RECORD_VERSION).int64(heartbeat.timestamp).toBuffer(),
  };
}

export function decodeHeartbeat(key: Buffer | null, value: Buffer | null): Heartbeat {
  const k = decodePart('heartbeat key', key, (r) => ({
    sourceClusterAlias: r.string(),
    targetClusterAlias: r.string(),
  }));
  const v = decodePart('heartbeat value', value, (r) => {
    readVersion(r, 'heartbeat value');
    return { timestamp: r.int64() };
  });
  return { ...k, ...v };
}

function readVersion(r: Reader, what: string): void {
  const version = r.int16();
  if (version < 0) throw new DataError(`${what}: invalid version ${version}`, { code: 'MIRROR_INTERNAL_RECORD' });
}

function decodePart<T>(what: string, bytes: Buffer | null, read: (r: Reader) => T): T {
  if (bytes === null) throw new DataError(`${what} is null`, { code: 'MIRROR_INTERNAL_RECORD' });
  try {
    return read(new Reader(bytes));
  } catch (error) {
    if (error instanceof DataError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new DataError(`${what} cannot be decoded (${bytes.length} bytes): ${reason}`, {
      cause: error,
      code: 'MIRROR_INTERNAL_RECORD',
    });
  }
}
