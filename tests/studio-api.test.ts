import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { scaled } from '../src/data/dataset.ts';
import { classifierDir, classify, loadClassifier } from '../src/quality/classifier.ts';
import { argmaxes } from '../src/quality/metrics.ts';
import { decodeEvent, type TrainingEvent, unpackPixels } from '../src/streams/events.ts';
import { PAGE_HTML } from '../src/studio/page/html.ts';
import { studioApp } from '../src/studio/server.ts';
import { Studio } from '../src/studio/studio.ts';
import { acganRun } from './helpers/acgan-run.ts';
import { assertSameValues } from './helpers/arrays.ts';
import { runScript } from './helpers/cli.ts';
import { unwrap } from './helpers/either.ts';
import { useTestBackend } from './helpers/tf.ts';

await useTestBackend();

const runsDir = mkdtempSync(join(tmpdir(), 'ganstream-studio-'));
const outside = mkdtempSync(join(tmpdir(), 'ganstream-outside-'));
const studio = new Studio({ runsDir, backend: { name: 'wasm', threads: 1, kernels: [] }, quality: false });
const app = studioApp(
  studio,
  {
    html: PAGE_HTML,
    script: 'console.log("page")',
    exploreHtml: '<p>explore</p>',
    exploreScript: 'console.log("explore")',
  },
  ['localhost'],
);
const small = {
  dataset: 'mnist-small',
  limit: '256',
  'batch-size': '32',
  epochs: '2',
  milestones: '1',
  'milestone-steps': '0',
  'snapshot-every': '4',
};

const post = (path: string, body: unknown, raw = false) =>
  app.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: raw ? (body as string) : JSON.stringify(body),
  });
const json = async (r: Response) =>
  (await r.json()) as { error?: string; fields?: Record<string, string>; name?: string; state?: string };
const until = async (ok: () => boolean, what: string, ms = 60_000) => {
  const t0 = Date.now();
  while (!ok()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

/** Reads an SSE response until `enough` says so (or it ends); returns the decoded events and states. */
async function readSse(r: Response, enough: (events: TrainingEvent[], states: string[]) => boolean) {
  const reader = r.body!.getReader();
  const decoder = new TextDecoder();
  const events: TrainingEvent[] = [];
  const states: string[] = [];
  let text = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
    for (let cut = text.indexOf('\n\n'); cut !== -1; cut = text.indexOf('\n\n')) {
      const block = text.slice(0, cut);
      text = text.slice(cut + 2);
      const kind = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1] ?? '';
      if (kind === 'event') events.push(unwrap(decodeEvent(data)));
      if (kind === 'state') states.push(JSON.parse(data).state);
    }
    if (enough(events, states)) {
      await reader.cancel();
      break;
    }
  }
  return { events, states };
}

test("the page and its script are served; the state lists presets and the form's fields from the flag table", async () => {
  const page = await app.request('/');
  assert.is(page.status, 200);
  assert.match(await page.text(), /<script type="module" src="studio.js">/);
  const script = await app.request('/studio.js');
  assert.match(script.headers.get('content-type') ?? '', /javascript/);
  const state = (await (await app.request('/api/state')).json()) as {
    live: unknown;
    presets: { name: string }[];
    fields: {
      flag: string;
      label: string;
      help: string;
      basic: boolean;
      placeholder: string;
      choices: string[] | null;
      default: string | null;
    }[];
  };
  assert.is(state.live, null);
  assert.equal(
    state.presets.map((p) => p.name),
    ['default', 'quick', 'conditional', 'reference-000', 'reference-004'],
  );
  const field = (flag: string) => state.fields.find((f) => f.flag === flag);
  assert.equal(
    state.fields.map((f) => f.flag),
    [
      'dataset',
      'limit',
      'arch',
      'loss',
      'epochs',
      'batch-size',
      'lr',
      'lr-d',
      'lr-g',
      'd-steps',
      'lr-schedule',
      'label-smoothing',
      'ema',
      'seed',
      'snapshot-every',
      'eval-every',
    ],
  );
  assert.is(field('arch')?.default, 'mlp-gbn');
  assert.equal(field('dataset')?.choices, ['mnist', 'mnist-small', 'fashion-mnist']);
  assert.equal(field('lr')?.placeholder, '0.0004', "the default architecture's rate");
  assert.equal(field('d-steps'), {
    flag: 'd-steps',
    label: 'D steps per G step',
    help: 'How many times D trains for each time G does. More keeps D ahead of G, and each epoch has fewer G steps.',
    basic: false,
    placeholder: '1',
    choices: null,
    default: null,
  });
  assert.equal(field('limit')?.placeholder, 'all');
  // Beginner mode's fields: the data, how much of it, how long.
  assert.equal(
    state.fields.filter((f) => f.basic).map((f) => f.flag),
    ['dataset', 'limit', 'epochs'],
  );
});

