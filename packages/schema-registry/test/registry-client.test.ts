import assert from 'node:assert/strict';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ConnectError, DataError, RetriableError } from '@tributary/api';
import { RegistryClient } from '../src/registry-client.js';
import { type Stack, startStack, uniqueTopic } from './helpers/registry.js';

/**
 * A basic-auth gateway in front of the embedded registry, as registries are often deployed:
 * 401 without `user:pass`, 503 while `isFailing`, otherwise the request is forwarded.
 */
function startGateway(target: string): Promise<{ url: string; server: Server; state: { isFailing: boolean } }> {
  const state = { isFailing: false };
  const expected = `Basic ${Buffer.from('user:pa:ss').toString('base64')}`;
  const { hostname, port } = new URL(target);
  const server = createServer((req, res) => {
    if (req.headers.authorization !== expected) {
      res.writeHead(401, { 'Content-Type': 'application/json' }).end('{"error_code":401,"message":"Unauthorized"}');
      return;
    }
    if (state.isFailing) {
      res.writeHead(503, { 'Content-Type': 'application/json' }).end('{"error_code":50003,"message":"Store timeout"}');
      return;
    }
    const upstream = request({ hostname, port, path: req.url, method: req.method, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    req.pipe(upstream);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, state }),
    ),
  );
}

describe('RegistryClient', () => {
  let stack: Stack;
  let gateway: Awaited<ReturnType<typeof startGateway>>;
  before(async () => {
    stack = await startStack();
    gateway = await startGateway(stack.registry.url);
  });
  after(async () => {
    await new Promise((resolve) => gateway.server.close(resolve));
    await stack.stop();
  });

  const client = (urls: string[], userInfo: string | null = null) =>
    new RegistryClient({ urls, userInfo, requestTimeoutMs: 10_000, cacheSize: 100 });

  it('sends basic auth from user info, or from the URL', async () => {
    const subject = uniqueTopic('s');
    const id = await client([gateway.url], 'user:pa:ss').register(subject, 'AVRO', '"string"');
    const withUrl = gateway.url.replace('http://', 'http://user:pa%3Ass@');
    assert.equal(await client([withUrl]).idOf(subject, 'AVRO', '"string"'), id);
  });

  it('reports refused credentials as a non-retriable error without the password', async () => {
    await assert.rejects(
      client([gateway.url], 'user:wrong').register(uniqueTopic('s'), 'AVRO', '"int"'),
      (err: unknown) =>
        err instanceof ConnectError &&
        !err.isRetriable &&
        /HTTP 401/.test(err.message) &&
        !err.message.includes('wrong'),
    );
  });

  it('reports 5xx as RetriableError', async () => {
    gateway.state.isFailing = true;
    try {
      await assert.rejects(
        client([gateway.url], 'user:pa:ss').register(uniqueTopic('s'), 'AVRO', '"int"'),
        (err: unknown) => err instanceof RetriableError && /50003/.test(err.message),
      );
    } finally {
      gateway.state.isFailing = false;
    }
  });

  it('fails over to the next URL when one cannot be reached', async () => {
    const dead = createServer();
    await new Promise<void>((resolve) => dead.listen(0, '127.0.0.1', resolve));
    const deadUrl = `http://127.0.0.1:${(dead.address() as AddressInfo).port}`;
    await new Promise((resolve) => dead.close(resolve));
    const subject = uniqueTopic('s');
    assert.ok((await client([deadUrl, stack.registry.url]).register(subject, 'AVRO', '"long"')) > 0);
  });

  it('answers null for unknown subjects and DataError for unknown ids', async () => {
    const c = client([stack.registry.url]);
    assert.equal(await c.latest(uniqueTopic('none')), null);
    assert.equal(await c.idOf(uniqueTopic('none'), 'AVRO', '"int"'), null);
    await assert.rejects(c.schemaById(987654), DataError);
  });

  it('rejects an invalid schema with a DataError naming the subject', async () => {
    const subject = uniqueTopic('s');
    await assert.rejects(
      client([stack.registry.url]).register(subject, 'AVRO', '{"type":"nope"}'),
      (err: unknown) => err instanceof DataError && err.message.includes(subject),
    );
  });
});
