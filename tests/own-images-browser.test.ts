/**
 * Your own images on the static site, in Debian's chromium: a zip dropped on the drop area, a
 * folder chosen with the folder button, checked in the page by the command line's plan (its
 * errors beside the drop area), and a cGAN run of the tab's worker on the coloured shapes whose
 * pictures come out in colour, then its explore page.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { type Browser, chromium, type Page } from 'playwright-core';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CHROMIUM, CHROMIUM_ARGS, canvasHasColour, showAllSettings } from './helpers/browser.ts';
import { serveSite } from './helpers/site.ts';

const root = mkdtempSync(join(tmpdir(), 'ganstream-own-'));
let server: ChildProcess;
let address = '';
let browser: Browser;

// The shapes fixture as a zip of its folder (what zipping a folder makes: one top folder).
const zipPath = join(root, 'shapes.zip');
const entries: Record<string, Uint8Array> = {};
for (const shape of readdirSync('fixtures/images/shapes'))
  for (const file of readdirSync(join('fixtures/images/shapes', shape)))
    entries[`shapes/${shape}/${file}`] = new Uint8Array(readFileSync(join('fixtures/images/shapes', shape, file)));
writeFileSync(zipPath, zipSync(entries));
const texts = join(root, 'texts');
mkdirSync(texts);
writeFileSync(join(texts, 'notes.txt'), 'not a picture');

test.before(async () => {
  ({ server, address } = await serveSite(join(root, 'site'), ['--datasets', 'mnist-small']));
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
});

test.after(async () => {
  await browser?.close();
  server?.kill();
});

async function openSite(): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  await page.goto(address);
  await showAllSettings(page);
  return { page, problems };
}

/** Drops a file on the drop area as a browser would: a drop event carrying it. */
async function dropFile(page: Page, path: string, name: string): Promise<void> {
  const bytes = Array.from(readFileSync(path));
  await page.evaluate(
    ({ bytes, name }) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([new Uint8Array(bytes)], name));
      const area = document.getElementById('own-images')!;
      area.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    },
    { bytes, name },
  );
}

test('a folder of other files, then a zip dropped: the first refused beside the drop area, the second checked and chosen', async () => {
  const { page, problems } = await openSite();
  assert.ok(await page.isVisible('#own-images'), 'the drop area shows on the site');
  await page.setInputFiles('#images-folder', texts);
  await page.waitForFunction(() => document.getElementById('images-error')!.textContent !== '');
  assert.is(
    await page.innerText('#images-error'),
    'texts: no PNG or JPEG images (1 other files, such as notes.txt), expected *.png, *.jpg or *.jpeg files, in one subfolder per class or all in the folder itself',
  );
  await dropFile(page, zipPath, 'shapes.zip');
  await page.waitForFunction(() => /shapes: 240 images/.test(document.getElementById('images-status')!.textContent!));
  assert.is(await page.innerText('#images-error'), '');
  assert.match(
    await page.innerText('#images-status'),
    /^shapes: 240 images, 3 classes \(blue-triangles, green-squares, red-discs\), to train at 32x32 \(Image size, under More settings, changes it\)\. Chosen as the dataset; they stay in this tab\.$/,
  );
  assert.is(await page.inputValue('#field-dataset'), 'shapes');
  assert.equal(problems, []);
  await page.close();
});

test("a cGAN on the shapes, chosen as a folder, trains in the tab and draws in colour; its explore page draws the folder's classes and says what needs the images", async () => {
  const { page, problems } = await openSite();
  await page.setInputFiles('#images-folder', 'fixtures/images/shapes');
  await page.waitForFunction(() => /shapes: 240 images/.test(document.getElementById('images-status')!.textContent!));
  await page.selectOption('#field-arch', 'cgan');
  await page.fill('#field-image-size', '8');
  await page.fill('#field-epochs', '2');
  await page.fill('#field-batch-size', '32');
  await page.fill('#field-name', 'own-shapes');
  await page.click('#start');
  await page.waitForFunction(() => /own-shapes: ended/.test(document.getElementById('status')!.innerText), null, {
    timeout: 120_000,
  });
  assert.match(await page.innerText('#runs'), /own-shapes\s+cgan on shapes, step 14 of 14, completed/);
  assert.match(await page.innerText('#run-note'), /no quality checks \(your own images: /);
  for (const id of ['grid', 'milestones', 'real-vs-fake'])
    assert.ok(await canvasHasColour(page, id), `#${id} is in colour`);
  assert.equal(problems, []);
  // Explore: G's rows named by the folder's classes (from the run's record), in colour; what needs the images, said.
  await page.click('#runs li[data-run="own-shapes"] a.explore');
  await page.waitForFunction(() => Number((document.getElementById('grid') as HTMLCanvasElement).dataset.count) > 0);
  assert.equal(await page.locator('#classes button').allTextContents(), [
    'blue-triangles',
    'green-squares',
    'red-discs',
    'all classes',
  ]);
  assert.ok(await canvasHasColour(page, 'grid'), "G's grid on the explore page is in colour");
  await page.waitForFunction(() => /the site does not keep/.test(document.getElementById('error')!.textContent ?? ''));
  assert.match(
    await page.innerText('#error'),
    /^the run trained on your own images \(shapes\): the nearest training images and the novelty figure need those images, which the site does not keep after training; the studio \(npm run studio -- --images DIR\) explores runs on your own folders/,
  );
  assert.equal(problems, []);
  await page.close();
});

test.run();
