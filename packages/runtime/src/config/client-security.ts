/**
 * Kafka client security settings (`security.protocol`, SASL PLAIN/SCRAM, SSL) and how they
 * become kafkajs `ssl` / `sasl` options. Keystores and truststores must be PEM (files or
 * inline text, as Kafka's `ssl.keystore.type=PEM` allows); JKS and PKCS12 are refused with
 * an error naming the key. Secrets (JAAS config, key passwords, private keys) are
 * password-typed and never appear in errors.
 */
import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import {
  ConfigError,
  type ConfigProblem,
  type ConfigValues,
  choice,
  defineConfig,
  type Password,
  password,
  string,
} from '@tributary/api';
import type { SASLOptions } from 'kafkajs';

const SECURITY = 'Security';

export const clientSecurityConfig = defineConfig({
  'security.protocol': choice({
    values: ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'],
    default: 'PLAINTEXT',
    group: SECURITY,
    doc: 'Protocol used to talk to brokers.',
  }),
  'sasl.mechanism': choice({
    values: ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'],
    default: null,
    group: SECURITY,
    doc: 'SASL mechanism. When unset, PLAIN if sasl.jaas.config uses PlainLoginModule; SCRAM needs it set.',
  }),
  'sasl.jaas.config': password({
    default: null,
    group: SECURITY,
    doc: 'JAAS login module with username and password, e.g. `org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="p";` (or ScramLoginModule).',
  }),
  'ssl.truststore.type': string({ default: 'PEM', group: SECURITY, doc: 'Only PEM is supported.' }),
  'ssl.truststore.location': string({ default: null, group: SECURITY, doc: 'PEM file of trusted CA certificates.' }),
  'ssl.truststore.certificates': password({
    default: null,
    group: SECURITY,
    doc: 'Trusted CA certificates as PEM text.',
  }),
  'ssl.truststore.password': password({
    default: null,
    group: SECURITY,
    doc: 'Accepted for compatibility; PEM truststores have no password.',
  }),
  'ssl.keystore.type': string({ default: 'PEM', group: SECURITY, doc: 'Only PEM is supported.' }),
  'ssl.keystore.location': string({
    default: null,
    group: SECURITY,
    doc: 'PEM file holding the private key and its certificate chain.',
  }),
  'ssl.keystore.certificate.chain': password({
    default: null,
    group: SECURITY,
    doc: 'Client certificate chain as PEM text.',
  }),
  'ssl.keystore.key': password({ default: null, group: SECURITY, doc: 'Client private key as PEM text.' }),
  'ssl.keystore.password': password({
    default: null,
    group: SECURITY,
    doc: 'Passphrase of an encrypted PEM key when ssl.key.password is unset.',
  }),
  'ssl.key.password': password({ default: null, group: SECURITY, doc: 'Passphrase of an encrypted private key.' }),
  'ssl.endpoint.identification.algorithm': string({
    default: 'https',
    group: SECURITY,
    doc: 'https checks the broker host name against its certificate; empty disables the check.',
  }),
});

export type ClientSecurityValues = ConfigValues<typeof clientSecurityConfig.keys>;

export interface ClientSecurity {
  readonly ssl?: ConnectionOptions;
  readonly sasl?: SASLOptions;
}

/** A parsed `sasl.jaas.config`. */
export interface JaasConfig {
  readonly loginModule: string;
  readonly controlFlag: 'required' | 'requisite' | 'sufficient' | 'optional';
  readonly options: Readonly<Record<string, string>>;
}

const PLAIN_MODULE = 'org.apache.kafka.common.security.plain.PlainLoginModule';
const SCRAM_MODULE = 'org.apache.kafka.common.security.scram.ScramLoginModule';
const FLAGS = ['required', 'requisite', 'sufficient', 'optional'] as const;

/**
 * Parses one JAAS login module entry: `<class> <flag> key=value key="quoted value";`.
 * Errors say what was wrong, never the text (it holds a password).
 */
