/**
 * The studio's page as a first-time student and a screen reader meet it, in Debian's chromium:
 * beginner mode on a first visit (a word on G and D, a few fields, the rest folded), a help line
 * for every field and every view, an accessible name for every control and a text alternative for
 * every picture, the views' text at least 12 CSS pixels at the page's size and pixel ratio (at
 * 1400 px and 390 px, on a plain and a double-density screen), the keys, and a narrow screen that
 * does not scroll sideways.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CHROMIUM, CHROMIUM_ARGS, showAllSettings } from './helpers/browser.ts';
import { runScriptAsync } from './helpers/cli.ts';
import { startStudio } from './helpers/studio.ts';

const runsDir = mkdtempSync(join(tmpdir(), 'ganstream-page-reading-'));
// A recorded run whose D is too strong from step 31 to 150, then recovers: its warning comes and clears.
mkdirSync(join(runsDir, 'recovered'));
writeFileSync(
  join(runsDir, 'recovered', 'metrics.ndjson'),
  readFileSync('fixtures/streams/healthy.ndjson', 'utf8')
    .split('\n')
    .map((line) => {
      const e = line ? JSON.parse(line) : null;
      if (e?.type !== 'step' || e.step < 31 || e.step > 150) return line;
      return JSON.stringify({ ...e, dAccReal: 1, dAccFake: 1, dReal: 0.99, dFake: 0.01 });
    })
    .join('\n'),
);
let server: ChildProcess;
let address = '';
let browser: Browser;

test.before(async () => {
  // A run with every view's data: snapshots, milestones, quality checks, real-vs-fake comparisons.
  const trained = await runScriptAsync('scripts/train.ts', [
    ...['--dataset', 'mnist-small', '--limit', '256', '--batch-size', '32', '--epochs', '2'],
    ...['--eval-every', '1', '--milestones', '1,2', '--out', join(runsDir, 'trained')],
  ]);
  assert.is(trained.code, 0, trained.stderr);
  ({ child: server, address } = await startStudio(runsDir));
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
});

/**
 * Records, for every text a canvas draws, its size in CSS pixels: the font's size, times the
 * context's scale, times the canvas's size on the page over its size in pixels.
 */
function recordCanvasText(): void {
  const sizes: Record<string, number[]> = {};
  const texts: Record<string, string[]> = {};
  (window as unknown as { canvasText: typeof sizes }).canvasText = sizes;
  (window as unknown as { canvasWords: typeof texts }).canvasWords = texts;
  const fillText = CanvasRenderingContext2D.prototype.fillText;
  CanvasRenderingContext2D.prototype.fillText = function (this: CanvasRenderingContext2D, ...args) {
    const canvas = this.canvas;
    const px = Number(/(\d+(?:\.\d+)?)px/.exec(this.font)?.[1]);
    const onPage = canvas.getBoundingClientRect().width / canvas.width;
    const t = this.getTransform();
    if (canvas.id && args[0] !== '') {
      sizes[canvas.id] = sizes[canvas.id] ?? [];
      sizes[canvas.id].push(px * Math.hypot(t.a, t.b) * onPage);
      texts[canvas.id] = texts[canvas.id] ?? [];
      texts[canvas.id].push(String(args[0]));
    }
    return fillText.apply(this, args);
  };
}

async function openPage(
  viewport: { width: number; height: number },
  deviceScaleFactor = 1,
): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await browser.newContext({ viewport, deviceScaleFactor });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text());
  });
  await page.addInitScript(recordCanvasText);
  await page.goto(address);
  await page.locator('#runs li[data-run="trained"]').waitFor();
  return { context, page, problems };
}

/** Replays the trained run at once, every view drawn. */
async function replayAll(page: Page): Promise<void> {
  await page.selectOption('#speed', '0');
  await page.click('#runs li[data-run="trained"] button:text("Replay")');
  await page.waitForFunction(() => /replayed trained/.test(document.getElementById('status')!.innerText));
  // Drawn within a frame or two of the last event (the curves at most once a second).
  await page.waitForFunction(() =>
    ['curves', 'histogram', 'quality', 'milestones', 'real-vs-fake'].every(
      (id) => ((window as unknown as { canvasText: Record<string, number[]> }).canvasText[id]?.length ?? 0) > 0,
    ),
  );
  await page.waitForTimeout(1500);
}

