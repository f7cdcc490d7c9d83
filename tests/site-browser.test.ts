/**
 * The static site (npm run site), built and served by its script, in Debian's chromium: the
 * studio's page training in a Web Worker of the tab (src/site/worker.ts) with the same form, the
 * same messages and the same controls as with the studio's server; and the build's and the
 * server's refusals.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { type Browser, chromium, type Page } from 'playwright-core';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CHROMIUM, CHROMIUM_ARGS, showAllSettings } from './helpers/browser.ts';
import { runScriptAsync } from './helpers/cli.ts';
import { serveSite } from './helpers/site.ts';

const root = mkdtempSync(join(tmpdir(), 'ganstream-site-'));
const siteDir = join(root, 'site');
let server: ChildProcess;
let address = '';
let built = '';
let browser: Browser;

/** A run trained by the command line: the site's example run, and a run folder to open in the tab. */
const cliRun = join(root, 'example-run');

test.before(async () => {
  const trained = await runScriptAsync('scripts/train.ts', [
    ...['--dataset', 'mnist-small', '--limit', '64', '--batch-size', '32', '--epochs', '1'],
    ...['--eval-every', '0', '--milestones', '1', '--out', cliRun],
  ]);
  assert.is(trained.code, 0, trained.stderr);
  ({ server, address, built } = await serveSite(siteDir, ['--datasets', 'mnist-small', '--example', cliRun]));
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
});

const numbers = (page: Page) => page.innerText('#numbers');
const stepNow = async (page: Page) => Number((await numbers(page)).match(/step\s+(\d+)/)?.[1] ?? Number.NaN);
const statusIs = (page: Page, re: RegExp) =>
  page.waitForFunction((source) => new RegExp(source).test(document.getElementById('status')!.innerText), re.source, {
    timeout: 120_000,
  });

async function openSite(): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text());
  });
  await page.goto(address);
  await showAllSettings(page);
  return { page, problems };
}

/** A small run of the form: 256 small-set digits, batches of 32 (8 steps an epoch). */
async function fillSmallRun(page: Page, epochs: number): Promise<void> {
  await page.selectOption('#field-dataset', 'mnist-small');
  await page.fill('#field-limit', '256');
  await page.fill('#field-epochs', String(epochs));
  await page.fill('#field-batch-size', '32');
}

test('the build: both pages, their scripts and workers, the wasm builds, the carried dataset and the example run, which a new tab opens; the page says runs train in the tab', async () => {
  assert.match(
    built,
    /built the site in .*: \d+ files, [\d.]+ MB, and \d+ precompressed copies \(\.br, \.gz\), [\d.]+ MB; datasets mnist-small; example run example-run\n/,
  );
  const files = readdirSync(siteDir).sort();
  for (const f of [
    'index.html',
    'studio.js',
    'worker.js',
    'explore.html',
    'explore.js',
    'explore-worker.js',
    'example.zip',
    'tfjs-backend-wasm-simd.wasm',
    'data',
    // Precompressed for hosts that serve them (the local server does: the page below loads them).
    'worker.js.br',
    'worker.js.gz',
    'tfjs-backend-wasm-simd.wasm.br',
  ])
    assert.ok(files.includes(f), `${f} in ${files.join(' ')}`);
  assert.equal(readdirSync(join(siteDir, 'data')).sort(), [
    'mnist-small-images-idx3-ubyte.gz',
    'mnist-small-labels-idx1-ubyte.gz',
  ]);
  const { page, problems } = await openSite();
  assert.equal(
    await page.$$eval('#field-dataset option', (o) => o.map((x) => (x as HTMLOptionElement).value)),
    ['mnist-small'],
    'the form offers the datasets the site carries',
  );
  assert.is(await page.inputValue('#preset'), 'quick', 'the form starts from a run sized for a tab');
  assert.match(await page.innerText('#engine'), /Runs train in this tab/);
  assert.is(await page.innerText('#runs-title'), 'Runs kept in this browser');
  // A tab that keeps no run opens the site's example run, ready to replay and explore.
  await page.waitForSelector('#runs li[data-run="example-run"] a.explore');
  assert.match(await page.innerText('#runs'), /example-run\s+mlp-gbn on mnist-small .*, step 2 of 2, completed/);
  await page.close();
  assert.equal(problems, []);
});

