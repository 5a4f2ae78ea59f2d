import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { inspect } from 'node:util';
import { ConfigError, Password } from '@tributary/api';
import { parseConnectionUrl, REFUSED_URL_PARAMS } from '../src/index.js';

const SECRET = 'S3cr3t-p@ss';

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected a ConfigError');
}

describe('parseConnectionUrl: the URL forms', () => {
  test('jdbc:mysql with port, database and parameters', () => {
    const spec = parseConnectionUrl('jdbc:mysql://db.example.com:3307/shop?useSSL=true&connectTimeout=5000', {
      user: 'app',
      password: new Password(SECRET),
    });
    assert.equal(spec.dialect, 'mysql');
    assert.equal(spec.host, 'db.example.com');
    assert.equal(spec.port, 3307);
    assert.equal(spec.database, 'shop');
    assert.equal(spec.user, 'app');
    assert.equal(spec.password?.value(), SECRET);
    assert.equal(spec.ssl, 'require');
    assert.equal(spec.connectTimeoutMs, 5000);
    assert.equal(spec.address, 'db.example.com:3307');
  });

  test('jdbc:mariadb without port uses 3306', () => {
    const spec = parseConnectionUrl('jdbc:mariadb://localhost/test');
    assert.deepEqual(
      [spec.dialect, spec.host, spec.port, spec.database, spec.user, spec.password],
      ['mysql', 'localhost', 3306, 'test', null, null],
    );
  });

  test('jdbc:postgresql with sslmode and connectTimeout in seconds', () => {
    const spec = parseConnectionUrl(
      'jdbc:postgresql://pg.local:6543/warehouse?sslmode=verify-full&connectTimeout=7&currentSchema=sales&ApplicationName=etl',
    );
    assert.deepEqual(
      [spec.dialect, spec.host, spec.port, spec.database],
      ['postgresql', 'pg.local', 6543, 'warehouse'],
    );
    assert.equal(spec.ssl, 'verify-full');
    assert.equal(spec.connectTimeoutMs, 7000);
    assert.equal(spec.driverOptions['currentSchema'], 'sales');
    assert.equal(spec.driverOptions['applicationName'], 'etl');
  });

  test('jdbc:postgresql:database means localhost:5432', () => {
    const spec = parseConnectionUrl('jdbc:postgresql:test');
    assert.deepEqual([spec.host, spec.port, spec.database], ['localhost', 5432, 'test']);
  });

  test('JDBC user and password parameters', () => {
    const spec = parseConnectionUrl(`jdbc:postgresql://h/db?user=alice&password=${encodeURIComponent(SECRET)}`);
    assert.equal(spec.user, 'alice');
    assert.equal(spec.password?.value(), SECRET);
  });

  test('jdbc:sqlite with a path and with :memory:', () => {
    const file = parseConnectionUrl('jdbc:sqlite:/var/data/app.db');
    assert.deepEqual([file.dialect, file.filename, file.host, file.port], ['sqlite', '/var/data/app.db', null, null]);
    assert.equal(parseConnectionUrl('jdbc:sqlite::memory:').filename, ':memory:');
    assert.equal(parseConnectionUrl('jdbc:sqlite:relative/app.db').filename, 'relative/app.db');
  });

  test('plain mysql:// and mariadb:// with user info', () => {
    const spec = parseConnectionUrl(`mysql://bob:${encodeURIComponent(SECRET)}@10.0.0.5:3310/inventory`);
    assert.deepEqual(
      [spec.dialect, spec.host, spec.port, spec.database, spec.user],
      ['mysql', '10.0.0.5', 3310, 'inventory', 'bob'],
    );
    assert.equal(spec.password?.value(), SECRET);
    assert.equal(parseConnectionUrl('mariadb://root@localhost/test').user, 'root');
  });

  test('postgres:// and postgresql://', () => {
    for (const scheme of ['postgres', 'postgresql']) {
      const spec = parseConnectionUrl(`${scheme}://u:p@[::1]:5433/db?sslmode=require`);
      assert.deepEqual(
        [spec.dialect, spec.host, spec.port, spec.database, spec.ssl],
        ['postgresql', '::1', 5433, 'db', 'require'],
      );
    }
  });

  test('sqlite: paths', () => {
    assert.equal(parseConnectionUrl('sqlite:/tmp/x.db').filename, '/tmp/x.db');
    assert.equal(parseConnectionUrl('sqlite:///tmp/x.db').filename, '/tmp/x.db');
    assert.equal(parseConnectionUrl('sqlite::memory:').filename, ':memory:');
  });

  test('connection.user and connection.password win over the URL', () => {
    const spec = parseConnectionUrl('mysql://urluser:urlpass@h/db?user=paramuser', {
      user: 'configured',
      password: SECRET,
    });
    assert.equal(spec.user, 'configured');
    assert.equal(spec.password?.value(), SECRET);
  });

  test('allowPublicKeyRetrieval is accepted with a note (mysql2 always retrieves the key)', () => {
    const spec = parseConnectionUrl('jdbc:mysql://h/db?useSSL=false&allowPublicKeyRetrieval=true');
    assert.match(spec.notes.join('\n'), /allowPublicKeyRetrieval/);
  });

  test('known ignored parameters become notes, not errors', () => {
    const spec = parseConnectionUrl(
      'jdbc:mysql://h/db?characterEncoding=UTF-8&serverTimezone=UTC&zeroDateTimeBehavior=convertToNull',
    );
    assert.equal(spec.notes.length, 3);
    assert.match(spec.notes.join('\n'), /characterEncoding/);
    assert.match(spec.notes.join('\n'), /serverTimezone/);
  });

  test('unsupported schemes and several hosts are refused naming connection.url', () => {
    const e1 = configError(() => parseConnectionUrl('jdbc:oracle:thin:@h:1521/x'));
    assert.equal(e1.problems[0]?.key, 'connection.url');
    const e2 = configError(() => parseConnectionUrl('jdbc:mysql://h1:3306,h2:3306/db'));
    assert.match(e2.message, /several hosts/);
  });

  test('bad parameter values name the parameter', () => {
    assert.match(
      configError(() => parseConnectionUrl('jdbc:postgresql://h/db?sslmode=no-verify')).message,
      /"sslmode"/,
    );
    assert.match(
      configError(() => parseConnectionUrl('jdbc:mysql://h/db?connectTimeout=soon')).message,
      /"connectTimeout"/,
    );
  });
});

