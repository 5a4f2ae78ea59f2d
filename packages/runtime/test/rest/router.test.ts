import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Route, Router } from '../../src/rest/router.js';

const handler = () => ({ status: 200 });
const routes: Route[] = [
  { method: 'GET', path: '/', handler },
  { method: 'GET', path: '/connectors', handler },
  { method: 'POST', path: '/connectors', handler },
  { method: 'GET', path: '/connectors/{connector}', handler },
  { method: 'GET', path: '/connectors/{connector}/tasks/{task}/status', handler },
];
const router = new Router(routes);

test('matches literal paths and captures percent-decoded parameters', () => {
  const root = router.match('GET', '/');
  assert.equal(root.kind, 'found');
  const match = router.match('GET', '/connectors/a%2Fb%20c/tasks/3/status');
  assert.equal(match.kind, 'found');
  assert.deepEqual(match.kind === 'found' ? match.params : undefined, { connector: 'a/b c', task: '3' });
  assert.equal(match.kind === 'found' ? match.route.path : '', '/connectors/{connector}/tasks/{task}/status');
});

test('ignores one trailing slash, not empty segments', () => {
  assert.equal(router.match('GET', '/connectors/').kind, 'found');
  assert.equal(router.match('GET', '/connectors//').kind, 'not-found');
  assert.equal(router.match('GET', '/connectors//tasks/0/status').kind, 'not-found');
});

test('a known path under another method is method-not-allowed with the allowed methods', () => {
  assert.deepEqual(router.match('DELETE', '/connectors'), { kind: 'method-not-allowed', allowed: ['GET', 'POST'] });
  assert.deepEqual(router.match('HEAD', '/connectors/x'), { kind: 'method-not-allowed', allowed: ['GET'] });
});

test('unknown paths are not-found and malformed escapes bad-path', () => {
  assert.deepEqual(router.match('GET', '/connectors/x/nothing'), { kind: 'not-found' });
  assert.deepEqual(router.match('GET', '/connectors/%E0%A4%A'), { kind: 'bad-path' });
});
