/**
 * Training in a browser tab's Web Worker (the static site's engine, src/site/worker.ts), in
 * Debian's chromium: the worker bundled for the browser, a page served from 127.0.0.1 that sends
 * it the flags and a dataset's gzipped IDX bytes, and the run's events coming back as record lines
 * that the run's own codecs decode.
 */

import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { build } from 'esbuild';
import * as E from 'fp-ts/lib/Either.js';
import { type Browser, chromium } from 'playwright-core';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeEvent, type TrainingEvent } from '../src/streams/events.ts';
import { CHROMIUM, CHROMIUM_ARGS } from './helpers/browser.ts';

const PAGE = `<!doctype html><meta charset="utf-8"><title>worker</title><script>
window.messages = [];
window.train = async (flags) => {
  const bytes = async (path) => ({ name: path, bytes: new Uint8Array(await (await fetch(path)).arrayBuffer()) });
  const worker = new Worker('/worker.js');
  worker.onmessage = (e) => window.messages.push(e.data);
  worker.postMessage({ type: 'start', flags, dataset: { name: 'digits', images: await bytes('/images.gz'), labels: await bytes('/labels.gz') } });
};
</script>`;

let server: Server;
let address = '';
let browser: Browser;

test.before(async () => {
  const worker = await build({
    entryPoints: ['src/site/worker.ts'],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    write: false,
    logLevel: 'silent',
  });
  const files: Record<string, [string, Uint8Array | string]> = {
    '/': ['text/html', PAGE],
    '/worker.js': ['text/javascript', worker.outputFiles[0].text],
    '/images.gz': ['application/gzip', readFileSync('fixtures/idx-gz/train-images-idx3-ubyte.gz')],
    '/labels.gz': ['application/gzip', readFileSync('fixtures/idx-gz/train-labels-idx1-ubyte.gz')],
  };
  server = createServer((req, res) => {
    const file = files[req.url ?? ''];
    res.writeHead(file ? 200 : 404, { 'content-type': file?.[0] ?? 'text/plain' });
    res.end(file?.[1] ?? 'not found');
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  address = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
});

interface Message {
  type: string;
  line?: string;
  name?: string;
  state?: string;
  message?: string | null;
}

async function trainInTab(flags: Record<string, string>): Promise<Message[]> {
  const page = await browser.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(address);
  await page.evaluate((f) => (window as unknown as { train: (f: unknown) => Promise<void> }).train(f), flags);
  await page.waitForFunction(
    () =>
      (window as unknown as { messages: Message[] }).messages.some((m) => m.type === 'state' && m.state !== 'playing'),
    undefined,
    { timeout: 120_000 },
  );
  const messages = await page.evaluate(() => (window as unknown as { messages: Message[] }).messages);
  await page.close();
  assert.equal(problems, []);
  return messages;
}

test("a short run trains in the worker: the same events as the CLI's, decoded by the run's codecs, steps in order", async () => {
  const messages = await trainInTab({ epochs: '2', 'batch-size': '8', 'eval-every': '0', milestones: '1' });
  const failed = messages.find((m) => m.state === 'failed');
  assert.is(failed, undefined, failed?.message ?? '');
  const backend = messages.find((m) => m.type === 'backend')?.name;
  // Chromium offers WebGL2 (on SwiftShader here, without a GPU) inside a worker: auto takes it.
  assert.is(backend, 'webgl');
  const events: TrainingEvent[] = messages.flatMap((m) => {
    if (m.type !== 'event') return [];
    const e = decodeEvent(m.line ?? '');
    if (E.isLeft(e)) throw new Error(`a line the codecs refuse: ${e.left}`);
    return [e.right];
  });
  const started = events[0];
  assert.ok(started.type === 'run-started' && started.stepsPerEpoch === 4 && started.dataset.count === 32);
  assert.equal(
    events.flatMap((e) => (e.type === 'step' ? [e.step] : [])),
    [1, 2, 3, 4, 5, 6, 7, 8],
  );
  assert.ok(events.every((e) => e.type !== 'step' || Number.isFinite(e.dLoss)));
  const ended = events.at(-1);
  assert.ok(ended?.type === 'run-ended' && ended.status === 'completed', JSON.stringify(ended));
  assert.is(messages.at(-1)?.state, 'ended');
});

test("bad flags and a batch larger than the data: the CLI's one-line messages, from the worker", async () => {
  const bad = await trainInTab({ epochs: 'ten' });
  assert.equal(bad.at(-1), {
    type: 'state',
    state: 'failed',
    message: "--epochs: expected an integer from 1 to 100000, got 'ten'",
  });
  const big = await trainInTab({ 'batch-size': '64' });
  assert.is(big.at(-1)?.message, '--batch-size 64 is larger than the 32 images of the dataset: expected at most 32');
  const node = await trainInTab({ backend: 'wasm-blas', 'batch-size': '8' });
  assert.match(node.at(-1)?.message ?? '', /^--backend wasm-blas runs only under Node: in a browser, expected auto/);
});

test.after(async () => {
  await browser?.close();
  server?.close();
});

test.run();
