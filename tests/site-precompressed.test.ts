/**
 * The site's precompressed copies (src/site/precompress.ts) and the local server's choice among
 * them (src/site/static-app.ts): the copy the browser accepts, decoding to the plain file's bytes;
 * the plain file to a browser that accepts none; the datasets, gzipped already, never wrapped twice.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { precompressed } from '../src/site/precompress.ts';
import { siteApp } from '../src/site/static-app.ts';

const script = `const grid = [${Array.from({ length: 2000 }, (_, i) => i % 17).join(',')}];\n`;
const data = gzipSync(new Uint8Array(4000).fill(7));
const files = { 'studio.js': script, 'data/mnist-small-images-idx3-ubyte.gz': data, 'tiny.json': '{}' };

test('precompressed: a .br and a .gz of each script, none of the gzipped data or of a file too small to gain', () => {
  const copies = precompressed(files);
  assert.equal(Object.keys(copies).sort(), ['studio.js.br', 'studio.js.gz']);
  assert.is(new TextDecoder().decode(brotliDecompressSync(copies['studio.js.br'])), script);
  assert.is(new TextDecoder().decode(gunzipSync(copies['studio.js.gz'])), script);
  assert.ok(copies['studio.js.br'].length < script.length / 4);
});

const dir = mkdtempSync(join(tmpdir(), 'ganstream-precompressed-'));
mkdirSync(join(dir, 'data'));
for (const [path, content] of Object.entries({ ...files, ...precompressed(files) }))
  writeFileSync(join(dir, path), content);
const app = siteApp(dir);
const get = (path: string, acceptEncoding?: string) =>
  app.request(`http://127.0.0.1${path}`, {
    headers: { host: '127.0.0.1', ...(acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding }) },
  });
const bytes = async (r: Response) => new Uint8Array(await r.arrayBuffer());

test('the local server: brotli where accepted, else gzip, else the plain file; each the same script', async () => {
  const br = await get('/studio.js', 'gzip, deflate, br, zstd');
  assert.is(br.headers.get('content-encoding'), 'br');
  assert.is(br.headers.get('content-type'), 'text/javascript; charset=utf-8');
  assert.is(br.headers.get('vary'), 'accept-encoding');
  const brBytes = await bytes(br);
  assert.is(Number(br.headers.get('content-length')), brBytes.length);
  assert.is(new TextDecoder().decode(brotliDecompressSync(brBytes)), script);

  const gz = await get('/studio.js', 'gzip, br;q=0');
  assert.is(gz.headers.get('content-encoding'), 'gzip');
  assert.is(new TextDecoder().decode(gunzipSync(await bytes(gz))), script);

  const plain = await get('/studio.js');
  assert.is(plain.headers.get('content-encoding'), null);
  assert.is(new TextDecoder().decode(await bytes(plain)), script);
});

test('the local server: a dataset is served as the gzip file it is, with no Content-Encoding', async () => {
  const r = await get('/data/mnist-small-images-idx3-ubyte.gz', 'gzip, br');
  assert.is(r.headers.get('content-encoding'), null);
  assert.equal(await bytes(r), new Uint8Array(data));
});

test.run();
