import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createWireClient, UnsupportedVersionError, Writer } from '../../src/index.js';

/**
 * A stand-in for an old Kafka broker at the process edge: it answers ApiVersions v0 with
 * Metadata up to v4 only, and counts the other requests it gets (there must be none).
 */
describe('version negotiation', () => {
  let server: Server;
  let port = 0;
  const otherRequests: number[] = [];

  before(async () => {
    server = createServer((socket) => {
      let buffered = Buffer.alloc(0);
      socket.on('data', (chunk: Buffer) => {
        buffered = Buffer.concat([buffered, chunk]);
        while (buffered.length >= 4 && buffered.length >= 4 + buffered.readInt32BE(0)) {
          const frame = buffered.subarray(4, 4 + buffered.readInt32BE(0));
          buffered = buffered.subarray(4 + frame.length);
          const apiKey = frame.readInt16BE(0);
          const correlationId = frame.readInt32BE(4);
          if (apiKey !== 18) {
            otherRequests.push(apiKey);
            socket.destroy();
            return;
          }
          const body = new Writer()
            .int32(correlationId)
            .int16(0)
            .array(
              [
                [3, 0, 4],
                [18, 0, 2],
              ],
              (w, [k, min, max]) =>
                w
                  .int16(k as number)
                  .int16(min as number)
                  .int16(max as number),
            )
            .toBuffer();
          const size = Buffer.alloc(4);
          size.writeInt32BE(body.length, 0);
          socket.write(Buffer.concat([size, body]));
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    port = typeof address === 'object' && address ? address.port : 0;
  });

  after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('refuses a broker that lacks a needed API version, naming API, version and range, without retrying', async () => {
    const client = createWireClient({ bootstrapServers: [`127.0.0.1:${port}`], retryTimeoutMs: 60_000 });
    try {
      await assert.rejects(client.metadata(null), (err: unknown) => {
        assert.ok(err instanceof UnsupportedVersionError, String(err));
        assert.match(err.message, /Metadata v8/);
        assert.match(err.message, /v0-4/);
        assert.match(err.message, /Kafka 2\.4/);
        return true;
      });
      assert.deepEqual(otherRequests, []);
    } finally {
      await client.close();
    }
  });

  it('rejects malformed bootstrap servers with the entry', () => {
    assert.throws(() => createWireClient({ bootstrapServers: ['localhost'] }), /'localhost' is not host:port/);
    assert.throws(() => createWireClient({ bootstrapServers: [] }), /empty/);
  });
});