const badStarts: [string, unknown, number, RegExp, Record<string, RegExp>?][] = [
  ['not JSON', '{oops', 400, /^start: the request body is not JSON$/],
  ['no flags', { name: 'x' }, 400, /^start: flags: expected an object of flag names and string values, got nothing$/],
  ['not an object', [], 400, /^start: body: expected an object with flags and an optional name, got \[\]$/],
  ['flags not strings', { flags: { epochs: 3 } }, 400, /^start: flags\.epochs: expected string, got 3$/],
  [
    'a bad number and a bad name',
    { flags: { epochs: '-1', arch: 'gpt' } },
    400,
    /^--epochs: expected an integer from 1 to 100000, got '-1'$/,
    { epochs: /^--epochs: expected/, arch: /^--arch: expected one of mlp-gbn/ },
  ],
  [
    'the run folder from the page',
    { flags: { out: '/tmp/elsewhere' } },
    400,
    /^--out: not a setting here/,
    { out: /not a setting here/ },
  ],
  ['a resume path', { flags: { resume: '../x' } }, 400, /^--resume: not a setting here/],
  [
    'a dataset path',
    { flags: { dataset: '/etc' } },
    400,
    /^--dataset: expected one of mnist, mnist-small, fashion-mnist, got '\/etc'$/,
    { dataset: /expected one of/ },
  ],
  ['a parent path as name', { name: '../escape', flags: {} }, 400, /^run name '\.\.\/escape': expected 1-80 letters/],
  ['an absolute path as name', { name: outside, flags: {} }, 400, /^run name '.*': expected 1-80 letters/],
  ['a dotted name', { name: '..', flags: {} }, 400, /^run name '\.\.': expected/],
  [
    "a bad name, epochs and rate: every field's message at once",
    { name: '../x', flags: { epochs: 'ten', lr: '-1' } },
    400,
    /^run name '\.\.\/x': expected/,
    { name: /^run name/, epochs: /^--epochs: expected/, lr: /^--lr: expected/ },
  ],
  [
    'a batch larger than the images',
    { name: 'big', flags: { ...small, 'batch-size': '512' } },
    400,
    /^--batch-size 512 is larger than the 256 images/,
  ],
];

for (const [what, body, status, message, fields] of badStarts) {
  test(`start refused, ${what}: ${status} with one line, nothing written`, async () => {
    const before = readdirSync(runsDir);
    const r = await post('/api/runs', body, typeof body === 'string');
    assert.is(r.status, status);
    const j = await json(r);
    assert.match(j.error!, message);
    assert.not.match(j.error!, /\n/);
    for (const [field, m] of Object.entries(fields ?? {})) assert.match(j.fields![field], m);
    assert.equal(readdirSync(runsDir), before);
    assert.equal(readdirSync(outside), []);
  });
}

test('other bad requests: unknown address, action, run or file; oversized body; bad step counts', async () => {
  const cases: [Response | Promise<Response>, number, RegExp][] = [
    [app.request('/api/nothing'), 404, /^no such address: GET \/api\/nothing$/],
    [post('/api/live/explode', {}), 404, /^no action 'explode'/],
    [post('/api/live/pause', {}), 409, /^no run is training: nothing to pause$/],
    [app.request('/api/runs/nope/record'), 404, /^no run 'nope' in the runs folder$/],
    [app.request('/api/runs/..%2F..%2Fetc/record'), 400, /^run name '\.\.\/\.\.\/etc': expected/],
    [app.request('/api/live/events'), 404, /^no run has been started/],
    [post('/api/runs', { flags: { seed: 'x'.repeat(70_000) } }), 413, /^request body larger than 65536 bytes$/],
    [post('/api/runs/nope/resume', {}), 404, /^no run 'nope' in the runs folder$/],
  ];
  for (const [response, status, message] of cases) {
    const r = await response;
    assert.is(r.status, status);
    assert.match((await json(r)).error!, message);
  }
});

test('a flood of bad requests: every one answered with a 4xx, and the server still starts a run after', async () => {
  const bodies = [
    '{',
    '[]',
    'null',
    '{"flags":null}',
    '{"flags":{"epochs":"0"}}',
    '{"name":"/","flags":{}}',
    '"x"',
    '{"flags":{"lr":"NaN"}}',
  ];
  const answers = await Promise.all(
    Array.from({ length: 400 }, (_, i) => post('/api/runs', bodies[i % bodies.length], true)),
  );
  assert.ok(
    answers.every((r) => r.status === 400),
    `statuses: ${[...new Set(answers.map((r) => r.status))]}`,
  );
  assert.equal(readdirSync(runsDir), []);
});

