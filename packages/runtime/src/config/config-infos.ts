/**
 * Collects a `/config/validate` answer (`ConfigInfos`, Kafka's REST shape): each key's
 * definition, its value as given (`[hidden]` for passwords) and its errors. Problems for
 * keys no definition declares get an entry of their own, without the value.
 */
import {
  type ConfigDefinition,
  type ConfigKey,
  type ConfigKeyInfo,
  type ConfigKeys,
  type ConfigProblem,
  describeKey,
} from '@tributary/api';
import type { ConfigInfo, ConfigInfos } from '../herder.js';
import { prefixedProps } from '../plugins/plugin-config.js';

/** Builds `ConfigInfos` entries, first definition of a key wins. */
export class ConfigInfoList {
  readonly #entries = new Map<
    string,
    { definition: ConfigKeyInfo; value: string | null; errors: string[]; recommended: readonly string[] }
  >();

  addDefinition(
    definition: ConfigDefinition<ConfigKeys>,
    props: Readonly<Record<string, string>>,
    prefix: string,
    group?: string,
    recommended: Readonly<Record<string, readonly string[]>> = {},
  ): void {
    const sub = prefix === '' ? props : prefixedProps(props, prefix);
    for (const v of definition.validate(sub)) {
      const name = `${prefix}${v.name}`;
      if (this.#entries.has(name)) continue;
      const key = definition.keys[v.name] as ConfigKey<unknown>;
      const info = describeKey(name, key);
      this.#entries.set(name, {
        definition: group === undefined ? info : { ...info, group, display_name: key.displayName ?? name },
        value: v.value,
        errors: [...v.errors],
        recommended: recommended[v.name] ?? recommendedValues(key),
      });
    }
  }

  addProblem(problem: ConfigProblem): void {
    const entry = this.#entries.get(problem.key);
    if (entry === undefined) {
      this.#entries.set(problem.key, {
        definition: unknownKeyInfo(problem.key),
        value: null,
        errors: [problem.message],
        recommended: [],
      });
      return;
    }
    if (!entry.errors.some((e) => e === problem.message || e.endsWith(problem.message)))
      entry.errors.push(problem.message);
  }

  result(name: string): ConfigInfos {
    const configs: ConfigInfo[] = [];
    const groups: string[] = [];
    let errorCount = 0;
    for (const [key, e] of this.#entries) {
      if (e.definition.group !== null && !groups.includes(e.definition.group)) groups.push(e.definition.group);
      errorCount += e.errors.length;
      configs.push({
        definition: e.definition,
        value: { name: key, value: e.value, recommended_values: e.recommended, errors: e.errors, visible: true },
      });
    }
    return { name, error_count: errorCount, groups, configs };
  }
}

function recommendedValues(key: ConfigKey<unknown>): readonly string[] {
  // Choice keys list their values as "[a, b]"; `/config/validate` recommends them.
  const match = key.type === 'string' ? /^\[(.*)\]$/.exec(key.validValues ?? '') : null;
  if (match === null || key.validValues?.includes('...')) return [];
  return (match[1] ?? '').split(', ').filter((s) => s !== '');
}

function unknownKeyInfo(name: string): ConfigKeyInfo {
  return {
    name,
    type: 'STRING',
    required: false,
    default_value: null,
    importance: 'LOW',
    documentation: '',
    group: null,
    order_in_group: -1,
    width: 'NONE',
    display_name: name,
    dependents: [],
  };
}