test('a run in the tab: steps rise on wasm (auto passes over the software WebGL and says why); pause holds it; one step moves it by exactly one and shows its close-up; quality checks come in; it ends completed and replays', async () => {
  const { page, problems } = await openSite();
  await fillSmallRun(page, 3);
  await page.fill('#field-name', 'in-the-tab');
  await page.click('#start');
  await page.waitForFunction(() => /step\s+[1-9]/.test(document.getElementById('numbers')!.innerText), undefined, {
    timeout: 120_000,
  });
  await page.click('#pause');
  await statusIs(page, /in-the-tab: paused/);
  // A step under way when the pause came is recorded; then nothing moves.
  await page.waitForTimeout(1500);
  const held = await stepNow(page);
  assert.ok(held < 24, `step ${held}: the run ended before it could be paused`);
  await page.waitForTimeout(1500);
  assert.is(await stepNow(page), held, 'no step while paused');
  await page.click('#step');
  await page.waitForFunction(() => !document.getElementById('probe-section')!.hidden, undefined, { timeout: 60_000 });
  await page.waitForTimeout(1000);
  assert.is(await stepNow(page), held + 1, 'one step, then paused again');
  assert.match(await page.innerText('#probe-stage'), /stage 1 of \d/);
  await page.click('#play');
  await statusIs(page, /in-the-tab: ended/);
  assert.match(await numbers(page), /step\s+24 \/ 24/);
  // The quality checks ran in the worker, by mnist-small's classifier against its held-out digits.
  await page.waitForFunction(() => /FID \(epoch 3, step 24\)/.test(document.getElementById('numbers')!.innerText));
  assert.match(await numbers(page), /recognisable \(epoch 3, step 24\)\s+\d+%/);
  const engine = await page.innerText('#engine');
  assert.match(engine, /on TensorFlow.js's wasm \(auto passed over: webgl runs on SwiftShader/, engine);
  assert.match(await page.innerText('#runs'), /in-the-tab\s+mlp-gbn on mnist-small .*, step 24 of 24, completed/);
  await page.click('#runs li[data-run="in-the-tab"] button:text("Replay")');
  await statusIs(page, /replayed in-the-tab/);
  // The numbers are drawn a frame or so after the last event.
  await page.waitForFunction(() => /step\s+24 \/ 24/.test(document.getElementById('numbers')!.innerText));
  await page.close();
  assert.equal(problems, []);
});

/** The runs this browser keeps (IndexedDB), as the page stored them. */
const keptRuns = (page: Page) =>
  page.evaluate(
    () =>
      new Promise<{ name: string; lines: string[]; checkpoint: Uint8Array | null }[]>((done, fail) => {
        const open = indexedDB.open('ganstream-runs');
        open.onerror = () => fail(open.error);
        open.onsuccess = () => {
          const all = open.result.transaction('runs').objectStore('runs').getAll();
          all.onsuccess = () => done(all.result);
          all.onerror = () => fail(all.error);
        };
      }),
  );

/**
 * Pauses the run `name` once its first step shows, and waits until the tab keeps the pause's
 * checkpoint (the last line of the kept record, of the step the page shows): that step.
 */
async function pauseKept(page: Page, name: string): Promise<number> {
  await page.waitForFunction(() => /step\s+[1-9]/.test(document.getElementById('numbers')!.innerText), undefined, {
    timeout: 120_000,
  });
  await page.click('#pause');
  await statusIs(page, new RegExp(`${name}: paused`));
  // A step under way when the pause came is recorded first.
  await page.waitForTimeout(1500);
  const paused = await stepNow(page);
  for (const t0 = Date.now(); ; await page.waitForTimeout(200)) {
    const kept = (await keptRuns(page)).find((r) => r.name === name);
    const last = kept && (JSON.parse(kept.lines.at(-1)!) as { type: string; step: number });
    if (last?.type === 'checkpoint' && last.step === paused) return paused;
    if (Date.now() - t0 > 30_000) throw new Error(`no checkpoint of the paused step ${paused} kept in 30 s`);
  }
}

test('a reload mid-run: the run is listed from the browser with its checkpoint, Continue finishes it, and its record holds every step once', async () => {
  const { page, problems } = await openSite();
  await fillSmallRun(page, 3);
  await page.fill('#field-eval-every', '0');
  await page.fill('#field-name', 'reloaded');
  await page.click('#start');
  // Paused at once: the pause's own checkpoint is what the tab keeps (the first epoch's comes at step 8).
  const paused = await pauseKept(page, 'reloaded');
  assert.ok(paused < 24, `step ${paused}: the run ended before it could be paused`);
  await page.reload();
  await page.waitForFunction(() => /reloaded/.test(document.getElementById('runs')!.innerText));
  assert.match(
    await page.innerText('#runs'),
    new RegExp(`reloaded\\s+mlp-gbn on mnist-small .*, step ${paused} of 24, open`),
  );
  await page.click('#runs li[data-run="reloaded"] button:text("Continue")');
  await statusIs(page, /reloaded: ended/);
  assert.match(await page.innerText('#runs'), /reloaded\s+mlp-gbn on mnist-small .*, step 24 of 24, completed/);
  const record = (await keptRuns(page)).find((r) => r.name === 'reloaded')!;
  const events = record.lines.map((l) => JSON.parse(l) as { type: string; step?: number });
  assert.equal(
    events.filter((e) => e.type === 'step').map((e) => e.step),
    Array.from({ length: 24 }, (_, i) => i + 1),
  );
  assert.is(events.filter((e) => e.type === 'run-resumed').length, 1);
  assert.is(events.at(-1)?.type, 'run-ended');

  // Download: the run as a zip archive, which the command line replays and trains on from its checkpoint.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.click('#runs li[data-run="reloaded"] button:text("Download (.zip)")'),
  ]);
  assert.is(download.suggestedFilename(), 'reloaded.zip');
  const archive = join(root, 'reloaded.zip');
  await download.saveAs(archive);
  await page.close();
  assert.equal(problems, []);
  const replayed = await runScriptAsync('scripts/replay.ts', [archive]);
  assert.is(replayed.code, 0, replayed.stderr);
  assert.match(replayed.stdout, /^unpacked .*reloaded\.zip into .*reloaded\/\n/);
  assert.match(replayed.stdout, /completed, 24 steps, 3 epochs/);
  // The networks the tab saved at the end came in the archive: generate and evaluate take it too.
  const grid = join(root, 'from-the-tab.png');
  const [generated, judged] = await Promise.all([
    runScriptAsync('scripts/generate.ts', ['--model', archive, '--count', '8', '--out', grid]),
    runScriptAsync('scripts/evaluate.ts', ['--model', archive, '--n', '200', '--json']),
  ]);
  assert.is(generated.code, 0, generated.stderr);
  assert.match(generated.stderr, /using .*reloaded\/, unpacked from .*reloaded\.zip before/);
  assert.ok(readFileSync(grid).subarray(1, 4).toString() === 'PNG', 'a PNG grid');
  assert.is(judged.code, 0, judged.stderr);
  assert.ok(Number.isFinite(JSON.parse(judged.stdout).fid), judged.stdout);
  const again = await runScriptAsync('scripts/train.ts', ['--resume', join(root, 'reloaded'), '--epochs', '4']);
  assert.is(again.code, 0, again.stderr);
  assert.match(again.stdout, /resumed after step 24 \(epoch 3\) of 32 \(4 epochs\)/);
  assert.match(again.stdout, /summary: completed, 32 steps, 4 epochs/);
});