test('a first visit: beginner mode, a word on what G and D are, three fields and the rest folded; the choice is remembered', async () => {
  const { context, page, problems } = await openPage({ width: 1400, height: 1000 });
  assert.ok(await page.isChecked('#beginner'));
  assert.match(
    await page.innerText('#intro'),
    /G, the generator, turns random noise into pictures; D, the discriminator/,
  );
  for (const f of ['dataset', 'limit', 'epochs']) assert.ok(await page.isVisible(`#field-${f}`), `${f} shown`);
  for (const f of ['lr', 'batch-size', 'arch', 'seed', 'name'])
    assert.not.ok(await page.isVisible(`#field-${f}`), `${f} folded under More settings`);
  await page.click('#more-settings > summary');
  assert.ok(await page.isVisible('#field-lr'), 'More settings opens');
  await page.uncheck('#beginner');
  assert.not.ok(await page.isVisible('#intro'));
  await page.reload();
  await page.locator('#field-lr').waitFor();
  assert.not.ok(await page.isChecked('#beginner'), 'remembered');
  assert.ok(await page.isVisible('#field-lr'));
  assert.not.ok(await page.isVisible('#intro'));
  await context.close();
  assert.equal(problems, []);
});

test("every field's help: on focus (over the form, moving nothing), as its tooltip, and by its '?' on a touch screen", async () => {
  const { context, page, problems } = await openPage({ width: 1400, height: 1000 });
  await showAllSettings(page);
  const fields = await page.$$eval('.field', (boxes) =>
    boxes.map((b) => ({
      flag: (b as HTMLElement).dataset.flag!,
      help: b.querySelector('.field-help')!.textContent ?? '',
      title: (b.querySelector('input, select') as HTMLElement).title,
    })),
  );
  assert.ok(fields.length >= 16, `${fields.length} fields`);
  for (const f of fields) {
    assert.ok(f.help.length > 30 && !/--/.test(f.help), `${f.flag}'s help in plain words: '${f.help}'`);
    assert.ok(f.title.startsWith(f.help), `${f.flag}'s tooltip`);
  }
  const start = await page.locator('#start').boundingBox();
  await page.focus('#field-lr');
  assert.ok(await page.isVisible('#help-lr'));
  assert.match(await page.innerText('#help-lr'), /How big a change each step makes/);
  assert.equal(await page.locator('#start').boundingBox(), start, 'the Start button has not moved');
  await page.focus('#field-seed');
  assert.not.ok(await page.isVisible('#help-lr'));
  await page.click('.field[data-flag="epochs"] .help-toggle');
  await page.locator('#start').focus();
  assert.ok(await page.isVisible('#help-epochs'), "the '?' keeps it shown");
  assert.is(await page.getAttribute('.field[data-flag="epochs"] .help-toggle', 'aria-expanded'), 'true');
  await page.click('.field[data-flag="epochs"] .help-toggle');
  await page.locator('#start').focus();
  assert.not.ok(await page.isVisible('#help-epochs'));
  await context.close();
  assert.equal(problems, []);
});

test('as a screen reader reads it: every control has a name, every field its help as description, every picture a name and a caption', async () => {
  const { context, page, problems } = await openPage({ width: 1400, height: 1000 });
  await showAllSettings(page);
  await replayAll(page);
  const cdp = await context.newCDPSession(page);
  const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as {
    nodes: {
      ignored: boolean;
      role?: { value: string };
      name?: { value: string };
      description?: { value: string };
      backendDOMNodeId?: number;
    }[];
  };
  const CONTROLS = ['button', 'textbox', 'combobox', 'checkbox', 'slider', 'link', 'spinbutton', 'DisclosureTriangle'];
  const controls = nodes.filter((n) => !n.ignored && CONTROLS.includes(n.role?.value ?? ''));
  assert.ok(controls.length > 30, `${controls.length} controls`);
  const unnamed = controls.filter((n) => !n.name?.value.trim()).map((n) => n.role?.value);
  assert.equal(unnamed, [], 'controls without an accessible name');
  // The form's fields: named by their labels, described by their help.
  const lr = controls.find((n) => n.name?.value === 'Learning rate');
  assert.ok(lr, 'the learning rate field, named by its label');
  assert.match(lr!.description?.value ?? '', /How big a change each step makes/);
  const images = nodes.filter((n) => !n.ignored && n.role?.value === 'image');
  const named = Object.fromEntries(images.map((n) => [n.name?.value ?? '', n.description?.value ?? '']));
  for (const id of ['grid', 'curves', 'milestones', 'histogram', 'quality', 'real-vs-fake']) {
    const label = await page.getAttribute(`#${id}`, 'aria-label');
    assert.ok(label && label in named, `#${id} is an image named '${label}'`);
    assert.ok(named[label!].length > 40, `#${id}'s caption: '${named[label!]}'`);
  }
  // Every view's section says what it shows in one line.
  const helps = await page.$$eval('section h2 + .view-help', (ps) => ps.map((p) => p.textContent ?? ''));
  assert.ok(helps.length >= 10 && helps.every((h) => h.length > 40), helps.join(' | '));
  await context.close();
  assert.equal(problems, []);
});

