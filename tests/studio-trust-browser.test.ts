/**
 * The studio against the pages a student's browser opens, and without its server, in Debian's
 * chromium: a page on another local port tries every way to drive a paused run (no-cors fetches,
 * form posts, a JSON request needing permission, a read) and the run is untouched; a rebinding
 * name is refused; the studio killed mid-run shows a banner, disables its controls, reconnects
 * with back-off, shows the run from its record and continues it; a lost connection to a live run
 * is followed again without an event twice or missing.
 */

import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CHROMIUM, CHROMIUM_ARGS, showAllSettings } from './helpers/browser.ts';
import { startStudio } from './helpers/studio.ts';

const runsDir = mkdtempSync(join(tmpdir(), 'ganstream-trust-page-'));
let studio: ChildProcess;
let address = '';
let browser: Browser;
let page: Page;
const problems: string[] = [];

const api = async (path: string, body?: unknown) => {
  const r = await fetch(
    new URL(path, address),
    body === undefined
      ? {}
      : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
  );
  return {
    status: r.status,
    json: (await r.json()) as { live?: { name: string; state: string } | null; state?: string; error?: string },
  };
};
const recordLines = (name: string) =>
  readFileSync(join(runsDir, name, 'metrics.ndjson'), 'utf8')
    .trimEnd()
    .split('\n');
const stepsRecorded = (name: string) => recordLines(name).filter((l) => l.startsWith('{"type":"step"')).length;
const until = async (ok: () => boolean | Promise<boolean>, what: string, ms = 60_000) => {
  const t0 = Date.now();
  while (!(await ok())) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};
const small = {
  dataset: 'mnist-small',
  limit: '256',
  'batch-size': '32',
  'snapshot-every': '5',
  milestones: '1',
  'milestone-steps': '0',
};

test.before(async () => {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install chromium (.ci/run does)`);
  ({ child: studio, address } = await startStudio(runsDir));
  // rebind.test resolves to this machine, as a DNS-rebinding attacker's name would.
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [...CHROMIUM_ARGS, '--host-resolver-rules=MAP rebind.test 127.0.0.1'],
  });
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
});

/** The attacker's page: every mutating endpoint by no-cors fetch and by a form post, a JSON request that needs permission, a read. */
const attackPage = (studioOrigin: string) => `<!doctype html><title>attacking</title><body><script>
const base = ${JSON.stringify(studioOrigin)};
const outcome = (p) => p.then((r) => (r.type === 'opaque' ? 'sent' : 'answered ' + r.status), () => 'blocked');
const tries = {};
for (const action of ['play', 'step', 'stop']) tries['no-cors ' + action] = outcome(fetch(base + '/api/live/' + action, { method: 'POST', mode: 'no-cors', body: '{"steps":5}' }));
tries['no-cors start'] = outcome(fetch(base + '/api/runs', { method: 'POST', mode: 'no-cors', body: JSON.stringify({ name: 'evil', flags: { dataset: 'mnist-small', limit: '64', 'batch-size': '32', epochs: '1' } }) }));
tries['no-cors resume'] = outcome(fetch(base + '/api/runs/target/resume', { method: 'POST', mode: 'no-cors', body: '{}' }));
tries['json play'] = outcome(fetch(base + '/api/live/play', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }));
tries['read state'] = fetch(base + '/api/state').then((r) => r.text()).then(() => 'read', () => 'blocked');
let forms = 0;
for (const action of ['live/play', 'live/step', 'live/stop', 'runs']) {
  const frame = document.createElement('iframe');
  frame.name = 'f' + forms;
  document.body.append(frame);
  const form = document.createElement('form');
  form.method = 'POST'; form.enctype = 'text/plain'; form.action = base + '/api/' + action; form.target = frame.name;
  const input = document.createElement('input');
  input.name = '{"steps":3,"name":"evil-form","flags":{},"x":"'; input.value = '"}';
  form.append(input);
  document.body.append(form);
  tries['form ' + action] = new Promise((done) => { frame.onload = () => done('posted'); });
  form.submit();
  forms++;
}
Promise.all(Object.entries(tries).map(async ([k, p]) => [k, await p])).then((all) => { document.title = JSON.stringify(Object.fromEntries(all)); });
</script>`;

test('a page on another local port cannot drive a paused run, start one or read the studio', async () => {
  assert.is((await api('/api/runs', { name: 'target', flags: { ...small, epochs: '100' } })).status, 201);
  await until(
    () => existsSync(join(runsDir, 'target', 'metrics.ndjson')) && stepsRecorded('target') >= 3,
    'a few steps',
  );
  assert.is((await api('/api/live/pause', {})).json.state, 'paused');
  await until(async () => (await api('/api/state')).json.live?.state === 'paused', 'the pause');
  const held = stepsRecorded('target');
  const studioOrigin = address.replace(/\/$/, '');
  const evil: Server = createServer((_, res) => {
    res.setHeader('content-type', 'text/html');
    res.end(attackPage(studioOrigin));
  });
  await new Promise<void>((r) => evil.listen(0, '127.0.0.1', () => r()));
  try {
    const attacker = await browser.newPage();
    await attacker.goto(`http://localhost:${(evil.address() as AddressInfo).port}/`);
    await attacker.waitForFunction(() => document.title.startsWith('{'), undefined, { timeout: 30_000 });
    const outcomes = JSON.parse(await attacker.title()) as Record<string, string>;
    await attacker.close();
    assert.is(
      outcomes['json play'],
      'blocked',
      'the browser asked permission for JSON from another origin, and got none',
    );
    assert.is(outcomes['read state'], 'blocked');
    assert.is(outcomes['form live/stop'], 'posted', 'the form posts were made');
  } finally {
    evil.close();
  }
  // Every request has been answered (the page saw each one end): the run is as it was.
  const now = await api('/api/state');
  assert.equal(now.json.live, { name: 'target', state: 'paused', message: null });
  assert.is(stepsRecorded('target'), held, 'no step was taken');
  assert.equal(readdirSync(runsDir).sort(), ['target']);
});