test('a run: start, a second start refused, pause holds it, one step moves it by one, play, then it completes with its files', async () => {
  const r = await post('/api/runs', { name: 'first', flags: small });
  assert.is(r.status, 201, await r.clone().text());
  assert.is((await json(r)).name, 'first');
  const again = await post('/api/runs', { name: 'second', flags: small });
  assert.is(again.status, 409);
  assert.match((await json(again)).error!, /^run 'first' is still training: one run at a time; stop it first$/);
  assert.ok(!existsSync(join(runsDir, 'second')));

  const run = studio.live!;
  // The run's own turns, not the clock: each time it asks to go on while paused, it is held.
  const heldAgain = (times: number) => {
    const h = run.control.heldTurns;
    return until(() => run.control.heldTurns >= h + times, `${times} held turns`);
  };
  assert.is((await json(await post('/api/live/pause', {}))).state, 'paused');
  await heldAgain(1); // a step under way when the pause came has ended
  const held = run.eventCount;
  await heldAgain(3);
  assert.is(run.eventCount, held, 'nothing happens while paused');
  const stepsSoFar = () =>
    readFileSync(join(runsDir, 'first', 'metrics.ndjson'), 'utf8')
      .split('\n')
      .filter((l) => l.includes('"type":"step"')).length;
  const before = stepsSoFar();
  assert.is((await json(await post('/api/live/step', { steps: 1 }))).state, 'paused');
  await until(() => stepsSoFar() === before + 1, 'one step');
  await heldAgain(3);
  assert.is(stepsSoFar(), before + 1, 'exactly one step');
  // A D step alone: the record says so (tests/steps.test.ts checks that nothing else moves).
  assert.is((await json(await post('/api/live/step', { steps: 1, only: 'd' }))).state, 'paused');
  await until(() => stepsSoFar() === before + 2, 'a D step');
  const lastStep = readFileSync(join(runsDir, 'first', 'metrics.ndjson'), 'utf8')
    .trimEnd()
    .split('\n')
    .map((l) => unwrap(decodeEvent(l)))
    .filter((e) => e.type === 'step')
    .at(-1)!;
  assert.is((lastStep as { only?: string }).only, 'd');
  const badOnly = await post('/api/live/step', { steps: 1, only: 'x' });
  assert.is(badOnly.status, 400);
  assert.match((await json(badOnly)).error!, /^step: only: expected "d" \| "g", got "x"$/);
  const badStep = await post('/api/live/step', { steps: 0 });
  assert.is(badStep.status, 400);
  assert.match((await json(badStep)).error!, /^step: steps 0: expected an integer from 1 to 10000$/);

  assert.is((await json(await post('/api/live/play', {}))).state, 'playing');
  await run.done;
  assert.is(run.state, 'ended');
  for (const f of [
    'metrics.ndjson',
    'summary.json',
    'checkpoint.bin',
    'training_history.png',
    'generator/model.json',
    'generator/weights.bin',
  ])
    assert.ok(existsSync(join(runsDir, 'first', f)), f);
  const state = (await (await app.request('/api/state')).json()) as {
    runs: { name: string; status: string; steps: number; hasGenerator: boolean }[];
  };
  assert.equal(
    state.runs.map((x) => [x.name, x.status, x.steps, x.hasGenerator]),
    [['first', 'completed', 16, true]],
  );
  const model = await app.request('/api/runs/first/generator/model.json');
  assert.is(model.status, 200);
  assert.ok(Array.isArray((await model.json()).weightsManifest));
  const sneaky = await app.request('/api/runs/first/generator/..%2F..%2Fcheckpoint.bin');
  assert.is(sneaky.status, 404);
  const record = await app.request('/api/runs/first/record');
  assert.is(
    (await record.text()).split('\n').filter(Boolean).length,
    readFileSync(join(runsDir, 'first', 'metrics.ndjson'), 'utf8')
      .split('\n')
      .filter(Boolean).length,
  );
});