for (const [width, ratio] of [
  [1400, 1],
  [1400, 2],
  [390, 1],
] as const)
  test(`at ${width} px${ratio > 1 ? `, ${ratio} device pixels to a CSS pixel` : ''}: the views' text is at least 12 CSS px, plots drawn at the screen's pixel ratio${width < 500 ? ', nothing scrolls the page sideways' : ''}`, async () => {
    const { context, page, problems } = await openPage({ width, height: 900 }, ratio);
    await replayAll(page);
    const sizes = await page.evaluate(() => (window as unknown as { canvasText: Record<string, number[]> }).canvasText);
    for (const id of ['curves', 'histogram', 'quality', 'milestones', 'real-vs-fake']) {
      const smallest = Math.min(...sizes[id]);
      assert.ok(smallest >= 12 - 1e-6, `#${id}: text of ${smallest.toFixed(1)} CSS px`);
    }
    for (const id of ['curves', 'histogram', 'quality']) {
      const { drawn, shown } = await page.$eval(`#${id}`, (c) => ({
        drawn: (c as HTMLCanvasElement).width,
        shown: c.getBoundingClientRect().width,
      }));
      assert.ok(Math.abs(drawn - shown * ratio) <= 1, `#${id}: ${drawn} pixels for ${shown} CSS px at ${ratio}x`);
    }
    if (width < 500) {
      const wide = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(wide <= width, `the page is ${wide} px wide in a ${width} px screen`);
    }
    await context.close();
    assert.equal(problems, []);
  });

