import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Password } from '@tributary/api';
import { basicAuthCheck } from '../../src/rest/basic-auth.js';

const header = (credentials: string) => `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}`;
const check = basicAuthCheck({ username: 'connect', password: new Password('pa:ss wörd') });

test('accepts exactly the configured username and password', () => {
  assert.equal(check(header('connect:pa:ss wörd')), true);
  assert.equal(check(`basic  ${Buffer.from('connect:pa:ss wörd').toString('base64')}`), true);
});

test('refuses wrong, partial, longer or missing credentials', () => {
  for (const value of [
    undefined,
    '',
    header('connect:pa:ss'),
    header('connect:pa:ss wörd!'),
    header('Connect:pa:ss wörd'),
    header('connectpa:ss wörd'),
    header(':'),
    'Bearer connect:pa:ss wörd',
    'Basic not-base64!',
  ]) {
    assert.equal(check(value), false, String(value));
  }
});
