/**
 * The studio's explore page on a run of your own colour images (a cGAN on the shapes fixture at
 * 8x8), in a real browser: G's grid in colour with a row per folder class, a close-up with D's
 * saliency, the nearest training images by pixels, the novelty figure against the training
 * images' own distances (a folder has none held out), and where a classifier of the folder's
 * classes would be needed, what to run for one; then the studio replaying the run in colour.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CHROMIUM, CHROMIUM_ARGS, canvasHasColour } from './helpers/browser.ts';
import { runScriptAsync } from './helpers/cli.ts';
import { startStudio } from './helpers/studio.ts';

const runsDir = mkdtempSync(join(tmpdir(), 'ganstream-explore-colour-'));
// No classifier of the shapes' classes anywhere: the page says what would make one.
process.env.GANSTREAM_CLASSIFIERS = join(runsDir, 'no-classifiers');
let server: ChildProcess;
let browser: Browser;
let page: Page;
let address = '';
const problems: string[] = [];

const inColour = (id: string) => canvasHasColour(page, id);

test.before(async () => {
  const trained = await runScriptAsync(
    'scripts/train.ts',
    [
      ...['--dataset', 'fixtures/images/shapes', '--image-size', '8', '--arch', 'cgan', '--epochs', '10'],
      ...['--batch-size', '16', '--eval-every', '0', '--out', join(runsDir, 'shapes')],
    ],
    180_000,
  );
  if (trained.code !== 0) throw new Error(trained.stderr);
  ({ child: server, address } = await startStudio(runsDir));
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  page.on('console', (m) => {
    // Chromium logs the class tracks' 422 (no classifier) itself; the page says why in its place. Readbacks: this test's.
    if (
      (m.type() === 'error' || m.type() === 'warning') &&
      !/willReadFrequently|status of 422 \(Unprocessable Entity\)/.test(m.text())
    )
      problems.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
});

test.after(async () => {
  await browser?.close();
  server?.kill();
});

test('a colour run explored: rows named by the folder, pictures in colour, nearest by pixels, novelty against the training images', async () => {
  await page.goto(`${address}explore?run=shapes`);
  await page.waitForFunction(() => Number((document.getElementById('grid') as HTMLCanvasElement).dataset.count) > 0);
  assert.equal(await page.locator('#classes button').allTextContents(), [
    'blue-triangles',
    'green-squares',
    'red-discs',
    'all classes',
  ]);
  assert.is(await page.locator('#grid').getAttribute('data-count'), '24', 'a row of 8 for each of the three classes');
  assert.ok(await inColour('grid'), "G's grid in colour");
  // Image 12: the second row, green squares.
  const box = (await page.locator('#grid').boundingBox())!;
  const c: Record<string, string> = await page.evaluate(() => ({
    ...(document.getElementById('grid') as HTMLCanvasElement).dataset,
    width: String((document.getElementById('grid') as HTMLCanvasElement).width),
  }));
  const cell = 8 * Number(c.scale) + Number(c.pad);
  const k = box.width / Number(c.width);
  await page.mouse.click(
    box.x + (Number(c.left) + Number(c.pad) + 3 * cell + cell / 2) * k,
    box.y + (Number(c.pad) + cell + cell / 2) * k,
  );
  await page.waitForFunction(() =>
    /closest training image/.test(document.getElementById('nearest-note')!.textContent ?? ''),
  );
  assert.match(await page.locator('#picked-caption').innerText(), /^Image 12, drawn as green-squares: D's score/);
  assert.ok((await inColour('picked')) && (await inColour('nearest')), 'the close-up and its neighbours in colour');
  assert.match(await page.locator('#nearest-note').innerText(), /No row by features: no classifier of these images/);
  await page.waitForFunction(() => /G's images/.test(document.getElementById('novelty-text')!.textContent ?? ''));
  assert.match(
    await page.locator('#novelty-text').innerText(),
    /^G's images .* training images are from each other: .* than 95% of the training images are to their nearest other/,
  );
  await page.waitForFunction(() => !document.getElementById('tracks-note')!.hidden);
  assert.match(
    await page.locator('#tracks-note').innerText(),
    /^class tracks: no classifier of the run's classes \(.*train one with npm run train-classifier -- --dataset fixtures\/images\/shapes --image-size 8 --channels 3\)$/,
  );
  assert.is(await page.locator('#error').innerText(), '');
  assert.equal(problems, []);
});

test("the studio replays the colour run: G's pictures and the milestone grids in colour", async () => {
  await page.goto(address);
  await page.selectOption('#speed', '0');
  await page.click('#runs li[data-run="shapes"] button:text("Replay")');
  await page.waitForFunction(() => /replayed shapes/.test(document.getElementById('status')!.innerText));
  await page.waitForFunction(() => (document.getElementById('milestones') as HTMLCanvasElement).width > 300);
  assert.ok(await inColour('grid'), "G's pictures from the fixed noise");
  assert.ok(await inColour('milestones'), 'the milestone grids');
  assert.ok(await inColour('real-vs-fake'), 'real beside fake');
  assert.equal(problems, []);
});

test.run();