test("the model overview: G and D layer by layer, each layer's shape and learned numbers, which add up to each network's", async () => {
  const { context, page, problems } = await openPage({ width: 1400, height: 1000 });
  await replayAll(page);
  const rows = await page.$$eval('#model-graph .model-row', (rs) =>
    rs.map((r) => ({
      name: r.querySelector('.model-name')!.textContent ?? '',
      nodes: Array.from(r.querySelectorAll('.node'), (n) => n.textContent ?? ''),
    })),
  );
  assert.is(rows.length, 2);
  const [g, d] = rows;
  assert.match(g.name, /^G, the generator \([\d,]+ learned numbers\)$/);
  assert.match(g.nodes[0], /^noise100 random numbers$/);
  assert.match(g.nodes[1], /^dense256 out, 25,856 learned$/, 'noise 100 to 256: 100 x 256 weights and 256 biases');
  assert.match(g.nodes.at(-1)!, /^G's picture28×28, to D$/);
  assert.match(d.nodes[0], /^real pictures28×28, from /);
  assert.match(d.nodes.at(-1)!, /^the losses/);
  for (const net of rows) {
    const total = Number(/\(([\d,]+) learned/.exec(net.name)![1].replace(/,/g, ''));
    const learned = net.nodes.map((n) => Number(/([\d,]+) learned$/.exec(n)?.[1].replace(/,/g, '') ?? 0));
    assert.is(
      learned.reduce((a, b) => a + b, 0),
      total,
      net.name,
    );
  }
  await context.close();
  assert.equal(problems, []);
});

test("a warning in the page's words (the field's label, not the flag), and once it has cleared it says so and moves below", async () => {
  const { context, page, problems } = await openPage({ width: 1400, height: 1000 });
  await page.selectOption('#speed', '0');
  await page.click('#runs li[data-run="recovered"] button:text("Replay")');
  await page.waitForFunction(() => /replayed recovered/.test(document.getElementById('status')!.innerText));
  await page.waitForFunction(() => document.querySelector('#warnings .card.cleared') !== null);
  const card = await page.innerText('#warnings .card.cleared');
  assert.match(card, /^d-too-strong at step \d+ \(epoch \d\): cleared at step \d+\s/, card);
  assert.match(card, /“Learning rate”/);
  assert.not.match(card, /--lr/);
  // Its mark on the curves says so too.
  await page.waitForFunction(() =>
    (window as unknown as { canvasWords: Record<string, string[]> }).canvasWords.curves?.includes(
      'd-too-strong (cleared)',
    ),
  );
  await context.close();
  assert.equal(problems, []);
});

/** The status line matching `re`, waited for. */
const statusIs = (page: Page, re: RegExp) =>
  page.waitForFunction((source) => new RegExp(source).test(document.getElementById('status')!.innerText), re.source);

/** A run long enough to stay live (256 digits, 200 epochs), started from the form and playing. */
async function startLong(page: Page, name: string): Promise<void> {
  await showAllSettings(page);
  await page.fill('#field-limit', '256');
  await page.fill('#field-epochs', '200');
  await page.fill('#field-batch-size', '32');
  await page.fill('#field-name', name);
  await page.click('#start');
  await statusIs(page, new RegExp(`${name}: playing`));
}

test('"Walk through one update" at any time: it pauses, steps, shows the stages and offers to continue; once training moves on it says the walk is stale', async () => {
  const { context, page, problems } = await openPage({ width: 1400, height: 1000 });
  assert.ok(await page.isVisible('#walk'), 'the control is there before any run');
  await startLong(page, 'walked');
  const status = (re: RegExp) => statusIs(page, re);
  await page.click('#walk');
  await status(/walked: paused/);
  await page.waitForFunction(() => !document.getElementById('probe-section')!.hidden, undefined, { timeout: 60_000 });
  assert.match(await page.innerText('#probe-stage'), /^1\. G draws \(stage 1 of \d\)$/);
  // The model overview lights what the stage is about: G from the noise to its picture, then D judging.
  const lit = () =>
    page.$$eval('#model-graph .node.lit', (ns) =>
      Array.from(new Set(ns.map((n) => (n as HTMLElement).dataset.part))).sort(),
    );
  assert.equal(await lit(), ['fake', 'g', 'noise']);
  await page.click('#probe-next');
  assert.equal(await lit(), ['d', 'fake', 'real', 'score']);
  assert.not.ok(await page.isVisible('#probe-stale'));
  assert.ok(await page.isEnabled('#probe-continue'));
  await page.click('#probe-continue');
  await status(/walked: playing/);
  await page.waitForFunction(() => !document.getElementById('probe-stale')!.hidden, undefined, { timeout: 60_000 });
  assert.match(
    await page.innerText('#probe-stale'),
    /^Training has moved on to step [\d,]+: this walk-through is of step [\d,]+\./,
  );
  await page.click('#stop');
  await status(/walked: (ended|interrupted|stopped)/);
  await context.close();
  assert.equal(problems, []);
});

test('keys: space pauses and resumes a live run, s takes one step; typed into a field they are text', async () => {
  const { context, page, problems } = await openPage({ width: 1400, height: 1000 });
  await startLong(page, 'keys');
  const status = (re: RegExp) => statusIs(page, re);
  await page.locator('body').click({ position: { x: 5, y: 300 } });
  await page.keyboard.press(' ');
  await status(/keys: paused/);
  await page.waitForTimeout(1000);
  const step = async () => Number(/step\s+([\d,]+)/.exec(await page.innerText('#numbers'))?.[1].replace(/,/g, ''));
  const held = await step();
  await page.keyboard.press('s');
  await page.waitForFunction(
    (n) => new RegExp(`step\\s+${n}\\b`).test(document.getElementById('numbers')!.innerText),
    held + 1,
  );
  await page.focus('#field-name');
  await page.keyboard.press('s');
  await page.waitForTimeout(1000);
  assert.is(await step(), held + 1, 'an s typed into a field takes no step');
  await page.locator('body').click({ position: { x: 5, y: 300 } });
  await page.keyboard.press(' ');
  await status(/keys: playing/);
  await page.click('#stop');
  await status(/keys: (ended|interrupted|stopped)/);
  await context.close();
  assert.equal(problems, []);
});

test.after(async () => {
  await browser?.close();
  server?.kill();
});

test.run();
