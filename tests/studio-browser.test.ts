/**
 * The studio end to end in a real browser: Debian's chromium driven by playwright-core (never a
 * downloaded browser). Starts `scripts/studio.ts` on a free port, trains a short run from the
 * page, pauses, steps, stops, reloads, replays a recorded run, and checks the console stayed clean.
 */

import type { ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { CHROMIUM, CHROMIUM_ARGS, showAllSettings } from './helpers/browser.ts';
import { startStudio } from './helpers/studio.ts';

const runsDir = mkdtempSync(join(tmpdir(), 'ganstream-studio-page-'));
mkdirSync(join(runsDir, 'recorded-d-too-strong'));
copyFileSync('fixtures/streams/d-too-strong.ndjson', join(runsDir, 'recorded-d-too-strong', 'metrics.ndjson'));

let server: ChildProcess;
let address = '';
let browser: Browser;
let page: Page;
const problems: string[] = [];

const text = (selector: string) => page.locator(selector).innerText();
const stepShown = async () => Number(/step\s+([\d,]+)/.exec(await text('#numbers'))?.[1].replace(/,/g, '') ?? NaN);
const canvasData = (id: string) =>
  page.evaluate((i) => (document.getElementById(i) as HTMLCanvasElement).toDataURL(), id);

test.before(async () => {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install chromium (.ci/run does)`);
  ({ child: server, address } = await startStudio(runsDir));
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
});

test('the page opens with the form, the presets and the recorded run', async () => {
  await page.goto(address);
  await page.locator('#runs li[data-run="recorded-d-too-strong"]').waitFor();
  await showAllSettings(page);
  assert.is(await page.locator('#preset option').count(), 5);
  assert.match(await text('#status'), /no run yet/);
  assert.is(await page.locator('#field-arch').inputValue(), 'mlp-gbn');
});

test("a bad field is shown beside it with the CLI's message; nothing starts", async () => {
  await page.fill('#field-epochs', 'ten');
  await page.click('#start');
  await page.locator('#error-epochs').filter({ hasText: 'expected' }).waitFor();
  assert.is(await text('#error-epochs'), "--epochs: expected an integer from 1 to 100000, got 'ten'");
  assert.match(await text('#status'), /no run yet/);
  // Several bad fields, the name among them: every message at once.
  await page.fill('#field-name', '../x');
  await page.fill('#field-lr', '-1');
  await page.click('#start');
  await page.locator('#error-name').filter({ hasText: 'expected' }).waitFor();
  assert.match(await text('#error-name'), /^run name '\.\.\/x': expected 1-80 letters/);
  assert.match(await text('#error-lr'), /^--lr: expected/);
  assert.match(await text('#error-epochs'), /^--epochs: expected/);
  assert.is(await text('#start-error'), '3 settings need a change: see the messages beside them');
  await page.fill('#field-name', '');
  await page.fill('#field-lr', '');
  problems.splice(0, problems.length, ...problems.filter((p) => !/status of 400/.test(p)));
  // The browser logs the refused requests itself (400): expected here, and only here (removed above).
});

test('start a short run from the page: the step count rises, the grid and the curves change', async () => {
  await page.selectOption('#preset', 'quick');
  await page.fill('#field-limit', '512');
  await page.fill('#field-epochs', '40');
  await page.fill('#field-batch-size', '32');
  await page.fill('#field-snapshot-every', '5');
  await page.fill('#field-name', 'from-the-page');
  await page.click('#start');
  await page.waitForFunction(() => /from-the-page: playing/.test(document.getElementById('status')!.innerText));
  await page.waitForFunction(
    () =>
      /step\s+\d/.test(document.getElementById('numbers')!.innerText) &&
      !/not started/.test(document.getElementById('numbers')!.innerText),
  );
  const grid1 = await canvasData('grid');
  const curves1 = await canvasData('curves');
  const step1 = await stepShown();
  await page.waitForFunction(
    (s) =>
      Number(/step\s+([\d,]+)/.exec(document.getElementById('numbers')!.innerText)?.[1].replace(/,/g, '')) > s + 20,
    step1,
  );
  assert.not.equal(await canvasData('grid'), grid1, 'the grid is redrawn');
  assert.not.equal(await canvasData('curves'), curves1, 'the curves grow');
});

test('pause holds the run; one step moves it by exactly one; resume goes on', async () => {
  await page.click('#pause');
  await page.waitForFunction(() => /paused/.test(document.getElementById('status')!.innerText));
  await page.waitForTimeout(400);
  const held = await stepShown();
  await page.waitForTimeout(400);
  assert.is(await stepShown(), held, 'no steps while paused');
  await page.click('#step');
  await page.waitForFunction(
    (s) =>
      Number(/step\s+([\d,]+)/.exec(document.getElementById('numbers')!.innerText)?.[1].replace(/,/g, '')) === s + 1,
    held,
  );
  await page.waitForTimeout(400);
  assert.is(await stepShown(), held + 1);
  // The step up close: five stages, from G's drawing to G's update, with the measured scores.
  await page.locator('#probe-section').waitFor();
  assert.match(
    await text('#probe-text'),
    new RegExp(`^Before the step \\(after step ${held}\\): G turns 8 fixed noise vectors into images`),
  );
  const stages: string[] = [];
  for (;;) {
    stages.push(await text('#probe-stage'));
    if (await page.locator('#probe-next').isDisabled()) break;
    await page.click('#probe-next');
  }
  assert.equal(
    stages.map((x) => x.replace(/ \(stage.*$/, '')),
    ['1. G draws', '2. D judges', '3. The losses', "4. D's update", "5. G's update"],
  );
  assert.match(
    await text('#probe-text'),
    /^G moved too: from the same noise it now draws these images, which the updated D scores \d\.\d\d/,
  );
  // A D step alone: G is held still, and the walk-through says so.
  await page.click('#step-d');
  await page.waitForFunction(
    (s) =>
      Number(/step\s+([\d,]+)/.exec(document.getElementById('numbers')!.innerText)?.[1].replace(/,/g, '')) === s + 2,
    held,
  );
  await page.waitForFunction(() => /the D step/.test(document.getElementById('probe-text')!.innerText));
  while (!(await page.locator('#probe-next').isDisabled())) await page.click('#probe-next');
  assert.match(
    await text('#probe-text'),
    /^G was held still \(the D step\): from the same noise it draws the same images/,
  );
  await page.click('#play');
  await page.waitForFunction(
    (s) => Number(/step\s+([\d,]+)/.exec(document.getElementById('numbers')!.innerText)?.[1].replace(/,/g, '')) > s + 3,
    held + 1,
  );
});

test('the history slider shows an earlier grid', async () => {
  const live = await canvasData('grid');
  await page.locator('#scrub').fill('0');
  await page.waitForFunction(() => /step 5 \(epoch 1\)/.test(document.getElementById('scrub-label')!.innerText));
  assert.not.equal(await canvasData('grid'), live);
});

test('stop ends the run with a checkpoint; after a reload the run is listed, interrupted, and can be continued', async () => {
  await page.click('#stop');
  await page.waitForFunction(
    () => /from-the-page: ended/.test(document.getElementById('status')!.innerText),
    undefined,
    { timeout: 60_000 },
  );
  assert.ok(existsSync(join(runsDir, 'from-the-page', 'checkpoint.bin')));
  assert.ok(existsSync(join(runsDir, 'from-the-page', 'generator', 'model.json')));
  await page.reload();
  const item = page.locator('#runs li[data-run="from-the-page"]');
  await item.waitFor();
  assert.match(await item.innerText(), /interrupted/);
  assert.is(await item.locator('button', { hasText: 'Continue' }).count(), 1);
  assert.is(await item.locator('a', { hasText: 'generator' }).count(), 1);
});

test('a recorded run replays into the same views: its last step, its warning card', async () => {
  await page.selectOption('#speed', '0');
  await page.locator('#runs li[data-run="recorded-d-too-strong"] button', { hasText: 'Replay' }).click();
  await page.waitForFunction(() => /replayed recorded-d-too-strong/.test(document.getElementById('status')!.innerText));
  assert.is(await stepShown(), 300);
  assert.match(await text('#warnings'), /d-too-strong at step/);
});

test("a replay keeps the record's pace: 30 recorded seconds at 10x take about 3 s, the views filling as they go", async () => {
  await page.selectOption('#speed', '10');
  const t0 = Date.now();
  await page.locator('#runs li[data-run="recorded-d-too-strong"] button', { hasText: 'Replay' }).click();
  await page.waitForFunction(() =>
    /^replaying recorded-d-too-strong/.test(document.getElementById('status')!.innerText),
  );
  await page.waitForTimeout(1000);
  const midway = await stepShown();
  assert.ok(midway > 0 && midway < 300, `step ${midway} one second into a 3-second replay`);
  await page.waitForFunction(() => /replayed recorded-d-too-strong/.test(document.getElementById('status')!.innerText));
  const took = (Date.now() - t0) / 1000;
  assert.ok(took > 2.5, `the replay took ${took.toFixed(1)} s`);
  // The numbers are drawn at most every 250 ms: the last step shows by the next draw.
  await page.waitForFunction(() => /step\s+300 /.test(document.getElementById('numbers')!.innerText));
});

test("an answer of an unexpected shape: the page's codecs refuse it and say which field", async () => {
  await page.route('**/api/state', (route) =>
    route.fulfill({ contentType: 'application/json', body: JSON.stringify({ live: null, runs: 'oops' }) }),
  );
  await page.reload();
  await page.locator('#start-error').filter({ hasText: 'cannot read' }).waitFor();
  assert.match(await text('#start-error'), /^\/api\/state: an answer the page cannot read \(runs: got "oops"\)$/);
  await page.unroute('**/api/state');
  await page.reload();
  await page.locator('#runs li[data-run="recorded-d-too-strong"]').waitFor();
  assert.is(await text('#start-error'), '');
});

test('no console errors or warnings on the page', () => {
  assert.equal(problems, []);
});

test.after(async () => {
  await browser?.close();
  server?.kill('SIGTERM');
});

test.run();