test('storage full: a run the browser can no longer keep goes on, the page says so, and what was kept stays', async () => {
  const { page, problems } = await openSite();
  // The browser's store refuses once the test says it is full, as IndexedDB does past its quota.
  await page.addInitScript(() => {
    const put = IDBObjectStore.prototype.put;
    IDBObjectStore.prototype.put = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
      if ((window as unknown as { storageFull?: boolean }).storageFull)
        throw new DOMException('the quota has been exceeded', 'QuotaExceededError');
      return put.apply(this, args);
    };
  });
  await page.reload();
  await page.waitForSelector('#field-epochs');
  await fillSmallRun(page, 2);
  await page.fill('#field-eval-every', '0');
  await page.fill('#field-name', 'too-big');
  await page.click('#start');
  const paused = await pauseKept(page, 'too-big');
  await page.evaluate(() => {
    (window as unknown as { storageFull?: boolean }).storageFull = true;
  });
  await page.click('#play');
  await statusIs(page, /too-big: ended/);
  assert.match(await numbers(page), /step\s+16 \/ 16/);
  assert.is(
    await page.innerText('#run-note'),
    `run 'too-big' could not be kept in this browser (QuotaExceededError: the quota has been exceeded): what was kept at step ${paused} stays; Download it to keep the rest`,
  );
  const kept = (await keptRuns(page)).find((r) => r.name === 'too-big')!;
  assert.equal(JSON.parse(kept.lines.at(-1)!).step, paused, 'the store holds what it held');
  await page.close();
  assert.equal(problems, []);
});