test('a rebinding name reaches the studio and is refused: 421 for the page', async () => {
  const port = new URL(address).port;
  const rebound = await browser.newPage();
  const response = await rebound.goto(`http://rebind.test:${port}/`);
  assert.is(response!.status(), 421);
  assert.match(await rebound.innerText('body'), /host \\"rebind\.test:\d+\\": expected this studio's own address/);
  await rebound.close();
  assert.is((await api('/api/live/stop', {})).json.state, 'stopping');
  await until(async () => (await api('/api/state')).json.live?.state === 'ended', 'the stop');
});

test('a lost connection to a live run: a banner, the controls off, then the run followed again with every event once', async () => {
  await page.goto(address);
  await showAllSettings(page);
  await page.selectOption('#preset', 'quick');
  for (const [flag, value] of Object.entries({ ...small, epochs: '400' })) {
    const field = page.locator(`#field-${flag}`);
    if ((await field.count()) === 0) continue;
    if ((await field.evaluate((e) => e.tagName)) === 'SELECT') await field.selectOption(value);
    else await field.fill(value);
  }
  await page.fill('#field-name', 'followed');
  await page.click('#start');
  await page.waitForFunction(() => /followed: playing/.test(document.getElementById('status')!.innerText));
  await until(() => stepsRecorded('followed') > 20, 'some steps');
  await page.context().setOffline(true);
  await page.locator('#server-lost').waitFor();
  assert.ok(await page.locator('#pause').isDisabled());
  assert.ok(await page.locator('#stop').isDisabled());
  assert.match(await page.innerText('#status'), /followed: the server is not answering/);
  await page.context().setOffline(false);
  await page.waitForFunction(() => document.getElementById('server-lost')!.hidden, undefined, { timeout: 30_000 });
  await page.waitForFunction(() => /followed: playing/.test(document.getElementById('status')!.innerText));
  assert.ok(await page.locator('#pause').isEnabled());
  await page.click('#pause');
  await page.waitForFunction(() => /followed: paused/.test(document.getElementById('status')!.innerText));
  const lines = recordLines('followed').length;
  await page.waitForFunction((n) => document.body.dataset.events === String(n), lines, { timeout: 10_000 });
});

test('the studio killed mid-run: a banner, the controls off, reconnection with back-off, the run shown from its record and continued', async () => {
  await page.click('#play');
  await page.waitForFunction(() => /followed: playing/.test(document.getElementById('status')!.innerText));
  await until(
    () => existsSync(join(runsDir, 'followed', 'checkpoint.bin')) && stepsRecorded('followed') > 40,
    'a checkpoint',
  );
  const port = Number(new URL(address).port);
  const killed = new Promise((r) => studio.once('exit', r));
  studio.kill('SIGKILL');
  await killed;
  await page.locator('#server-lost').waitFor();
  assert.match(await page.innerText('#server-lost'), /The studio server is not answering .* Trying again in/);
  for (const id of ['#pause', '#play', '#step', '#stop', '#start']) assert.ok(await page.locator(id).isDisabled(), id);
  // A click that still reaches a request while the server is down gets a message, never an uncaught error.
  await page.evaluate(() => fetch('/api/state').catch(() => undefined));
  ({ child: studio, address } = await startStudio(runsDir, port));
  await page.waitForFunction(() => document.getElementById('server-lost')!.hidden, undefined, { timeout: 30_000 });
  await page.waitForFunction(() => /no longer training/.test(document.getElementById('start-error')!.innerText));
  const lines = recordLines('followed').length;
  await page.waitForFunction((n) => document.body.dataset.events === String(n), lines, { timeout: 10_000 });
  const item = page.locator('#runs li[data-run="followed"]');
  assert.match(await item.innerText(), /open/);
  await item.locator('button', { hasText: 'Continue' }).click();
  await page.waitForFunction(() => /followed: playing/.test(document.getElementById('status')!.innerText));
  assert.ok(await page.locator('#pause').isEnabled());
  await page.click('#stop');
  await page.waitForFunction(() => /followed: ended/.test(document.getElementById('status')!.innerText), undefined, {
    timeout: 60_000,
  });
  const record = recordLines('followed');
  const steps = record
    .filter((l) => l.startsWith('{"type":"step"'))
    .map((l) => (JSON.parse(l) as { step: number }).step);
  assert.equal(
    steps,
    Array.from({ length: steps.length }, (_, i) => i + 1),
    'the continued record has every step once',
  );
  assert.ok(record.some((l) => l.startsWith('{"type":"run-resumed"')));
  await page.waitForFunction((n) => document.body.dataset.events === String(n), record.length, { timeout: 10_000 });
  assert.equal(problems, []);
});

test.after(async () => {
  await browser?.close();
  studio?.kill('SIGKILL');
});
test.run();
