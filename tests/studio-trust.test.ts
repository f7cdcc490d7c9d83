/**
 * What may reach the studio: the Host, Origin and content-type rules (guard.ts) through the app
 * itself, and the run-name checker on names that try to leave the runs folder from inside.
 */

import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { allowedHostNames, hostName } from '../src/studio/guard.ts';
import { PAGE_HTML } from '../src/studio/page/html.ts';
import { checkRunName } from '../src/studio/requests.ts';
import { studioApp } from '../src/studio/server.ts';
import { Studio } from '../src/studio/studio.ts';

const runsDir = mkdtempSync(join(tmpdir(), 'ganstream-trust-'));
const studio = new Studio({ runsDir, backend: { name: 'wasm', threads: 1, kernels: [] }, quality: false });
const app = studioApp(
  studio,
  { html: PAGE_HTML, script: '', exploreHtml: '', exploreScript: '' },
  allowedHostNames('127.0.0.1'),
);
const at = (path: string, headers: Record<string, string>, init: RequestInit = {}) =>
  app.request(`http://127.0.0.1:4000${path}`, { ...init, headers: { host: '127.0.0.1:4000', ...headers } });
const error = async (r: Response) => ((await r.json()) as { error: string }).error;

test('run names: separators, "..", a leading dot, over 80 characters, NUL and non-ASCII are refused; plain names pass', () => {
  const refused = [
    'a/b',
    'a..b',
    'x/../y',
    'a\\b',
    '.hidden',
    'a'.repeat(81),
    'a\0b',
    'ä',
    'run\u2215x',
    'a b',
    '-x',
    '',
    '..',
    'a/',
    'C:x',
  ];
  for (const name of refused) {
    const r = checkRunName(name);
    assert.ok(E.isLeft(r), `${JSON.stringify(name)} was accepted`);
    if (E.isLeft(r)) {
      assert.is(r.left.status, 400);
      assert.match(r.left.message, /^run name '.*': expected 1-80 letters, digits/);
    }
  }
  for (const name of ['a', 'run-1', 'my_run.2', 'A'.repeat(80), 'x.y'])
    assert.equal(checkRunName(name), E.right(name), name);
});

test('host names: loopback always, the listen address, and on a wildcard address every interface', () => {
  assert.equal(allowedHostNames('127.0.0.1'), ['localhost', '127.0.0.1', '[::1]']);
  assert.equal(allowedHostNames('::1'), ['localhost', '127.0.0.1', '[::1]']);
  assert.equal(allowedHostNames('192.168.1.5', ['10.0.0.1']), ['localhost', '127.0.0.1', '[::1]', '192.168.1.5']);
  assert.equal(allowedHostNames('0.0.0.0', ['10.0.0.1', 'fe80::1', 'box']), [
    'localhost',
    '127.0.0.1',
    '[::1]',
    '10.0.0.1',
    '[fe80::1]',
    'box',
  ]);
  assert.is(hostName('127.0.0.1:4000'), '127.0.0.1');
  assert.is(hostName('[::1]:80'), '[::1]');
  assert.is(hostName('LocalHost'), 'localhost');
});

test('a foreign Host (DNS rebinding) is refused for the page and every read: 421, one line', async () => {
  for (const path of ['/', '/studio.js', '/api/state', '/api/runs/x/record']) {
    const r = await at(path, { host: 'evil.example:4000' });
    assert.is(r.status, 421, path);
    assert.is(
      await error(r),
      'host "evil.example:4000": expected this studio\'s own address (localhost, 127.0.0.1, [::1]); a page on another name is refused',
    );
  }
  assert.is((await at('/', { host: 'localhost:4000' })).status, 200);
  assert.is((await at('/api/state', { host: '[::1]:8080' })).status, 200, 'a tunnelled port is still this machine');
});

test("a request from another origin or site is refused (403), reads included; the page's own and scripts' pass", async () => {
  const foreign: Record<string, string>[] = [
    { origin: 'http://localhost:4125' },
    { origin: 'http://127.0.0.1:4125' },
    { origin: 'null' },
    { 'sec-fetch-site': 'same-site' },
    { 'sec-fetch-site': 'cross-site' },
  ];
  for (const headers of foreign) {
    const read = await at('/api/state', headers);
    assert.is(read.status, 403, JSON.stringify(headers));
    assert.match(await error(read), /other pages cannot use the studio$/);
    const write = await at(
      '/api/live/pause',
      { ...headers, 'content-type': 'application/json' },
      { method: 'POST', body: '{}' },
    );
    assert.is(write.status, 403, JSON.stringify(headers));
  }
  assert.is(
    await error(await at('/api/state', { origin: 'http://localhost:4125' })),
    'origin "http://localhost:4125": expected http://127.0.0.1:4000, the studio\'s own page; other pages cannot use the studio',
  );
  assert.is((await at('/api/state', { origin: 'http://127.0.0.1:4000', 'sec-fetch-site': 'same-origin' })).status, 200);
  assert.is((await at('/api/state', {})).status, 200, 'curl sends neither');
  // Navigating to the page from a link on another site is fine: only the API is guarded.
  assert.is((await at('/', { 'sec-fetch-site': 'cross-site' })).status, 200);
});

test('a request that changes something must be JSON: text/plain, a form and no type get 415, and nothing starts', async () => {
  const body = JSON.stringify({
    name: 'sneaky',
    flags: { dataset: 'mnist-small', limit: '64', 'batch-size': '32', epochs: '1' },
  });
  for (const type of [
    'text/plain',
    'text/plain;charset=UTF-8',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    '',
  ]) {
    const headers: Record<string, string> = type ? { 'content-type': type } : {};
    for (const path of ['/api/runs', '/api/live/pause', '/api/runs/x/resume']) {
      const r = await at(path, headers, { method: 'POST', body });
      assert.is(r.status, 415, `${path} ${type}`);
      assert.match(await error(r), /^content-type ".*": expected application\/json$/);
    }
  }
  assert.equal(readdirSync(runsDir), []);
  assert.is(studio.live, null);
});

test.run();