describe('parseConnectionUrl: refused parameters', () => {
  const cases: Array<[string, string, string]> = [];
  // Every refused name, spelled as users write them where the list has it in lower case.
  const spelled = (name: string) =>
    ({
      allowloadlocalinfile: 'allowLoadLocalInfile',
      autodeserialize: 'autoDeserialize',
      sslrootcert: 'sslrootcert',
      socketfactory: 'socketFactory',
      loggerfile: 'loggerFile',
    })[name] ?? name;
  for (const name of REFUSED_URL_PARAMS.mysql.map(spelled)) {
    cases.push(['mysql', `jdbc:mysql://h/db?user=u&password=${SECRET}&${name}=true`, name]);
    cases.push(['mariadb', `mariadb://u:${SECRET}@h/db?${name}=true`, name]);
  }
  for (const name of REFUSED_URL_PARAMS.postgresql.map(spelled)) {
    cases.push(['postgresql', `jdbc:postgresql://h/db?password=${SECRET}&${name}=/etc/passwd`, name]);
  }
  for (const [label, url, name] of cases) {
    test(`${label}: ${name} is refused, the message names it and never the password`, () => {
      const error = configError(() => parseConnectionUrl(url, { password: SECRET }));
      assert.equal(error.problems.length, 1);
      assert.equal(error.problems[0]?.key, 'connection.url');
      assert.ok(error.message.includes(`"${name}"`), error.message);
      assert.ok(!error.message.includes(SECRET), error.message);
      assert.ok(!JSON.stringify(error.problems).includes(SECRET));
    });
  }

  test('matching is case-insensitive and percent-decoded', () => {
    const error = configError(() =>
      parseConnectionUrl('jdbc:mysql://h/db?ALLOWLOADLOCALINFILE=true&allow%4Coad%4CocalInfileInPath=/tmp'),
    );
    assert.equal(error.problems.length, 2);
    assert.match(error.message, /ALLOWLOADLOCALINFILE/);
    assert.match(error.message, /allowLoadLocalInfileInPath/);
  });

  test('every refused parameter is reported at once', () => {
    const error = configError(() => parseConnectionUrl('jdbc:postgresql://h/db?sslcert=/a&sslkey=/b&loggerFile=/c'));
    assert.deepEqual(
      error.problems.map((p) => /"(\w+)"/.exec(p.message)?.[1]),
      ['sslcert', 'sslkey', 'loggerFile'],
    );
  });

  test('the worker allow-list lets a parameter through', () => {
    const spec = parseConnectionUrl(
      'jdbc:postgresql://h/db?sslmode=verify-ca&sslrootcert=/etc/ssl/ca.pem',
      {},
      { allowedParams: ['SSLROOTCERT'] },
    );
    assert.equal(spec.driverOptions['sslrootcert'], '/etc/ssl/ca.pem');
    const mysql = parseConnectionUrl(
      'jdbc:mysql://h/db?allowLoadLocalInfile=true',
      {},
      { allowedParams: ['allowLoadLocalInfile'] },
    );
    assert.match(mysql.notes.join('\n'), /LOCAL INFILE stays disabled/);
  });

  test('the refused lists cover the issue’s parameters', () => {
    for (const p of ['allowloadlocalinfile', 'allowloadlocalinfileinpath', 'allowurlinlocalinfile', 'autodeserialize'])
      assert.ok(REFUSED_URL_PARAMS.mysql.includes(p));
    for (const p of ['sslcert', 'sslkey', 'sslrootcert', 'sslfactory', 'socketfactory', 'loggerfile'])
      assert.ok(REFUSED_URL_PARAMS.postgresql.includes(p));
  });
});

describe('parseConnectionUrl: the password stays secret', () => {
  test('toString, JSON and inspect show no password', () => {
    const spec = parseConnectionUrl(`mysql://bob:${SECRET}@h:3306/db`);
    for (const shown of [String(spec), JSON.stringify(spec), inspect(spec, { depth: 5 })]) {
      assert.ok(!shown.includes(SECRET), shown);
    }
    assert.equal(String(spec), 'mysql://bob:****@h:3306/db');
  });

  test('an unsupported URL with a password is shown redacted', () => {
    const error = configError(() => parseConnectionUrl(`mysql://bob:${SECRET}@h1,h2/db`));
    assert.ok(!error.message.includes(SECRET), error.message);
    assert.ok(!JSON.stringify(error.problems).includes(SECRET));
  });
});
