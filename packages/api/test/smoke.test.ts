import assert from 'node:assert/strict';
import { it } from 'node:test';
import { choice, Decimal, defineConfig, int, password, string } from '../src/index.js';

it('smoke', () => {
  const def = defineConfig({
    a: int({ default: 5, min: 1, doc: 'a' }),
    b: string({ default: null, doc: 'b' }),
    c: choice({ values: ['none', 'all'], default: 'none', doc: 'c' }),
    p: password({ doc: 'p' }),
  });
  const v = def.parse({ a: '7', c: 'ALL', p: 's3cret' });
  const a: number = v.a;
  const b: string | null = v.b;
  const c: 'none' | 'all' = v.c;
  assert.equal(a + (b ?? '').length, 7);
  assert.equal(c, 'all');
  assert.equal(String(v.p), '[hidden]');
  assert.throws(() => def.parse({ a: 'x' }), /a: Invalid value "x".*\n.*p: Missing/);
  assert.equal(Decimal.toBytes('12.34', 2).toString('base64'), 'BNI=');
  assert.equal(Decimal.toBytes('-12.34', 2).toString('base64'), '+y4=');
  assert.equal(Decimal.fromBytes(Buffer.from('+y4=', 'base64'), 2), '-12.34');
});