test('the live stream: the record from the start, then live; a page that leaves mid-stream harms nothing; a second page catches up', async () => {
  const r = await post('/api/runs', { name: 'watched', flags: { ...small, epochs: '4' } });
  assert.is(r.status, 201);
  const run = studio.live!;
  // The first page leaves after a few events: the run lets it go and trains on.
  const early = await readSse(await app.request('/api/live/events'), (events) => events.length >= 5);
  assert.is(early.events[0].type, 'run-started');
  await until(() => run.followerCount === 0, 'the page that left to be let go');
  const afterLeaving = run.eventCount;
  await until(() => run.eventCount > afterLeaving + 3, 'more events after the page left');
  // A second page arrives later and reads to the end.
  const all = await readSse(await app.request('/api/live/events'), () => false);
  await run.done;
  assert.is(all.events[0].type, 'run-started');
  assert.is(all.events.at(-1)!.type, 'run-ended');
  assert.equal(
    all.events.filter((e) => e.type === 'step').map((e) => (e as { step: number }).step),
    Array.from({ length: 32 }, (_, i) => i + 1),
  );
  assert.equal(
    all.events.filter((e) => e.type === 'snapshot').map((e) => (e as { step: number }).step),
    [4, 8, 12, 16, 20, 24, 28, 32],
  );
  assert.is(all.states.at(-1), 'ended');
  const lines = readFileSync(join(runsDir, 'watched', 'metrics.ndjson'), 'utf8')
    .trimEnd()
    .split('\n');
  assert.is(lines.length, all.events.length, 'the page saw what the record holds');
});

test('stop: the run ends interrupted with a checkpoint; the page resumes it to the end, as the CLI would', async () => {
  const r = await post('/api/runs', { name: 'stopped', flags: { ...small, epochs: '3' } });
  assert.is(r.status, 201);
  const run = studio.live!;
  await until(() => run.eventCount > 8, 'a few steps');
  assert.is((await json(await post('/api/live/stop', {}))).state, 'stopping');
  await run.done;
  const ended = readFileSync(join(runsDir, 'stopped', 'metrics.ndjson'), 'utf8')
    .trimEnd()
    .split('\n')
    .map((l) => unwrap(decodeEvent(l)))
    .at(-1)!;
  assert.ok(ended.type === 'run-ended' && ended.status === 'interrupted');
  const badResume = await post('/api/runs/stopped/resume', { flags: { arch: 'mlp' } });
  assert.is(badResume.status, 400);
  assert.match((await json(badResume)).error!, /^--arch: not a setting here, expected one of epochs/);
  const resumed = await post('/api/runs/stopped/resume', {});
  assert.is(resumed.status, 201);
  await studio.live!.done;
  const events = readFileSync(join(runsDir, 'stopped', 'metrics.ndjson'), 'utf8')
    .trimEnd()
    .split('\n')
    .map((l) => unwrap(decodeEvent(l)));
  const last = events.at(-1)!;
  assert.ok(last.type === 'run-ended' && last.status === 'completed' && last.step === 24, JSON.stringify(last));
  assert.ok(events.some((e) => e.type === 'run-resumed'));
  const complete = await post('/api/runs/stopped/resume', {});
  assert.is(complete.status, 400);
  assert.match((await json(complete)).error!, /^run 'stopped' is already complete: all 24 steps trained/);
});

test('a name already in the runs folder is refused (409), and a folder without a record is not a run', async () => {
  const r = await post('/api/runs', { name: 'first', flags: small });
  assert.is(r.status, 409);
  assert.match((await json(r)).error!, /^run 'first' already exists in the runs folder/);
  mkdirSync(join(runsDir, 'junk'));
  writeFileSync(join(runsDir, 'junk', 'notes.txt'), 'x');
  const state = (await (await app.request('/api/state')).json()) as { runs: { name: string }[] };
  assert.ok(!state.runs.some((x) => x.name === 'junk'));
});

test('the script: bad flags and a port in use get one line and exit 2', async () => {
  const cases: [string[], RegExp][] = [
    [['--port', '99999', '--runs', outside], /^error: --port: expected an integer from 0 to 65535, got '99999'\n$/],
    [['--frobnicate', '--runs', outside], /^error: unknown flag --frobnicate \(see --help\)\n$/],
    [['--runs'], /^error: --runs needs a value\n$/],
  ];
  for (const [argv, message] of cases) {
    const r = runScript('scripts/studio.ts', argv);
    assert.is(r.code, 2, r.stderr);
    assert.match(r.stderr, message);
  }
  const busy = createServer().listen(0, '127.0.0.1');
  await new Promise((r) => busy.once('listening', r));
  const port = (busy.address() as AddressInfo).port;
  const r = runScript('scripts/studio.ts', ['--port', String(port), '--runs', outside, '--no-quality']);
  busy.close();
  assert.is(r.code, 2, r.stderr);
  assert.is(r.stderr, `error: --port ${port}: already in use on 127.0.0.1: expected a free port (0 picks one)\n`);
  assert.equal(readdirSync(outside), []);
});

