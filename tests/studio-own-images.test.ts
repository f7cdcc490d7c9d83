/**
 * The studio with the student's own images (npm run studio -- --images DIR): the folders in DIR
 * offered as datasets, a run on one of them trained on the server in colour, and any other path
 * refused, so that a page cannot make the studio read outside DIR.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { FormField } from '../src/studio/answers.ts';
import { PAGE_HTML } from '../src/studio/page/html.ts';
import { studioApp } from '../src/studio/server.ts';
import { Studio } from '../src/studio/studio.ts';
import { useTestBackend } from './helpers/tf.ts';

await useTestBackend();

const root = mkdtempSync(join(tmpdir(), 'ganstream-studio-images-'));
const imagesDir = join(root, 'images');
const mini = join(imagesDir, 'mini');
for (const shape of ['green-squares', 'red-discs']) {
  mkdirSync(join(mini, shape), { recursive: true });
  for (let n = 0; n < 16; n++) {
    const name = `${shape}/${String(n).padStart(2, '0')}.png`;
    cpSync(join('fixtures/images/shapes', name), join(mini, name));
  }
}
writeFileSync(join(imagesDir, 'notes.txt'), 'not a folder of images');
const assets = { html: PAGE_HTML, script: '', exploreHtml: '', exploreScript: '' };
const backend = { name: 'wasm', threads: 1, kernels: [] };
const studio = new Studio({ runsDir: join(root, 'runs'), backend, quality: false, imagesDir });
const app = studioApp(studio, assets, ['localhost']);
const plain = studioApp(new Studio({ runsDir: join(root, 'plain-runs'), backend, quality: false }), assets, [
  'localhost',
]);

const fieldsOf = async (a: typeof app) =>
  ((await (await a.request('/api/state')).json()) as { fields: FormField[] }).fields;
const start = (flags: Record<string, string>, name: string) =>
  app.request('/api/runs', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, flags }),
  });

test('the form offers each folder of --images as a dataset, with the image settings; without --images, neither', async () => {
  const fields = await fieldsOf(app);
  const dataset = fields.find((f) => f.flag === 'dataset')!;
  assert.equal(dataset.choices!.slice(-1), [mini], 'the folder, not the text file beside it');
  assert.ok(dataset.choices!.includes('mnist'));
  assert.ok(fields.some((f) => f.flag === 'image-size') && fields.some((f) => f.flag === 'channels'));
  const without = await fieldsOf(plain);
  assert.not.ok(without.find((f) => f.flag === 'dataset')!.choices!.includes(mini));
  assert.not.ok(without.some((f) => f.flag === 'image-size'));
});

test('a run on an offered folder trains on the server, in colour, and records where its images came from', async () => {
  const r = await start(
    { dataset: mini, 'image-size': '8', epochs: '2', 'batch-size': '16', milestones: '2', 'milestone-steps': '0' },
    'own',
  );
  assert.is(r.status, 201, await r.clone().text());
  await studio.live!.done;
  const events = readFileSync(join(root, 'runs', 'own', 'metrics.ndjson'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.equal(
    [events[0].dataset.count, events[0].dataset.rows, events[0].dataset.channels, events[0].dataset.source.path],
    [32, 8, 3, mini],
  );
  const milestone = events.find((e) => e.type === 'milestone');
  assert.is(milestone.channels, 3);
  assert.equal(milestone.rowLabels, undefined, 'an unconditional run: no class rows');
  assert.is(events.at(-1).type, 'run-ended');
  assert.is(events.at(-1).status, 'completed');
});

test('any other path is refused beside the field (400): a folder outside --images, the folder above it, a file in it', async () => {
  for (const dataset of [root, join(imagesDir, '..'), join(imagesDir, 'notes.txt'), '/etc']) {
    const r = await start({ dataset, epochs: '1' }, `refused-${dataset.length}`);
    assert.is(r.status, 400, dataset);
    const body = (await r.json()) as { fields: Record<string, string> };
    assert.match(body.fields.dataset, new RegExp(`^--dataset: expected one of mnist, .*${mini}, got '`));
  }
});

test.run();
