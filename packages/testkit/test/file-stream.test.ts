/** The conformance suite applied to the FileStream source and sink connectors of the runtime. */
import { appendFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileStreamSink, fileStreamSource } from '@tributary/runtime';
import { runSinkConnectorConformance, runSourceConnectorConformance } from '../src/index.js';

const runtimeModule = import.meta.resolve('@tributary/runtime');

runSourceConnectorConformance({
  plugin: fileStreamSource,
  pluginModule: { module: runtimeModule, exportName: 'fileStreamSource' },
  baseConfig: (ctx) => ({ file: join(ctx.dir, 'source.txt'), topic: ctx.topic }),
  produceSourceData: (ctx, ids) => appendFile(join(ctx.dir, 'source.txt'), ids.map((id) => `${id}\n`).join(''), 'utf8'),
});

runSinkConnectorConformance({
  plugin: fileStreamSink,
  pluginModule: { module: runtimeModule, exportName: 'fileStreamSink' },
  baseConfig: (ctx) => ({ file: join(ctx.dir, 'sink.txt') }),
  readSinkData: async (ctx) => {
    const text = await readFile(join(ctx.dir, 'sink.txt'), 'utf8').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return '';
      throw err;
    });
    return text.split('\n').filter((line) => line !== '');
  },
});
