/**
 * The configuration cases both suites share: a missing required key is a ConfigError naming
 * it (and nothing is created), `validateConfig` reports it with `error_count ≥ 1`, password
 * values are `[hidden]`, and config-provider values are never shown resolved.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { it } from 'node:test';
import { ConfigError, type ConnectorPlugin, type Props } from '@tributary/api';
import type { ConfigInfos } from '@tributary/runtime';
import type { ConformanceContext } from './conformance-spec.js';
import { Cleanup, type SuiteFixture } from './suite-fixture.js';
import { startWorker } from './worker-harness.js';

export interface ConfigCaseOptions {
  readonly fixture: SuiteFixture;
  readonly plugin: ConnectorPlugin;
  readonly workerProps?: Readonly<Record<string, string>>;
  /** A complete, valid connector config for a fresh context. */
  readonly connectorConfig: (ctx: ConformanceContext) => Promise<Props>;
  readonly dispose: (ctx: ConformanceContext) => unknown;
}

const TIMEOUT = { timeout: 120_000 };

/** The plugin's required keys; a sink with none is checked on `topics`, which every sink needs. */
function requiredKeys(plugin: ConnectorPlugin): string[] {
  const own = Object.entries(plugin.config.keys)
    .filter(([, key]) => key.isRequired)
    .map(([name]) => name);
  return own.length === 0 && plugin.kind === 'sink' ? ['topics'] : own;
}

function errorsOf(infos: ConfigInfos, key: string): readonly string[] {
  return infos.configs.find((c) => c.value.name === key)?.value.errors ?? [];
}

export function registerConfigCases(options: ConfigCaseOptions): void {
  const { fixture, plugin } = options;
  const keys = requiredKeys(plugin);

  if (keys.length === 0) {
    it('declares a required key, so that the config-error case can run', () => {
      assert.fail(`${plugin.name} declares no required configuration key; the config-error case needs one`);
    });
  }

  for (const key of keys) {
    it(`rejects a configuration without ${key} with a ConfigError naming it; validateConfig reports it`, TIMEOUT, async () => {
      const cleanup = new Cleanup();
      try {
        const ctx = await fixture.newContext(cleanup, options.dispose);
        const handle = await startWorker(ctx.dir, plugin, fixture.workerProps(ctx, options.workerProps));
        cleanup.add(() => handle.stop());
        const config = await options.connectorConfig(ctx);
        const broken: Record<string, string> = { ...config };
        delete broken[key];
        if (key === 'topics') delete broken['topics.regex'];

        await assert.rejects(
          handle.herder.putConnectorConfig(ctx.connectorName, broken, { allowReplace: false }),
          (err: unknown) => {
            assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
            assert.ok(
              err.problems.some((p) => p.key === key),
              `the ConfigError does not name ${key}: ${JSON.stringify(err.problems)}`,
            );
            assert.match(err.message, new RegExp(key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
            return true;
          },
        );
        assert.deepEqual(handle.herder.connectors(), [], 'a rejected configuration must not create the connector');

        const infos = await handle.herder.validateConfig(plugin.name, broken);
        assert.ok(infos.error_count >= 1, `validateConfig found no error: ${JSON.stringify(infos)}`);
        assert.ok(errorsOf(infos, key).length >= 1, `validateConfig reports no error on ${key}`);

        const valid = await handle.herder.validateConfig(plugin.name, config);
        assert.equal(valid.error_count, 0, `the complete configuration should validate: ${JSON.stringify(valid.configs.filter((c) => c.value.errors.length > 0))}`);
      } finally {
        await cleanup.run();
      }
    });
  }

  const passwordKeys = Object.entries(plugin.config.keys)
    .filter(([, key]) => key.type === 'password')
    .map(([name]) => name);
  if (passwordKeys.length > 0) {
    it(`shows password values (${passwordKeys.join(', ')}) as [hidden] in validateConfig and errors`, TIMEOUT, async () => {
      const cleanup = new Cleanup();
      try {
        const ctx = await fixture.newContext(cleanup, options.dispose);
        const handle = await startWorker(ctx.dir, plugin, fixture.workerProps(ctx, options.workerProps));
        cleanup.add(() => handle.stop());
        const canary = `canary-${randomUUID()}`;
        const config: Record<string, string> = { ...(await options.connectorConfig(ctx)) };
        for (const key of passwordKeys) config[key] = canary;
        const infos = await handle.herder.validateConfig(plugin.name, config);
        for (const key of passwordKeys) {
          assert.equal(infos.configs.find((c) => c.value.name === key)?.value.value, '[hidden]', `${key} is not shown as [hidden]`);
        }
        assert.ok(!JSON.stringify(infos).includes(canary), 'validateConfig shows a password value');
        const broken: Record<string, string> = { ...config };
        delete broken[keys[0] ?? ''];
        const error = await handle.herder.putConnectorConfig(ctx.connectorName, broken, { allowReplace: false }).then(
          () => null,
          (err: unknown) => err,
        );
        assert.ok(error instanceof Error, 'an invalid configuration was accepted');
        assert.ok(!error.message.includes(canary) && !JSON.stringify(error).includes(canary), 'the ConfigError shows a password value');
      } finally {
        await cleanup.run();
      }
    });
  }

  const stringKey = Object.entries(plugin.config.keys).find(([, key]) => key.type === 'string')?.[0];
  if (stringKey !== undefined) {
    it(`never shows a config-provider value resolved (${stringKey} from \${env:…})`, TIMEOUT, async () => {
      const cleanup = new Cleanup();
      try {
        const ctx = await fixture.newContext(cleanup, options.dispose);
        const variable = `TESTKIT_SECRET_${ctx.id.toUpperCase()}`;
        const workerProps = {
          ...options.workerProps,
          'config.providers': 'env',
          'config.providers.env.class': 'org.apache.kafka.common.config.provider.EnvVarConfigProvider',
          'config.providers.env.param.allowlist.pattern': '^TESTKIT_SECRET_.*',
        };
        const config = await options.connectorConfig(ctx);
        const resolved = config[stringKey] ?? `secret-${randomUUID()}`;
        const handle = await startWorker(ctx.dir, plugin, fixture.workerProps(ctx, workerProps), { [variable]: resolved });
        cleanup.add(() => handle.stop());
        const reference = `\${env:${variable}}`;
        const withReference = { ...config, [stringKey]: reference };
        const infos = await handle.herder.validateConfig(plugin.name, withReference);
        assert.equal(infos.configs.find((c) => c.value.name === stringKey)?.value.value, reference, `validateConfig should show ${stringKey} as the reference`);
        assert.ok(!JSON.stringify(infos).includes(resolved), 'validateConfig shows the resolved value');
        await handle.herder.putConnectorConfig(ctx.connectorName, withReference, { allowReplace: false });
        assert.equal(handle.herder.connectorConfig(ctx.connectorName)[stringKey], reference, 'the stored configuration should keep the reference');
        assert.ok(
          !JSON.stringify(handle.herder.connectorInfo(ctx.connectorName)).includes(resolved),
          'the connector info shows the resolved value',
        );
        assert.ok(
          !JSON.stringify(handle.herder.connectorStatus(ctx.connectorName)).includes(resolved),
          'the connector status shows the resolved value',
        );
      } finally {
        await cleanup.run();
      }
    });
  }
}