test('explore: the saved D is served; real images, nearest training images, novelty and class tracks of a trained acgan; bad requests get a 4xx and one line', async () => {
  cpSync(acganRun(), join(runsDir, 'explored'), { recursive: true });
  const d = await app.request('/api/runs/explored/discriminator/model.json');
  assert.is(d.status, 200);
  assert.is(((await d.json()) as { format: string }).format, 'layers-model');
  assert.is((await app.request('/api/runs/explored/critic/model.json')).status, 404);
  const real = await app.request('/api/runs/explored/real?count=4&seed=3');
  assert.is(real.status, 200);
  const r = (await real.json()) as { count: number; labels: number[]; names: string[]; pixels: string };
  assert.is(r.count, 4);
  assert.is(r.labels.length, 4);
  assert.is(r.names[7], '7');
  assert.is(
    (await json(await app.request('/api/runs/explored/real?count=0'))).error,
    "count '0': expected an integer from 1 to 256",
  );
  // A training image's nearest training image is itself.
  const first = Array.from(Buffer.from(r.pixels, 'base64').subarray(0, 784));
  const near = await post('/api/runs/explored/nearest', { pixels: first, k: 3 });
  assert.is(near.status, 200);
  const n = (await near.json()) as { pixel: { distance: number; label: number }[]; feature: { distance: number }[] };
  assert.is(n.pixel.length, 3);
  assert.is(n.feature.length, 3);
  assert.ok(
    n.pixel[0].distance < 1e-6 && n.feature[0].distance < 1e-4,
    `${n.pixel[0].distance} ${n.feature[0].distance}`,
  );
  assert.is(n.pixel[0].label, r.labels[0]);
  const bad = async (body: unknown, status: number, message: string) => {
    const res = await post('/api/runs/explored/nearest', body);
    assert.is(res.status, status);
    assert.is((await json(res)).error, message);
  };
  await bad(
    { pixels: [...first.slice(0, 783), 300] },
    400,
    'nearest: pixels[783] is 300: expected grey levels, integers from 0 to 255',
  );
  await bad({ pixels: first.slice(0, 10) }, 400, 'nearest: an image of 10 values, expected 784 (28x28)');
  await bad({ pixels: first, k: 0 }, 400, 'nearest: k 0: expected an integer from 1 to 32');
  await bad({ image: first }, 400, 'nearest: pixels: expected an array of grey levels, got nothing');
  const novelty = await app.request('/api/runs/explored/novelty');
  assert.is(novelty.status, 200);
  const v = (await novelty.json()) as {
    novelty: { ratio: number; generatedCount: number };
    generated: number[];
    heldOut: number[];
  };
  assert.is(v.novelty.generatedCount, 1000);
  assert.ok(v.novelty.ratio > 0.8, `ratio ${v.novelty.ratio}`);
  assert.is(
    v.generated.reduce((a, b) => a + b, 0),
    1000,
  );
  const tracks = await app.request('/api/runs/explored/class-tracks');
  assert.is(tracks.status, 200);
  const t = (await tracks.json()) as { labels: string[]; classes: number[][]; names: string[] };
  assert.equal(t.labels, ['epoch 1', 'epoch 4', 'epoch 8']);
  assert.is(t.classes.length, 80);
  assert.ok(t.classes.every((row) => row.length === 3 && row.every((c) => c >= 0 && c <= 9)));
  // The last column is what the evaluator's classifier (mnist-small's: digits) says of the last milestone's images, measured here on their own.
  const milestones = readFileSync(join(runsDir, 'explored', 'metrics.ndjson'), 'utf8')
    .trimEnd()
    .split('\n')
    .map((l) => unwrap(decodeEvent(l)))
    .filter((e) => e.type === 'milestone');
  const last = milestones.at(-1)!;
  const judged = classify(
    unwrap(await loadClassifier(classifierDir('digits'))),
    Float32Array.from(unpackPixels(last), scaled),
    last.count,
  );
  assertSameValues(
    t.classes.map((row) => row[2]),
    argmaxes(judged.probs, last.count, 10),
    "the last milestone's classes",
  );
  // An AC-GAN draws its grid's rows as the classes 0-9: most of each row is its class.
  const intended = t.classes.filter((row, i) => row[2] === Math.floor(i / 8)).length;
  assert.ok(intended >= 48, `${intended} of 80 images in their row's class`);
  assert.is(
    (await json(await app.request('/api/runs/no-such-run/novelty'))).error,
    "no run 'no-such-run' in the runs folder",
  );
  assert.is((await app.request('/api/runs/..%2Fetc/class-tracks')).status, 400);
});

test.after(async () => {
  await studio.close();
});
test.run();