/** How far WebGL's losses and D's means may be from the cpu backend's after the same two steps: float32 sums in another order. */
const GPU_TOLERANCE = 1e-4;

test(`webgl (on SwiftShader: no GPU reaches these machines) trains the same two steps as the cpu backend, within ${GPU_TOLERANCE}`, async () => {
  const { page, problems } = await openSite();
  const metrics: Record<string, number[][]> = {};
  for (const engine of ['cpu', 'webgl']) {
    await page.selectOption('#field-dataset', 'mnist-small');
    await page.fill('#field-limit', '64');
    await page.fill('#field-epochs', '1');
    await page.fill('#field-batch-size', '32');
    // The small networks and no quality check (1,000 images through G and the classifier): the cpu backend is plain JavaScript.
    await page.selectOption('#field-arch', 'mlp-small');
    await page.fill('#field-eval-every', '0');
    await page.fill('#field-name', `on-${engine}`);
    await page.selectOption('#field-backend', engine);
    await page.click('#start');
    await statusIs(page, new RegExp(`on-${engine}: ended`));
    assert.match(await page.innerText('#engine'), new RegExp(`on TensorFlow.js's ${engine}\\.`));
    const kept = (await keptRuns(page)).find((r) => r.name === `on-${engine}`)!;
    metrics[engine] = kept.lines
      .map((l) => JSON.parse(l) as Record<string, number | string>)
      .filter((e) => e.type === 'step')
      .map((e) => ['dLoss', 'gLoss', 'dReal', 'dFake'].map((k) => e[k] as number));
  }
  assert.is(metrics.cpu.length, 2);
  const far = metrics.webgl.flatMap((row, i) => row.map((v, k) => Math.abs(v - metrics.cpu[i][k])));
  assert.ok(
    Math.max(...far) <= GPU_TOLERANCE,
    `webgl ${JSON.stringify(metrics.webgl)} against cpu ${JSON.stringify(metrics.cpu)}`,
  );
  await page.close();
  assert.equal(problems, []);
});