export function parseJaasConfig(text: string): JaasConfig {
  const fail = (message: string): never => {
    throw new ConfigError([{ key: 'sasl.jaas.config', value: '[hidden]', message }]);
  };
  const tokens = tokenizeJaas(text, fail);
  const [loginModule, flag, ...rest] = tokens;
  if (loginModule === undefined || loginModule.kind !== 'word') return fail('Expected a login module class name');
  const controlFlag = FLAGS.find((f) => flag?.kind === 'word' && f === flag.text.toLowerCase());
  if (controlFlag === undefined) return fail(`Expected a control flag (${FLAGS.join(', ')}) after ${loginModule.text}`);
  const options: Record<string, string> = {};
  let i = 0;
  for (;;) {
    const t = rest[i];
    if (t === undefined) return fail("Expected ';' at the end of the login module entry");
    if (t.kind === ';') break;
    const eq = rest[i + 1];
    const value = rest[i + 2];
    if (
      t.kind !== 'word' ||
      eq?.kind !== '=' ||
      value === undefined ||
      (value.kind !== 'word' && value.kind !== 'quoted')
    ) {
      return fail(`Expected key=value options after the control flag of ${loginModule.text}`);
    }
    options[t.text] = value.text;
    i += 3;
  }
  if (rest.length > i + 1) return fail('sasl.jaas.config must contain exactly one login module entry');
  return { loginModule: loginModule.text, controlFlag, options };
}

type JaasToken = { kind: 'word' | 'quoted'; text: string } | { kind: '=' | ';'; text: string };

