import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FileOffsetStore, parseOffsetFile, readOffsetFile } from '../../src/offsets/file-offset-store.js';

let dir: string;

before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'offset-store-'));
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

let n = 0;
const freshFile = () => path.join(dir, `offsets-${++n}.json`);

async function started(filename: string): Promise<FileOffsetStore> {
  const store = new FileOffsetStore(filename);
  await store.start();
  return store;
}

describe('FileOffsetStore', () => {
  it('stores offsets in Kafka Connect key/value shapes and reads them back after a restart', async () => {
    const file = freshFile();
    const store = await started(file);
    await store.set('jdbc-src', [[{ protocol: '1', table: 'db.orders' }, { incrementing: 5001 }]]);
    await store.set('other', [[{ query: 'query' }, { timestamp: 1672835217000, timestamp_nanos: 0 }]]);
    await store.stop();

    const onDisk: unknown = JSON.parse(await readFile(file, 'utf8'));
    assert.deepEqual(onDisk, [
      [['jdbc-src', { protocol: '1', table: 'db.orders' }], { incrementing: 5001 }],
      [['other', { query: 'query' }], { timestamp: 1672835217000, timestamp_nanos: 0 }],
    ]);

    const again = await started(file);
    assert.deepEqual(again.get('jdbc-src', { table: 'db.orders', protocol: '1' }), { incrementing: 5001 });
    assert.deepEqual(again.entries('other'), [[{ query: 'query' }, { timestamp: 1672835217000, timestamp_nanos: 0 }]]);
    assert.equal(again.get('jdbc-src', { table: 'db.other', protocol: '1' }), null);
  });

  it('starts empty when the file does not exist yet, without creating it', async () => {
    const file = freshFile();
    const store = await started(file);
    assert.deepEqual(store.entries('x'), []);
    await assert.rejects(stat(file), { code: 'ENOENT' });
  });

  it('deletes an entry for a null offset and clears only the given connector', async () => {
    const file = freshFile();
    const store = await started(file);
    await store.set('a', [
      [{ p: 1 }, { o: 1 }],
      [{ p: 2 }, { o: 2 }],
    ]);
    await store.set('b', [[{ p: 1 }, { o: 9 }]]);
    await store.set('a', [[{ p: 1 }, null]]);
    assert.deepEqual(store.entries('a'), [[{ p: 2 }, { o: 2 }]]);
    await store.clear('a');
    const reread = await started(file);
    assert.deepEqual(reread.entries('a'), []);
    assert.deepEqual(reread.entries('b'), [[{ p: 1 }, { o: 9 }]]);
  });

  it('serialises concurrent set() calls so that none is lost and the last one wins', async () => {
    const file = freshFile();
    const store = await started(file);
    const writes: Promise<void>[] = [];
    for (let i = 0; i < 40; i++) {
      writes.push(store.set('c', [[{ partition: i }, { pos: i }]]));
      writes.push(store.set('c', [[{ partition: 'shared' }, { pos: i }]]));
    }
    await Promise.all(writes);
    const reread = await started(file);
    assert.equal(reread.entries('c').length, 41);
    assert.deepEqual(reread.get('c', { partition: 'shared' }), { pos: 39 });
    for (let i = 0; i < 40; i++) assert.deepEqual(reread.get('c', { partition: i }), { pos: i });
  });

  it('replaces the file by rename, leaving no temporary file behind', async () => {
    const file = freshFile();
    const store = await started(file);
    await store.set('r', [[{ p: 0 }, { o: 0 }]]);
    const before = await stat(file);
    await store.set('r', [[{ p: 0 }, { o: 1 }]]);
    const afterWrite = await stat(file);
    // A new inode: the old file was never rewritten in place, so a crash cannot tear it.
    assert.notEqual(afterWrite.ino, before.ino);
    const leftovers = (await readdir(dir)).filter((f) => f.endsWith('.tmp'));
    assert.deepEqual(leftovers, []);
  });

  it('ignores a temporary file a crash left behind and keeps the last complete file', async () => {
    const file = freshFile();
    const store = await started(file);
    await store.set('k', [[{ p: 0 }, { o: 7 }]]);
    await writeFile(path.join(dir, `.${path.basename(file)}.crashed.tmp`), '[[["k",{"p":0}],{"o":');
    const reread = await started(file);
    assert.deepEqual(reread.get('k', { p: 0 }), { o: 7 });
  });

  it('keeps the old file and state when a write fails, and the error names the file', async () => {
    const file = freshFile();
    const store = await started(file);
    await store.set('w', [[{ p: 0 }, { o: 1 }]]);
    // The rename cannot replace a non-empty directory; put one where the file is.
    await rm(file);
    await mkdir(file);
    await writeFile(path.join(file, 'blocker'), 'x');
    await assert.rejects(store.set('w', [[{ p: 0 }, { o: 2 }]]), (err: Error) => {
      assert.match(err.message, new RegExp(escapeRegExp(file)));
      return true;
    });
    assert.deepEqual(store.get('w', { p: 0 }), { o: 1 });
    assert.deepEqual(
      (await readdir(dir)).filter((f) => f.endsWith('.tmp') && f.includes(path.basename(file))),
      [],
    );
    await rm(file, { recursive: true });
  });

  it('refuses a corrupt file with an error naming it, never starting empty', async () => {
    const file = freshFile();
    await writeFile(file, '[[["conn",{"p":0}],{"o":1}],[["conn",{"p":1}],{"o":');
    const store = new FileOffsetStore(file);
    await assert.rejects(store.start(), (err: Error) => {
      assert.match(err.message, /corrupt/);
      assert.match(err.message, new RegExp(escapeRegExp(file)));
      return true;
    });
    assert.throws(() => store.get('conn', { p: 0 }), /not started/);
  });

  it('refuses a file of the wrong shape, naming the entry', async () => {
    const file = freshFile();
    await writeFile(
      file,
      JSON.stringify([
        [['conn', { p: 0 }], { o: 1 }],
        [['conn'], { o: 2 }],
      ]),
    );
    await assert.rejects(readOffsetFile(file), /entry 1/);
    assert.throws(() => parseOffsetFile('{"a":1}', 'x.json'), /x\.json is corrupt/);
    assert.throws(
      () => parseOffsetFile('[[["c",{"p":{"nested":1}}],{"o":1}]]', 'y.json'),
      /y\.json is corrupt: entry 0/,
    );
  });

  it('reports an unreadable file by name', async () => {
    const file = freshFile();
    await mkdir(file);
    await assert.rejects(
      new FileOffsetStore(file).start(),
      new RegExp(`Cannot read the offset file ${escapeRegExp(file)}`),
    );
  });

  it('rejects offsets that are not flat maps of primitives', async () => {
    const store = await started(freshFile());
    await assert.rejects(
      store.set('v', [[{ p: 0 }, { o: [1, 2] } as never]]),
      /may only hold strings, numbers, booleans and null/,
    );
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
