/**
 * Source topic auto-creation (KIP-158). A connector opts in by setting
 * `topic.creation.default.replication.factor` and `topic.creation.default.partitions`
 * (-1 = the broker's default); `topic.creation.groups` names more groups, each with
 * `include` / `exclude` regex lists (a topic belongs to the first group that includes
 * and does not exclude it, else to `default`), its own `replication.factor` /
 * `partitions` (inherited from `default` when absent) and any other
 * `topic.creation.<group>.<topic config>` passed to CreateTopics as a topic config.
 * A topic is created only if it does not exist; existing topics are never altered.
 */
import { ConfigError, type ConfigProblem, ConnectError, type Logger, type Props } from '@tributary/api';
import type { Admin } from 'kafkajs';

export const TOPIC_CREATION_PREFIX = 'topic.creation.';
export const DEFAULT_TOPIC_CREATION_GROUP = 'default';

export interface TopicCreationGroup {
  readonly name: string;
  readonly include: readonly RegExp[];
  readonly exclude: readonly RegExp[];
  /** -1: the broker default. */
  readonly replicationFactor: number;
  /** -1: the broker default. */
  readonly partitions: number;
  readonly topicConfigs: Readonly<Record<string, string>>;
}

export interface TopicCreationSettings {
  /** In `topic.creation.groups` order, `default` last (it includes every topic). */
  readonly groups: readonly TopicCreationGroup[];
}

/**
 * The connector's `topic.creation.*` settings, or `null` when topics are not to be created
 * (`topic.creation.enable=false` on the worker, or no `topic.creation.default.*` keys).
 * Throws a ConfigError listing every bad key.
 */
export function parseTopicCreationSettings(props: Props, isWorkerEnabled = true): TopicCreationSettings | null {
  const defaultPrefix = `${TOPIC_CREATION_PREFIX}${DEFAULT_TOPIC_CREATION_GROUP}.`;
  if (!isWorkerEnabled || !Object.keys(props).some((k) => k.startsWith(defaultPrefix))) return null;
  const problems: ConfigProblem[] = [];
  const defaults = parseGroup(props, DEFAULT_TOPIC_CREATION_GROUP, null, problems);
  const groups: TopicCreationGroup[] = [];
  for (const name of listValue(props[`${TOPIC_CREATION_PREFIX}groups`])) {
    if (name === DEFAULT_TOPIC_CREATION_GROUP) continue;
    const group = parseGroup(props, name, defaults ?? { replicationFactor: -1, partitions: -1 }, problems);
    if (group !== null) groups.push(group);
  }
  if (problems.length > 0 || defaults === null) throw new ConfigError(problems, { context: 'topic.creation' });
  // `default` takes every topic no other group took; its include/exclude are not used.
  groups.push({ ...defaults, include: [/^/], exclude: [] });
  return { groups };
}

/** The group whose settings create `topic`. */
export function topicCreationGroupFor(settings: TopicCreationSettings, topic: string): TopicCreationGroup {
  const group = settings.groups.find(
    (g) => g.include.some((r) => r.test(topic)) && !g.exclude.some((r) => r.test(topic)),
  );
  // `default` includes everything, so there always is one.
  return group ?? (settings.groups[settings.groups.length - 1] as TopicCreationGroup);
}

export interface TopicCreator {
  /** Creates `topic` with its group's settings unless it exists; resolves once it can be produced to. */
  ensureTopic(topic: string): Promise<void>;
}

export function createTopicCreator(options: {
  readonly admin: Admin;
  readonly settings: TopicCreationSettings;
  readonly logger: Logger;
}): TopicCreator {
  const known = new Set<string>();
  const pending = new Map<string, Promise<void>>();
  const create = async (topic: string): Promise<void> => {
    const group = topicCreationGroupFor(options.settings, topic);
    const existing = await options.admin.listTopics();
    if (!existing.includes(topic)) {
      let isCreated: boolean;
      try {
        isCreated = await options.admin.createTopics({
          topics: [
            {
              topic,
              numPartitions: group.partitions,
              replicationFactor: group.replicationFactor,
              configEntries: Object.entries(group.topicConfigs).map(([name, value]) => ({ name, value })),
            },
          ],
          waitForLeaders: true,
        });
      } catch (err) {
        throw new ConnectError(`Failed to create topic '${topic}' (topic.creation group '${group.name}')`, {
          cause: err,
          code: 'TOPIC_CREATION',
        });
      }
      options.logger.info(
        { topic, group: group.name, partitions: group.partitions, replicationFactor: group.replicationFactor },
        isCreated ? 'Created topic' : 'Topic already exists',
      );
    }
    known.add(topic);
  };
  return {
    async ensureTopic(topic) {
      if (known.has(topic)) return;
      let creating = pending.get(topic);
      if (creating === undefined) {
        creating = create(topic).finally(() => pending.delete(topic));
        pending.set(topic, creating);
      }
      await creating;
    },
  };
}

const GROUP_KEYS = new Set(['include', 'exclude', 'replication.factor', 'partitions']);

function parseGroup(
  props: Props,
  name: string,
  inherited: { readonly replicationFactor: number; readonly partitions: number } | null,
  problems: ConfigProblem[],
): TopicCreationGroup | null {
  const prefix = `${TOPIC_CREATION_PREFIX}${name}.`;
  const before = problems.length;
  const count = (suffix: 'replication.factor' | 'partitions', max: number): number => {
    const key = prefix + suffix;
    const raw = props[key];
    if (raw === undefined) {
      if (inherited !== null) return suffix === 'partitions' ? inherited.partitions : inherited.replicationFactor;
      problems.push({ key, value: undefined, message: 'Missing required configuration with no default value' });
      return 0;
    }
    const n = /^\s*-?\d+\s*$/.test(raw) ? Number(raw) : Number.NaN;
    if (!Number.isSafeInteger(n) || n > max || (n < 1 && n !== -1)) {
      problems.push({
        key,
        value: raw,
        message: `Invalid value ${JSON.stringify(raw)}: must be -1 (broker default) or a number from 1 to ${max}`,
      });
    }
    return n;
  };
  const patterns = (suffix: 'include' | 'exclude'): RegExp[] => {
    const key = prefix + suffix;
    return listValue(props[key]).flatMap((source) => {
      try {
        return [new RegExp(`^(?:${source})$`, 'u')];
      } catch (err) {
        problems.push({
          key,
          value: props[key],
          message: `Invalid regex ${JSON.stringify(source)}: ${(err as Error).message}`,
        });
        return [];
      }
    });
  };
  const replicationFactor = count('replication.factor', 32767);
  const partitions = count('partitions', 2_147_483_647);
  const include = patterns('include');
  const exclude = patterns('exclude');
  if (inherited !== null && include.length === 0 && props[`${prefix}include`] === undefined) {
    problems.push({
      key: `${prefix}include`,
      value: undefined,
      message: `Missing required configuration with no default value (group '${name}' is listed in topic.creation.groups)`,
    });
  }
  const topicConfigs: Record<string, string> = {};
  for (const [key, value] of Object.entries(props)) {
    if (!key.startsWith(prefix)) continue;
    const configName = key.slice(prefix.length);
    if (!GROUP_KEYS.has(configName)) topicConfigs[configName] = value;
  }
  if (problems.length > before) return null;
  return { name, include, exclude, replicationFactor, partitions, topicConfigs };
}

function listValue(raw: string | undefined): string[] {
  if (raw === undefined) return [];
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}
