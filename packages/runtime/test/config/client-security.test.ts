import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createSecureContext } from 'node:tls';
import { ConfigError } from '@tributary/api';
import { clientSecurity, clientSecurityConfig, parseJaasConfig } from '../../src/config/client-security.js';

const PLAIN = 'org.apache.kafka.common.security.plain.PlainLoginModule';
const SCRAM = 'org.apache.kafka.common.security.scram.ScramLoginModule';

const security = (props: Record<string, string>) => clientSecurity(clientSecurityConfig.parse(props));

describe('parseJaasConfig', () => {
  test('the PLAIN login module with quoted options', () => {
    assert.deepEqual(parseJaasConfig(`${PLAIN} required username="alice" password="al ice=;\\"x";`), {
      loginModule: PLAIN,
      controlFlag: 'required',
      options: { username: 'alice', password: 'al ice=;"x' },
    });
  });

  test('the SCRAM login module, unquoted values, extra whitespace and newlines', () => {
    assert.deepEqual(parseJaasConfig(`  ${SCRAM}\n  REQUIRED\n  username=bob  password = "b"  tokenauth=false ;  `), {
      loginModule: SCRAM,
      controlFlag: 'required',
      options: { username: 'bob', password: 'b', tokenauth: 'false' },
    });
  });

  test('malformed entries are refused without showing the text', () => {
    for (const text of [
      `${PLAIN} username="u" password="pw-1";`,
      `${PLAIN} required username="u" password="pw-1"`,
      `${PLAIN} required username="pw-1`,
      `${PLAIN} required a=1; ${PLAIN} required b=2;`,
      '',
    ]) {
      assert.throws(
        () => parseJaasConfig(text),
        (err: unknown) =>
          err instanceof ConfigError && err.problems[0]?.key === 'sasl.jaas.config' && !err.message.includes('pw-1'),
        text,
      );
    }
  });
});

describe('clientSecurity SASL', () => {
  test('PLAINTEXT has neither ssl nor sasl', () => {
    assert.deepEqual(security({}), {});
  });

  test('SASL_PLAINTEXT with PlainLoginModule → kafkajs plain', () => {
    assert.deepEqual(
      security({
        'security.protocol': 'SASL_PLAINTEXT',
        'sasl.jaas.config': `${PLAIN} required username="u" password="p";`,
      }),
      {
        sasl: { mechanism: 'plain', username: 'u', password: 'p' },
      },
    );
  });

  test('SASL_SSL with SCRAM-SHA-256 and SCRAM-SHA-512', () => {
    const jaas = `${SCRAM} required username="u" password="p";`;
    assert.deepEqual(
      security({ 'security.protocol': 'SASL_SSL', 'sasl.mechanism': 'SCRAM-SHA-256', 'sasl.jaas.config': jaas }),
      {
        ssl: {},
        sasl: { mechanism: 'scram-sha-256', username: 'u', password: 'p' },
      },
    );
    assert.deepEqual(
      security({ 'security.protocol': 'SASL_SSL', 'sasl.mechanism': 'scram-sha-512', 'sasl.jaas.config': jaas }).sasl,
      {
        mechanism: 'scram-sha-512',
        username: 'u',
        password: 'p',
      },
    );
  });

  test('missing JAAS config, missing credentials, wrong module or mechanism are refused', () => {
    const cases: [Record<string, string>, string][] = [
      [{ 'security.protocol': 'SASL_PLAINTEXT' }, 'sasl.jaas.config'],
      [
        { 'security.protocol': 'SASL_PLAINTEXT', 'sasl.jaas.config': `${PLAIN} required username="u";` },
        'sasl.jaas.config',
      ],
      [
        {
          'security.protocol': 'SASL_PLAINTEXT',
          'sasl.jaas.config': 'com.sun.security.auth.module.Krb5LoginModule required username="u" password="p";',
        },
        'sasl.jaas.config',
      ],
      [
        {
          'security.protocol': 'SASL_PLAINTEXT',
          'sasl.mechanism': 'SCRAM-SHA-256',
          'sasl.jaas.config': `${PLAIN} required username="u" password="p";`,
        },
        'sasl.mechanism',
      ],
    ];
    for (const [props, key] of cases) {
      assert.throws(
        () => security(props),
        (err: unknown) => err instanceof ConfigError && err.problems[0]?.key === key && !err.message.includes('"p"'),
        key,
      );
    }
  });

  test('GSSAPI is not a supported mechanism', () => {
    assert.throws(
      () => security({ 'sasl.mechanism': 'GSSAPI' }),
      (err: unknown) => err instanceof ConfigError && err.problems[0]?.key === 'sasl.mechanism',
    );
  });
});

