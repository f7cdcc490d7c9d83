import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeIdx } from '../src/data/idx.ts';
import { readSamples } from '../src/quality/samples.ts';
import { gridPng } from '../src/streams/sinks/canvas.ts';
import { runScript, runScriptAsync } from './helpers/cli.ts';
import { unwrap } from './helpers/either.ts';

const tmp = mkdtempSync(join(tmpdir(), 'ganstream-evaluate-'));
const fixture = new Uint8Array(readFileSync('fixtures/idx-raw/digits-images-idx3-ubyte')).subarray(16);

test('a PNG grid as ganstream draws it reads back as its images, pixel for pixel', async () => {
  const grey = fixture.subarray(0, 12 * 784);
  const path = join(tmp, 'grid.png');
  writeFileSync(path, gridPng(grey, { count: 12, rows: 28, cols: 28, gridCols: 4, scale: 2, pad: 2 }));
  const s = unwrap(await readSamples(path));
  assert.is(s.count, 12);
  assert.ok(s.images.every((v, i) => Math.abs(v - (grey[i] / 127.5 - 1)) < 1e-6));
});

test('an IDX file of samples reads back; a file of 27x27 images is refused', async () => {
  const path = join(tmp, 'samples-idx3-ubyte');
  writeFileSync(path, encodeIdx([32, 28, 28], fixture));
  assert.is(unwrap(await readSamples(path)).count, 32);
  const small = join(tmp, 'small-idx3-ubyte');
  writeFileSync(small, encodeIdx([1, 27, 27], new Uint8Array(27 * 27)));
  const r = await readSamples(small);
  assert.ok(
    r._tag === 'Left' && r.left === `--samples: ${small} holds images of 27x27, expected 28x28`,
    JSON.stringify(r),
  );
});

test('scripts/evaluate.ts: scores IDX samples, prints one JSON line with --json and writes it beside them', () => {
  const path = join(tmp, 'real-idx3-ubyte');
  writeFileSync(path, encodeIdx([32, 28, 28], fixture));
  const r = runScript('scripts/evaluate.ts', ['--samples', path, '--json']);
  assert.is(r.code, 0, r.stderr);
  const q = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
  for (const k of ['fid', 'classifierScore', 'recognisable', 'precision', 'recall']) assert.type(q[k], 'number', k);
  assert.is(q.samples, 32);
  assert.ok(q.recognisable > 0.9, `real digits are recognisable: ${q.recognisable}`);
  assert.equal(JSON.parse(readFileSync(`${path}.quality.json`, 'utf8')).fid, q.fid);
});

test('scripts/evaluate.ts: bad input is one line and exit 2, nothing written', async () => {
  const cases: [string[], string][] = [
    [[], 'expected exactly one of --model, --samples, --real, --untrained, got none (see --help)'],
    [
      ['--real', '--samples', 'x'],
      'expected exactly one of --model, --samples, --real, --untrained, got --samples and --real (see --help)',
    ],
    [['--real', '--n', 'many'], "--n: expected an integer >= 10, got 'many'"],
    [
      ['--samples', join(tmp, 'none.idx')],
      `--samples: no such file: ${join(tmp, 'none.idx')} (expected an IDX images file or a PNG grid)`,
    ],
    [
      ['--untrained', 'wgan'],
      "--untrained: expected one of mlp-gbn, mlp-bn, mlp-dropout, mlp-small, mlp, dcgan, dcgan-64, dcgan-strided, cgan, acgan, got 'wgan'",
    ],
    [['--model', join(tmp, 'nothing')], `--model: no such file or folder: ${join(tmp, 'nothing')}`],
  ];
  const ran = await Promise.all(cases.map(([argv]) => runScriptAsync('scripts/evaluate.ts', argv)));
  cases.forEach(([argv, message], i) => {
    assert.is(ran[i].stderr, `error: ${message}\n`, argv.join(' '));
    assert.is(ran[i].code, 2);
  });
  assert.not.ok(existsSync(join(tmp, 'none.idx.quality.json')));
});

test.run();