function tokenizeJaas(text: string, fail: (message: string) => never): JaasToken[] {
  const tokens: JaasToken[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text.charAt(i);
    if (/\s/.test(c)) {
      i++;
    } else if (c === '=' || c === ';') {
      tokens.push({ kind: c, text: c });
      i++;
    } else if (c === '"') {
      let value = '';
      i++;
      while (i < text.length && text.charAt(i) !== '"') {
        if (text.charAt(i) === '\\' && i + 1 < text.length) i++;
        value += text.charAt(i);
        i++;
      }
      if (i >= text.length) fail('Unterminated quoted value');
      i++;
      tokens.push({ kind: 'quoted', text: value });
    } else {
      let word = '';
      while (i < text.length && !/[\s=;"]/.test(text.charAt(i))) word += text.charAt(i++);
      tokens.push({ kind: 'word', text: word });
    }
  }
  return tokens;
}

/** kafkajs `ssl`/`sasl` options for `values`; throws one ConfigError listing every problem. */
export function clientSecurity(values: ClientSecurityValues, context?: string): ClientSecurity {
  const problems: ConfigProblem[] = [];
  const protocol = values['security.protocol'];
  const usesSsl = protocol === 'SSL' || protocol === 'SASL_SSL';
  const usesSasl = protocol === 'SASL_PLAINTEXT' || protocol === 'SASL_SSL';
  const ssl = usesSsl ? sslOptions(values, problems) : undefined;
  const sasl = usesSasl ? saslOptions(values, problems) : undefined;
  if (problems.length > 0) throw new ConfigError(problems, context === undefined ? {} : { context });
  return { ...(ssl === undefined ? {} : { ssl }), ...(sasl === undefined ? {} : { sasl }) };
}

function saslOptions(values: ClientSecurityValues, problems: ConfigProblem[]): SASLOptions | undefined {
  const jaasText = values['sasl.jaas.config'];
  if (jaasText === null) {
    problems.push({
      key: 'sasl.jaas.config',
      value: undefined,
      message: `Required when security.protocol is ${values['security.protocol']}`,
    });
    return undefined;
  }
  let jaas: JaasConfig;
  try {
    jaas = parseJaasConfig(jaasText.value());
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    problems.push(...err.problems);
    return undefined;
  }
  const username = jaas.options['username'];
  const secret = jaas.options['password'];
  if (username === undefined || secret === undefined) {
    problems.push({
      key: 'sasl.jaas.config',
      value: '[hidden]',
      message: 'The login module needs username="…" and password="…" options',
    });
    return undefined;
  }
  const mechanism = values['sasl.mechanism'];
  if (jaas.loginModule === PLAIN_MODULE) {
    if (mechanism !== null && mechanism !== 'PLAIN') {
      problems.push({
        key: 'sasl.mechanism',
        value: mechanism,
        message: `${mechanism} needs ${SCRAM_MODULE} in sasl.jaas.config, not PlainLoginModule`,
      });
      return undefined;
    }
    return { mechanism: 'plain', username, password: secret };
  }
  if (jaas.loginModule === SCRAM_MODULE) {
    if (mechanism === 'SCRAM-SHA-256') return { mechanism: 'scram-sha-256', username, password: secret };
    if (mechanism === 'SCRAM-SHA-512') return { mechanism: 'scram-sha-512', username, password: secret };
    problems.push({
      key: 'sasl.mechanism',
      value: mechanism ?? undefined,
      message: 'ScramLoginModule needs sasl.mechanism SCRAM-SHA-256 or SCRAM-SHA-512',
    });
    return undefined;
  }
  problems.push({
    key: 'sasl.jaas.config',
    value: '[hidden]',
    message: `Unsupported login module ${jaas.loginModule}; use ${PLAIN_MODULE} or ${SCRAM_MODULE}`,
  });
  return undefined;
}

function sslOptions(values: ClientSecurityValues, problems: ConfigProblem[]): ConnectionOptions {
  const options: {
    ca?: string[];
    cert?: string[];
    key?: string[];
    passphrase?: string;
    checkServerIdentity?: () => undefined;
  } = {};
  for (const typeKey of ['ssl.truststore.type', 'ssl.keystore.type'] as const) {
    const type = values[typeKey];
    if (type.toUpperCase() !== 'PEM')
      problems.push({ key: typeKey, value: type, message: `${type} stores are not supported; use PEM` });
  }

  const ca: string[] = [];
  const trustFile = readPem(values['ssl.truststore.location'], 'ssl.truststore.location', problems);
  if (trustFile !== null) ca.push(...pemBlocks(trustFile, 'CERTIFICATE'));
  const trustText = values['ssl.truststore.certificates'];
  if (trustText !== null) ca.push(...pemBlocks(trustText.value(), 'CERTIFICATE'));
  if (ca.length > 0) options.ca = ca;

  const keyStore = readPem(values['ssl.keystore.location'], 'ssl.keystore.location', problems);
  const certs = [
    ...pemBlocks(keyStore ?? '', 'CERTIFICATE'),
    ...pemBlocks(values['ssl.keystore.certificate.chain']?.value() ?? '', 'CERTIFICATE'),
  ];
  const keys = [
    ...pemBlocks(keyStore ?? '', 'PRIVATE KEY'),
    ...pemBlocks(values['ssl.keystore.key']?.value() ?? '', 'PRIVATE KEY'),
  ];
  if (certs.length > 0 && keys.length === 0) {
    problems.push({
      key: 'ssl.keystore.key',
      value: undefined,
      message: 'A client certificate was given without its private key',
    });
  } else if (keys.length > 0 && certs.length === 0) {
    problems.push({
      key: 'ssl.keystore.certificate.chain',
      value: undefined,
      message: 'A private key was given without its certificate chain',
    });
  } else if (keys.length > 0) {
    options.cert = [certs.join('\n')];
    options.key = keys;
  }
  const passphrase: Password | null = values['ssl.key.password'] ?? values['ssl.keystore.password'];
  if (passphrase !== null) options.passphrase = passphrase.value();
  if (values['ssl.endpoint.identification.algorithm'] === '') options.checkServerIdentity = () => undefined;
  return options;
}

function readPem(path: string | null, key: string, problems: ConfigProblem[]): string | null {
  if (path === null || path === '') return null;
  if (/\.(jks|p12|pfx|keystore|truststore)$/i.test(path)) {
    problems.push({ key, value: path, message: 'JKS and PKCS12 stores are not supported; use PEM' });
    return null;
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    problems.push({ key, value: path, message: `Cannot read the file: ${(err as Error).message}` });
    return null;
  }
  if (!text.includes('-----BEGIN ')) {
    problems.push({
      key,
      value: path,
      message: 'The file is not PEM (JKS and PKCS12 stores are not supported; use PEM)',
    });
    return null;
  }
  return text;
}

/** The PEM blocks of `text` whose label ends with `label` (`CERTIFICATE`, `PRIVATE KEY`). */
function pemBlocks(text: string, label: string): string[] {
  const blocks: string[] = [];
  const re = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;
  for (const m of text.matchAll(re)) {
    if ((m[1] ?? '').endsWith(label)) blocks.push(m[0]);
  }
  return blocks;
}