describe('clientSecurity SSL with PEM', () => {
  let dir = '';
  let certPem = '';
  let keyPem = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'client-security-'));
    const keyPath = join(dir, 'client.key');
    const certPath = join(dir, 'client.crt');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        keyPath,
        '-out',
        certPath,
        '-days',
        '1',
        '-subj',
        '/CN=test-client',
      ],
      {
        stdio: 'ignore',
      },
    );
    certPem = await readFile(certPath, 'utf8');
    keyPem = await readFile(keyPath, 'utf8');
    await writeFile(join(dir, 'ca.pem'), certPem);
    await writeFile(join(dir, 'keystore.pem'), `${keyPem}\n${certPem}`);
    await writeFile(join(dir, 'not-pem.p12.txt'), 'binary-ish content');
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('truststore and keystore files → ca, key and cert that Node accepts', () => {
    const { ssl } = security({
      'security.protocol': 'SSL',
      'ssl.truststore.location': join(dir, 'ca.pem'),
      'ssl.keystore.location': join(dir, 'keystore.pem'),
    });
    assert.ok(ssl !== undefined);
    assert.deepEqual(ssl.ca, [certPem.trim()]);
    assert.deepEqual(ssl.key, [keyPem.trim()]);
    assert.doesNotThrow(() => createSecureContext(ssl));
  });

  test('inline PEM: ssl.truststore.certificates, ssl.keystore.key and certificate chain', () => {
    const { ssl } = security({
      'security.protocol': 'SSL',
      'ssl.truststore.certificates': certPem,
      'ssl.keystore.key': keyPem,
      'ssl.keystore.certificate.chain': certPem,
      'ssl.endpoint.identification.algorithm': '',
    });
    assert.ok(ssl !== undefined);
    assert.doesNotThrow(() => createSecureContext(ssl));
    assert.equal(typeof ssl.checkServerIdentity, 'function');
  });

  test('host name checking stays on by default', () => {
    const { ssl } = security({ 'security.protocol': 'SSL', 'ssl.truststore.location': join(dir, 'ca.pem') });
    assert.equal(ssl?.checkServerIdentity, undefined);
  });

  test('a key without a certificate, or a non-PEM file, is refused naming the key', () => {
    assert.throws(
      () => security({ 'security.protocol': 'SSL', 'ssl.keystore.key': keyPem }),
      (err: unknown) =>
        err instanceof ConfigError &&
        err.problems[0]?.key === 'ssl.keystore.certificate.chain' &&
        !err.message.includes('PRIVATE KEY'),
    );
    assert.throws(
      () => security({ 'security.protocol': 'SSL', 'ssl.truststore.location': join(dir, 'not-pem.p12.txt') }),
      (err: unknown) =>
        err instanceof ConfigError &&
        err.problems[0]?.key === 'ssl.truststore.location' &&
        err.message.includes('use PEM'),
    );
    assert.throws(
      () => security({ 'security.protocol': 'SSL', 'ssl.keystore.type': 'PKCS12' }),
      (err: unknown) =>
        err instanceof ConfigError && err.problems[0]?.key === 'ssl.keystore.type' && err.message.includes('use PEM'),
    );
  });

  test('SSL settings are not used with PLAINTEXT', () => {
    assert.deepEqual(security({ 'ssl.truststore.location': join(dir, 'ca.pem') }), {});
  });
});
