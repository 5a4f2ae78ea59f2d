/**
 * Well-formed request bodies for every API and version the broker advertises, built
 * from the layouts in broker-spec Appendix A. The fuzz tests mutate them; starting from
 * valid requests gets the mutations past the first field and into each handler's logic.
 */
import { Writer } from '@tributary/protocol';
import { recordBatch } from './wire-socket.js';

export interface TemplateNames {
  topic: string;
  group: string;
  transactionalId: string;
}

type Template = (v: number, n: TemplateNames) => Writer | Buffer;

function topicPartitions(w: Writer, topic: string, write: (x: Writer, partition: number) => void): Writer {
  return w.array([topic], (x, t) => x.string(t).array([0, 1], (y, p) => write(y, p)));
}

const templates: Record<number, Template> = {
  // Produce
  0: (v, n) => {
    const w = new Writer();
    if (v >= 3) w.nullableString(null);
    w.int16(-1).int32(5000);
    return topicPartitions(w, n.topic, (x, p) => x.int32(p).bytes(recordBatch([`fuzz-${p}`, 'two'])));
  },
  // Fetch
  1: (v, n) => {
    const w = new Writer()
      .int32(-1)
      .int32(50)
      .int32(1)
      .int32(1 << 20)
      .int8(v % 2);
    if (v >= 7) w.int32(0).int32(-1);
    topicPartitions(w, n.topic, (x, p) => {
      x.int32(p);
      if (v >= 9) x.int32(-1);
      x.int64(0);
      if (v >= 5) x.int64(-1);
      x.int32(1 << 16);
    });
    if (v >= 7) w.array([n.topic], (x, t) => x.string(t).array([1], (y, p) => y.int32(p)));
    if (v >= 11) w.string('rack');
    return w;
  },
  // ListOffsets
  2: (v, n) => {
    const w = new Writer().int32(-1);
    if (v >= 2) w.int8(0);
    return topicPartitions(w, n.topic, (x, p) => {
      x.int32(p);
      if (v >= 4) x.int32(-1);
      x.int64(p === 0 ? -2 : 1_700_000_000_000);
    });
  },
  // Metadata
  3: (v, n) => {
    const w = new Writer().array([n.topic], (x, t) => x.string(t));
    if (v >= 4) w.bool(true);
    if (v >= 8) w.bool(false).bool(false);
    return w;
  },
  // OffsetCommit
  8: (v, n) => {
    const w = new Writer().string(n.group).int32(-1).string('');
    if (v >= 7) w.nullableString(null);
    if (v >= 2 && v <= 4) w.int64(-1);
    return topicPartitions(w, n.topic, (x, p) => {
      x.int32(p).int64(1);
      if (v >= 6) x.int32(-1);
      x.nullableString('meta');
    });
  },
  // OffsetFetch
  9: (_v, n) => topicPartitions(new Writer().string(n.group), n.topic, (x, p) => x.int32(p)),
  // FindCoordinator
  10: (v, n) => {
    const w = new Writer().string(n.group);
    if (v >= 1) w.int8(0);
    return w;
  },
  // JoinGroup
  11: (v, n) => {
    const w = new Writer().string(n.group).int32(6000);
    if (v >= 1) w.int32(1000);
    w.string('');
    if (v >= 5) w.nullableString(null);
    w.string('consumer');
    return w.array(['range'], (x, name) => x.string(name).bytes(Buffer.from([0, 1, 0, 0, 0, 0])));
  },
  // Heartbeat
  12: (v, n) => {
    const w = new Writer().string(n.group).int32(1).string('member-1');
    if (v >= 3) w.nullableString(null);
    return w;
  },
  // LeaveGroup
  13: (v, n) => {
    const w = new Writer().string(n.group);
    if (v <= 2) return w.string('member-1');
    return w.array(['member-1'], (x, m) => x.string(m).nullableString(null));
  },
  // SyncGroup
  14: (v, n) => {
    const w = new Writer().string(n.group).int32(1).string('member-1');
    if (v >= 3) w.nullableString(null);
    return w.array(['member-1'], (x, m) => x.string(m).bytes(Buffer.from([0, 1])));
  },
  // DescribeGroups
  15: (v, n) => {
    const w = new Writer().array([n.group], (x, g) => x.string(g));
    if (v >= 3) w.bool(true);
    return w;
  },
  // ListGroups
  16: () => Buffer.alloc(0),
  // ApiVersions (v3 is flexible: compact strings, then a tag buffer)
  18: (v) => {
    if (v < 3) return Buffer.alloc(0);
    const compact = (text: string): Buffer => Buffer.concat([Buffer.from([text.length + 1]), Buffer.from(text)]);
    return Buffer.concat([compact('fuzz'), compact('1.0'), Buffer.from([0])]);
  },
  // CreateTopics
  19: (v, n) => {
    const w = new Writer().array([`${n.topic}-new`], (x, t) => {
      x.string(t).int32(-1).int16(-1);
      x.array([], () => {});
      x.array([['retention.ms', '1000'] as const], (y, [k, val]) => y.string(k).nullableString(val));
    });
    w.int32(1000);
    if (v >= 1) w.bool(v % 2 === 1);
    return w;
  },
  // DeleteTopics
  20: (_v, n) => new Writer().array([`${n.topic}-new`], (x, t) => x.string(t)).int32(1000),
  // DeleteRecords
  21: (_v, n) => topicPartitions(new Writer(), n.topic, (x, p) => x.int32(p).int64(p)).int32(1000),
  // InitProducerId
  22: (v, n) => new Writer().nullableString(v === 0 ? null : n.transactionalId).int32(60_000),
  // AddPartitionsToTxn
  24: (_v, n) =>
    new Writer()
      .string(n.transactionalId)
      .int64(1)
      .int16(0)
      .array([n.topic], (x, t) => x.string(t).array([0], (y, p) => y.int32(p))),
  // AddOffsetsToTxn
  25: (_v, n) => new Writer().string(n.transactionalId).int64(1).int16(0).string(n.group),
  // EndTxn
  26: (_v, n) => new Writer().string(n.transactionalId).int64(1).int16(0).bool(false),
  // TxnOffsetCommit
  28: (v, n) =>
    topicPartitions(new Writer().string(n.transactionalId).string(n.group).int64(1).int16(0), n.topic, (x, p) => {
      x.int32(p).int64(1);
      if (v >= 2) x.int32(-1);
      x.nullableString(null);
    }),
  // DescribeConfigs
  32: (v, n) => {
    const w = new Writer().array(
      [
        [2, n.topic],
        [4, '1'],
      ] as const,
      (x, [type, name]) =>
        x
          .int8(type)
          .string(name)
          .nullableArray(type === 2 ? null : ['num.partitions'], (y, k) => y.string(k)),
    );
    if (v >= 1) w.bool(true);
    return w;
  },
  // AlterConfigs
  33: (_v, n) =>
    new Writer()
      .array([n.topic], (x, t) =>
        x
          .int8(2)
          .string(t)
          .array([['retention.ms', '100000'] as const], (y, [k, val]) => y.string(k).nullableString(val)),
      )
      .bool(false),
  // CreatePartitions
  37: (_v, n) =>
    new Writer()
      .array([n.topic], (x, t) =>
        x
          .string(t)
          .int32(3)
          .nullableArray(null, () => {}),
      )
      .int32(1000)
      .bool(true),
  // DeleteGroups
  42: (_v, n) => new Writer().array([n.group], (x, g) => x.string(g)),
  // IncrementalAlterConfigs
  44: (_v, n) =>
    new Writer()
      .array([n.topic], (x, t) =>
        x
          .int8(2)
          .string(t)
          .array([['cleanup.policy', 2, 'compact']] as const, (y, [k, op, val]) =>
            y.string(k).int8(op).nullableString(val),
          ),
      )
      .bool(true),
};

/** A valid body for `apiKey` at `apiVersion`, or null when no template exists for that API. */
export function templateBody(apiKey: number, apiVersion: number, names: TemplateNames): Buffer | null {
  const template = templates[apiKey];
  if (!template) return null;
  const body = template(apiVersion, names);
  return body instanceof Writer ? body.toBuffer() : body;
}
