/**
 * The studio's explore page in a real browser (Debian's chromium, playwright-core): stock
 * TensorFlow.js in the page loads a trained acgan's saved generator, and the digits it draws for
 * "7" are the ones `npm run generate -- --digit 7` draws in Node, pixel for pixel (within float
 * rounding); then a close-up with D's score and saliency, the nearest training images, a walk,
 * the novelty figure and the class tracks, and a clean console.
 */

import type { ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { acganRun } from './helpers/acgan-run.ts';
import { CHROMIUM, CHROMIUM_ARGS } from './helpers/browser.ts';
import { runScriptAsync } from './helpers/cli.ts';
import { startStudio } from './helpers/studio.ts';

const runsDir = mkdtempSync(join(tmpdir(), 'ganstream-explore-page-'));
let server: ChildProcess;
let browser: Browser;
let page: Page;
let address = '';
const problems: string[] = [];

/** Grey levels of the grid's images as the page drew them on its canvas (the layout is on the canvas's data attributes). */
const gridGrey = () =>
  page.evaluate(() => {
    const canvas = document.getElementById('grid') as HTMLCanvasElement;
    const { count, scale, pad, gridCols, left } = canvas.dataset;
    const [n, s, p, g, l] = [count, scale, pad, gridCols, left].map(Number);
    const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      for (let r = 0; r < 28; r++) {
        for (let c = 0; c < 28; c++) {
          const x = l + p + (i % g) * (28 * s + p) + c * s,
            y = p + Math.floor(i / g) * (28 * s + p) + r * s;
          out.push(data[(y * canvas.width + x) * 4]);
        }
      }
    }
    return out;
  });

/** Grey levels of `count` images drawn by drawGrid on canvas `id` with the given layout (no row labels). */
const imagesOn = (id: string, l: { count: number; scale: number; pad: number; gridCols: number }) =>
  page.evaluate(
    ([i, n, s, p, g]) => {
      const canvas = document.getElementById(i as string) as HTMLCanvasElement;
      const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      const out: number[] = [];
      for (let k = 0; k < (n as number); k++) {
        for (let r = 0; r < 28; r++) {
          for (let c = 0; c < 28; c++) {
            const x = (p as number) + (k % (g as number)) * (28 * (s as number) + (p as number)) + c * (s as number),
              y =
                (p as number) +
                Math.floor(k / (g as number)) * (28 * (s as number) + (p as number)) +
                r * (s as number);
            out.push(data[(y * canvas.width + x) * 4]);
          }
        }
      }
      return out;
    },
    [id, l.count, l.scale, l.pad, l.gridCols],
  );
const greyDistance = (a: number[], b: number[]) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

/** Whether a canvas holds more than one colour (something was drawn). */
const drawn = (id: string) =>
  page.evaluate((i) => {
    const c = document.getElementById(i) as HTMLCanvasElement;
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    return c.width > 0 && d.some((v, k) => k % 4 !== 3 && v !== d[k % 4]);
  }, id);

async function clickImage(i: number): Promise<void> {
  const box = (await page.locator('#grid').boundingBox())!;
  const c: Record<string, string | number> = await page.evaluate(() => {
    const g = document.getElementById('grid') as HTMLCanvasElement;
    return { ...g.dataset, width: g.width };
  });
  const cell = 28 * Number(c.scale) + Number(c.pad);
  const x = Number(c.left) + Number(c.pad) + (i % Number(c.gridCols)) * cell + cell / 2;
  const y = Number(c.pad) + Math.floor(i / Number(c.gridCols)) * cell + cell / 2;
  const k = box.width / Number(c.width);
  await page.mouse.click(box.x + x * k, box.y + y * k);
}

