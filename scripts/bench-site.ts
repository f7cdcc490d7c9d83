#!/usr/bin/env -S node --import tsx
/**
 * The site's numbers (never a timed test): in Debian's chromium, headless, on this machine, the
 * steps/s of a run in the tab on each engine the browser offers, beside the command line's plain
 * wasm and OpenBLAS steps; the bytes the page downloads before its first step; and the seconds
 * from opening the address to the first grid drawn. `npm run bench:site -- --help`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import * as E from 'fp-ts/lib/Either.js';
import { chromium } from 'playwright-core';
import { parseFlags } from '../src/plan/flags.ts';
import { intIn } from '../src/plan/values.ts';
import { buildSite } from '../src/site/build.ts';
import { siteApp } from '../src/site/static-app.ts';
import { fail } from './lib/exit.ts';
import { flagValue } from './lib/flag-value.ts';

const HELP = `Usage: npm run bench:site -- [flags]

Builds the site (mnist-small), serves it on 127.0.0.1 and opens it in Debian's chromium
(/usr/bin/chromium, headless). For each engine of the tab (wasm, cpu, webgl), a run of the default
networks at batch 64: the median step time after the first steps, the bytes downloaded before the
first step, and the seconds from opening the address to the first grid drawn. Then the command
line's step at batch 64 on plain wasm (one thread) and on wasm-blas, by npm run bench.
No GPU reaches this machine's browser: chromium's WebGL runs on SwiftShader, a CPU emulation,
so its figure says nothing of a GPU's.

  --steps N     steps of each tab run, then Stop (default 12; the first 3 are not timed)
  --help        this text
`;

const flags = parseFlags(process.argv.slice(2), ['steps'], ['help']);
if (E.isLeft(flags)) fail(flags.left);
if (flags.right.help) {
  process.stdout.write(HELP);
  process.exit(0);
}
const steps = flagValue(flags.right, 'steps', intIn(4, 1000), 12);
const WARMUP = 3;
const BATCH = 64;

const dir = join(mkdtempSync(join(tmpdir(), 'ganstream-bench-site-')), 'site');
const built = await buildSite(dir, { datasets: ['mnist-small'] });
if (E.isLeft(built)) fail(built.left, 1);
const server = serve({ fetch: siteApp(dir).fetch, hostname: '127.0.0.1', port: 0 });
await new Promise((done) => server.once('listening', done));
const address = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

interface TabFigures {
  engine: string;
  stepMs: number;
  bytesBeforeFirstStep: number;
  secondsToFirstGrid: number;
}

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
});

async function tabRun(engine: string): Promise<TabFigures> {
  const context = await browser.newContext();
  const page = await context.newPage();
  let bytes = 0;
  let counting = true;
  // Bytes as they crossed the wire (compressed where the server sent a precompressed copy).
  page.on('requestfinished', (r) => {
    if (counting)
      void r.sizes().then(
        (s) => (bytes += counting ? s.responseBodySize + s.responseHeadersSize : 0),
        () => undefined,
      );
  });
  const t0 = performance.now();
  await page.goto(address);
  await page.waitForSelector('#field-epochs');
  // Every field shown (a first visit starts in beginner mode, with a few).
  await page.uncheck('#beginner');
  await page.selectOption('#field-dataset', 'mnist-small');
  await page.fill('#field-limit', String(steps * BATCH));
  // Two epochs, stopped within the first: no quality check (a classifier's pass) in the figures.
  await page.fill('#field-epochs', '2');
  await page.fill('#field-batch-size', String(BATCH));
  await page.fill('#field-snapshot-every', '1');
  await page.selectOption('#field-backend', engine);
  await page.click('#start');
  await page.waitForFunction(() => /step\s+[1-9]/.test(document.getElementById('numbers')!.innerText), undefined, {
    timeout: 600_000,
  });
  counting = false;
  await page.waitForFunction(() => /^step \d/.test(document.getElementById('scrub-label')!.innerText), undefined, {
    timeout: 600_000,
  });
  const secondsToFirstGrid = (performance.now() - t0) / 1000;
  await page.waitForFunction(
    (n) => Number(document.getElementById('numbers')!.innerText.match(/step\s+(\d+)/)?.[1]) >= n,
    steps,
    { timeout: 1_800_000, polling: 100 },
  );
  await page.click('#stop');
  await page.waitForFunction(() => /: ended/.test(document.getElementById('status')!.innerText), undefined, {
    timeout: 600_000,
  });
  const ms = await page.evaluate(
    () =>
      new Promise<number[]>((done) => {
        const open = indexedDB.open('ganstream-runs');
        open.onsuccess = () => {
          const all = open.result.transaction('runs').objectStore('runs').getAll();
          all.onsuccess = () =>
            done(
              (all.result as { lines: string[] }[])
                .flatMap((r) => r.lines)
                .map((l) => JSON.parse(l) as { type: string; ms?: number })
                .filter((e) => e.type === 'step')
                .map((e) => e.ms ?? Number.NaN),
            );
        };
      }),
  );
  const engineLine = await page.innerText('#engine');
  await context.close();
  return {
    engine: engineLine.match(/TensorFlow.js's (\w+)/)?.[1] ?? engine,
    stepMs: median(ms.slice(WARMUP)),
    bytesBeforeFirstStep: bytes,
    secondsToFirstGrid,
  };
}

function cliStep(backend: string): number {
  const r = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      'scripts/bench.ts',
      '--arch',
      'mlp-gbn',
      '--batch-size',
      String(BATCH),
      '--steps',
      '10',
      '--warmup',
      '3',
      '--backend',
      backend,
      '--threads',
      '1',
    ],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) fail(`npm run bench -- --backend ${backend}: ${r.stderr.trim().split('\n').at(-1)}`, 1);
  const json = JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '{}') as { msPerStep?: number };
  return json.msPerStep ?? Number.NaN;
}

const rows: string[] = [];
for (const engine of ['wasm', 'cpu', 'webgl']) {
  const f = await tabRun(engine);
  rows.push(
    `| tab, ${f.engine} | ${f.stepMs.toFixed(0)} ms | ${(f.bytesBeforeFirstStep / 1e6).toFixed(1)} MB | ${f.secondsToFirstGrid.toFixed(1)} s |`,
  );
  process.stdout.write(`${rows.at(-1)}\n`);
}
await browser.close();
server.close();
for (const backend of ['wasm', 'wasm-blas']) {
  rows.push(`| command line, ${backend} | ${cliStep(backend).toFixed(0)} ms | | |`);
  process.stdout.write(`${rows.at(-1)}\n`);
}
process.stdout.write(
  `\nmlp-gbn, batch ${BATCH}, median step after ${WARMUP}:\n\n| where | step | downloaded before the first step | to the first grid |\n| --- | --- | --- | --- |\n${rows.join('\n')}\n`,
);