test("bad input in the tab: a bad field's CLI message beside it and nothing starts; a batch larger than the data, the CLI's line; the engine chosen in the form", async () => {
  const { page, problems } = await openSite();
  await fillSmallRun(page, 1);
  await page.fill('#field-epochs', 'ten');
  await page.click('#start');
  await page.waitForFunction(() => document.getElementById('error-epochs')!.innerText !== '');
  assert.is(await page.innerText('#error-epochs'), "--epochs: expected an integer from 1 to 100000, got 'ten'");
  assert.match(await page.innerText('#status'), /no run yet/);
  await page.fill('#field-epochs', '1');
  await page.fill('#field-batch-size', '512');
  await page.click('#start');
  await statusIs(page, /failed/);
  assert.match(
    await page.innerText('#start-error'),
    /^the run failed: --batch-size 512 is larger than the 256 images of the dataset \(--limit 256\): expected at most 256$/,
  );
  // The engine is the student's choice: wasm by name, without auto's passing over WebGL.
  await page.fill('#field-batch-size', '32');
  await page.fill('#field-limit', '32');
  await page.selectOption('#field-backend', 'wasm');
  await page.click('#start');
  await statusIs(page, /: ended/);
  assert.match(await page.innerText('#engine'), /on TensorFlow.js's wasm\.$/);
  await page.close();
  assert.equal(problems, []);
});

test("a shared link: its settings in the form, a bad one with the CLI's message beside it, hidden fields hidden; Share gives a link that opens the same", async () => {
  const page = await browser.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(`${address}?dataset=mnist-small&limit=256&epochs=ten&seed=7&hide=seed,lr&colour=red`);
  await page.waitForFunction(() => document.getElementById('error-epochs')?.innerText !== '');
  await showAllSettings(page);
  assert.is(await page.inputValue('#field-epochs'), 'ten');
  assert.is(await page.innerText('#error-epochs'), "--epochs: expected an integer from 1 to 100000, got 'ten'");
  assert.is(await page.inputValue('#field-seed'), '7');
  assert.is(await page.inputValue('#field-dataset'), 'mnist-small');
  assert.not.ok(await page.isVisible('#field-seed'), 'hidden by the link');
  assert.not.ok(await page.isVisible('#field-lr'), 'hidden by the link');
  assert.ok(await page.isVisible('#field-epochs'));
  assert.match(await page.innerText('#start-error'), /^the link's 'colour': not a setting of this form \(expected /);
  await page.fill('#field-epochs', '2');
  await page.click('#share');
  const link = await page.inputValue('#share-link');
  assert.match(link, /[?&]epochs=2(&|$)/);
  assert.is(page.url(), link, 'the address bar holds the link too');
  const again = await browser.newPage();
  await again.goto(link);
  await again.waitForFunction(() => (document.getElementById('field-epochs') as HTMLInputElement)?.value === '2');
  await showAllSettings(again);
  assert.is(await again.inputValue('#field-seed'), '7');
  assert.not.ok(await again.isVisible('#field-seed'));
  assert.is(await again.innerText('#error-epochs'), '');
  await again.close();
  await page.close();
  assert.equal(problems, []);
});

test('open a run: a command-line run folder zipped is listed, replayed and explored (its images drawn by its generator, the nearest training images found by the explore worker); a bad upload gets one line beside the field and nothing is stored', async () => {
  // As `zip -r cli-run.zip cli-run` packs it: every file under the folder's name.
  const folder = Object.fromEntries(
    [
      ...['metrics.ndjson', 'checkpoint.bin', 'summary.json'],
      ...['generator', 'discriminator'].flatMap((n) => [`${n}/model.json`, `${n}/weights.bin`]),
    ].map((f) => [`cli-run/${f}`, readFileSync(join(cliRun, f))]),
  );
  const { page, problems } = await openSite();
  const upload = (name: string, buffer: Buffer) =>
    page.setInputFiles('#open-run', { name, mimeType: 'application/zip', buffer });
  await upload('cli-run.zip', Buffer.from(zipSync(folder)));
  await statusIs(page, /replayed cli-run/);
  assert.match(await page.innerText('#runs'), /cli-run\s+mlp-gbn on mnist-small .*, step 2 of 2, completed/);
  assert.is(await page.innerText('#open-error'), '');

  await upload('notes.zip', Buffer.from(zipSync({ 'notes.txt': new TextEncoder().encode('hello') })));
  await page.waitForFunction(() => document.getElementById('open-error')!.innerText !== '');
  assert.match(
    await page.innerText('#open-error'),
    /^notes\.zip: 'notes\.txt' is not a run folder's file .*; nothing was stored$/,
  );
  const garbled = { ...folder, 'cli-run/checkpoint.bin': folder['cli-run/checkpoint.bin'].subarray(0, 100) };
  await upload('garbled.zip', Buffer.from(zipSync(garbled)));
  await page.waitForFunction(() => /garbled/.test(document.getElementById('open-error')!.innerText));
  assert.match(await page.innerText('#open-error'), /^garbled\.zip: .*checkpoint.*; nothing was stored$/);
  const broken = { ...folder, 'cli-run/generator/model.json': new TextEncoder().encode('{ not json') };
  await upload('broken.zip', Buffer.from(zipSync(broken)));
  await page.waitForFunction(() => /broken/.test(document.getElementById('open-error')!.innerText));
  assert.is(await page.innerText('#open-error'), 'broken.zip: generator/model.json is not JSON; nothing was stored');
  const kept = (await keptRuns(page)).map((r) => r.name);
  assert.ok(kept.includes('cli-run') && !['notes', 'garbled', 'broken'].some((n) => kept.includes(n)), kept.join(' '));

  // Explore: the opened run's networks from the browser's store, what needs the training images from the explore worker.
  await page.click('#runs li[data-run="cli-run"] a.explore');
  await page.waitForURL(/explore\.html\?run=cli-run$/);
  await page.waitForFunction(() =>
    /^cli-run: mlp-gbn on mnist-small .*, 2 steps$/.test(document.getElementById('what')!.innerText),
  );
  // A canvas is drawn when it holds more than one colour.
  const drawnOn = (id: string) =>
    page
      .waitForFunction(
        (i) => {
          const c = document.getElementById(i) as HTMLCanvasElement;
          const d = c.getContext('2d', { willReadFrequently: true })!.getImageData(0, 0, c.width, c.height).data;
          return c.width > 0 && d.some((v, k) => k % 4 !== 3 && v !== d[k % 4]);
        },
        id,
        { timeout: 60_000 },
      )
      .then(
        () => true,
        () => false,
      );
  await page.waitForFunction(
    () => /G's images are|G is copying|watch for memorising/.test(document.getElementById('novelty-text')!.innerText),
    undefined,
    { timeout: 60_000 },
  );
  for (const id of ['grid', 'scores', 'novelty', 'tracks']) assert.ok(await drawnOn(id), `#${id} is drawn`);
  const box = (await page.locator('#grid').boundingBox())!;
  await page.mouse.click(box.x + 20, box.y + 20);
  await page.waitForFunction(
    () => /closest training image is [\d.]+ away/.test(document.getElementById('nearest-note')!.innerText),
    undefined,
    { timeout: 60_000 },
  );
  assert.ok(await drawnOn('nearest'), '#nearest is drawn');
  assert.match(await page.innerText('#picked-caption'), /^Image 1: D's score [\d.]+/);
  assert.is(await page.innerText('#error'), '');
  await page.close();
  assert.equal(problems, []);
});

const get = (path: string, host: string) =>
  new Promise<number>((done) => {
    const url = new URL(address);
    request({ host: url.hostname, port: url.port, path, headers: { host } }, (res) => {
      res.resume();
      done(res.statusCode ?? 0);
    }).end();
  });

test('the local server: a foreign Host is refused (421), nothing outside the folder is served, files are', async () => {
  const own = new URL(address).host;
  assert.is(await get('/index.html', own), 200);
  assert.is(await get('/data/mnist-small-labels-idx1-ubyte.gz', own), 200);
  assert.is(await get('/index.html', 'evil.example:80'), 421);
  assert.is(await get('/../../etc/passwd', own), 404);
  assert.is(await get('/%2e%2e/%2e%2e/etc/passwd', own), 404);
  assert.is(await get('/nope.js', own), 404);
});

test('the build refuses: a non-empty --out without --force, an unknown dataset, an example that is not a run; one line, exit 2, nothing written', async () => {
  const full = join(root, 'full');
  const [nonEmpty, unknown] = await Promise.all([
    (async () => {
      const { mkdirSync } = await import('node:fs');
      mkdirSync(full);
      writeFileSync(join(full, 'keep.txt'), 'mine');
      return runScriptAsync('scripts/site.ts', ['--out', full]);
    })(),
    runScriptAsync('scripts/site.ts', ['--out', join(root, 'unknown'), '--datasets', 'cifar']),
  ]);
  const notARun = await runScriptAsync('scripts/site.ts', ['--out', join(root, 'no-example'), '--example', full]);
  assert.is(notARun.code, 2);
  assert.match(
    notARun.stderr,
    /^error: --example .*full: expected a run that has ended, with metrics\.ndjson and generator\/model\.json \(a run folder or its \.zip\)\n$/,
  );
  assert.not.ok(existsSync(join(root, 'no-example')));
  assert.is(nonEmpty.code, 2);
  assert.match(nonEmpty.stderr, /^error: --out .*full: the folder is not empty \(use --force to replace it\)\n$/);
  assert.equal(readdirSync(full), ['keep.txt']);
  assert.is(unknown.code, 2);
  assert.is(unknown.stderr, "error: --datasets: 'cifar': expected some of mnist, mnist-small, fashion-mnist\n");
  assert.not.ok(existsSync(join(root, 'unknown')));
});

test.after(async () => {
  await browser?.close();
  server?.kill();
});

test.run();