test.before(async () => {
  cpSync(acganRun(), join(runsDir, 'acgan'), { recursive: true });
  ({ child: server, address } = await startStudio(runsDir));
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  page.on('console', (m) => {
    // This test's own canvas readbacks (getImageData) draw chromium's advice to read less often: not the page's doing.
    if ((m.type() === 'error' || m.type() === 'warning') && !/willReadFrequently/.test(m.text()))
      problems.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
});

test('the runs folder links to the explore page; the page draws the same 7s as generate --digit 7 in Node', async () => {
  const out = join(runsDir, 'sevens-images-idx3-ubyte');
  const inNode = runScriptAsync('scripts/generate.ts', [
    '--model',
    join(runsDir, 'acgan'),
    '--digit',
    '7',
    '--count',
    '32',
    '--seed',
    '1',
    '--format',
    'idx',
    '--out',
    out,
  ]);
  await page.goto(address);
  const link = page.locator('#runs li[data-run="acgan"] a.explore');
  assert.is(await link.getAttribute('href'), 'explore?run=acgan');
  await link.click();
  await page.locator('#classes button[data-mode="7"]').click();
  await page.waitForFunction(() => /of class 7/.test(document.getElementById('grid-note')!.textContent ?? ''));
  const shown = await gridGrey();
  const g = await inNode;
  assert.is(g.code, 0, g.stderr);
  const node = Array.from(readFileSync(out).subarray(16));
  assert.is(shown.length, node.length);
  const worst = shown.reduce((m, v, i) => Math.max(m, Math.abs(v - node[i])), 0);
  assert.ok(worst <= 1, `the page's pixels differ from Node's by up to ${worst} grey levels`);
  assert.ok(new Set(node).size > 50, 'the images are not blank');
});

test("one image up close: D's score, the saliency overlay, the noise swatch, its nearest training images; nudging changes it", async () => {
  await clickImage(5);
  await page.locator('#picked-caption').filter({ hasText: "D's score" }).waitFor();
  assert.match(
    await page.locator('#picked-caption').innerText(),
    /^Image 6, drawn as 7: D's score 0\.\d{3} \(\d+% sure it is real\)\.$/,
  );
  for (const id of ['saliency', 'swatch']) assert.ok(await drawn(id), `${id} is drawn`);
  // The close-up is the grid's sixth image, eight times as large.
  const grid = await gridGrey();
  const image6 = grid.slice(5 * 784, 6 * 784);
  assert.is(
    greyDistance(await imagesOn('picked', { count: 1, scale: 8, pad: 0, gridCols: 1 }), image6),
    0,
    'the close-up shows image 6',
  );
  await page.locator('#nearest-note').filter({ hasText: 'closest training image' }).waitFor({ timeout: 60_000 });
  assert.ok(await drawn('nearest'));
  // The nearest training image the page reports is the one the server finds for the same pixels.
  const asked = await fetch(new URL('/api/runs/acgan/nearest', address), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ pixels: image6, k: 1 }),
  });
  const nearest = ((await asked.json()) as { pixel: { distance: number }[] }).pixel[0];
  assert.match(
    await page.locator('#nearest-note').innerText(),
    new RegExp(`^The closest training image is ${nearest.distance.toFixed(2).replace('.', '\\.')} away in pixels`),
  );
  const before = await gridGrey();
  await page.click('#nudge');
  await page.locator('#swatch-caption').filter({ hasText: 'nudged 1 time' }).waitFor();
  const after = await gridGrey();
  const changed = (i: number) => before.slice(i * 784, (i + 1) * 784).some((v, k) => v !== after[i * 784 + k]);
  assert.ok(changed(5), 'the nudged image changed');
  assert.not.ok(changed(4), 'the others did not');
});

test("a walk between two picked images; D's scores sorted; the novelty figure and the class tracks", async () => {
  await page.click('#pick');
  await clickImage(12);
  await page.click('#pick');
  assert.match(await page.locator('#picks').innerText(), /^Picked: image 6, image 13\.$/);
  const grid = await gridGrey();
  await page.click('#walk');
  assert.is(
    await page.evaluate(() => (document.getElementById('walked') as HTMLCanvasElement).width),
    10 * (28 * 3 + 2) + 2,
  );
  // The strip starts at the first pick and ends at the second: G's own images of their noise and labels.
  const walked = await imagesOn('walked', { count: 10, scale: 3, pad: 2, gridCols: 10 });
  assert.ok(greyDistance(walked.slice(0, 784), grid.slice(5 * 784, 6 * 784)) <= 1, 'the walk starts at image 6');
  assert.ok(greyDistance(walked.slice(9 * 784), grid.slice(12 * 784, 13 * 784)) <= 1, 'the walk ends at image 13');
  assert.ok(greyDistance(walked.slice(4 * 784, 5 * 784), walked.slice(0, 784)) > 20, 'the middle is neither end');
  assert.ok(await drawn('scores'));
  await page.locator('#novelty-text').filter({ hasText: 'unseen real images' }).waitFor({ timeout: 60_000 });
  assert.ok(await drawn('novelty'));
  // The novelty figure's numbers are the server's.
  const novelty = (
    (await (await fetch(new URL('/api/runs/acgan/novelty', address))).json()) as { novelty: { closeShare: number } }
  ).novelty;
  assert.match(
    await page.locator('#novelty-text').innerText(),
    new RegExp(` ${(100 * novelty.closeShare).toFixed(1).replace('.', '\\.')}% of G's images are closer`),
  );
  assert.ok(await drawn('tracks'));
  assert.equal(problems, []);
});

test('a run that does not exist: one line on the page', async () => {
  await page.goto(`${address}explore?run=nothing-here`);
  await page.locator('#error').filter({ hasText: 'no run' }).waitFor();
  assert.is(await page.locator('#error').innerText(), "no run 'nothing-here' in the runs folder");
});

test.after(async () => {
  await browser?.close();
  server?.kill('SIGTERM');
});

test.run();
